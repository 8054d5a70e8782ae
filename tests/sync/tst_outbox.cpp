// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The outbox alone, without a socket: numbering (commits, a welcome, acks,
// the refusals of docs/protocol.md with their expectedTx, renumbering,
// settledTx) and splitting pushes to fit maxFrameBytes.
#include "outbox_p.h"

#include <optimist/errorcodes.h>

#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Optimist::LocalRefusal;
using Optimist::Mutation;
using Optimist::Outbox;
using Optimist::OutboxEntry;
using Optimist::StoredTransaction;
namespace Protocol = Optimist::Protocol;

//! A transaction of \a inserts inserts, each with a title of \a titleLength.
static OutboxEntry transaction(int titleLength = 1, int inserts = 1, const QString &idPrefix = u"r"_s)
{
    static quint64 localIds = 0;
    QList<Mutation> mutations;
    for (int i = 0; i < inserts; ++i) {
        mutations.append({ Mutation::Kind::Insert, u"todos"_s, idPrefix + QString::number(i),
            { { u"title"_s, QString(titleLength, u'x') } } });
    }
    Protocol::PushTransaction push;
    push.mutations = mutations;
    OutboxEntry entry = OutboxEntry::fromPush(Protocol::EncodedTransaction(push));
    entry.localId = ++localIds;
    return entry;
}

static QList<quint64> numbers(const Outbox &outbox)
{
    QList<quint64> result;
    for (const OutboxEntry &entry : outbox.entries())
        result.append(entry.wireTx);
    return result;
}

//! Sends every push the outbox plans now; returns how many transactions each holds.
static QList<int> sendAll(Outbox &outbox, quint64 settledTx = 0)
{
    QList<int> sizes;
    for (const QList<OutboxEntry *> &push : outbox.planPushes(settledTx)) {
        Outbox::takePush(push, settledTx);
        sizes.append(int(push.size()));
    }
    return sizes;
}

class tst_Outbox : public QObject {
    Q_OBJECT

private:
    static inline std::optional<QString> s_user; //!< who the next commits are made by

    //! Runs one step of a script (see shouldNumberTheOutbox_data).
    static void run(Outbox &outbox, const QString &step, QList<quint64> *refused, QList<int> *pushes)
    {
        const QStringList words = step.split(u' ');
        const QString &op = words.first();
        auto arg = [&](int i) { return words.at(i).toULongLong(); };
        auto refuse = [&](const QList<LocalRefusal> &refusals) {
            for (const LocalRefusal &refusal : refusals)
                refused->append(refusal.entry.wireTx);
        };
        if (op == u"commit"_s || op == u"commit+"_s || op == u"big"_s || op == u"big+"_s) {
            const bool big = op.startsWith(u"big"_s);
            OutboxEntry entry = transaction(big ? 2000 : 1);
            entry.madeBy = s_user;
            if (!outbox.commit(std::move(entry), op.endsWith(u'+')).isEmpty())
                refused->append(0);
        } else if (op == u"as"_s) {
            s_user = words.at(1) == u"-"_s ? std::nullopt : std::optional<QString>(words.at(1));
        } else if (op == u"welcome-as"_s) {
            refuse(outbox.takeMadeByOthers(words.at(1), arg(2)));
            refuse(outbox.numberAtWelcome(arg(2)));
        } else if (op == u"limits"_s) {
            outbox.limits.maxFrameBytes = qint64(arg(1));
            outbox.limits.maxMutationsPerTransaction = qsizetype(arg(2));
            outbox.knowsLimits = true;
        } else if (op == u"restore"_s) {
            QList<StoredTransaction> stored;
            for (qsizetype i = 1; i < words.size(); ++i) {
                OutboxEntry entry = transaction();
                entry.push.setTx(qint64(arg(int(i))));
                stored.append({ entry.push.json(), std::nullopt });
            }
            outbox.restore(stored, stored.isEmpty() ? 0 : arg(int(words.size() - 1)));
        } else if (op == u"welcome"_s) {
            refuse(outbox.numberAtWelcome(arg(1)));
        } else if (op == u"send"_s) {
            pushes->append(sendAll(outbox));
        } else if (op == u"ack"_s) {
            QVERIFY(outbox.settle(arg(1)));
        } else if (op == u"refuse"_s) {
            refuse(outbox.refusePush(words.at(1), u"scripted"_s, arg(2)));
        } else if (op == u"renumber"_s) {
            outbox.renumberFrom(arg(1));
        } else {
            QFAIL(qPrintable(u"unknown step "_s + step));
        }
    }

private Q_SLOTS:
    void shouldNumberTheOutbox_data()
    {
        // Steps: commit (offline), commit+ (welcomed), big/big+ (a push of
        // over 2,000 bytes), limits F M (maxFrameBytes, maxMutations…),
        // restore N… (stored numbers, the last is its lastTx), welcome L
        // (the server's lastTx), send (every planned push), ack N, refuse
        // CODE E (an error answering a push, expectedTx E), renumber N,
        // as U (the next commits are U's; "-": no user known), welcome-as U L
        // (a welcome for user U: another user's edits are taken out).
        QTest::addColumn<QStringList>("steps");
        QTest::addColumn<QList<quint64>>("numbers"); // of the outbox, in order
        QTest::addColumn<quint64>("lastTx");
        QTest::addColumn<quint64>("settledTx");
        QTest::addColumn<QList<quint64>>("refused"); // numbers refused here (0: unnumbered)
        QTest::addColumn<QList<int>>("pushes"); // transactions per push sent

        using L = QList<quint64>;
        using P = QList<int>;
        QTest::newRow("numbered at commit once welcomed") << QStringList { u"commit+"_s, u"commit+"_s, u"commit+"_s }
                                                          << L { 1, 2, 3 } << 3ULL << 0ULL << L {} << P {};
        QTest::newRow("offline commits numbered above the server's lastTx")
            << QStringList { u"commit"_s, u"commit"_s, u"welcome 5"_s } << L { 6, 7 } << 7ULL << 5ULL << L {} << P {};
        QTest::newRow("acks in order settle up to the last")
            << QStringList { u"commit+"_s, u"commit+"_s, u"commit+"_s, u"send"_s, u"ack 1"_s, u"ack 2"_s } << L { 3 }
            << 3ULL << 2ULL << L {} << P { 3 };
        QTest::newRow("an ack past a gap leaves settledTx below the gap")
            << QStringList { u"commit+"_s, u"commit+"_s, u"commit+"_s, u"send"_s, u"ack 2"_s } << L { 1, 3 } << 3ULL
            << 0ULL << L {} << P { 3 };
        QTest::newRow("all acked: settledTx is lastTx")
            << QStringList { u"commit+"_s, u"commit+"_s, u"send"_s, u"ack 1"_s, u"ack 2"_s } << L {} << 2ULL << 2ULL
            << L {} << P { 2 };
        QTest::newRow("stored numbers kept at a welcome just below them")
            << QStringList { u"restore 11 12"_s, u"commit"_s, u"welcome 10"_s } << L { 11, 12, 13 } << 13ULL << 10ULL
            << L {} << P {};
        // A server with a fresh database: the numbers close up to its lastTx.
        QTest::newRow("stored numbers past a gap renumbered at a welcome")
            << QStringList { u"restore 11 12"_s, u"commit"_s, u"welcome 0"_s } << L { 1, 2, 3 } << 3ULL << 0ULL << L {}
            << P {};
        QTest::newRow("all settled, then a welcome below: the next commit follows the server's lastTx") << QStringList {
            u"commit+"_s, u"commit+"_s, u"send"_s, u"ack 1"_s, u"ack 2"_s, u"welcome 0"_s, u"commit+"_s
        } << L { 1 } << 1ULL << 0ULL << L {} << P { 2 };
        QTest::newRow("in flight past a gap renumbered at a welcome")
            << QStringList { u"commit+"_s, u"commit+"_s, u"send"_s, u"ack 1"_s, u"welcome 0"_s } << L { 1 } << 1ULL
            << 0ULL << L {} << P { 2 };
        QTest::newRow("stored numbers the server took are kept")
            << QStringList { u"restore 11 12"_s, u"welcome 12"_s } << L { 11, 12 } << 12ULL << 10ULL << L {} << P {};
        QTest::newRow("out_of_order renumbers from expectedTx")
            << QStringList { u"restore 11 12"_s, u"welcome 10"_s, u"send"_s, u"refuse out_of_order 1"_s } << L { 1, 2 }
            << 2ULL << 0ULL << L {} << P { 2 };
        QTest::newRow("rate_limited keeps every number") << QStringList { u"commit+"_s, u"commit+"_s, u"commit+"_s,
            u"commit+"_s, u"send"_s, u"ack 1"_s, u"ack 2"_s, u"refuse rate_limited 3"_s, u"send"_s }
                                                         << L { 3, 4 } << 4ULL << 2ULL << L {} << P { 4, 2 };
        QTest::newRow("invalid_message refuses what was in flight from expectedTx, the rest closes up") << QStringList {
            u"commit+"_s, u"commit+"_s, u"commit+"_s, u"send"_s, u"commit+"_s, u"ack 1"_s, u"refuse invalid_message 2"_s
        } << L { 2 } << 2ULL << 1ULL << L { 2, 3 } << P { 3 };
        QTest::newRow("invalid_message spares what the server took below expectedTx")
            << QStringList { u"commit+"_s, u"commit+"_s, u"send"_s, u"refuse invalid_message 2"_s } << L { 1 } << 1ULL
            << 0ULL << L { 2 } << P { 2 };
        QTest::newRow("too_large: each is sent alone next")
            << QStringList { u"commit+"_s, u"commit+"_s, u"commit+"_s, u"send"_s, u"refuse too_large 1"_s, u"send"_s }
            << L { 1, 2, 3 } << 3ULL << 0ULL << L {} << P { 3, 1, 1, 1 };
        QTest::newRow("too_large of one sent alone refuses it, the rest closes up") << QStringList { u"commit+"_s,
            u"commit+"_s, u"commit+"_s, u"send"_s, u"refuse too_large 1"_s, u"send"_s,
            u"refuse too_large 1"_s } << L { 1, 2 } << 2ULL << 0ULL << L { 1 } << P { 3, 1, 1, 1 };
        QTest::newRow("a commit that can never fit takes no number")
            << QStringList { u"limits 1000 10"_s, u"commit+"_s, u"big+"_s, u"commit+"_s } << L { 1, 2 } << 2ULL << 0ULL
            << L { 0 } << P {};
        QTest::newRow("a welcome refuses one committed offline that can never fit")
            << QStringList { u"commit"_s, u"big"_s, u"commit"_s, u"limits 1000 10"_s, u"welcome 4"_s } << L { 5, 6 }
            << 6ULL << 4ULL << L { 0 } << P {};
        QTest::newRow("a welcome for another user takes out what was made offline")
            << QStringList { u"as ann"_s, u"commit"_s, u"commit"_s, u"as bob"_s, u"commit"_s, u"welcome-as bob 5"_s }
            << L { 6 } << 6ULL << 5ULL << L { 0, 0 } << P {};
        QTest::newRow("a welcome for another user takes out numbered edits, the rest closes up")
            << QStringList { u"as ann"_s, u"commit+"_s, u"commit+"_s, u"as bob"_s, u"commit+"_s, u"welcome-as bob 0"_s }
            << L { 1 } << 1ULL << 0ULL << L { 1, 2 } << P {};
        QTest::newRow("a welcome for another user takes out edits the server took too")
            << QStringList { u"as ann"_s, u"commit+"_s, u"commit+"_s, u"send"_s, u"welcome-as bob 1"_s } << L {} << 1ULL
            << 1ULL << L { 1, 2 } << P { 2 };
        QTest::newRow("a welcome for the same user keeps everything")
            << QStringList { u"as ann"_s, u"commit+"_s, u"commit+"_s, u"welcome-as ann 1"_s } << L { 1, 2 } << 2ULL
            << 0ULL << L {} << P {};
        QTest::newRow("edits made before any user was known are the welcome's user's")
            << QStringList { u"as -"_s, u"commit"_s, u"as ann"_s, u"commit"_s, u"welcome-as ann 0"_s } << L { 1, 2 }
            << 2ULL << 0ULL << L {} << P {};
        QTest::newRow("the empty user (a server without tokens) is a user")
            << QStringList { u"as ann"_s, u"commit"_s, u"as "_s, u"commit"_s, u"welcome-as  3"_s } << L { 4 } << 4ULL
            << 3ULL << L { 0 } << P {};
        QTest::newRow("renumbering from a number closes a gap there")
            << QStringList { u"commit+"_s, u"commit+"_s, u"commit+"_s, u"ack 2"_s, u"renumber 2"_s } << L { 1, 2 }
            << 2ULL << 0ULL << L {} << P {};
    }

    void shouldNumberTheOutbox()
    {
        QFETCH(QStringList, steps);
        s_user.reset();
        Outbox outbox;
        QList<quint64> refused;
        QList<int> pushes;
        for (const QString &step : std::as_const(steps)) {
            run(outbox, step, &refused, &pushes);
            if (QTest::currentTestFailed())
                return;
        }
        QTEST(numbers(outbox), "numbers");
        QTEST(outbox.lastTx(), "lastTx");
        QTEST(outbox.settledOutbox(), "settledTx");
        QTEST(refused, "refused");
        QTEST(pushes, "pushes");
    }

    void shouldSplitPushesAtTheFrameSize_data()
    {
        QTest::addColumn<int>("frameSlack"); // maxFrameBytes - the size of one push of all three
        QTest::addColumn<int>("aloneSlack"); // or, if frameSlack is unset (INT_MIN): - one push of one
        QTest::addColumn<int>("maxPendingPushes");
        QTest::addColumn<QList<int>>("pushes");
        using P = QList<int>;
        const int unset = INT_MIN;
        QTest::newRow("all three, exactly the frame size") << 0 << unset << 256 << P { 3 };
        QTest::newRow("all three, one byte over") << -1 << unset << 256 << P { 2, 1 };
        QTest::newRow("all three, far over") << unset << 10 << 256 << P { 1, 1, 1 };
        QTest::newRow("one alone, exactly the frame size") << unset << 0 << 256 << P { 1, 1, 1 };
        QTest::newRow("one alone, one byte over: each alone still") << unset << -1 << 256 << P { 1, 1, 1 };
        QTest::newRow("one alone, far over: each alone still") << unset << -1000 << 256 << P { 1, 1, 1 };
        QTest::newRow("no more in flight than the window") << 0 << unset << 2 << P { 2 };
    }

    void shouldSplitPushesAtTheFrameSize()
    {
        QFETCH(int, frameSlack);
        QFETCH(int, aloneSlack);
        QFETCH(int, maxPendingPushes);
        // Given three transactions of one insert each, numbered 1 to 3
        Outbox outbox;
        QList<Protocol::PushTransaction> all;
        for (int i = 0; i < 3; ++i) {
            OutboxEntry entry = transaction(100, 1, u"t%1-"_s.arg(i));
            all.append(entry.push.read());
            all.last().tx = i + 1;
            QVERIFY(outbox.commit(std::move(entry), true).isEmpty());
        }
        // and a server reading frames of this size (measured by the generic
        // encoder, not by the outbox's pieces)
        auto frameBytes = [](const QList<Protocol::PushTransaction> &transactions) {
            const Protocol::PushMessage push { 0, transactions };
            return qint64(QJsonDocument(push.toJson()).toJson(QJsonDocument::Compact).size());
        };
        outbox.limits.maxFrameBytes
            = frameSlack != INT_MIN ? frameBytes(all) + frameSlack : frameBytes({ all.first() }) + aloneSlack;
        outbox.limits.maxPendingPushes = maxPendingPushes;

        // When the outbox plans its pushes
        const QList<QList<OutboxEntry *>> pushes = outbox.planPushes(0);

        // Then it splits them so
        QList<int> sizes;
        for (const auto &push : pushes)
            sizes.append(int(push.size()));
        QTEST(sizes, "pushes");
        // and each frame is the push of its transactions, in order, within
        // the limit unless it holds one transaction alone.
        qint64 next = 1;
        for (const auto &push : pushes) {
            const QByteArray frame = Outbox::takePush(push, 0);
            QJsonParseError error;
            const auto message = Protocol::PushMessage::fromJson(QJsonDocument::fromJson(frame, &error).object());
            QVERIFY2(message, qPrintable(error.errorString()));
            QCOMPARE(message->settledTx.value_or(-1), qint64(0));
            QCOMPARE(message->transactions, all.mid(next - 1, push.size()));
            QVERIFY(push.size() == 1 || frame.size() <= outbox.limits.maxFrameBytes);
            QCOMPARE(qint64(frame.size()), frameBytes(message->transactions));
            next += push.size();
        }
        // and what it sent is in flight: nothing more goes.
        QVERIFY(outbox.planPushes(0).isEmpty());
    }

    void shouldRefuseWhatCanNeverFitAtTheLimits_data()
    {
        QTest::addColumn<int>("slack"); // maxFrameBytes - the push of the transaction alone
        QTest::addColumn<int>("inserts");
        QTest::addColumn<bool>("fits");
        QTest::newRow("exactly maxFrameBytes") << 0 << 1 << true;
        QTest::newRow("one byte over maxFrameBytes") << -1 << 1 << false;
        QTest::newRow("far over maxFrameBytes") << -100000 << 1 << false;
        QTest::newRow("exactly maxMutationsPerTransaction") << 0 << 10 << true;
        QTest::newRow("one mutation too many") << 0 << 11 << false;
        QTest::newRow("far too many mutations") << 0 << 1000 << false;
    }

    void shouldRefuseWhatCanNeverFitAtTheLimits()
    {
        QFETCH(int, slack);
        QFETCH(int, inserts);
        QFETCH(bool, fits);
        Outbox outbox;
        OutboxEntry entry = transaction(10, inserts);
        Protocol::PushTransaction read = entry.push.read();
        read.tx = 1;
        const Protocol::PushMessage alone { 0, { read } };
        outbox.limits.maxFrameBytes = QJsonDocument(alone.toJson()).toJson(QJsonDocument::Compact).size() + slack;
        outbox.limits.maxMutationsPerTransaction = 10;
        outbox.knowsLimits = true;
        const QString why = outbox.commit(std::move(entry), true);
        QCOMPARE(why.isEmpty(), fits);
        QCOMPARE(outbox.size(), fits ? 1 : 0);
        QCOMPARE(outbox.lastTx(), fits ? 1ULL : 0ULL);
    }
};

QTEST_GUILESS_MAIN(tst_Outbox)
#include "tst_outbox.moc"
