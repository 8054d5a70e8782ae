// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The subscriptions alone, without a socket: the subscribe message from a
// model's cursor, snapshot chunks in order, the gap's one resubscribe, and
// a welcome from another server.
#include "subscriptions_p.h"

#include "todofixture.h"

#include <optimist/listmodelfeed.h>

#include <QtCore/QRegularExpression>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Optimist::ListModel;
using Optimist::ListModelFeed;
using Optimist::SnapshotRecord;
using Optimist::Subscriptions;
namespace Protocol = Optimist::Protocol;

class tst_Subscriptions : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ListModel> model;
    Subscriptions subscriptions;

    static Protocol::SnapshotMessage chunk(int number, bool last, int records = 2, quint64 revision = 0)
    {
        Protocol::SnapshotMessage message { u"todos"_s, u"7"_s, number, last, {}, {} };
        for (int i = 0; i < records; ++i) {
            message.records.append(
                { u"c%1-r%2"_s.arg(number).arg(i), revision, QJsonObject { { u"title"_s, u"t%1"_s.arg(i) } } });
        }
        return message;
    }

private Q_SLOTS:
    void init()
    {
        model = std::make_unique<ListModel>();
        new QAbstractItemModelTester(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest, model.get());
        model->setCollection(u"todos"_s);
        model->setFields(OptimistTest::todoFields());
        subscriptions = {};
        subscriptions.bindings[u"todos"_s].model = model.get();
        subscriptions.bindings[u"todos"_s].collection = u"todos"_s;
    }

    void shouldTakeSnapshotChunksOnlyInOrder_data()
    {
        QTest::addColumn<QList<int>>("chunks"); // chunk numbers; the last one is marked last
        QTest::addColumn<QList<int>>("results"); // Subscriptions::Chunk of each
        QTest::addColumn<int>("records"); // at the Last one
        using C = Subscriptions::Chunk;
        QTest::newRow("one chunk") << QList<int> { 0 } << QList<int> { int(C::Last) } << 2;
        QTest::newRow("three chunks") << QList<int> { 0, 1, 2 }
                                      << QList<int> { int(C::Partial), int(C::Partial), int(C::Last) } << 6;
        QTest::newRow("one skipped") << QList<int> { 0, 2 } << QList<int> { int(C::Partial), int(C::OutOfOrder) } << 0;
        QTest::newRow("not from the first") << QList<int> { 1 } << QList<int> { int(C::OutOfOrder) } << 0;
        QTest::newRow("one repeated") << QList<int> { 0, 0 } << QList<int> { int(C::Partial), int(C::OutOfOrder) } << 0;
    }

    void shouldTakeSnapshotChunksOnlyInOrder()
    {
        QFETCH(QList<int>, chunks);
        QFETCH(QList<int>, results);
        QFETCH(int, records);
        QList<SnapshotRecord> complete;
        for (qsizetype i = 0; i < chunks.size(); ++i) {
            if (results.at(i) == int(Subscriptions::Chunk::OutOfOrder))
                QTest::ignoreMessage(QtWarningMsg, R"("todos" snapshot chunk out of order; resubscribing)");
            const auto result = subscriptions.addChunk(chunk(chunks.at(i), i == chunks.size() - 1), &complete);
            QCOMPARE(int(result), results.at(i));
        }
        QCOMPARE(complete.size(), records);
        // and a subscribe starts the snapshot over from chunk 0.
        QVERIFY(subscriptions.subscribe(u"todos"_s, true));
        QCOMPARE(int(subscriptions.addChunk(chunk(0, true), &complete)), int(Subscriptions::Chunk::Last));
    }

    void shouldIgnoreAChunkOfACollectionNotBound()
    {
        Protocol::SnapshotMessage other = chunk(0, true);
        other.collection = u"notes"_s;
        QList<SnapshotRecord> complete;
        QCOMPARE(int(subscriptions.addChunk(other, &complete)), int(Subscriptions::Chunk::Ignored));
        QVERIFY(complete.isEmpty());
    }

    void shouldLeaveUnreadTheRecordsTheModelHoldsAtThatRevision()
    {
        // Given a model holding c0-r0 and c0-r1 at revision 5
        ListModelFeed(model.get())
            .applySnapshot(
                { { u"c0-r0"_s, 5, { { u"title"_s, u"t0"_s } } }, { u"c0-r1"_s, 5, { { u"title"_s, u"t1"_s } } } },
                u"6"_s);
        // When a snapshot names c0-r0 at revision 5 and c0-r1 at 6
        Protocol::SnapshotMessage message = chunk(0, true, 2, 5);
        message.records[1].revision = 6;
        QList<SnapshotRecord> complete;
        QCOMPARE(int(subscriptions.addChunk(message, &complete)), int(Subscriptions::Chunk::Last));
        // Then only c0-r1's fields are converted.
        QCOMPARE(complete.size(), 2);
        QVERIFY(complete.at(0).fields.isEmpty());
        QCOMPARE(complete.at(1).fields.value(u"title"_s), u"t1"_s);
    }

    void shouldSubscribeFromTheModelsCursorOnceWelcomed()
    {
        QVERIFY(!subscriptions.subscribe(u"todos"_s, false));
        QVERIFY(!model->isLoading());
        // No cursor: a first load.
        auto message = subscriptions.subscribe(u"todos"_s, true);
        QVERIFY(message);
        QCOMPARE(message->collection, u"todos"_s);
        QCOMPARE(message->cursor, QString());
        QVERIFY(model->isLoading());
        // A cursor: resumed from it.
        ListModelFeed(model.get()).applySnapshot(QList<SnapshotRecord>(), u"42"_s);
        message = subscriptions.subscribe(u"todos"_s, true);
        QCOMPARE(message->cursor, u"42"_s);
    }

    void shouldResubscribeOnceForAGap()
    {
        QVERIFY(subscriptions.deltaApplied(u"todos"_s, false)); // a gap: ask again
        QVERIFY(!subscriptions.deltaApplied(u"todos"_s, false)); // asked already
        QVERIFY(!subscriptions.deltaApplied(u"todos"_s, true)); // the answer fits
        QVERIFY(subscriptions.deltaApplied(u"todos"_s, false)); // a new gap
        subscriptions.connectionLost();
        QVERIFY(subscriptions.deltaApplied(u"todos"_s, false)); // a new connection
        QVERIFY(!subscriptions.deltaApplied(u"notes"_s, false)); // not bound
        QVERIFY(!subscriptions.bindings.contains(u"notes"_s));
    }

    void shouldForgetTheCursorOfAnotherServersState_data()
    {
        QTest::addColumn<QString>("stateFrom");
        QTest::addColumn<bool>("forgets");
        QTest::newRow("the same server") << u"a"_s << false;
        QTest::newRow("another server") << u"b"_s << true;
        QTest::newRow("no server yet") << QString() << false;
    }

    void shouldForgetTheCursorOfAnotherServersState()
    {
        QFETCH(QString, stateFrom);
        QFETCH(bool, forgets);
        ListModelFeed(model.get()).applySnapshot({ { u"r"_s, 1, { { u"title"_s, u"t"_s } } } }, u"9"_s);
        subscriptions.bindings[u"todos"_s].serverId = stateFrom;
        subscriptions.welcomedBy(u"a"_s, QString());
        QCOMPARE(model->cursor().isEmpty(), forgets);
        QCOMPARE(subscriptions.bindings.value(u"todos"_s).serverId, u"a"_s);
        QCOMPARE(model->rowCount(), 1); // reloaded, not emptied: the records were not another user's
    }

    void shouldForgetAnotherUsersCursorAndRecords_data()
    {
        QTest::addColumn<QString>("stateFor");
        QTest::addColumn<QString>("welcomedAs");
        QTest::addColumn<bool>("forgets");
        QTest::newRow("the same user") << u"ann"_s << u"ann"_s << false;
        QTest::newRow("another user") << u"ann"_s << u"bob"_s << true;
        QTest::newRow("signed out") << u"ann"_s << QString() << true;
        QTest::newRow("signed in") << QString() << u"ann"_s << true;
        QTest::newRow("nobody, twice") << QString() << QString() << false;
    }

    void shouldForgetAnotherUsersCursorAndRecords()
    {
        QFETCH(QString, stateFor);
        QFETCH(QString, welcomedAs);
        QFETCH(bool, forgets);
        ListModelFeed(model.get()).applySnapshot({ { u"r"_s, 1, { { u"title"_s, u"t"_s } } } }, u"9"_s);
        Optimist::Binding &binding = subscriptions.bindings[u"todos"_s];
        binding.serverId = u"a"_s;
        binding.userId = stateFor;
        subscriptions.welcomedBy(u"a"_s, welcomedAs);
        QCOMPARE(model->cursor().isEmpty(), forgets);
        QCOMPARE(model->rowCount(), forgets ? 0 : 1);
        QCOMPARE(binding.userId, welcomedAs);
        // and the filter reads the user as auth.sub.
        const QVariantMap auth = ListModelFeed(model.get()).filterAuth();
        QCOMPARE(auth.value(u"sub"_s).toString(), welcomedAs);
        QCOMPARE(auth.isEmpty(), welcomedAs.isEmpty());
    }

    void shouldKeyTheFirstUnfilteredModelByItsCollection_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("firstBound");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("third"); // an unfiltered model's, bound next
        QTest::newRow("unfiltered, first") << QString() << false << u"todos"_s << u"todos#1"_s;
        QTest::newRow("unfiltered, second") << QString() << true << u"todos#1"_s << u"todos#2"_s;
        QTest::newRow("filtered, first") << u"!record.done"_s << false << u"todos#1"_s << u"todos"_s;
        QTest::newRow("blank filter, first") << u" "_s << false << u"todos"_s << u"todos#1"_s;
    }

    void shouldKeyTheFirstUnfilteredModelByItsCollection()
    {
        QFETCH(QString, filter);
        QFETCH(bool, firstBound);
        QFETCH(QString, key);
        QFETCH(QString, third);
        if (!firstBound)
            subscriptions.bindings.clear();
        ListModel other;
        other.setCollection(u"todos"_s);
        other.setFields(OptimistTest::todoFields());
        other.setFilter(filter);
        QCOMPARE(subscriptions.keyFor(&other), key);
        subscriptions.bindings[key].model = &other;
        subscriptions.bindings[key].collection = u"todos"_s;
        QCOMPARE(subscriptions.keyOf(&other), key);
        // The subscribe names the key unless it is the collection's.
        QCOMPARE(subscriptions.subscribe(key, true)->subscription, key == u"todos"_s ? QString() : key);
        QCOMPARE(subscriptions.route(key == u"todos"_s ? QString() : key, u"todos"_s)->model, &other);
        // The next unfiltered one gets the collection's name if free, else a number.
        ListModel next;
        next.setCollection(u"todos"_s);
        QCOMPARE(subscriptions.keyFor(&next), third);
    }

    void shouldSubscribeAgainWithoutCursorWhenTheFilterChanges()
    {
        // Given a model subscribed and loaded at cursor 42
        ListModelFeed(model.get()).applySnapshot(QList<SnapshotRecord>(), u"42"_s);
        QCOMPARE(subscriptions.subscribe(u"todos"_s, true)->cursor, u"42"_s);
        QVERIFY(subscriptions.takesDeltas(u"todos"_s));
        // When its filter changes
        model->setFilterParams({ { u"list"_s, u"l1"_s } });
        model->setFilter(u"record.title == $list"_s);
        QVERIFY(subscriptions.filterChanged(u"todos"_s));
        // Then it subscribes with the filter and its params, and no cursor
        const auto message = subscriptions.subscribe(u"todos"_s, true);
        QVERIFY(message);
        QCOMPARE(message->cursor, QString());
        QCOMPARE(message->subscription, QString()); // the collection's own key
        QCOMPARE(message->filter, u"record.title == $list"_s);
        QCOMPARE(message->params, (QJsonObject { { u"list"_s, u"l1"_s } }));
        QVERIFY(model->isLoading());
        // and takes no delta (the old filter's) until the new snapshot came.
        QVERIFY(!subscriptions.takesDeltas(u"todos"_s));
        QList<SnapshotRecord> complete;
        QCOMPARE(int(subscriptions.addChunk(chunk(0, false), &complete)), int(Subscriptions::Chunk::Partial));
        QVERIFY(!subscriptions.takesDeltas(u"todos"_s));
        QCOMPARE(int(subscriptions.addChunk(chunk(1, true), &complete)), int(Subscriptions::Chunk::Last));
        QVERIFY(subscriptions.takesDeltas(u"todos"_s));
    }

    void shouldNotSubscribeWithAnInvalidFilter()
    {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"invalid filter"_s));
        model->setFilter(u"record.done =="_s);
        QVERIFY(!subscriptions.filterChanged(u"todos"_s));
        QVERIFY(!subscriptions.subscribe(u"todos"_s, true));
        QVERIFY(!model->isLoading());
        model->setFilter(u"record.done == false"_s);
        QVERIFY(subscriptions.filterChanged(u"todos"_s));
        QCOMPARE(subscriptions.subscribe(u"todos"_s, true)->filter, u"record.done == false"_s);
    }

    void shouldCacheEachFilterApart()
    {
        const Optimist::Binding &binding = subscriptions.bindings[u"todos"_s];
        QCOMPARE(Subscriptions::cacheName(binding), u"todos"_s);
        model->setFilterParams({ { u"b"_s, 2 }, { u"a"_s, u"x"_s } });
        model->setFilter(u"record.rank == $b"_s);
        const QString name = Subscriptions::cacheName(binding);
        QCOMPARE(name, u"todos\x1frecord.rank == $b\x1f{\"a\":\"x\",\"b\":2}"_s);
        model->setFilterParams({ { u"b"_s, 3 }, { u"a"_s, u"x"_s } });
        QVERIFY(Subscriptions::cacheName(binding) != name);
    }
};

QTEST_GUILESS_MAIN(tst_Subscriptions)
#include "tst_subscriptions.moc"
