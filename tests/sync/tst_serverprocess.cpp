// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// The optimist-server *process* is killed with SIGKILL and restarted on the
// same database: nothing acknowledged is lost, nothing is applied twice, and
// clients resume from their cursors.

#include "syncfixture.h"

#include <optimist/transaction.h>

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::SyncClient;
using Optimist::Transaction;

class tst_ServerProcess : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QProcess m_server;

    bool startServer()
    {
        m_server.setProgram(QStringLiteral(OPTIMIST_SERVER_EXE));
        m_server.setArguments({ u"--listen"_s, u"127.0.0.1:%1"_s.arg(m_port), u"--db"_s,
            m_dir.filePath(u"todos.sqlite"_s), u"--config"_s, m_dir.filePath(u"todos.json"_s) });
        m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_server.start();
        return m_server.waitForStarted();
    }

    void killServer()
    {
        ::kill(pid_t(m_server.processId()), SIGKILL);
        QVERIFY(m_server.waitForFinished());
        QCOMPARE(m_server.exitStatus(), QProcess::CrashExit);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile config(m_dir.filePath(u"todos.json"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(todoServerConfig());
        config.close();
        // A free port to reuse across the restart.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_port = probe.serverPort();
    }

    void cleanupTestCase()
    {
        if (m_server.state() != QProcess::NotRunning) {
            m_server.terminate();
            m_server.waitForFinished();
        }
    }

    void shouldLoseNothingAndApplyNothingTwiceAcrossSigkill()
    {
        QVERIFY(startServer());
        const QUrl url(u"ws://127.0.0.1:%1"_s.arg(m_port));
        Peer alice = makePeer(url, u"alice"_s);
        Peer bob = makePeer(url, u"bob"_s);
        QTRY_VERIFY_WITH_TIMEOUT(isLive(alice), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(isLive(bob), 10000);

        // Given ten acknowledged inserts
        QList<QPointer<Transaction>> txs;
        for (int i = 0; i < 10; ++i)
            txs.append(alice.model->insert({ { u"id"_s, u"acked%1"_s.arg(i) }, { u"title"_s, u"acked %1"_s.arg(i) } }));
        QTRY_COMPARE(alice.client->outboxCount(), 0);
        QTRY_COMPARE(bob.model->count(), 10);
        const QString bobCursor = bob.model->cursor();

        // and five more sent to a server that has stopped reading (SIGSTOP),
        ::kill(pid_t(m_server.processId()), SIGSTOP);
        for (int i = 0; i < 5; ++i)
            txs.append(alice.model->insert({ { u"id"_s, u"sent%1"_s.arg(i) }, { u"title"_s, u"sent %1"_s.arg(i) } }));
        QTRY_VERIFY(std::all_of(
            txs.cbegin(), txs.cend(), [](const auto &tx) { return !tx || tx->state() != Transaction::Pending; }));

        // When the server is killed
        killServer();
        QTRY_COMPARE(alice.client->state(), SyncClient::Reconnecting);

        // and Alice keeps editing while it is down
        for (int i = 0; i < 3; ++i)
            txs.append(
                alice.model->insert({ { u"id"_s, u"offline%1"_s.arg(i) }, { u"title"_s, u"offline %1"_s.arg(i) } }));
        QCOMPARE(alice.model->count(), 18);
        QCOMPARE(alice.client->outboxCount(), 8);

        // Then after a restart on the same database every edit is there once,
        // and every transaction was accepted (an insert applied twice would
        // have been rejected as a conflict).
        QSignalSpy bobSnapshots(bob.client.get(), &SyncClient::snapshotReceived);
        QVERIFY(startServer());
        QTRY_COMPARE_WITH_TIMEOUT(alice.client->outboxCount(), 0, 20000);
        for (const auto &tx : txs)
            QVERIFY(!tx || tx->state() == Transaction::Accepted);
        QTRY_COMPARE_WITH_TIMEOUT(bob.model->count(), 18, 10000);
        QCOMPARE(bobSnapshots.size(), 0); // resumed from bobCursor through the change log
        QVERIFY(bob.model->cursor() != bobCursor);

        // and a newcomer's snapshot agrees with both.
        Peer carol = makePeer(url, u"carol"_s);
        QTRY_VERIFY_WITH_TIMEOUT(isLive(carol), 10000);
        QCOMPARE(carol.records(), bob.records());
        QCOMPARE(carol.records(), alice.records());
    }
};

QTEST_GUILESS_MAIN(tst_ServerProcess)
#include "tst_serverprocess.moc"
