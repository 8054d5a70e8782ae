// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// SyncClient against the real server: two peers editing one list.

#include "modelsignalreplayer.h"
#include "syncfixture.h"

#include <optimist/errorcodes.h>
#include <optimist/transaction.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::ListModel;
using Optimist::SyncClient;
using Optimist::Transaction;

static constexpr int TitleRole = ListModel::FirstFieldRole;
static constexpr int DoneRole = ListModel::FirstFieldRole + 1;

class tst_SyncClient : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server; // a fresh server and database per test
    Peer m_alice;
    Peer m_bob;

    //! A peer "carol" that keeps its outbox in \a directory (set before it connects).
    static Peer makeStoringPeer(const QUrl &url, const QString &directory)
    {
        Peer peer = makePeer({}, u"carol"_s);
        peer.client->setStorageDirectory(directory);
        peer.client->setUrl(url);
        return peer;
    }

    static void writeFile(const QString &path, const QByteArray &content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    bool restartServer(quint16 port)
    {
        m_server->server = std::make_unique<Optimist::Server>();
        QString error;
        m_server->server->setConfig(Optimist::ServerConfig::fromJson(todoServerConfig(), &error));
        m_server->server->setDatabasePath(m_server->databasePath());
        return m_server->server->listen(QHostAddress::LocalHost, port);
    }

    QString titleOf(const Peer &peer, const QString &id) const
    {
        return peer.model->get(id).value(u"title"_s).toString();
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start());
        m_alice = makePeer(m_server->server->url(), u"alice"_s);
        m_bob = makePeer(m_server->server->url(), u"bob"_s);
        QTRY_VERIFY(isLive(m_alice));
        QTRY_VERIFY(isLive(m_bob));
    }

    void cleanup()
    {
        m_alice = {};
        m_bob = {};
        m_server.reset();
    }

    void shouldLoadEmptyCollectionAndGoLive()
    {
        // Given two peers on a fresh server (init), then
        QCOMPARE(m_alice.client->state(), SyncClient::Connected);
        QCOMPARE(m_alice.model->count(), 0);
        QCOMPARE(m_alice.model->isLoading(), false);
        QCOMPARE(m_server->server->connectionCount(), 2);
    }

    void shouldPropagateInsertUpdateRemoveWithMinimalSignals()
    {
        ModelSignalReplayer replayer(m_bob.model.get());
        QSignalSpy inserted(m_bob.model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(m_bob.model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy removed(m_bob.model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(m_bob.model.get(), &QAbstractItemModel::modelReset);

        // When Alice inserts, Bob gets exactly one row.
        QPointer<Transaction> tx = m_alice.model->insert({ { u"id"_s, u"t1"_s }, { u"title"_s, u"Buy milk"_s } });
        QTRY_COMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), 0);
        QCOMPARE(titleOf(m_bob, u"t1"_s), u"Buy milk"_s);
        QTRY_VERIFY(!tx || tx->state() == Transaction::Accepted);
        QTRY_COMPARE(m_alice.model->pendingCount(), 0);

        // When Alice renames it, Bob gets one dataChanged, for the title only.
        m_alice.model->update(u"t1"_s, { { u"title"_s, u"Buy oat milk"_s } });
        QTRY_COMPARE(changed.size(), 1);
        const auto roles = changed.first().at(2).value<QList<int>>();
        QVERIFY2(roles.contains(TitleRole) && !roles.contains(DoneRole) && !roles.contains(int(ListModel::IdRole)),
            qPrintable(QDebug::toString(roles)));
        QCOMPARE(titleOf(m_bob, u"t1"_s), u"Buy oat milk"_s);

        // When Alice removes it, Bob loses exactly that row.
        m_alice.model->remove(u"t1"_s);
        QTRY_COMPARE(removed.size(), 1);
        QCOMPARE(m_bob.model->count(), 0);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(replayer.verify(), QString());
    }

    void shouldNotFlickerWhenEditIsConfirmed()
    {
        // Given a confirmed row on Alice's side
        m_alice.model->insert({ { u"id"_s, u"t1"_s }, { u"title"_s, u"old"_s } });
        QTRY_COMPARE(m_alice.model->pendingCount(), 0);
        QStringList shown;
        connect(m_alice.model.get(), &QAbstractItemModel::dataChanged, this,
            [&](const QModelIndex &first) { shown.append(first.data(TitleRole).toString()); });

        // When she edits it and the server confirms
        QPointer<Transaction> tx = m_alice.model->update(u"t1"_s, { { u"title"_s, u"new"_s } });
        QTRY_VERIFY(!tx || tx->state() == Transaction::Accepted);
        QTRY_COMPARE(m_alice.model->pendingCount(), 0);

        // Then the row went old → new once and never showed "old" again.
        QVERIFY2(!shown.isEmpty(), "no dataChanged at all");
        QVERIFY2(!shown.contains(u"old"_s), qPrintable(shown.join(u", "_s)));
        QCOMPARE(titleOf(m_alice, u"t1"_s), u"new"_s);
        QCOMPARE(
            m_alice.model->data(m_alice.model->index(0), ListModel::SyncStateRole).toInt(), int(ListModel::Synced));
    }

    void shouldRollBackServerRejectOnEditorOnly()
    {
        QSignalSpy bobInserted(m_bob.model.get(), &QAbstractItemModel::rowsInserted);

        // When Alice inserts a title the server's schema refuses (over 200 characters)
        Transaction *tx = m_alice.model->insert({ { u"id"_s, u"long"_s }, { u"title"_s, QString(201, u'x') } });
        QSignalSpy rejected(tx, &Transaction::rejected);
        QCOMPARE(m_alice.model->count(), 1); // optimistic
        QVERIFY(rejected.wait());

        // Then it rolls back on Alice's screen with the server's reason
        QCOMPARE(rejected.first().at(0).toString(), QString(Optimist::ErrorCode::ValidationFailed));
        QVERIFY(rejected.first().at(1).toString().contains(u"200"_s));
        QCOMPARE(m_alice.model->count(), 0);

        // and never reaches Bob: a later insert arrives there alone.
        m_alice.model->insert({ { u"id"_s, u"ok"_s }, { u"title"_s, u"fine"_s } });
        QTRY_COMPARE(bobInserted.size(), 1);
        QCOMPARE(m_bob.model->contains(u"long"_s), false);
        QCOMPARE(m_bob.model->contains(u"ok"_s), true);
    }

    void shouldApplyEachTransactionOnceInOrderAcrossConnectionCut()
    {
        // Given 30 transactions in flight, the last 20 updating one row in turn
        QList<QPointer<Transaction>> txs;
        for (int i = 0; i < 10; ++i)
            txs.append(m_alice.model->insert({ { u"id"_s, u"r%1"_s.arg(i) }, { u"title"_s, u"row %1"_s.arg(i) } }));
        for (int i = 0; i < 20; ++i)
            txs.append(m_alice.model->update(u"r0"_s, { { u"title"_s, u"version %1"_s.arg(i) } }));

        // When the connection is cut the moment the server applies the first
        // one: the server goes on applying the rest, but no answer arrives.
        bool cut = false;
        int unsettledAtCut = -1;
        connect(m_server->server.get(), &Optimist::Server::transactionApplied, this, [&] {
            if (!std::exchange(cut, true)) {
                unsettledAtCut = m_alice.client->outboxCount();
                m_alice.cutConnection();
            }
        });
        QTRY_VERIFY(cut);
        QCOMPARE(unsettledAtCut, 30);

        // Then after the reconnect each is applied exactly once, in order.
        QTRY_COMPARE(m_alice.client->state(), SyncClient::Connected);
        QTRY_COMPARE(m_alice.client->outboxCount(), 0);
        for (const auto &tx : txs)
            QVERIFY(!tx || tx->state() == Transaction::Accepted);
        QCOMPARE(m_server->server->appliedTransactionCount(), 30);
        QTRY_COMPARE(titleOf(m_bob, u"r0"_s), u"version 19"_s);
        QCOMPARE(m_bob.model->count(), 10);
        QCOMPARE(titleOf(m_alice, u"r0"_s), u"version 19"_s);
    }

    void shouldQueueEditsWhileOfflineAndSendThemOnReconnect()
    {
        // Given Alice offline
        m_alice.client->close();
        QTRY_COMPARE(m_alice.client->state(), SyncClient::Disconnected);

        // When she edits
        m_alice.model->insert({ { u"id"_s, u"a"_s }, { u"title"_s, u"written offline"_s } });
        m_alice.model->insert({ { u"id"_s, u"b"_s }, { u"title"_s, u"also offline"_s } });
        QCOMPARE(m_alice.model->count(), 2);
        QCOMPARE(m_alice.client->outboxCount(), 2);
        QTRY_COMPARE(m_server->server->connectionCount(), 1);
        QCOMPARE(m_server->server->appliedTransactionCount(), 0);
        QCOMPARE(m_bob.model->count(), 0);

        // Then they go out, in order, when she is back online.
        m_alice.client->open();
        QTRY_COMPARE(m_bob.model->count(), 2);
        QCOMPARE(m_bob.model->at(0).value(u"id"_s).toString(), u"a"_s);
        QTRY_COMPARE(m_alice.client->outboxCount(), 0);
        QCOMPARE(m_server->server->appliedTransactionCount(), 2);
    }

    void shouldReconnectWithBackoffAfterServerRestartAndResumeFromCursor()
    {
        // Given some confirmed rows
        for (int i = 0; i < 5; ++i)
            m_alice.model->insert({ { u"id"_s, u"r%1"_s.arg(i) }, { u"title"_s, u"row %1"_s.arg(i) } });
        QTRY_COMPARE(m_bob.model->count(), 5);
        QTRY_COMPARE(m_alice.model->pendingCount(), 0);
        const quint16 port = m_server->server->port();
        QSignalSpy bobSnapshots(m_bob.client.get(), &SyncClient::snapshotReceived);

        // When the server goes away, both peers go Reconnecting with a retry time
        m_server->server.reset();
        QTRY_COMPARE(m_bob.client->state(), SyncClient::Reconnecting);
        QVERIFY(m_bob.client->nextRetryAt().isValid());

        // and while it is away Alice keeps editing
        m_alice.model->insert({ { u"id"_s, u"offline"_s }, { u"title"_s, u"while the server was down"_s } });

        // When it comes back on the same port and database
        m_server->server = std::make_unique<Optimist::Server>();
        QString error;
        m_server->server->setConfig(Optimist::ServerConfig::fromJson(todoServerConfig(), &error));
        m_server->server->setDatabasePath(m_server->databasePath());
        QVERIFY(m_server->server->listen(QHostAddress::LocalHost, port));

        // Then both are live again, Alice's edit arrives, and Bob resumed
        // from his cursor rather than reloading everything.
        QTRY_COMPARE(m_bob.client->state(), SyncClient::Connected);
        QTRY_COMPARE(m_bob.model->count(), 6);
        QCOMPARE(bobSnapshots.size(), 0);
        QTRY_COMPARE(m_alice.client->outboxCount(), 0);
    }

    void shouldReloadWhenTheServersDatabaseIsReplaced()
    {
        // Given Bob at cursor 3 of the first database
        for (int i = 0; i < 3; ++i)
            m_alice.model->insert({ { u"id"_s, u"r%1"_s.arg(i) }, { u"title"_s, u"old %1"_s.arg(i) } });
        QTRY_COMPARE(m_bob.model->count(), 3);
        QTRY_COMPARE(m_bob.model->cursor(), u"3"_s);
        const quint16 port = m_server->server->port();
        m_server->server.reset();
        QTRY_COMPARE(m_bob.client->state(), SyncClient::Reconnecting);

        // and another database whose history also passes cursor 3 (written
        // on another port while Bob cannot reach it)
        TestServer replacement;
        QVERIFY(replacement.start());
        {
            Peer seeder = makePeer(replacement.server->url(), u"seeder"_s);
            QTRY_VERIFY(isLive(seeder));
            for (int i = 0; i < 4; ++i)
                seeder.model->insert({ { u"id"_s, u"n%1"_s.arg(i) }, { u"title"_s, u"new %1"_s.arg(i) } });
            QTRY_COMPARE(seeder.model->pendingCount(), 0);
        }
        replacement.server.reset();

        // When the replacement comes up where the first server was
        QSignalSpy bobSnapshots(m_bob.client.get(), &SyncClient::snapshotReceived);
        replacement.server = std::make_unique<Optimist::Server>();
        QString error;
        replacement.server->setConfig(Optimist::ServerConfig::fromJson(todoServerConfig(), &error));
        replacement.server->setDatabasePath(replacement.databasePath());
        QVERIFY(replacement.server->listen(QHostAddress::LocalHost, port));

        // Then Bob reloads it whole instead of resuming from his old cursor
        QTRY_COMPARE(bobSnapshots.size(), 1);
        QCOMPARE(m_bob.model->count(), 4);
        QCOMPARE(m_bob.model->cursor(), u"4"_s);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(m_bob.model->at(i).value(u"title"_s).toString(), u"new %1"_s.arg(i));
    }

    void shouldKeepOfflineEditsAcrossARestart()
    {
        // Given Carol, offline, with a storage directory
        QTemporaryDir outbox;
        const quint16 port = m_server->server->port();
        const QUrl url = m_server->server->url();
        m_server->server.reset();
        {
            Peer carol = makeStoringPeer(url, outbox.path());
            // When she edits, and the app quits before it could send anything
            carol.model->insert({ { u"id"_s, u"c1"_s }, { u"title"_s, u"written offline"_s } });
            carol.model->insert({ { u"id"_s, u"c2"_s }, { u"title"_s, u"also offline"_s } });
            carol.model->update(u"c1"_s, { { u"done"_s, true } });
            QCOMPARE(carol.client->outboxCount(), 3);
        }
        QVERIFY(QFile::exists(outbox.filePath(u"outbox-carol.json"_s)));

        // Then the next run shows them again as pending, offline
        Peer carol = makeStoringPeer(url, outbox.path());
        QTRY_COMPARE(carol.model->count(), 2);
        QCOMPARE(carol.model->pendingCount(), 3);
        QCOMPARE(carol.model->get(u"c1"_s).value(u"done"_s), QVariant(true));
        QCOMPARE(carol.model->index(0).data(ListModel::SyncStateRole).toInt(), int(ListModel::PendingInsert));
        // and sends them once the server is back, each applied once
        QVERIFY(restartServer(port));
        QTRY_COMPARE(m_bob.model->count(), 2);
        QTRY_COMPARE(carol.client->outboxCount(), 0);
        QCOMPARE(m_server->server->appliedTransactionCount(), 3);
        QCOMPARE(m_bob.model->get(u"c1"_s).value(u"done"_s), QVariant(true));
        QTRY_COMPARE(carol.model->count(), 2);
        QTRY_COMPARE(carol.model->pendingCount(), 0);
        QTRY_VERIFY(!QFile::exists(outbox.filePath(u"outbox-carol.json"_s)));
    }

    void shouldRebaseARestoredEditOnChangesMadeWhileAway()
    {
        // Given Carol's cache of a record, and her offline update of it that
        // the app kept when it quit
        QTemporaryDir storage;
        const QUrl url = m_server->server->url();
        const quint16 port = m_server->server->port();
        m_alice.model->insert({ { u"id"_s, u"t"_s }, { u"title"_s, u"original"_s } });
        QTRY_COMPARE(m_alice.model->pendingCount(), 0);
        {
            Peer carol = makeStoringPeer(url, storage.path());
            QTRY_COMPARE(carol.model->count(), 1);
            m_server->server.reset();
            QTRY_VERIFY(carol.client->state() != SyncClient::Connected);
            carol.model->update(u"t"_s, { { u"done"_s, true } });
        }
        // and, while she was away, Alice renamed it
        QVERIFY(restartServer(port));
        QTRY_VERIFY(isLive(m_alice));
        m_alice.model->update(u"t"_s, { { u"title"_s, u"renamed by Alice"_s } });
        QTRY_COMPARE(m_alice.model->pendingCount(), 0);

        // When Carol starts again
        Peer carol = makeStoringPeer(url, storage.path());
        // Then her edit shows on her cached row at once, pending
        QTRY_COMPARE(carol.model->pendingCount(), 1);
        QCOMPARE(carol.model->get(u"t"_s).value(u"done"_s), QVariant(true));
        // and once synced both edits hold, everywhere: Alice's rename came
        // in underneath, Carol's update went on top
        QTRY_COMPARE(carol.model->pendingCount(), 0);
        QCOMPARE(titleOf(carol, u"t"_s), u"renamed by Alice"_s);
        QCOMPARE(carol.model->get(u"t"_s).value(u"done"_s), QVariant(true));
        QTRY_COMPARE(m_bob.model->get(u"t"_s).value(u"done"_s), QVariant(true));
        QCOMPARE(titleOf(m_bob, u"t"_s), u"renamed by Alice"_s);
    }

    void shouldRollBackARestoredEditTheServerRefuses()
    {
        // Given a stored insert the server will refuse (a title over 200 characters)
        QTemporaryDir storage;
        const QString title(300, u'x');
        writeFile(storage.filePath(u"outbox-carol.json"_s),
            R"({"clientId": "carol", "lastTx": 0, "transactions": [{"mutations": [
                 {"op": "insert", "collection": "todos", "id": "long", "fields": {"title": ")"
                + title.toLatin1() + R"("}}]}]})");
        // When the next run restores it, it shows as pending
        Peer carol = makeStoringPeer(m_server->server->url(), storage.path());
        QSignalSpy rolledBack(carol.model.get(), &ListModel::rolledBack);
        QSignalSpy unshown(carol.client.get(), &SyncClient::restoredTransactionRejected);
        QTRY_COMPARE(carol.model->count(), 1);
        // Then the server's refusal rolls it back like any edit
        QTRY_COMPARE(rolledBack.size(), 1);
        QCOMPARE(rolledBack.at(0).at(1).toString(), u"validation_failed"_s);
        QCOMPARE(carol.model->count(), 0);
        QCOMPARE(unshown.size(), 0);
        QTRY_COMPARE(carol.client->outboxCount(), 0);
    }

    void shouldApplyARestoredTransactionOnlyOnce()
    {
        // Given a transaction the server applied, whose ack the last run missed
        QTemporaryDir outbox;
        const QUrl url = m_server->server->url();
        {
            Peer carol = makeStoringPeer(url, outbox.path());
            QTRY_VERIFY(isLive(carol));
            carol.model->insert({ { u"id"_s, u"once"_s }, { u"title"_s, u"applied once"_s } });
            QTRY_COMPARE(carol.client->outboxCount(), 0);
        }
        QCOMPARE(m_server->server->appliedTransactionCount(), 1);
        writeFile(outbox.filePath(u"outbox-carol.json"_s),
            R"({"clientId": "carol", "lastTx": 1, "transactions": [{"tx": 1, "mutations": [
                 {"op": "insert", "collection": "todos", "id": "once", "fields": {"title": "applied once"}}]}]})");

        // When the next run restores and resends it
        Peer carol = makeStoringPeer(url, outbox.path());
        QTRY_VERIFY(isLive(carol));
        QTRY_COMPARE(carol.client->outboxCount(), 0);

        // Then the server acknowledges it again without applying it twice
        QCOMPARE(m_server->server->appliedTransactionCount(), 1);
        QCOMPARE(m_bob.model->count(), 1);
        QCOMPARE(carol.client->errorString(), QString());
    }

    void shouldReportARestoredTransactionTheServerRefuses()
    {
        QTemporaryDir outbox;
        writeFile(outbox.filePath(u"outbox-carol.json"_s),
            R"({"clientId": "carol", "lastTx": 0, "transactions": [{"mutations": [
                 {"op": "update", "collection": "todos", "id": "missing", "fields": {"done": true}}]}]})");
        Peer carol = makeStoringPeer(m_server->server->url(), outbox.path());
        QSignalSpy refused(carol.client.get(), &SyncClient::restoredTransactionRejected);
        QTRY_COMPARE(refused.size(), 1);
        QCOMPARE(refused.at(0).at(0).toString(), u"conflict"_s);
        QCOMPARE(carol.client->outboxCount(), 0);
        QVERIFY(isLive(carol));
    }

    void shouldSetAsideAnUnreadableOutboxAndGoOn_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not JSON") << QByteArray("{ nope");
        QTest::newRow("another client") << QByteArray(R"({"clientId": "dave", "transactions": []})");
        QTest::newRow("bad transaction") << QByteArray(
            R"({"clientId": "carol", "transactions": [{"tx": -3, "mutations": []}]})");
    }

    void shouldSetAsideAnUnreadableOutboxAndGoOn()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir outbox;
        const QString file = outbox.filePath(u"outbox-carol.json"_s);
        writeFile(file, content);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot restore the outbox"_s));
        Peer carol = makeStoringPeer(m_server->server->url(), outbox.path());
        QTRY_VERIFY(isLive(carol));
        // The file is kept aside, not lost, and the client syncs as usual
        const QStringList aside = QDir(outbox.path()).entryList({ u"outbox-carol.json.bad-*"_s });
        QCOMPARE(aside.size(), 1);
        QFile kept(outbox.filePath(aside.first()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), content);
        carol.model->insert({ { u"id"_s, u"after"_s }, { u"title"_s, u"still works"_s } });
        QTRY_COMPARE(m_bob.model->count(), 1);
    }

    void shouldStartFromTheCacheOfflineAndResume()
    {
        // Given Carol, storing, who synced three records and quit
        QTemporaryDir storage;
        const QUrl url = m_server->server->url();
        const quint16 port = m_server->server->port();
        {
            Peer carol = makeStoringPeer(url, storage.path());
            QTRY_VERIFY(isLive(carol));
            for (int i = 0; i < 3; ++i)
                m_alice.model->insert({ { u"id"_s, u"r%1"_s.arg(i) }, { u"title"_s, u"row %1"_s.arg(i) } });
            QTRY_COMPARE(carol.model->count(), 3);
        }
        // and a fourth written while she was away, then the server went down
        m_alice.model->insert({ { u"id"_s, u"r3"_s }, { u"title"_s, u"while away"_s } });
        QTRY_COMPARE(m_alice.model->pendingCount(), 0);
        m_server->server.reset();

        // When she starts again, offline
        Peer carol = makeStoringPeer(url, storage.path());
        QSignalSpy snapshots(carol.client.get(), &SyncClient::snapshotReceived);
        // Then her list is there at once, from the cache
        QTRY_COMPARE(carol.model->count(), 3);
        QCOMPARE(titleOf(carol, u"r1"_s), u"row 1"_s);
        QVERIFY(carol.client->state() != SyncClient::Connected);
        // and once the server is back she catches up from the cached cursor
        QVERIFY(restartServer(port));
        QTRY_COMPARE(carol.model->count(), 4);
        QCOMPARE(titleOf(carol, u"r3"_s), u"while away"_s);
        QCOMPARE(snapshots.size(), 0);
    }

    void shouldNotTrustACacheOfAnotherDatabase()
    {
        // Given Carol's cache of the first database
        QTemporaryDir storage;
        const QUrl url = m_server->server->url();
        const quint16 port = m_server->server->port();
        {
            Peer carol = makeStoringPeer(url, storage.path());
            QTRY_VERIFY(isLive(carol));
            carol.model->insert({ { u"id"_s, u"old"_s }, { u"title"_s, u"first database"_s } });
            QTRY_COMPARE(carol.model->pendingCount(), 0);
        }
        // When the server comes back on a new database with other records
        m_server = std::make_unique<TestServer>();
        QVERIFY(restartServer(port));
        {
            Peer seeder = makePeer(url, u"seeder"_s);
            QTRY_VERIFY(isLive(seeder));
            seeder.model->insert({ { u"id"_s, u"new"_s }, { u"title"_s, u"second database"_s } });
            QTRY_COMPARE(seeder.model->pendingCount(), 0);
        }
        Peer carol = makeStoringPeer(url, storage.path());
        // Then the cached list is replaced by the new database's
        QTRY_VERIFY(carol.model->contains(u"new"_s));
        QTRY_COMPARE(carol.model->count(), 1);
        QVERIFY(!carol.model->contains(u"old"_s));
    }

    void shouldSetAsideAnUnreadableCacheAndGoOn()
    {
        QTemporaryDir storage;
        writeFile(storage.filePath(u"cache-carol.sqlite"_s), QByteArray(4096, 'x'));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"kept as"_s));
        Peer carol = makeStoringPeer(m_server->server->url(), storage.path());
        QTRY_VERIFY(isLive(carol));
        QCOMPARE(QDir(storage.path()).entryList({ u"cache-carol.sqlite.bad-*"_s }).size(), 1);
        m_alice.model->insert({ { u"id"_s, u"a"_s }, { u"title"_s, u"still syncs"_s } });
        QTRY_COMPARE(carol.model->count(), 1);
    }

    void shouldGroupEditsOfOneTransaction()
    {
        m_alice.model->insert({ { u"id"_s, u"a"_s }, { u"title"_s, u"A"_s } });
        m_alice.model->insert({ { u"id"_s, u"b"_s }, { u"title"_s, u"B"_s } });
        QTRY_COMPARE(m_bob.model->count(), 2);

        // When one transaction has a valid and an invalid edit, the server
        // refuses both.
        Transaction tx;
        tx.run([&] {
            m_alice.model->update(u"a"_s, { { u"done"_s, true } });
            m_alice.model->update(u"b"_s, { { u"title"_s, QString(300, u'y') } });
        });
        QSignalSpy rejected(&tx, &Transaction::rejected);
        QVERIFY(rejected.wait());
        QCOMPARE(m_alice.model->get(u"a"_s).value(u"done"_s).toBool(), false);
        QCOMPARE(titleOf(m_alice, u"b"_s), u"B"_s);

        // and a later edit still reaches Bob, who never saw the refused ones.
        m_alice.model->update(u"a"_s, { { u"title"_s, u"A2"_s } });
        QTRY_COMPARE(titleOf(m_bob, u"a"_s), u"A2"_s);
        QCOMPARE(m_bob.model->get(u"a"_s).value(u"done"_s).toBool(), false);
    }

    void shouldStopRetryingWhenTokenIsRefused()
    {
        // Given a server that wants a token
        TestServer guarded;
        QVERIFY(guarded.start(R"({"collections": {"todos": {"fields": [{"name": "title", "type": "string"}]}},
                                  "tokens": ["right"]})"));
        Peer eve = makePeer(guarded.server->url(), u"eve"_s);
        QSignalSpy errors(eve.client.get(), &SyncClient::errorOccurred);
        eve.client->setToken(u"wrong"_s);

        // Then it says why and stops
        QTRY_VERIFY(!errors.isEmpty());
        QTRY_COMPARE(eve.client->state(), SyncClient::Disconnected);
        QCOMPARE(errors.first().at(0).toString(), QString(Optimist::ErrorCode::Unauthorized));
        QVERIFY(!eve.client->errorString().isEmpty());

        // and with the right token it gets in.
        eve.client->setToken(u"right"_s);
        eve.client->open();
        QTRY_COMPARE(eve.client->state(), SyncClient::Connected);
    }
};

QTEST_GUILESS_MAIN(tst_SyncClient)
#include "tst_syncclient.moc"
