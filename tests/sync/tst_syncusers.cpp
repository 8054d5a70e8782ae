// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Another user signing in on the same SyncClient or storage directory:
// what one user edited and the server has not settled is never sent with
// another user's token. It rolls back (user_changed) at the other user's
// welcome, and is gone when the first user signs in again. Checked on the
// frames the client sends (through a relay) and in the server's database.

#include "syncfixture.h"

#include <optimist/developmenttokens.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtNetwork/QTcpServer>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocketServer>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::ListModel;
using Optimist::SyncClient;

namespace {

//! Passes frames between clients and \a upstream, keeping those the clients send.
class Relay : public QObject {
public:
    explicit Relay(const QUrl &upstream)
        : m_upstream(upstream)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *client = m_server.nextPendingConnection())
                relay(client);
        });
    }
    QUrl url() const { return m_server.serverUrl(); }
    QStringList sent; //!< every frame a client sent, in order

private:
    void relay(QWebSocket *client)
    {
        client->setParent(this);
        auto *server = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, client);
        auto *waiting = new QStringList;
        connect(client, &QObject::destroyed, [waiting] { delete waiting; });
        connect(client, &QWebSocket::textMessageReceived, server, [this, server, waiting](const QString &frame) {
            sent.append(frame);
            if (server->state() == QAbstractSocket::ConnectedState)
                server->sendTextMessage(frame);
            else
                waiting->append(frame);
        });
        connect(server, &QWebSocket::connected, server, [server, waiting] {
            for (const QString &frame : std::as_const(*waiting))
                server->sendTextMessage(frame);
            waiting->clear();
        });
        connect(server, &QWebSocket::textMessageReceived, client, &QWebSocket::sendTextMessage);
        // The server's close code and reason go on (client_id_taken's 4009).
        connect(server, &QWebSocket::disconnected, client,
            [client, server] { client->close(server->closeCode(), server->closeReason()); });
        connect(client, &QWebSocket::disconnected, client, [client, server] {
            server->abort();
            client->deleteLater();
        });
        server->open(m_upstream);
    }

    QWebSocketServer m_server { u"relay"_s, QWebSocketServer::NonSecureMode };
    QUrl m_upstream;
};

//! Todos without rules: the server takes any user's write, so only the
//! client can keep one user's edit from going out as another's.
bool startServer(TestServer &server, const Optimist::DevelopmentTokens &tokens)
{
    QString error;
    Optimist::ServerConfig config = Optimist::ServerConfig::fromJson(todoServerConfig(), &error);
    config.setJwt(tokens.jwt());
    server.server = std::make_unique<Optimist::Server>();
    server.server->setConfig(config);
    server.server->setDatabasePath(server.databasePath());
    return error.isEmpty() && server.server->listen(QHostAddress::LocalHost, 0);
}

//! The ids of the records in the server's database at \a path.
QStringList storedIds(const QString &path)
{
    QStringList ids;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(path);
        if (!db.open())
            return { u"cannot open the database"_s };
        QSqlQuery query(u"SELECT id FROM records"_s, db);
        while (query.next())
            ids.append(query.value(0).toString());
        if (query.lastError().isValid())
            ids.append(query.lastError().text());
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    ids.sort();
    return ids;
}

//! A client on \a storage with \a token, with a todos model, through \a relay.
Peer signIn(const Relay &relay, const QString &storage, const QString &token, bool active = true)
{
    // The client's own clientId (kept in the directory): the server binds it
    // to ann, and the client takes a new one when bob is refused it.
    Peer peer = makePeer(QUrl(), QString());
    peer.client->setStorageDirectory(storage);
    peer.client->setToken(token);
    peer.client->setActive(active);
    peer.client->setUrl(relay.url());
    return peer;
}

} // namespace

class tst_SyncUsers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldNeverSendOneUsersEditsWithAnothersToken_data()
    {
        // same: on the same client, a new token; restart: in the next run on
        // the same storage directory; offline: the next run starts with no
        // server, and ann edits her cached records in it
        QTest::addColumn<QString>("how");
        QTest::newRow("the same client, a new token") << u"same"_s;
        QTest::newRow("the next run on the same storage directory") << u"restart"_s;
        QTest::newRow("edits made in the next run before any welcome") << u"offline"_s;
    }

    void shouldNeverSendOneUsersEditsWithAnothersToken()
    {
        QFETCH(QString, how);
        // Given a server that takes any user's writes, and ann's client
        // keeping a storage directory, synced
        Optimist::DevelopmentTokens tokens;
        TestServer server;
        QVERIFY(startServer(server, tokens));
        Relay relay(server.server->url());
        QTemporaryDir storage;
        Peer peer = signIn(relay, storage.path(), tokens.mint(u"ann"_s));
        QTRY_VERIFY(isLive(peer));
        peer.model->insert({ { u"id"_s, u"synced"_s }, { u"title"_s, u"Ann's, synced"_s } });
        QTRY_COMPARE(peer.client->outboxCount(), 0);
        // and edits she makes offline: an insert and an update
        peer.client->close();
        QTRY_COMPARE(peer.client->state(), SyncClient::Disconnected);
        const auto editOffline = [&] {
            peer.model->insert({ { u"id"_s, u"offline"_s }, { u"title"_s, u"Ann's, offline"_s } });
            peer.model->update(u"synced"_s, { { u"done"_s, true } });
            QCOMPARE(peer.client->outboxCount(), 2);
            QTRY_VERIFY(QFile::exists(storage.filePath(u"outbox-%1.json"_s.arg(peer.client->clientId()))));
        };
        if (how != u"offline"_s)
            editOffline();
        const QString token = tokens.mint(u"bob"_s);
        if (how != u"same"_s) {
            peer.tester.reset();
            peer.model.reset();
            peer.client.reset();
            peer = signIn(relay, storage.path(), token, false);
        }
        if (how == u"offline"_s) {
            // (no server: the cache shows her records, whose user she edits as)
            QTcpServer closed;
            QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
            const QUrl nowhere(u"ws://127.0.0.1:%1"_s.arg(closed.serverPort()));
            closed.close();
            peer.client->setUrl(nowhere);
            peer.client->open();
            QTRY_COMPARE(peer.model->rowCount(), 1);
            editOffline();
            peer.client->close();
            peer.client->setUrl(relay.url());
        }

        // When bob signs in on it
        QSignalSpy rolledBack(peer.model.get(), &ListModel::rolledBack);
        QSignalSpy errors(peer.client.get(), &SyncClient::errorOccurred);
        const qsizetype framesBefore = relay.sent.size();
        peer.client->setToken(token);
        peer.client->open();
        QCOMPARE(peer.model->pendingCount(), 2); // (restored: shown on her cached records)
        QTRY_VERIFY(isLive(peer));
        // Then each of ann's edits rolls back, saying why
        QTRY_COMPARE(rolledBack.size(), 2);
        for (const QList<QVariant> &rollback : std::as_const(rolledBack)) {
            QCOMPARE(rollback.at(1).toString(), u"user_changed"_s);
            QVERIFY2(rollback.at(2).toString().contains(u"'ann'"_s), qPrintable(rollback.at(2).toString()));
        }
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().at(0).toString(), u"user_changed"_s);
        QCOMPARE(peer.client->outboxCount(), 0);
        QCOMPARE(peer.model->pendingCount(), 0);
        QCOMPARE(peer.model->rowCount(), 1); // bob reads every todo: ann's synced one
        QCOMPARE(peer.model->get(u"synced"_s).value(u"done"_s), QVariant(false));
        // and bob's own edit goes through, numbered where the server expects it
        peer.model->insert({ { u"id"_s, u"bobs"_s }, { u"title"_s, u"Bob's"_s } });
        QTRY_COMPARE(peer.client->outboxCount(), 0);
        QCOMPARE(peer.model->pendingCount(), 0);
        // and none of ann's edits was sent with his token, nor reached the server
        for (qsizetype i = framesBefore; i < relay.sent.size(); ++i)
            QVERIFY2(!relay.sent.at(i).contains(u"offline"_s) && !relay.sent.at(i).contains(u"\"done\":true"_s),
                qPrintable(relay.sent.at(i)));
        QCOMPARE(storedIds(server.databasePath()), (QStringList { u"bobs"_s, u"synced"_s }));

        // When ann signs in again
        rolledBack.clear();
        peer.client->close();
        QTRY_COMPARE(peer.client->state(), SyncClient::Disconnected);
        peer.client->setToken(tokens.mint(u"ann"_s));
        peer.client->open();
        QTRY_VERIFY(isLive(peer));
        // Then her edits stay gone: rolled back once, never sent
        QTRY_COMPARE(peer.model->rowCount(), 2);
        QVERIFY(!peer.model->contains(u"offline"_s));
        QCOMPARE(rolledBack.size(), 0);
        QCOMPARE(storedIds(server.databasePath()), (QStringList { u"bobs"_s, u"synced"_s }));
        QCOMPARE(QDir(storage.path()).entryList({ u"outbox-*"_s }), QStringList());
    }
};

QTEST_MAIN(tst_SyncUsers)
#include "tst_syncusers.moc"
