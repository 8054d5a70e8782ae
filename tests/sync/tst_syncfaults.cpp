// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// An outside tester's findings, each as the kind of fault it was: an edit
// that could stay Sent forever (its model had no usable subscription), an
// attempt that could stay Connecting forever (a server that never answers),
// a model that was not loading before its first snapshot, a push with stale
// numbers after the server's database was replaced, and two clients with
// one clientId knocking each other off forever.

#include "syncfixture.h"

#include <optimist/errorcodes.h>
#include <optimist/syncclient.h>
#include <optimist/transaction.h>

#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocketServer>

using namespace Qt::StringLiterals;
using namespace Optimist;
using namespace OptimistTest;

namespace {

QVariantMap todo(const QString &id)
{
    return { { u"id"_s, id }, { u"title"_s, QString(u"title of "_s + id) } };
}

//! A valid filter of exactly \a length characters (the server refuses more than 4,096).
QString filterOfLength(int length)
{
    const QString head = u"record.title != '"_s;
    return head + QString(length - head.size() - 1, u'x') + u"'"_s;
}

//! Accepts connections on 127.0.0.1 and never says a word: as TCP only, or
//! completing the WebSocket handshake but never sending a welcome.
class SilentServer : public QObject {
public:
    enum Kind { Tcp, WebSocket };
    QTcpServer tcp;
    QWebSocketServer ws { u"silent"_s, QWebSocketServer::NonSecureMode };
    int connections = 0;

    bool listen(Kind kind)
    {
        if (kind == Tcp) {
            connect(&tcp, &QTcpServer::newConnection, this, [this] {
                while (QTcpSocket *socket = tcp.nextPendingConnection()) {
                    socket->setParent(this);
                    ++connections;
                }
            });
            return tcp.listen(QHostAddress::LocalHost, 0);
        }
        connect(&ws, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = ws.nextPendingConnection()) {
                socket->setParent(this);
                ++connections;
            }
        });
        return ws.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const
    {
        const quint16 port = tcp.isListening() ? tcp.serverPort() : ws.serverPort();
        return QUrl(u"ws://127.0.0.1:%1"_s.arg(port));
    }
};

//! The ids a fresh peer sees on \a url.
QStringList idsOn(const QUrl &url)
{
    Peer reader = makePeer(url, u"reader"_s);
    if (!QTest::qWaitFor([&] { return isLive(reader); }, 10000))
        return { u"<not loaded>"_s };
    QStringList ids = reader.records().keys();
    ids.sort();
    return ids;
}

} // namespace

class tst_SyncFaults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ---- 1. an edit settles whatever its model's subscription

    void editThroughAnUnusableFilterIsRefusedAtOnce_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QString>("errorHas");
        QTest::newRow("a syntax error (here)") << u"(record.done == true"_s << u"expected ')'"_s;
        QTest::newRow("one past the server's 4,096 characters") << filterOfLength(4097) << u"4096"_s;
        QTest::newRow("far past the server's limit") << filterOfLength(20000) << u"4096"_s;
    }

    void editThroughAnUnusableFilterIsRefusedAtOnce()
    {
        QFETCH(QString, filter);
        QFETCH(QString, errorHas);
        TestServer server;
        QVERIFY(server.start());
        Peer peer = makePeer(server.server->url(), u"alice"_s);
        peer.model->setFilter(filter);
        QTRY_COMPARE(peer.client->state(), SyncClient::Connected);
        QTRY_VERIFY(!peer.model->errorString().isEmpty());
        QVERIFY2(peer.model->errorString().contains(errorHas), qPrintable(peer.model->errorString()));

        QPointer<Transaction> tx = peer.model->insert(todo(u"t1"_s));
        QVERIFY(tx);
        tx->setAutoDelete(false); // the model deletes it
        QTRY_COMPARE(tx->state(), Transaction::Rejected);
        QCOMPARE(tx->errorCode(), QString(ErrorCode::InvalidFilter));
        QVERIFY2(tx->errorString().contains(errorHas), qPrintable(tx->errorString()));
        QCOMPARE(peer.model->pendingCount(), 0);
        QCOMPARE(peer.client->outboxCount(), 0);
        // Never sent.
        QCOMPARE(idsOn(server.server->url()), QStringList());
    }

    void editBeforeTheRefusalIsSettled_data()
    {
        QTest::addColumn<QString>("collection");
        QTest::addColumn<QString>("filter");
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("code");
        QTest::newRow("invalid_filter: accepted on the ack")
            << u"todos"_s << filterOfLength(4097) << int(Transaction::Accepted) << QString();
        QTest::newRow("unknown_collection: rejected")
            << u"nope"_s << QString() << int(Transaction::Rejected) << QString(ErrorCode::UnknownCollection);
    }

    void editBeforeTheRefusalIsSettled()
    {
        QFETCH(QString, collection);
        QFETCH(QString, filter);
        QFETCH(int, state);
        QFETCH(QString, code);
        TestServer server;
        QVERIFY(server.start());
        // Committed offline: it is pushed right after the subscribe the server refuses.
        Peer peer = makePeer({}, u"alice"_s);
        peer.model->setClient(nullptr);
        peer.model->setCollection(collection);
        peer.model->setFilter(filter);
        peer.model->setClient(peer.client.get());
        QPointer<Transaction> tx = peer.model->insert(todo(u"t1"_s));
        QVERIFY(tx);
        tx->setAutoDelete(false); // the model deletes it
        peer.client->setUrl(server.server->url());

        QTRY_VERIFY(!peer.model->errorString().isEmpty());
        QTRY_VERIFY2(tx->isFinished(), "the edit stays Sent");
        QCOMPARE(int(tx->state()), state);
        QCOMPARE(tx->errorCode(), code);
        QCOMPARE(peer.model->pendingCount(), 0);
        QTRY_COMPARE(peer.client->outboxCount(), 0);
    }

    void editOfAnUnboundModelIsSettled()
    {
        TestServer server;
        QVERIFY(server.start());
        Peer peer = makePeer(server.server->url(), u"alice"_s);
        QTRY_VERIFY(isLive(peer));
        QPointer<Transaction> tx = peer.model->insert(todo(u"t1"_s));
        tx->setAutoDelete(false); // the model deletes it
        // Unbound before the push leaves: it is still sent (detachModel()).
        peer.model->setClient(nullptr);
        QTRY_VERIFY2(tx->isFinished(), "the edit stays Sent");
        QCOMPARE(tx->state(), Transaction::Accepted);
        QCOMPARE(peer.model->pendingCount(), 0);
        QCOMPARE(idsOn(server.server->url()), QStringList { u"t1"_s });
    }

    void filterMadeUnusableWithAnEditInFlight()
    {
        TestServer server;
        QVERIFY(server.start());
        Peer peer = makePeer(server.server->url(), u"alice"_s);
        peer.model->setFilter(u"record.done == false"_s);
        QTRY_VERIFY(isLive(peer));
        QPointer<Transaction> tx = peer.model->insert(todo(u"t1"_s));
        tx->setAutoDelete(false); // the model deletes it
        // The filter breaks as the push leaves: no delta of it will come.
        connect(tx.data(), &Transaction::stateChanged, this, [&] {
            if (tx->state() == Transaction::Sent)
                peer.model->setFilter(u"(record.done"_s);
        });
        QTRY_VERIFY2(tx->isFinished(), "the edit stays Sent");
        QCOMPARE(tx->state(), Transaction::Accepted);
        QCOMPARE(peer.model->pendingCount(), 0);
    }

    // ---- 2. a bound on connect → welcome

    void silentServerTimesOut_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("stage");
        QTest::newRow("TCP accepted, no WebSocket handshake") << int(SilentServer::Tcp) << u"no WebSocket handshake"_s;
        QTest::newRow("WebSocket accepted, no welcome") << int(SilentServer::WebSocket) << u"no welcome"_s;
    }

    void silentServerTimesOut()
    {
        QFETCH(int, kind);
        QFETCH(QString, stage);
        SilentServer silent;
        QVERIFY(silent.listen(SilentServer::Kind(kind)));
        Peer peer = makePeer({}, u"alice"_s);
        QCOMPARE(peer.client->connectTimeoutMs(), 10000);
        QSignalSpy timeoutChanges(peer.client.get(), &SyncClient::connectTimeoutMsChanged);
        peer.client->setConnectTimeoutMs(300);
        QCOMPARE(timeoutChanges.size(), 1);
        QSignalSpy errors(peer.client.get(), &SyncClient::errorOccurred);
        peer.client->setUrl(silent.url());

        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 10000);
        QCOMPARE(errors.first().at(0).toString(), QString(ErrorCode::ConnectionFailed));
        const QString message = errors.first().at(1).toString();
        QVERIFY2(message.contains(u"did not answer within 0.3 s"_s), qPrintable(message));
        QVERIFY2(message.contains(stage), qPrintable(message));
        QVERIFY2(message.contains(silent.url().toDisplayString()), qPrintable(message));
        QCOMPARE(peer.client->errorString(), message);
        // It retries, and a retry that fails alike is not told again.
        QTRY_VERIFY_WITH_TIMEOUT(silent.connections >= 3, 15000);
        QVERIFY(peer.client->state() == SyncClient::Reconnecting);
        QCOMPARE(errors.size(), 1);
        QVERIFY(peer.model->isLoading());
    }

    void noBoundWhenZero()
    {
        SilentServer silent;
        QVERIFY(silent.listen(SilentServer::WebSocket));
        Peer peer = makePeer({}, u"alice"_s);
        peer.client->setConnectTimeoutMs(-5);
        QCOMPARE(peer.client->connectTimeoutMs(), 0);
        QSignalSpy errors(peer.client.get(), &SyncClient::errorOccurred);
        peer.client->setUrl(silent.url());
        QTRY_COMPARE(silent.connections, 1);
        QTest::qWait(300);
        QVERIFY(errors.isEmpty());
        QCOMPARE(peer.client->state(), SyncClient::Connecting);
    }

    // ---- 3. loading from binding to the first snapshot

    void loadingFromBindingToTheFirstSnapshot()
    {
        TestServer server;
        QVERIFY(server.start());
        Peer peer = makePeer({}, u"alice"_s);
        QVERIFY(peer.model->isLoading());
        peer.client->setUrl(server.server->url());
        QTRY_VERIFY(isLive(peer));
        QVERIFY(!peer.model->isLoading());
        peer.model->setClient(nullptr);
        QVERIFY(!peer.model->isLoading());
    }

    void loadingWhileTheServerCannotBeReached()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QUrl url(u"ws://127.0.0.1:%1"_s.arg(probe.serverPort()));
        probe.close();
        Peer peer = makePeer(url, u"alice"_s);
        QSignalSpy errors(peer.client.get(), &SyncClient::errorOccurred);
        QTRY_VERIFY(!errors.isEmpty());
        QVERIFY(peer.model->isLoading());
        QCOMPARE(peer.model->count(), 0);
    }

    void closeShouldForgetTheRetryTime()
    {
        // Given a client waiting to retry a server that cannot be reached
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QUrl url(u"ws://127.0.0.1:%1"_s.arg(probe.serverPort()));
        probe.close();
        Peer peer = makePeer(url, u"alice"_s);
        QTRY_VERIFY(peer.client->nextRetryAt().isValid());
        QSignalSpy retryChanged(peer.client.get(), &SyncClient::nextRetryAtChanged);
        // When the app closes it
        peer.client->close();
        // Then no retry is due, and a binding to nextRetryAt hears of it
        QCOMPARE(peer.client->state(), SyncClient::Disconnected);
        QVERIFY(!peer.client->nextRetryAt().isValid());
        QCOMPARE(retryChanged.size(), 1);
    }

    void loadingEndsWhenTheClientIsRefused()
    {
        TestServer guarded;
        QVERIFY(guarded.start(R"({"collections": {"todos": {"fields": [{"name": "title", "type": "string"}]}},
                                  "tokens": ["right"]})"));
        Peer peer = makePeer({}, u"alice"_s);
        peer.client->setToken(u"wrong"_s);
        peer.client->setUrl(guarded.server->url());
        QVERIFY(peer.model->isLoading());
        QTRY_COMPARE(peer.client->state(), SyncClient::Disconnected);
        QTRY_VERIFY(!peer.model->isLoading());
    }

    void loadingEndsForAnUnusableFilter()
    {
        Peer peer = makePeer({}, u"alice"_s);
        QVERIFY(peer.model->isLoading());
        peer.model->setFilter(u"(record.done"_s);
        QVERIFY(!peer.model->isLoading());
    }

    // ---- 4. a server with a fresh database at the same address

    void freshDatabaseAtTheSameAddress()
    {
        auto first = std::make_unique<TestServer>();
        QVERIFY(first->start());
        const QUrl url = first->server->url();
        const quint16 port = first->server->port();
        Peer peer = makePeer(url, u"alice"_s);
        QTRY_VERIFY(isLive(peer));
        QList<QPointer<Transaction>> txs;
        int accepted = 0;
        const auto edit = [&](const QString &id) {
            txs.append(peer.model->insert(todo(id)));
            connect(txs.last().data(), &Transaction::accepted, this, [&accepted] { ++accepted; });
        };
        edit(u"a1"_s);
        edit(u"a2"_s);
        QTRY_COMPARE(accepted, 2);

        QSignalSpy errors(peer.client.get(), &SyncClient::errorOccurred);
        edit(u"b1"_s); // numbered 3 at once, perhaps sent
        first.reset();
        edit(u"b2"_s); // offline
        QTRY_VERIFY(peer.client->state() != SyncClient::Connected);
        TestServer second;
        second.server = std::make_unique<Optimist::Server>();
        QString error;
        second.server->setConfig(Optimist::ServerConfig::fromJson(todoServerConfig(), &error));
        second.server->setDatabasePath(second.databasePath());
        QVERIFY(second.server->listen(QHostAddress::LocalHost, port));

        QTRY_COMPARE_WITH_TIMEOUT(accepted, 4, 15000);
        QTRY_COMPARE(peer.client->outboxCount(), 0);
        for (const QList<QVariant> &e : std::as_const(errors))
            QVERIFY2(e.at(0).toString() == ErrorCode::ConnectionFailed, qPrintable(e.at(1).toString()));
        QCOMPARE(idsOn(url), (QStringList { u"b1"_s, u"b2"_s }));
    }

    // ---- 5. one clientId, two clients

    void replacedConnectionDoesNotReconnect()
    {
        TestServer server;
        QVERIFY(server.start());
        Peer older = makePeer(server.server->url(), u"same"_s);
        QTRY_VERIFY(isLive(older));
        QSignalSpy errors(older.client.get(), &SyncClient::errorOccurred);
        Peer newer = makePeer(server.server->url(), u"same"_s);
        QSignalSpy newerErrors(newer.client.get(), &SyncClient::errorOccurred);

        QTRY_COMPARE(older.client->state(), SyncClient::Disconnected);
        QTRY_COMPARE(errors.size(), 1);
        QCOMPARE(errors.first().at(0).toString(), QString(ErrorCode::Replaced));
        QCOMPARE(older.client->errorString(), errors.first().at(1).toString());
        QVERIFY2(older.client->errorString().contains(u"client id"_s), qPrintable(older.client->errorString()));
        QTRY_VERIFY(isLive(newer));
        // Longer than the backoff (at most 200 ms here): the older one stays put.
        QTest::qWait(500);
        QCOMPARE(older.client->state(), SyncClient::Disconnected);
        QCOMPARE(newer.client->state(), SyncClient::Connected);
        QCOMPARE(newerErrors.size(), 0);

        // open() takes over again, on purpose.
        older.client->open();
        QTRY_VERIFY(isLive(older));
        QTRY_COMPARE(newer.client->state(), SyncClient::Disconnected);
    }
};

QTEST_GUILESS_MAIN(tst_SyncFaults)

#include "tst_syncfaults.moc"
