// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// A bounded convergence soak on loopback: four peers, 2,000 random
// transactions (conflicting edits of the same rows, edits the server
// rejects), random connection cuts. At the end every peer equals the server,
// the server applied exactly the transactions that were accepted, and no
// accepted insert is missing.

#include "syncfixture.h"

#include <optimist/transaction.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

#include <set>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::SyncClient;
using Optimist::Transaction;

class tst_Soak : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldConvergeUnderRandomEditsAndCuts_data()
    {
        QTest::addColumn<quint32>("seed");
        const QByteArray fromEnv = qgetenv("OPTIMIST_SEED");
        const quint32 seed = fromEnv.isEmpty() ? 20261121u : fromEnv.toUInt();
        QTest::addRow("seed=%u", seed) << seed;
    }

    void shouldConvergeUnderRandomEditsAndCuts()
    {
        QFETCH(quint32, seed);
        constexpr int PeerCount = 4;
        constexpr int Transactions = 2000;
        constexpr int MaxInFlightPerPeer = 16;
        QRandomGenerator random(seed);

        TestServer server;
        QVERIFY(server.start());
        std::vector<Peer> peers;
        for (int i = 0; i < PeerCount; ++i)
            peers.push_back(makePeer(server.server->url(), u"peer%1"_s.arg(i)));
        for (const Peer &peer : peers)
            QTRY_VERIFY(isLive(peer));

        int accepted = 0;
        int rejected = 0;
        int issued = 0;
        int cuts = 0;
        std::set<QString> acceptedInserts;
        std::set<QString> acceptedRemoves;
        auto track = [&](Transaction *tx, const QString &insertedId, const QString &removedId) {
            connect(tx, &Transaction::accepted, this, [&, insertedId, removedId] {
                ++accepted;
                if (!insertedId.isEmpty())
                    acceptedInserts.insert(insertedId);
                if (!removedId.isEmpty())
                    acceptedRemoves.insert(removedId);
            });
            connect(tx, &Transaction::rejected, this, [&] { ++rejected; });
        };

        QElapsedTimer clock;
        clock.start();
        while (issued < Transactions) {
            QVERIFY2(clock.elapsed() < 60000, "the soak did not finish issuing within 60 s");
            Peer &peer = peers[random.bounded(PeerCount)];
            if (peer.client->outboxCount() >= MaxInFlightPerPeer) {
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
                continue;
            }
            const int dice = random.bounded(100);
            const int rows = peer.model->count();
            Transaction *tx = nullptr;
            if (dice < 5) {
                peer.cutConnection();
                ++cuts;
                continue;
            } else if (dice < 30 || rows == 0) {
                const QString id = u"r%1"_s.arg(issued);
                tx = peer.model->insert({ { u"id"_s, id }, { u"title"_s, u"row %1"_s.arg(issued) } });
                track(tx, id, {});
            } else if (dice < 80) {
                // Often the same few rows: edits from several peers collide.
                const QString id = peer.model->at(random.bounded(std::min(rows, 8))).value(u"id"_s).toString();
                tx = peer.model->update(
                    id, { { u"title"_s, u"edit %1"_s.arg(issued) }, { u"done"_s, random.bounded(2) == 1 } });
                track(tx, {}, {});
            } else if (dice < 90) {
                const QString id = peer.model->at(random.bounded(rows)).value(u"id"_s).toString();
                tx = peer.model->remove(id);
                track(tx, {}, id);
            } else {
                // Refused by the server's maxLength of 200.
                const QString id = peer.model->at(random.bounded(rows)).value(u"id"_s).toString();
                tx = peer.model->update(id, { { u"title"_s, QString(u"%1 "_s.arg(issued) + QString(201, u'z')) } });
                track(tx, {}, {});
            }
            ++issued;
            QCoreApplication::processEvents();
        }

        // Everything settles...
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(peers.cbegin(), peers.cend(),
                                     [](const Peer &p) {
                                         return p.client->outboxCount() == 0 && !p.model->hasPendingChanges()
                                             && p.client->state() == SyncClient::Connected;
                                     }),
            60000);
        QVERIFY2(accepted + rejected == issued,
            qPrintable(u"%1 accepted + %2 rejected of %3"_s.arg(accepted).arg(rejected).arg(issued)));
        QVERIFY(rejected > 0);
        QVERIFY(cuts > 0);

        // ...the server applied each accepted transaction exactly once...
        QCOMPARE(server.server->appliedTransactionCount(), qint64(accepted));

        // ...every peer equals what a newcomer loads from the server...
        Peer witness = makePeer(server.server->url(), u"witness"_s);
        QTRY_VERIFY(isLive(witness));
        const auto truth = witness.records();
        for (const Peer &peer : peers)
            QTRY_COMPARE(peer.records(), truth);

        // ...and no accepted insert is missing unless an accepted remove took it.
        for (const QString &id : acceptedInserts)
            QVERIFY2(truth.contains(id) || acceptedRemoves.count(id), qPrintable(id));
        qInfo("seed %u: %d transactions (%d accepted, %d rejected), %d cuts, %lld ms", seed, issued, accepted, rejected,
            cuts, clock.elapsed());
    }
};

QTEST_GUILESS_MAIN(tst_Soak)
#include "tst_soak.moc"
