// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// ListModel's filter: rows = records whose current (optimistic) values pass
// it. Optimistic edits move rows out and in at once, a rejection puts them
// back, a confirmed move-out leaves no row; changing the filter, its params
// or the user's claims diffs the rows (no reset); an invalid filter shows
// nothing and says why. Last, a seeded randomized run against an oracle
// that knows nothing of the model (its filters are C++ lambdas).
#include "modelsignalreplayer.h"
#include "todofixture.h"

#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>

#include <QtCore/QItemSelectionModel>
#include <QtCore/QPointer>
#include <QtCore/QRandomGenerator>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <functional>
#include <map>
#include <memory>

using namespace Qt::StringLiterals;
using namespace Optimist;
using namespace OptimistTest;

namespace {

//! A model of todos sorted by rank, with a tester, a replayer and a recorder.
struct Harness {
    Harness()
    {
        model.setCollection(u"todos"_s);
        model.setFields(todoFields());
        model.setSortField(u"rank"_s);
        new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
        replayer = std::make_unique<ModelSignalReplayer>(&model);
        recorder = std::make_unique<ModelSignalRecorder>(&model);
    }
    void load(const QList<QVariantMap> &records)
    {
        ListModelFeed(&model).applySnapshot(records, u"c1"_s);
        recorder->clear();
    }
    QString nextCursor() const { return u"c"_s + QString::number(model.cursor().mid(1).toInt() + 1); }
    bool delta(const QList<RecordChange> &changes, const QList<quint64> &acks = {})
    {
        return ListModelFeed(&model).applyDelta(changes, model.cursor(), nextCursor(), acks);
    }
    //! The server confirms \a tx as a filtered subscription would: each
    //! record it wrote that passes \a passes is an upsert, one that no
    //! longer does a remove of its id (it was there), with the ack.
    void confirm(Transaction *tx, const std::function<bool(const QVariantMap &)> &passes)
    {
        QList<RecordChange> changes;
        for (const Mutation &m : tx->mutations()) {
            QVariantMap after = m.kind == Mutation::Kind::Insert ? QVariantMap() : model.confirmedRecord(m.id);
            after.remove(u"id"_s);
            for (auto it = m.fields.cbegin(); it != m.fields.cend(); ++it)
                after.insert(it.key(), it.value());
            if (m.kind != Mutation::Kind::Remove && passes(after))
                changes.append(RecordChange::upsert(m.id, after));
            else
                changes.append(RecordChange::remove(m.id));
        }
        QVERIFY(delta(changes, { tx->id() }));
    }

    ListModel model;
    std::unique_ptr<ModelSignalReplayer> replayer;
    std::unique_ptr<ModelSignalRecorder> recorder;
};

#define VERIFY_REPLAY(h) QCOMPARE((h).replayer->verify(), QString())

QList<QVariantMap> fourTodos()
{
    return { todo(u"a"_s, u"A"_s, 1, false), todo(u"b"_s, u"B"_s, 2, true), todo(u"c"_s, u"C"_s, 3, false),
        todo(u"d"_s, u"D"_s, 4, true) };
}

QVariantMap withId(QVariantMap record, const QString &id)
{
    record.insert(u"id"_s, id);
    return record;
}

bool notDone(const QVariantMap &record)
{
    return !record.value(u"done"_s).toBool();
}

} // namespace

class tst_ListModelFilter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldShowOnlyRecordsThatPass_data();
    void shouldShowOnlyRecordsThatPass();
    void shouldMoveRowsWithOptimisticEdits_data();
    void shouldMoveRowsWithOptimisticEdits();
    void shouldLetAnEditMoveAHiddenRecordBackIn();
    void shouldDiffRowsWhenTheFilterChanges_data();
    void shouldDiffRowsWhenTheFilterChanges();
    void shouldKeepCurrentAndSelectedRowsThatStay();
    void shouldFilterOnTheUsersClaims();
    void shouldCheckTheFilterOnceTheFieldsAreSet();
    void shouldMatchTheOracleInRandomRuns_data();
    void shouldMatchTheOracleInRandomRuns();
};

void tst_ListModelFilter::shouldShowOnlyRecordsThatPass_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QVariantMap>("params");
    QTest::addColumn<QStringList>("rows");
    QTest::addColumn<QString>("error");
    const QStringList all { u"a"_s, u"b"_s, u"c"_s, u"d"_s };
    QTest::newRow("none") << QString() << QVariantMap() << all << QString();
    QTest::newRow("blank") << u"  "_s << QVariantMap() << all << QString();
    QTest::newRow("not done") << u"!record.done"_s << QVariantMap() << QStringList { u"a"_s, u"c"_s } << QString();
    QTest::newRow("rank at the bound") << u"record.rank >= 3"_s << QVariantMap() << QStringList { u"c"_s, u"d"_s }
                                       << QString();
    QTest::newRow("param") << u"record.rank < $max"_s << QVariantMap { { u"max"_s, 2 } } << QStringList { u"a"_s }
                           << QString();
    QTest::newRow("param list") << u"record.id in $ids"_s
                                << QVariantMap { { u"ids"_s, QVariantList { u"b"_s, u"d"_s, u"x"_s } } }
                                << QStringList { u"b"_s, u"d"_s } << QString();
    QTest::newRow("none pass") << u"record.title == \"Z\""_s << QVariantMap() << QStringList() << QString();
    QTest::newRow("syntax") << u"(record.done"_s << QVariantMap() << QStringList()
                            << u"invalid filter: expected ')', found the end at 12"_s;
    QTest::newRow("unknown field") << u"record.ownr == 1"_s << QVariantMap() << QStringList()
                                   << u"invalid filter: unknown field 'ownr' at 0"_s;
    QTest::newRow("missing param") << u"record.rank < $max"_s << QVariantMap { { u"min"_s, 1 } } << QStringList()
                                   << u"invalid filter: no value for $max in filterParams"_s;
}

void tst_ListModelFilter::shouldShowOnlyRecordsThatPass()
{
    QFETCH(QString, filter);
    QFETCH(QVariantMap, params);
    QFETCH(QStringList, rows);
    QFETCH(QString, error);
    // Given a filter set before the records arrive
    Harness h;
    QSignalSpy errorChanged(&h.model, &ListModel::errorStringChanged);
    if (!error.isEmpty())
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"invalid filter"_s));
    h.model.setFilterParams(params);
    h.model.setFilter(filter);
    QCOMPARE(h.model.errorString(), error);
    QCOMPARE(ListModelFeed(&h.model).filterError(), error);
    QCOMPARE(errorChanged.size(), error.isEmpty() ? 0 : 1);
    // When they arrive, only those that pass are rows
    h.load(fourTodos());
    QCOMPARE(ids(h.model), rows);
    QCOMPARE(h.model.count(), rows.size());
    VERIFY_REPLAY(h);
    // and a valid filter clears the error an invalid one set.
    h.model.setFilter(QString());
    QCOMPARE(ids(h.model), (QStringList { u"a"_s, u"b"_s, u"c"_s, u"d"_s }));
    QCOMPARE(h.model.errorString(), QString());
    VERIFY_REPLAY(h);
}

// What an optimistic edit does to the rows of a model filtered to !done,
// then what the server's answer does.
void tst_ListModelFilter::shouldMoveRowsWithOptimisticEdits_data()
{
    QTest::addColumn<int>("kind"); // Mutation::Kind
    QTest::addColumn<QString>("id");
    QTest::addColumn<QVariantMap>("fields");
    QTest::addColumn<bool>("accept");
    QTest::addColumn<QStringList>("pending"); // rows while the edit is pending
    QTest::addColumn<QStringList>("settled"); // rows once the server answered
    QTest::addColumn<QStringList>("signals"); // of the edit
    const QStringList before { u"a"_s, u"c"_s };
    const auto upd = int(Mutation::Kind::Update);
    const auto ins = int(Mutation::Kind::Insert);
    const auto rem = int(Mutation::Kind::Remove);
    const QVariantMap done { { u"done"_s, true } };
    const QStringList outSignals { u"rowsRemoved(0,0)"_s };
    QTest::newRow("move out, confirmed") << upd << u"a"_s << done << true << QStringList { u"c"_s }
                                         << QStringList { u"c"_s } << outSignals;
    QTest::newRow("move out, rejected") << upd << u"a"_s << done << false << QStringList { u"c"_s } << before
                                        << outSignals;
    QTest::newRow("stay in, confirmed") << upd << u"c"_s << QVariantMap { { u"rank"_s, 0 } } << true
                                        << QStringList { u"c"_s, u"a"_s } << QStringList { u"c"_s, u"a"_s }
                                        << QStringList { u"rowsMoved(1,1->0)"_s, u"dataChanged(0,0:[258,259,274])"_s };
    QTest::newRow("insert in, confirmed")
        << ins << u"e"_s << QVariantMap { { u"title"_s, u"E"_s }, { u"rank"_s, 2 } } << true
        << QStringList { u"a"_s, u"e"_s, u"c"_s } << QStringList { u"a"_s, u"e"_s, u"c"_s }
        << QStringList { u"rowsInserted(1,1)"_s };
    QTest::newRow("insert in, rejected") << ins << u"e"_s << QVariantMap { { u"title"_s, u"E"_s }, { u"rank"_s, 2 } }
                                         << false << QStringList { u"a"_s, u"e"_s, u"c"_s } << before
                                         << QStringList { u"rowsInserted(1,1)"_s };
    QTest::newRow("insert out, confirmed")
        << ins << u"e"_s << QVariantMap { { u"title"_s, u"E"_s }, { u"done"_s, true } } << true << before << before
        << QStringList();
    QTest::newRow("remove, rejected") << rem << u"c"_s << QVariantMap() << false << QStringList { u"a"_s } << before
                                      << QStringList { u"rowsRemoved(1,1)"_s };
    QTest::newRow("remove, confirmed") << rem << u"c"_s << QVariantMap() << true << QStringList { u"a"_s }
                                       << QStringList { u"a"_s } << QStringList { u"rowsRemoved(1,1)"_s };
}

void tst_ListModelFilter::shouldMoveRowsWithOptimisticEdits()
{
    QFETCH(int, kind);
    QFETCH(QString, id);
    QFETCH(QVariantMap, fields);
    QFETCH(bool, accept);
    QFETCH(QStringList, pending);
    QFETCH(QStringList, settled);
    QFETCH(QStringList, signals);
    // Given the undone todos a and c of four
    Harness h;
    h.model.setFilter(u"record.done == false"_s);
    h.load(fourTodos());
    QCOMPARE(ids(h.model), (QStringList { u"a"_s, u"c"_s }));
    // When an edit is made, its rows show at once and it stays pending
    QPointer<Transaction> tx;
    if (kind == int(Mutation::Kind::Update))
        tx = h.model.update(id, fields);
    else if (kind == int(Mutation::Kind::Insert))
        tx = h.model.insert(withId(fields, id));
    else
        tx = h.model.remove(id);
    QCOMPARE(tx->state(), Transaction::Pending);
    QCOMPARE(ids(h.model), pending);
    QCOMPARE(h.recorder->take(), signals);
    QCOMPARE(h.model.pendingCount(), 1);
    VERIFY_REPLAY(h);
    // Then the server's answer settles the rows
    if (accept)
        h.confirm(tx, notDone);
    else
        tx->reject(u"forbidden"_s, u"no"_s);
    QCOMPARE(ids(h.model), settled);
    QCOMPARE(h.model.pendingCount(), 0);
    VERIFY_REPLAY(h);
    // and a confirmed move-out leaves nothing behind: not even a hidden record.
    if (accept && !settled.contains(id)) {
        QVERIFY(!h.model.contains(id));
        QVERIFY(h.model.confirmedRecord(id).isEmpty());
        QCOMPARE(h.model.update(id, { { u"done"_s, false } })->errorCode(), u"not_found"_s);
    }
}

void tst_ListModelFilter::shouldLetAnEditMoveAHiddenRecordBackIn()
{
    // Given a moved out while its edit is pending
    Harness h;
    h.model.setFilter(u"!record.done"_s);
    h.load(fourTodos());
    Transaction *out = h.model.update(u"a"_s, { { u"done"_s, true } });
    QCOMPARE(ids(h.model), (QStringList { u"c"_s }));
    QVERIFY(!h.model.contains(u"a"_s));
    QVERIFY(h.model.get(u"a"_s).isEmpty());
    h.recorder->clear();
    // When another edit moves it back in, it shows at once
    Transaction *in = h.model.update(u"a"_s, { { u"done"_s, false } });
    QCOMPARE(in->state(), Transaction::Pending);
    QCOMPARE(ids(h.model), (QStringList { u"a"_s, u"c"_s }));
    QCOMPARE(h.recorder->take(), QStringList { u"rowsInserted(0,0)"_s });
    // and an insert of its id is a conflict, as for a shown one.
    QCOMPARE(h.model.insert(todo(u"a"_s, u"again"_s))->errorCode(), u"conflict"_s);
    // Rejecting the first leaves the second's values.
    out->reject(u"forbidden"_s, u"no"_s);
    QCOMPARE(ids(h.model), (QStringList { u"a"_s, u"c"_s }));
    QCOMPARE(h.model.pendingCount(), 1);
    VERIFY_REPLAY(h);
    // A record the model does not hold cannot be edited into it.
    QCOMPARE(h.model.update(u"x"_s, { { u"done"_s, false } })->errorCode(), u"not_found"_s);
}

void tst_ListModelFilter::shouldDiffRowsWhenTheFilterChanges_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QVariantMap>("params");
    QTest::addColumn<QStringList>("rows");
    QTest::addColumn<QStringList>("signals");
    // From record.rank <= $max with max 2: a, b.
    const QVariantMap two { { u"max"_s, 2 } };
    QTest::newRow("same rows") << u"record.rank < 3"_s << two << QStringList { u"a"_s, u"b"_s } << QStringList();
    QTest::newRow("one more") << u"record.rank <= $max"_s << QVariantMap { { u"max"_s, 3 } }
                              << QStringList { u"a"_s, u"b"_s, u"c"_s } << QStringList { u"rowsInserted(2,2)"_s };
    QTest::newRow("one less") << u"record.rank <= $max"_s << QVariantMap { { u"max"_s, 1 } } << QStringList { u"a"_s }
                              << QStringList { u"rowsRemoved(1,1)"_s };
    QTest::newRow("swap") << u"record.rank > $max"_s << two << QStringList { u"c"_s, u"d"_s }
                          << QStringList { u"rowsRemoved(0,1)"_s, u"rowsInserted(0,1)"_s };
    QTest::newRow("interleaved") << u"record.done"_s << two << QStringList { u"b"_s, u"d"_s }
                                 << QStringList { u"rowsRemoved(0,0)"_s, u"rowsInserted(1,1)"_s };
    QTest::newRow("none") << QString() << two << QStringList { u"a"_s, u"b"_s, u"c"_s, u"d"_s }
                          << QStringList { u"rowsInserted(2,3)"_s };
    QTest::newRow("invalid") << u"record.rank <"_s << two << QStringList() << QStringList { u"rowsRemoved(0,1)"_s };
}

void tst_ListModelFilter::shouldDiffRowsWhenTheFilterChanges()
{
    QFETCH(QString, filter);
    QFETCH(QVariantMap, params);
    QFETCH(QStringList, rows);
    QFETCH(QStringList, signals);
    Harness h;
    h.model.setFilterParams({ { u"max"_s, 2 } });
    h.model.setFilter(u"record.rank <= $max"_s);
    h.load(fourTodos());
    QCOMPARE(ids(h.model), (QStringList { u"a"_s, u"b"_s }));
    QSignalSpy filterChanged(&h.model, &ListModel::filterChanged);
    QSignalSpy paramsChanged(&h.model, &ListModel::filterParamsChanged);
    if (filter.endsWith(u'<'))
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"invalid filter"_s));
    h.model.setFilter(filter);
    h.model.setFilterParams(params);
    QCOMPARE(ids(h.model), rows);
    QCOMPARE(h.recorder->take(), signals);
    QCOMPARE(filterChanged.size(), filter == u"record.rank <= $max"_s ? 0 : 1);
    const QVariantMap two { { u"max"_s, 2 } };
    QCOMPARE(paramsChanged.size(), params == two ? 0 : 1);
    VERIFY_REPLAY(h);
}

void tst_ListModelFilter::shouldKeepCurrentAndSelectedRowsThatStay()
{
    Harness h;
    h.load(fourTodos());
    QItemSelectionModel selection(&h.model);
    selection.setCurrentIndex(h.model.index(2), QItemSelectionModel::NoUpdate); // c
    selection.select(h.model.index(3), QItemSelectionModel::Select); // d
    const QPersistentModelIndex a(h.model.index(0));
    const QPersistentModelIndex b(h.model.index(1));
    // When a filter hides a and b
    h.model.setFilter(u"record.rank >= 3"_s);
    // Then c and d keep being current and selected, and a and b's indexes die
    QCOMPARE(h.recorder->take(), QStringList { u"rowsRemoved(0,1)"_s });
    QCOMPARE(selection.currentIndex().data(ListModel::IdRole).toString(), u"c"_s);
    QCOMPARE(selection.selectedIndexes().size(), 1);
    QCOMPARE(selection.selectedIndexes().first().data(ListModel::IdRole).toString(), u"d"_s);
    QVERIFY(!a.isValid());
    QVERIFY(!b.isValid());
    // and when b comes back, they stay on c and d.
    const QPersistentModelIndex c(h.model.index(0));
    h.model.setFilter(u"record.rank >= 2"_s);
    QCOMPARE(h.recorder->take(), QStringList { u"rowsInserted(0,0)"_s });
    QCOMPARE(c.data(ListModel::IdRole).toString(), u"c"_s);
    QCOMPARE(c.row(), 1);
    QCOMPARE(selection.currentIndex().data(ListModel::IdRole).toString(), u"c"_s);
    QCOMPARE(selection.selectedIndexes().first().data(ListModel::IdRole).toString(), u"d"_s);
    VERIFY_REPLAY(h);
}

void tst_ListModelFilter::shouldFilterOnTheUsersClaims()
{
    Fields fields = todoFields();
    fields.append(Field(u"owner"_s, Field::Type::String));
    ListModel model;
    new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
    model.setCollection(u"todos"_s);
    model.setFields(fields);
    model.setFilter(u"record.owner == auth.sub"_s);
    QVariantMap mine = todo(u"m"_s, u"mine"_s);
    mine.insert(u"owner"_s, u"ann"_s);
    QVariantMap theirs = todo(u"t"_s, u"theirs"_s);
    theirs.insert(u"owner"_s, u"bob"_s);
    ListModelFeed(&model).applySnapshot(QList<QVariantMap> { mine, theirs }, u"1"_s);
    // No user: auth.sub reads null, no record passes.
    QCOMPARE(model.rowCount(), 0);
    ListModelFeed(&model).setFilterAuth({ { u"sub"_s, u"ann"_s } });
    QCOMPARE(ids(model), QStringList { u"m"_s });
    ListModelFeed(&model).setFilterAuth({ { u"sub"_s, u"bob"_s } });
    QCOMPARE(ids(model), QStringList { u"t"_s });
    QCOMPARE(ListModelFeed(&model).filterAuth().value(u"sub"_s), u"bob"_s);
    // An edit giving the record away moves it out at once.
    model.update(u"t"_s, { { u"owner"_s, u"ann"_s } });
    QCOMPARE(model.rowCount(), 0);
}

void tst_ListModelFilter::shouldCheckTheFilterOnceTheFieldsAreSet()
{
    // QML sets properties in an order of its own: the filter may come first.
    ListModel model;
    model.setCollection(u"todos"_s);
    model.setFilter(u"record.ownr == 1"_s);
    QCOMPARE(model.errorString(), QString());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"unknown field 'ownr'"_s));
    model.setFields(todoFields());
    QCOMPARE(model.errorString(), u"invalid filter: unknown field 'ownr' at 0"_s);
    model.setFilter(u"record.rank == 1"_s);
    QCOMPARE(model.errorString(), QString());
}

// ------------------------------------------------------------- randomized

namespace {

//! A filter as the oracle knows it: a C++ predicate on a record and params.
struct OracleFilter {
    QString text;
    std::function<bool(const QVariantMap &record, const QVariantMap &params)> passes;
};

const QList<OracleFilter> &oracleFilters()
{
    static const QList<OracleFilter> filters {
        { QString(), [](const QVariantMap &, const QVariantMap &) { return true; } },
        { u"!record.done"_s, [](const QVariantMap &r, const QVariantMap &) { return !r.value(u"done"_s).toBool(); } },
        { u"record.rank >= $min"_s,
            [](const QVariantMap &r, const QVariantMap &p) {
                return r.value(u"rank"_s).toLongLong() >= p.value(u"min"_s).toLongLong();
            } },
        { u"record.done || record.rank in [1, 3, 5]"_s,
            [](const QVariantMap &r, const QVariantMap &) {
                const qint64 rank = r.value(u"rank"_s).toLongLong();
                return r.value(u"done"_s).toBool() || rank == 1 || rank == 3 || rank == 5;
            } },
        { u"record.title != $title && record.id != \"r1\""_s,
            [](const QVariantMap &r, const QVariantMap &p) {
                return r.value(u"title"_s) != p.value(u"title"_s) && r.value(u"id"_s) != u"r1"_s;
            } },
    };
    return filters;
}

//! The model's state computed from scratch: confirmed records, and pending
//! transactions of one op each, in the order they were made.
struct Oracle {
    struct Op {
        Mutation::Kind kind;
        QString id;
        QVariantMap fields;
    };
    std::map<QString, QVariantMap> confirmed;
    std::vector<std::pair<QPointer<Transaction>, Op>> pending;

    static void apply(std::map<QString, QVariantMap> &records, const Op &op)
    {
        if (op.kind == Mutation::Kind::Insert)
            records[op.id] = op.fields;
        else if (op.kind == Mutation::Kind::Remove)
            records.erase(op.id);
        else if (auto it = records.find(op.id); it != records.end())
            it->second.insert(op.fields);
    }
    std::map<QString, QVariantMap> current() const
    {
        std::map<QString, QVariantMap> records = confirmed;
        for (const auto &[tx, op] : pending)
            apply(records, op);
        return records;
    }
    //! The visible ids, by rank then id.
    QStringList rows(const OracleFilter &filter, const QVariantMap &params) const
    {
        std::vector<std::pair<qint64, QString>> shown;
        for (const auto &[id, record] : current()) {
            QVariantMap withId = record;
            withId.insert(u"id"_s, id);
            if (filter.passes(withId, params))
                shown.emplace_back(record.value(u"rank"_s).toLongLong(), id);
        }
        std::sort(shown.begin(), shown.end());
        QStringList ids;
        for (const auto &[rank, id] : shown)
            ids.append(id);
        return ids;
    }
};

//! One random run: local edits, confirmations, rejections, other clients'
//! changes and filter changes, the model checked against the oracle after
//! every step.
class RandomRun {
public:
    explicit RandomRun(quint32 seed)
        : random(seed)
    {
    }
    void step();
    QString check() const;
    Harness h;

private:
    QVariantMap randomValues()
    {
        return { { u"title"_s, u"t%1"_s.arg(random.bounded(3)) }, { u"done"_s, random.bounded(2) == 1 },
            { u"rank"_s, qint64(random.bounded(7)) } };
    }
    QString randomId() { return u"r%1"_s.arg(random.bounded(12)); }
    void localEdit();
    void settleOne();
    void otherClient();
    void changeFilter();

    QRandomGenerator random;
    Oracle oracle;
    int filterIndex = 0;
    QVariantMap params { { u"min"_s, 2 }, { u"title"_s, u"t0"_s } };
};

void RandomRun::localEdit()
{
    const QString id = randomId();
    const bool exists = oracle.current().count(id) > 0;
    const int kind = exists ? int(random.bounded(2)) + 1 : 0; // insert, update or remove
    Oracle::Op op { Mutation::Kind(kind), id, randomValues() };
    Transaction *tx = nullptr;
    if (op.kind == Mutation::Kind::Insert)
        tx = h.model.insert(withId(op.fields, id));
    else if (op.kind == Mutation::Kind::Update && random.bounded(2))
        tx = h.model.update(id, op.fields);
    else if (op.kind == Mutation::Kind::Update) {
        const QString field = op.fields.keys().at(qsizetype(random.bounded(quint32(op.fields.size()))));
        tx = h.model.update(id, { { field, op.fields.value(field) } });
    } else {
        tx = h.model.remove(id);
    }
    if (tx->state() == Transaction::Pending && !tx->mutations().isEmpty()) {
        if (op.kind == Mutation::Kind::Update)
            op.fields = tx->mutations().first().fields; // only what changed
        oracle.pending.emplace_back(tx, op);
    }
}

void RandomRun::settleOne()
{
    if (oracle.pending.empty())
        return;
    const size_t i = random.bounded(quint32(oracle.pending.size()));
    auto [tx, op] = oracle.pending[i];
    oracle.pending.erase(oracle.pending.begin() + qsizetype(i));
    if (random.bounded(3) == 0 || !tx) {
        if (tx)
            tx->reject(u"forbidden"_s, u"no"_s);
        return;
    }
    // Applied on the server, on top of what it has now.
    Oracle::apply(oracle.confirmed, op);
    const auto it = oracle.confirmed.find(op.id);
    const RecordChange change
        = it == oracle.confirmed.end() ? RecordChange::remove(op.id) : RecordChange::upsert(op.id, it->second);
    h.delta({ change }, { tx->id() });
}

void RandomRun::otherClient()
{
    const QString id = randomId();
    if (random.bounded(4) == 0) {
        oracle.confirmed.erase(id);
        h.delta({ RecordChange::remove(id) });
    } else {
        oracle.confirmed[id] = randomValues();
        h.delta({ RecordChange::upsert(id, oracle.confirmed[id]) });
    }
}

void RandomRun::changeFilter()
{
    if (random.bounded(2)) {
        filterIndex = int(random.bounded(quint32(oracleFilters().size())));
        h.model.setFilter(oracleFilters().at(filterIndex).text);
    } else {
        params = { { u"min"_s, qint64(random.bounded(7)) }, { u"title"_s, u"t%1"_s.arg(random.bounded(3)) } };
        h.model.setFilterParams(params);
    }
}

void RandomRun::step()
{
    const quint32 dice = random.bounded(10);
    if (dice < 4)
        localEdit();
    else if (dice < 7)
        settleOne();
    else if (dice < 9)
        otherClient();
    else
        changeFilter();
}

QString RandomRun::check() const
{
    const QStringList expected = oracle.rows(oracleFilters().at(filterIndex), params);
    if (ids(h.model) != expected)
        return u"rows %1, expected %2"_s.arg(ids(h.model).join(u','), expected.join(u','));
    const auto records = oracle.current();
    for (const QString &id : expected) {
        const QVariantMap shown = h.model.get(id);
        for (const QString &field : { u"title"_s, u"done"_s, u"rank"_s }) {
            if (shown.value(field) != records.at(id).value(field))
                return u"%1.%2 is %3, expected %4"_s.arg(
                    id, field, shown.value(field).toString(), records.at(id).value(field).toString());
        }
    }
    if (h.model.pendingCount() != qsizetype(oracle.pending.size()))
        return u"%1 pending, expected %2"_s.arg(h.model.pendingCount()).arg(oracle.pending.size());
    return h.replayer->verify();
}

} // namespace

void tst_ListModelFilter::shouldMatchTheOracleInRandomRuns_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 12; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void tst_ListModelFilter::shouldMatchTheOracleInRandomRuns()
{
    QFETCH(quint32, seed);
    RandomRun run(seed);
    run.h.model.setFilterParams({ { u"min"_s, 2 }, { u"title"_s, u"t0"_s } });
    run.h.load({});
    for (int step = 0; step < 600; ++step) {
        run.step();
        const QString problem = run.check();
        if (!problem.isEmpty())
            QFAIL(qPrintable(u"seed %1, step %2: %3"_s.arg(seed).arg(step).arg(problem)));
    }
}

QTEST_GUILESS_MAIN(tst_ListModelFilter)
#include "tst_listmodelfilter.moc"
