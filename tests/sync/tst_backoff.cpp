// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The reconnection waits alone, with a seeded generator and an injected
// clock: no socket, no sleeping.
#include "backoff_p.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

using Optimist::Backoff;

class tst_Backoff : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldGrowTheCeilingUpToTheMaximum_data()
    {
        QTest::addColumn<int>("initialMs");
        QTest::addColumn<double>("factor");
        QTest::addColumn<int>("maxMs");
        QTest::addColumn<QList<double>>("ceilings"); // of attempts 0, 1, 2, …
        QTest::newRow("defaults") << 250 << 2.0 << 30000
                                  << QList<double> { 250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000 };
        QTest::newRow("factor 4, reaching the maximum exactly")
            << 10 << 4.0 << 2560 << QList<double> { 10, 40, 160, 640, 2560, 2560 };
        QTest::newRow("factor 4, one past the maximum")
            << 10 << 4.0 << 2559 << QList<double> { 10, 40, 160, 640, 2559 };
        QTest::newRow("factor 1: no growth") << 100 << 1.0 << 30000 << QList<double> { 100, 100, 100 };
        QTest::newRow("maximum below the initial wait") << 500 << 2.0 << 100 << QList<double> { 100, 100 };
    }

    void shouldGrowTheCeilingUpToTheMaximum()
    {
        QFETCH(int, initialMs);
        QFETCH(double, factor);
        QFETCH(int, maxMs);
        QFETCH(QList<double>, ceilings);
        Backoff backoff;
        backoff.initialMs = initialMs;
        backoff.factor = factor;
        backoff.maxMs = maxMs;
        QRandomGenerator random(42);
        for (qsizetype attempt = 0; attempt < ceilings.size(); ++attempt) {
            QCOMPARE(backoff.attempt(), int(attempt));
            QCOMPARE(backoff.ceiling(), ceilings.at(attempt));
            backoff.nextDelay(random);
        }
    }

    void shouldDrawEachDelayUniformlyUpToTheCeiling_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed : { 1U, 2U, 3U, 1234U, 0xdeadbeefU })
            QTest::addRow("seed %u", seed) << seed;
    }

    void shouldDrawEachDelayUniformlyUpToTheCeiling()
    {
        QFETCH(quint32, seed);
        // Given the defaults and a seeded generator
        Backoff backoff;
        QRandomGenerator random(seed);
        QRandomGenerator same(seed);
        for (int attempt = 0; attempt < 12; ++attempt) {
            const double ceiling = backoff.ceiling();
            // Then each delay is the generator's uniform draw below the
            // ceiling (full jitter), and no other draw is made.
            const int delay = backoff.nextDelay(random);
            QCOMPARE(delay, int(same.bounded(ceiling)));
            QVERIFY2(delay >= 0 && delay < ceiling, qPrintable(QString::number(delay)));
        }
    }

    void shouldCoverTheWholeJitterRange()
    {
        // Given many draws of the first wait (ceiling 250 ms)
        int lowest = INT_MAX;
        int highest = 0;
        QRandomGenerator random(7);
        for (int i = 0; i < 2000; ++i) {
            Backoff backoff;
            const int delay = backoff.nextDelay(random);
            lowest = std::min(lowest, delay);
            highest = std::max(highest, delay);
        }
        // Then they span [0, 250): full jitter, not a fixed wait.
        QCOMPARE(lowest, 0);
        QCOMPARE(highest, 249);
    }

    void shouldNeverDrawBelowOneMillisecondCeiling()
    {
        // A ceiling under 1 ms still draws from [0, 1): the wait is 0.
        Backoff backoff;
        backoff.initialMs = 1;
        backoff.factor = 1.0;
        backoff.maxMs = 1;
        QRandomGenerator random(3);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(backoff.nextDelay(random), 0);
    }

    void shouldStartOverOnlyAfterAConnectionStayedUp_data()
    {
        QTest::addColumn<int>("heartbeatMs");
        QTest::addColumn<qint64>("upMs"); // -1: never welcomed
        QTest::addColumn<bool>("startsOver");
        // Healthy after min(10 s, heartbeatMs).
        QTest::newRow("heartbeat 15 s, up 10 s exactly") << 15000 << qint64(10000) << true;
        QTest::newRow("heartbeat 15 s, up 1 ms short of 10 s") << 15000 << qint64(9999) << false;
        QTest::newRow("heartbeat 15 s, up an hour") << 15000 << qint64(3600000) << true;
        QTest::newRow("heartbeat 100 ms, up 100 ms exactly") << 100 << qint64(100) << true;
        QTest::newRow("heartbeat 100 ms, up 99 ms") << 100 << qint64(99) << false;
        QTest::newRow("closed right after the welcome") << 100 << qint64(0) << false;
        QTest::newRow("never welcomed") << 100 << qint64(-1) << false;
    }

    void shouldStartOverOnlyAfterAConnectionStayedUp()
    {
        QFETCH(int, heartbeatMs);
        QFETCH(qint64, upMs);
        QFETCH(bool, startsOver);
        // Given three failed attempts
        qint64 now = 1000000;
        Backoff backoff([&now] { return now; });
        QRandomGenerator random(1);
        for (int i = 0; i < 3; ++i)
            backoff.nextDelay(random);
        QCOMPARE(backoff.attempt(), 3);

        // When a connection is welcomed and stays up upMs
        if (upMs >= 0)
            backoff.connectionUp(heartbeatMs);
        now += std::max<qint64>(0, upMs);
        backoff.connectionDown();

        // Then the next wait starts over from the first ceiling, or goes on.
        QCOMPARE(backoff.attempt(), startsOver ? 0 : 3);
        QCOMPARE(backoff.ceiling(), startsOver ? 250.0 : 2000.0);
        // and a second end of that connection changes nothing.
        backoff.nextDelay(random);
        now += 60000;
        backoff.connectionDown();
        QCOMPARE(backoff.attempt(), startsOver ? 1 : 4);
    }

    void shouldStartOverWhenReset()
    {
        Backoff backoff;
        QRandomGenerator random(1);
        backoff.nextDelay(random);
        backoff.nextDelay(random);
        backoff.reset();
        QCOMPARE(backoff.attempt(), 0);
        QCOMPARE(backoff.ceiling(), 250.0);
    }
};

QTEST_GUILESS_MAIN(tst_Backoff)
#include "tst_backoff.moc"
