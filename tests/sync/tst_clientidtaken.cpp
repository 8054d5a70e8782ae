// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// The server binds a clientId to the first user who says hello with it
// (client_id_taken, close 4009). A client whose generated id is another
// user's takes a new one, keeps it in its storage directory, moves its
// files to it and syncs; an id the app set stops the client with the reason.

#include "syncfixture.h"

#include <optimist/developmenttokens.h>
#include <optimist/errorcodes.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::SyncClient;

namespace {

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

//! A client of \a user on \a storage whose clientId it chooses itself.
Peer signIn(const QUrl &url, const QString &storage, const QString &token, bool active = true)
{
    Peer peer = makePeer(QUrl(), QString());
    peer.client->setStorageDirectory(storage);
    peer.client->setToken(token);
    peer.client->setActive(active);
    peer.client->setUrl(url);
    return peer;
}

QString readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

} // namespace

class tst_ClientIdTaken : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldTakeANewClientIdWhenAnotherUserHasIt_data()
    {
        QTest::addColumn<bool>("idFile"); // bob's directory names alice's id in client-id, else by its files
        QTest::newRow("kept in client-id") << true;
        QTest::newRow("named by the outbox (before client-id)") << false;
    }

    void shouldTakeANewClientIdWhenAnotherUserHasIt()
    {
        QFETCH(bool, idFile);
        Optimist::DevelopmentTokens tokens;
        TestServer server;
        QVERIFY(startServer(server, tokens));
        QTemporaryDir aliceDir;
        QTemporaryDir bobDir;
        QVERIFY(aliceDir.isValid() && bobDir.isValid());

        // Alice's client makes its id, keeps it in her directory, and syncs
        std::optional<Peer> alice = signIn(server.server->url(), aliceDir.path(), tokens.mint(u"alice"_s));
        QTRY_VERIFY(isLive(*alice));
        const QString aliceId = alice->client->clientId();
        QVERIFY(!aliceId.isEmpty());
        QCOMPARE(readAll(aliceDir.filePath(u"client-id"_s)), aliceId);
        alice->model->insert({ { u"title"_s, u"alice's"_s } });
        QTRY_COMPARE(alice->client->outboxCount(), 0);
        alice.reset(); // (its lock on the id goes)

        // bob's directory has her id (one installation's id, from before
        // client-id), and an edit made offline under it
        std::optional<Peer> bob = signIn(server.server->url(), bobDir.path(), tokens.mint(u"bob"_s), false);
        if (idFile) {
            QFile file(bobDir.filePath(u"client-id"_s));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(aliceId.toUtf8());
        }
        QFile outbox(bobDir.filePath(u"outbox-%1.json"_s.arg(aliceId)));
        QVERIFY(outbox.open(QIODevice::WriteOnly));
        const QJsonObject insert { { u"op"_s, u"insert"_s }, { u"collection"_s, u"todos"_s }, { u"id"_s, u"b1"_s },
            { u"fields"_s, QJsonObject { { u"title"_s, u"bob's offline"_s } } } };
        const QJsonObject transaction { { u"mutations"_s, QJsonArray { insert } }, { u"madeBy"_s, u"bob"_s } };
        outbox.write(QJsonDocument(QJsonObject { { u"clientId"_s, aliceId }, { u"lastTx"_s, 0 },
                                       { u"transactions"_s, QJsonArray { transaction } } })
                         .toJson());
        outbox.close();
        QSignalSpy idChanged(bob->client.get(), &SyncClient::clientIdChanged);
        QSignalSpy errors(bob->client.get(), &SyncClient::errorOccurred);
        bob->client->setActive(true);

        // → refused, bob's client takes a new id, keeps it and moves its files,
        QTRY_VERIFY(isLive(*bob));
        const QString bobId = bob->client->clientId();
        QVERIFY(!bobId.isEmpty());
        QVERIFY(bobId != aliceId);
        QCOMPARE(idChanged.count(), 2); // alice's id read, then the new one
        QCOMPARE(readAll(bobDir.filePath(u"client-id"_s)), bobId);
        QVERIFY(!QFile::exists(bobDir.filePath(u"outbox-%1.json"_s.arg(aliceId))));
        QVERIFY(!QFile::exists(bobDir.filePath(u"cache-%1.sqlite"_s.arg(aliceId))));
        QTRY_VERIFY(QFile::exists(bobDir.filePath(u"cache-%1.sqlite"_s.arg(bobId))));
        // and his offline edit reaches the server under it, without an error for the app.
        QTRY_COMPARE(bob->client->outboxCount(), 0);
        QVERIFY(bob->records().contains(u"b1"_s));
        QVERIFY(bob->client->errorString().isEmpty());
        for (const QList<QVariant> &error : std::as_const(errors))
            QVERIFY2(error.at(0).toString() != Optimist::ErrorCode::ClientIdTaken, qPrintable(error.at(1).toString()));

        // Alice still works with her id.
        alice = signIn(server.server->url(), aliceDir.path(), tokens.mint(u"alice"_s));
        QTRY_VERIFY(isLive(*alice));
        QCOMPARE(alice->client->clientId(), aliceId);
        alice->model->insert({ { u"title"_s, u"alice again"_s } });
        QTRY_COMPARE(alice->client->outboxCount(), 0);
        QTRY_VERIFY(bob->records().size() == 3);
    }

    void shouldStopWithTheReasonWhenTheAppsIdIsTaken()
    {
        Optimist::DevelopmentTokens tokens;
        TestServer server;
        QVERIFY(startServer(server, tokens));
        Peer alice = makePeer(QUrl(), u"shared"_s);
        alice.client->setToken(tokens.mint(u"alice"_s));
        alice.client->setUrl(server.server->url());
        QTRY_VERIFY(isLive(alice));

        Peer bob = makePeer(QUrl(), u"shared-too"_s);
        bob.client->setClientId(u"shared"_s); // the app's choice
        bob.client->setToken(tokens.mint(u"bob"_s));
        QSignalSpy errors(bob.client.get(), &SyncClient::errorOccurred);
        QSignalSpy idChanged(bob.client.get(), &SyncClient::clientIdChanged);
        bob.client->setUrl(server.server->url());

        QTRY_COMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), Optimist::ErrorCode::ClientIdTaken);
        QTRY_COMPARE(bob.client->state(), SyncClient::Disconnected);
        QVERIFY2(
            bob.client->errorString().contains(u"in use by another user"_s), qPrintable(bob.client->errorString()));
        QCOMPARE(bob.client->clientId(), u"shared"_s);
        QCOMPARE(idChanged.count(), 0);
        // It stays down (no retry with the taken id is scheduled),
        QVERIFY(!bob.client->nextRetryAt().isValid());
        // until the app gives another id; alice was never disturbed.
        bob.client->setClientId(u"bobs"_s);
        QTRY_VERIFY(isLive(bob));
        QVERIFY(isLive(alice));
    }
};

QTEST_GUILESS_MAIN(tst_ClientIdTaken)
#include "tst_clientidtaken.moc"
