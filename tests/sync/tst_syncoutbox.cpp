// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// SyncClient's outbox at the edges of the server's limits (issue 9, part 2):
// pushes split to fit, transactions that can never fit refused before they
// are sent, refusals of a push recovered from, reconnects that back off.

#include "syncfixture.h"

#include <optimist/errorcodes.h>
#include <optimist/transaction.h>

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocketServer>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::ListModel;
using Optimist::SyncClient;
using Optimist::Transaction;

//! Todos without a length rule on the title, and these limits.
static QByteArray configWithLimits(const QByteArray &limits)
{
    return R"({"collections": {"todos": {"fields": [
        {"name": "title", "type": "string", "required": true},
        {"name": "done", "type": "bool", "default": false}]}}, "limits": )"
        + limits + "}";
}

//! The UTF-8 size of the push frame a fresh client sends for its first
//! transaction: one insert of "edge" with a title of \a titleLength.
static qsizetype firstPushBytes(int titleLength)
{
    const QJsonObject mutation { { u"op"_s, u"insert"_s }, { u"collection"_s, u"todos"_s }, { u"id"_s, u"edge"_s },
        { u"fields"_s, QJsonObject { { u"title"_s, QString(titleLength, u'x') }, { u"done"_s, false } } } };
    const QJsonObject push { { u"type"_s, u"push"_s }, { u"settledTx"_s, 0 },
        { u"transactions"_s,
            QJsonArray { QJsonObject { { u"tx"_s, 1 }, { u"mutations"_s, QJsonArray { mutation } } } } } };
    return QJsonDocument(push).toJson(QJsonDocument::Compact).size();
}

//! A server that welcomes each client, then closes the connection with
//! close code 4004 "too slow" — at once, or after stayUpMs.
class ClosingServer : public QObject {
public:
    QWebSocketServer server { u"closing"_s, QWebSocketServer::NonSecureMode };
    int connections = 0;
    int stayUpMs = 0; //!< for connections after the first staysUpAfter
    int staysUpAfter = 1 << 30;

    ClosingServer()
    {
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = server.nextPendingConnection())
                serve(socket);
        });
    }

private:
    void serve(QWebSocket *socket)
    {
        socket->setParent(this);
        const int stay = ++connections > staysUpAfter ? stayUpMs : 0;
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QWebSocket::textMessageReceived, socket, [socket, stay](const QString &frame) {
            const QJsonObject message = QJsonDocument::fromJson(frame.toUtf8()).object();
            if (message.value(u"type"_s) == u"ping"_s) {
                socket->sendTextMessage(QString::fromUtf8(
                    QJsonDocument(QJsonObject { { u"type"_s, u"pong"_s } }).toJson(QJsonDocument::Compact)));
                return;
            }
            if (message.value(u"type"_s) != u"hello"_s)
                return;
            const QJsonObject welcome { { u"type"_s, u"welcome"_s }, { u"protocol"_s, 1 },
                { u"clientId"_s, message.value(u"clientId"_s) }, { u"serverId"_s, u"closing"_s },
                { u"heartbeatMs"_s, 100 }, { u"lastTx"_s, 0 } };
            socket->sendTextMessage(QString::fromUtf8(QJsonDocument(welcome).toJson(QJsonDocument::Compact)));
            QTimer::singleShot(
                stay, socket, [socket] { socket->close(QWebSocketProtocol::CloseCode(4004), u"too slow"_s); });
        });
    }
};

//! A scripted server keeping the ledger of docs/protocol.md for one client:
//! it takes numbers contiguously and acks them, answers pings, and refuses
//! pushes as scripted — so that a test can make it answer what the
//! reference server never sends the reference client.
class LedgerServer : public QObject {
public:
    QWebSocketServer server { u"ledger"_s, QWebSocketServer::NonSecureMode };
    qint64 takenTx = 0;
    QList<qint64> applied; //!< numbers taken as new, in order
    //! Refusals for the next pushes: {code, take (transactions taken
    //! first), retryAfterMs, noExpectedTx}.
    QList<QJsonObject> script;
    QString unreadableId; //!< a push holding this record id is refused too_large
    QJsonObject limits; //!< the welcome's

    LedgerServer()
    {
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QWebSocket::textMessageReceived, socket,
                    [this, socket](const QString &frame) { onMessage(socket, frame); });
            }
        });
    }

private:
    static void send(QWebSocket *socket, const QJsonObject &message)
    {
        socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }

    void onMessage(QWebSocket *socket, const QString &frame)
    {
        const QJsonObject message = QJsonDocument::fromJson(frame.toUtf8()).object();
        const QString type = message.value(u"type"_s).toString();
        if (type == u"ping"_s)
            send(socket, { { u"type"_s, u"pong"_s }, { u"id"_s, message.value(u"id"_s) } });
        if (type == u"hello"_s) {
            send(socket,
                { { u"type"_s, u"welcome"_s }, { u"protocol"_s, 1 }, { u"clientId"_s, message.value(u"clientId"_s) },
                    { u"serverId"_s, u"ledger"_s }, { u"heartbeatMs"_s, 15000 }, { u"lastTx"_s, 0 },
                    { u"limits"_s, limits } });
        }
        if (type == u"push"_s)
            onPush(socket, frame, message.value(u"transactions"_s).toArray());
    }

    void refuse(QWebSocket *socket, const QJsonObject &how)
    {
        QJsonObject error { { u"type"_s, u"error"_s }, { u"code"_s, how.value(u"code"_s) },
            { u"message"_s, u"scripted"_s }, { u"ref"_s, u"push"_s } };
        if (!how.value(u"noExpectedTx"_s).toBool())
            error.insert(u"expectedTx"_s, takenTx + 1);
        if (how.value(u"code"_s) == u"rate_limited"_s)
            error.insert(u"retryAfterMs"_s, how.value(u"retryAfterMs"_s).toInt(30));
        send(socket, error);
    }

    void onPush(QWebSocket *socket, const QString &frame, const QJsonArray &transactions)
    {
        QJsonObject how = script.isEmpty() ? QJsonObject() : script.takeFirst();
        if (how.isEmpty() && !unreadableId.isEmpty() && frame.contains(u"\"id\":\""_s + unreadableId + u'"'))
            how = { { u"code"_s, u"too_large"_s } };
        const int take = how.isEmpty() ? int(transactions.size()) : how.value(u"take"_s).toInt();
        for (int i = 0; i < transactions.size(); ++i) {
            const qint64 tx = transactions.at(i).toObject().value(u"tx"_s).toInteger();
            if (i == take || tx > takenTx + 1)
                return refuse(socket, i == take ? how : QJsonObject { { u"code"_s, u"out_of_order"_s } });
            if (tx == takenTx + 1)
                applied.append(++takenTx);
            send(socket, { { u"type"_s, u"ack"_s }, { u"tx"_s, tx }, { u"cursors"_s, QJsonObject() } });
        }
    }
};

class tst_SyncOutbox : public QObject {
    Q_OBJECT

private:
    static bool restart(TestServer &server, quint16 port, const QByteArray &config)
    {
        server.server = std::make_unique<Optimist::Server>();
        QString error;
        server.server->setConfig(Optimist::ServerConfig::fromJson(config, &error));
        server.server->setDatabasePath(server.databasePath());
        return error.isEmpty() && server.server->listen(QHostAddress::LocalHost, port);
    }

    static Peer makeStoringPeer(const QUrl &url, const QString &directory)
    {
        Peer peer = makePeer({}, u"carol"_s);
        peer.client->setStorageDirectory(directory);
        peer.client->setUrl(url);
        return peer;
    }

private Q_SLOTS:
    void shouldSettleManyLargeInsertsOfOneEventLoopPass()
    {
        // Given the default limits, and 250 inserts of 5,000 characters
        // each made in one pass: more than one push can carry
        TestServer server;
        QVERIFY(server.start(configWithLimits("{}")));
        Peer alice = makePeer(server.server->url(), u"alice"_s);
        Peer bob = makePeer(server.server->url(), u"bob"_s);
        QTRY_VERIFY(isLive(alice));
        QTRY_VERIFY(isLive(bob));
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 250; ++i) {
            Transaction *tx
                = alice.model->insert({ { u"id"_s, u"r%1"_s.arg(i) }, { u"title"_s, QString(5000, u'x') } });
            connect(tx, &Transaction::accepted, this, [&] { ++accepted; });
            connect(tx, &Transaction::rejected, this, [&] { ++rejected; });
        }

        // Then every one is accepted, and Bob sees them all.
        QTRY_COMPARE_WITH_TIMEOUT(accepted, 250, 60000);
        QCOMPARE(rejected, 0);
        QTRY_COMPARE_WITH_TIMEOUT(bob.model->count(), 250, 30000);
        QCOMPARE(alice.client->outboxCount(), 0);
    }

    void shouldSettleTransactionsOfAThousandInsertsUnderTheExampleLimits()
    {
        // Given the server of examples/config/todos.json
        QFile file(QStringLiteral(OPTIMIST_SOURCE_DIR "/examples/config/todos.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        TestServer server;
        QVERIFY(server.start(file.readAll()));
        Peer alice = makePeer(server.server->url(), u"alice"_s);
        Peer bob = makePeer(server.server->url(), u"bob"_s);
        QTRY_VERIFY(isLive(alice));
        QTRY_VERIFY(isLive(bob));

        // When Alice commits four transactions of 1,000 inserts each
        std::vector<std::unique_ptr<Transaction>> transactions;
        for (int t = 0; t < 4; ++t) {
            transactions.push_back(std::make_unique<Transaction>());
            transactions.back()->run([&] {
                for (int i = 0; i < 1000; ++i)
                    alice.model->insert({ { u"id"_s, u"t%1-%2"_s.arg(t).arg(i) }, { u"title"_s, QString(200, u'y') } });
            });
        }

        // Then all four settle as accepted, and Bob sees every record.
        for (const auto &tx : transactions)
            QTRY_COMPARE_WITH_TIMEOUT(tx->state(), Transaction::Accepted, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(bob.model->count(), 4000, 30000);
    }

    void shouldRefuseATransactionThatCanNeverFitAndSendTheRest_data()
    {
        QTest::addColumn<int>("titleLength");
        QTest::addColumn<QString>("when");
        for (int length : { 70000, 300000 }) {
            for (const QString &when : { u"online"_s, u"offline"_s, u"after a restart"_s })
                QTest::addRow("%d characters, %s", length, qPrintable(when)) << length << when;
        }
    }

    void shouldRefuseATransactionThatCanNeverFitAndSendTheRest()
    {
        QFETCH(int, titleLength);
        QFETCH(QString, when);
        // Given a server reading frames of at most 65,536 bytes
        const QByteArray config = configWithLimits(R"({"maxFrameBytes": 65536})");
        TestServer server;
        QVERIFY(server.start(config));
        const quint16 port = server.server->port();
        const QUrl url = server.server->url();
        Peer bob = makePeer(url, u"bob"_s);
        QTRY_VERIFY(isLive(bob));
        QTemporaryDir storage;
        Peer alice = when == u"after a restart"_s ? makeStoringPeer(url, storage.path()) : makePeer(url, u"alice"_s);
        QTRY_VERIFY(isLive(alice));
        if (when != u"online"_s)
            server.server.reset(); // offline, having seen the limits
        if (when == u"after a restart"_s) {
            alice = {};
            alice = makeStoringPeer(url, storage.path()); // never welcomed in this run
        }
        QSignalSpy states(alice.client.get(), &SyncClient::stateChanged);

        // When Alice inserts a record with a title of titleLength characters,
        // then edits on
        QPointer<Transaction> big
            = alice.model->insert({ { u"id"_s, u"big"_s }, { u"title"_s, QString(titleLength, u'x') } });
        alice.model->insert({ { u"id"_s, u"after"_s }, { u"title"_s, u"after"_s } });
        if (when == u"after a restart"_s) {
            // (the app quits offline and starts again: the refusal comes
            // at the welcome, to the transaction the restore shows)
            alice = {};
            big = nullptr;
            alice = makeStoringPeer(url, storage.path());
            QTRY_COMPARE(alice.model->count(), 2);
        }
        if (when != u"online"_s)
            QVERIFY(restart(server, port, config));

        // Then the big one is refused too_large and rolled back, before it
        // was ever sent
        if (big) {
            QTRY_COMPARE(big->state(), Transaction::Rejected);
            QCOMPARE(big->errorCode(), QString(Optimist::ErrorCode::TooLarge));
            QVERIFY2(big->errorString().contains(u"maxFrameBytes"_s), qPrintable(big->errorString()));
        }
        QTRY_VERIFY(isLive(alice));
        QTRY_VERIFY(!alice.model->contains(u"big"_s));
        // and the edit after it reaches the server and Bob.
        QTRY_VERIFY(bob.model->contains(u"after"_s));
        QTRY_COMPARE(alice.client->outboxCount(), 0);
        QVERIFY(!bob.model->contains(u"big"_s));
        QCOMPARE(server.server->appliedTransactionCount(), 1);
        if (when == u"online"_s) // no reconnect in between
            QCOMPARE(states.size(), 0);
    }

    void shouldSendWhatFitsTheLimitsExactlyAndRefuseOneMore_data()
    {
        QTest::addColumn<int>("extraBytes");
        QTest::addColumn<int>("inserts");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("push of exactly maxFrameBytes") << 0 << 1 << true;
        QTest::newRow("one byte over maxFrameBytes") << 1 << 1 << false;
        QTest::newRow("far over maxFrameBytes") << 100000 << 1 << false;
        QTest::newRow("exactly maxMutationsPerTransaction") << -1 << 10 << true;
        QTest::newRow("one mutation too many") << -1 << 11 << false;
        QTest::newRow("far too many mutations") << -1 << 1000 << false;
    }

    void shouldSendWhatFitsTheLimitsExactlyAndRefuseOneMore()
    {
        QFETCH(int, extraBytes);
        QFETCH(int, inserts);
        QFETCH(bool, accepted);
        // Given a server of 65,536-byte frames and 10 mutations per transaction
        TestServer server;
        QVERIFY(server.start(configWithLimits(R"({"maxFrameBytes": 65536, "maxMutationsPerTransaction": 10})")));
        QSignalSpy serverRejected(server.server.get(), &Optimist::Server::transactionRejected);
        Peer alice = makePeer(server.server->url(), u"alice"_s);
        QTRY_VERIFY(isLive(alice));

        // When Alice's first transaction needs a push of 65,536 + extraBytes
        // bytes, or holds this many inserts
        Transaction tx;
        QSignalSpy states(&tx, &Transaction::stateChanged);
        QSignalSpy finished(&tx, &Transaction::finished);
        tx.run([&] {
            if (extraBytes >= 0) {
                const int title = int(65536 - firstPushBytes(0)) + extraBytes;
                QCOMPARE(firstPushBytes(title), 65536 + extraBytes);
                alice.model->insert(
                    { { u"id"_s, u"edge"_s }, { u"title"_s, QString(title, u'x') }, { u"done"_s, false } });
                return;
            }
            for (int i = 0; i < inserts; ++i)
                alice.model->insert({ { u"id"_s, u"m%1"_s.arg(i) }, { u"title"_s, u"m"_s } });
        });

        // Then the server applies it, or the client refuses it without
        // sending it (it never was Sent).
        QTRY_COMPARE(finished.size(), 1);
        if (accepted) {
            QCOMPARE(tx.state(), Transaction::Accepted);
            QCOMPARE(server.server->appliedTransactionCount(), 1);
        } else {
            QCOMPARE(tx.state(), Transaction::Rejected);
            QCOMPARE(tx.errorCode(), QString(Optimist::ErrorCode::TooLarge));
            QCOMPARE(states.size(), 1);
            QCOMPARE(alice.model->count(), 0);
            QCOMPARE(serverRejected.size(), 0);
        }
        // and the next one goes through, numbered 1 if the refused one
        // never took a number.
        QSignalSpy applied(server.server.get(), &Optimist::Server::transactionApplied);
        alice.model->insert({ { u"id"_s, u"next"_s }, { u"title"_s, u"next"_s } });
        QTRY_COMPARE(applied.size(), 1);
        QCOMPARE(applied.first().at(1).toLongLong(), accepted ? 2 : 1);
    }

    void shouldBackOffFromAServerThatClosesEachConnectionAfterItsWelcome()
    {
        // Given a server that welcomes, then closes with 4004 "too slow"
        ClosingServer closing;
        QVERIFY(closing.server.listen(QHostAddress::LocalHost, 0));
        SyncClient client;
        client.setClientId(u"dora"_s);
        client.setInitialBackoffMs(10);
        client.setBackoffFactor(4);
        client.setMaxBackoffMs(100000);
        QSignalSpy states(&client, &SyncClient::stateChanged);
        QList<qint64> waits;
        connect(&client, &SyncClient::nextRetryAtChanged, this, [&] {
            if (client.nextRetryAt().isValid())
                waits.append(QDateTime::currentDateTimeUtc().msecsTo(client.nextRetryAt()));
        });
        client.setUrl(closing.server.serverUrl());

        // Then it says why each connection ended
        QTRY_VERIFY_WITH_TIMEOUT(closing.connections >= 6, 20000);
        QTRY_VERIFY(waits.size() >= 6);
        QCOMPARE(client.errorString(), u"the server closed the connection: 4004 too slow"_s);
        // and its waits grow past the first one's ceiling (a welcome alone
        // does not count as a healthy connection), with no state flapping
        // in between: no tight reconnect loop.
        QVERIFY2(*std::max_element(waits.cbegin(), waits.cend()) > 12, qPrintable(QDebug::toString(waits)));
        QVERIFY2(states.size() <= 3 * closing.connections, qPrintable(QString::number(states.size())));
        client.close();
    }

    void shouldResetTheBackoffOnceAConnectionStayedUp()
    {
        // Given a server that closes at once three times, then keeps the
        // fourth connection longer than its heartbeat (100 ms)
        ClosingServer closing;
        closing.staysUpAfter = 3;
        closing.stayUpMs = 400;
        QVERIFY(closing.server.listen(QHostAddress::LocalHost, 0));
        SyncClient client;
        client.setClientId(u"dora"_s);
        client.setInitialBackoffMs(5);
        client.setBackoffFactor(4);
        client.setMaxBackoffMs(100000);
        QList<qint64> waits;
        connect(&client, &SyncClient::nextRetryAtChanged, this, [&] {
            if (client.nextRetryAt().isValid())
                waits.append(QDateTime::currentDateTimeUtc().msecsTo(client.nextRetryAt()));
        });
        client.setUrl(closing.server.serverUrl());

        // Then the wait after the long connection starts over from the first
        // ceiling.
        QTRY_COMPARE_WITH_TIMEOUT(waits.size(), 4, 20000);
        QVERIFY2(waits.last() <= 5, qPrintable(QDebug::toString(waits)));
        client.close();
    }

    void shouldRecoverFromARefusedPushByItsExpectedNumber_data()
    {
        QTest::addColumn<QJsonObject>("refusal");
        QTest::addColumn<QString>("unreadableId");
        QTest::addColumn<QStringList>("refusedHere");
        QTest::addColumn<QList<qint64>>("applied");
        QTest::addColumn<int>("maxFrameBytes");
        const QList<qint64> all { 1, 2, 3, 4, 5 };
        QTest::newRow("rate_limited after two taken")
            << QJsonObject { { u"code"_s, u"rate_limited"_s }, { u"take"_s, 2 } } << QString() << QStringList() << all
            << 0;
        QTest::newRow("out_of_order") << QJsonObject { { u"code"_s, u"out_of_order"_s } } << QString() << QStringList()
                                      << all << 0;
        QTest::newRow("too_large, one that cannot be read alone")
            << QJsonObject { { u"code"_s, u"too_large"_s } } << u"r1"_s << QStringList { u"r1"_s }
            << QList<qint64> { 1, 2, 3, 4 } << 0;
        QTest::newRow("invalid_message") << QJsonObject { { u"code"_s, u"invalid_message"_s } } << QString()
                                         << QStringList { u"r0"_s, u"r1"_s, u"r2"_s, u"r3"_s } << QList<qint64> { 1 }
                                         << 0;
        QTest::newRow("rate_limited without expectedTx (an older server)")
            << QJsonObject { { u"code"_s, u"rate_limited"_s }, { u"noExpectedTx"_s, true } } << QString()
            << QStringList() << all << 0;
        // Each insert in a push of its own: the pushes after the refused one
        // are on their way, and are refused too (out_of_order).
        QTest::newRow("rate_limited with more pushes in flight")
            << QJsonObject { { u"code"_s, u"rate_limited"_s } } << QString() << QStringList() << all << 200;
    }

    void shouldRecoverFromARefusedPushByItsExpectedNumber()
    {
        QFETCH(QJsonObject, refusal);
        QFETCH(QString, unreadableId);
        QFETCH(QStringList, refusedHere);
        QFETCH(QList<qint64>, applied);
        QFETCH(int, maxFrameBytes);
        // Given a server that refuses Alice's first push so
        LedgerServer ledger;
        ledger.script = { refusal };
        ledger.unreadableId = unreadableId;
        if (maxFrameBytes > 0)
            ledger.limits = { { u"maxFrameBytes"_s, maxFrameBytes } };
        QVERIFY(ledger.server.listen(QHostAddress::LocalHost, 0));
        Peer alice = makePeer(ledger.server.serverUrl(), u"alice"_s);
        QTRY_COMPARE(alice.client->state(), SyncClient::Connected);

        // When she makes four inserts in one pass
        QMap<QString, QString> outcomes;
        for (int i = 0; i < 4; ++i) {
            const QString id = u"r%1"_s.arg(i);
            Transaction *tx = alice.model->insert({ { u"id"_s, id }, { u"title"_s, id } });
            connect(tx, &Transaction::finished, this, [&outcomes, tx, id] {
                outcomes.insert(id, tx->state() == Transaction::Accepted ? u"accepted"_s : tx->errorCode());
            });
        }

        // Then each settles once: refused here with the refusal's code, or
        // taken by the server exactly once
        QTRY_COMPARE(outcomes.size(), 4);
        for (auto it = outcomes.cbegin(); it != outcomes.cend(); ++it)
            QCOMPARE(it.value(), refusedHere.contains(it.key()) ? refusal.value(u"code"_s).toString() : u"accepted"_s);
        // and the numbers stay contiguous for the next edit.
        alice.model->insert({ { u"id"_s, u"next"_s }, { u"title"_s, u"next"_s } });
        QTRY_COMPARE(alice.client->outboxCount(), 0);
        QCOMPARE(ledger.applied, applied);
    }

    void shouldRenumberFromTheServersExpectedNumber()
    {
        // Given Carol's stored outbox numbered ahead of a new server's ledger
        // (say its database was replaced): it expects 1 next
        TestServer server;
        QVERIFY(server.start(configWithLimits("{}")));
        QTemporaryDir storage;
        auto insert = [](const QString &id) {
            return QJsonArray { QJsonObject { { u"op"_s, u"insert"_s }, { u"collection"_s, u"todos"_s },
                { u"id"_s, id }, { u"fields"_s, QJsonObject { { u"title"_s, id } } } } };
        };
        const QJsonObject stored { { u"clientId"_s, u"carol"_s }, { u"lastTx"_s, 12 },
            { u"transactions"_s,
                QJsonArray { QJsonObject { { u"tx"_s, 11 }, { u"mutations"_s, insert(u"c1"_s) } },
                    QJsonObject { { u"tx"_s, 12 }, { u"mutations"_s, insert(u"c2"_s) } } } } };
        QFile file(storage.filePath(u"outbox-carol.json"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(stored).toJson());
        file.close();
        QSignalSpy applied(server.server.get(), &Optimist::Server::transactionApplied);

        // When Carol connects
        Peer carol = makeStoringPeer(server.server->url(), storage.path());

        // Then her transactions are taken as 1 and 2: the server never
        // skips a number, the client renumbers from the expected one.
        QTRY_COMPARE(applied.size(), 2);
        QCOMPARE(applied.at(0).at(1).toLongLong(), 1);
        QCOMPARE(applied.at(1).at(1).toLongLong(), 2);
        QTRY_COMPARE(carol.client->outboxCount(), 0);
        QTRY_COMPARE(carol.model->count(), 2);
        QTRY_COMPARE(carol.model->pendingCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_SyncOutbox)
#include "tst_syncoutbox.moc"
