// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The row planner alone: touched items in, row steps out, on plain lists of
// int keys (a row's key is its sort key; keys are distinct, as the model's
// are with the id breaking ties).
#include "rowplanner_p.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

#include <algorithm>

using namespace Optimist;
using namespace Qt::StringLiterals;

namespace {

//! One touched item: its old key (or none) and its new key (or none).
struct Item {
    std::optional<int> oldKey;
    std::optional<int> newKey;
    bool valuesChange = true; //!< shown before and after: some role changes
};

class KeyOrder : public RowOrder {
public:
    KeyOrder(const QList<int> &rows, const std::vector<Item> &items)
        : rows(rows)
        , items(items)
    {
    }
    int rowCount() const override { return int(rows.size()); }
    int compareToRow(int item, int row) const override { return cmp(*items[size_t(item)].newKey, rows.at(row)); }
    int compareItems(int a, bool aNew, int b, bool bNew) const override { return cmp(key(a, aNew), key(b, bNew)); }

private:
    static int cmp(int x, int y) { return x < y ? -1 : (y < x ? 1 : 0); }
    int key(int item, bool isNew) const { return isNew ? *items[size_t(item)].newKey : *items[size_t(item)].oldKey; }
    const QList<int> &rows;
    const std::vector<Item> &items;
};

std::vector<RowChange> changesFor(const QList<int> &rows, const std::vector<Item> &items)
{
    std::vector<RowChange> changes;
    for (const Item &item : items) {
        RowChange change;
        change.oldRow = item.oldKey ? int(rows.indexOf(*item.oldKey)) : -1;
        change.shownAfter = item.newKey.has_value();
        if (item.oldKey && item.newKey && item.valuesChange) {
            change.roles = { Qt::UserRole + (*item.newKey % 2) }; // two kinds of change
            change.keyChanged = *item.oldKey != *item.newKey;
        }
        changes.push_back(change);
    }
    return changes;
}

//! "3>7": the row of key 3 now sorts as 7; "3>3": only its values change;
//! "3>3=": touched, nothing changes; "3>-": removed; "->5": inserted.
std::vector<Item> parseItems(const QStringList &specs)
{
    std::vector<Item> items;
    for (QString spec : specs) {
        Item item;
        if (spec.endsWith(u'=')) {
            item.valuesChange = false;
            spec.chop(1);
        }
        const QStringList parts = spec.split(u'>');
        if (parts.at(0) != u"-"_s)
            item.oldKey = parts.at(0).toInt();
        if (parts.at(1) != u"-"_s)
            item.newKey = parts.at(1).toInt();
        items.push_back(item);
    }
    return items;
}

QString stepText(const RowStep &step, const RowPlan &plan, const std::vector<Item> &items)
{
    static const char *const names[] = { "remove", "move", "insert", "change" };
    QStringList keys;
    for (int k = step.itemBegin; k < step.itemEnd; ++k) {
        const Item &item = items[size_t(plan.items[size_t(k)])];
        keys << QString::number(item.newKey ? *item.newKey : *item.oldKey);
    }
    return u"%1(%2,%3:%4)"_s.arg(QLatin1StringView(names[int(step.kind)]))
        .arg(step.first)
        .arg(step.last)
        .arg(keys.join(u' '));
}

//! Runs \a plan on \a rows as the model's executor does, checking at every
//! step that the rows it names hold the items it names and stay sorted.
//! Returns false (with a QTest failure) if not.
bool execute(
    QList<int> &rows, const RowPlan &plan, const std::vector<Item> &items, const std::vector<RowChange> &changes)
{
    for (const RowStep &step : plan.steps) {
        const auto item = [&](int k) -> const Item & { return items[size_t(plan.items[size_t(step.itemBegin + k)])]; };
        const int count = step.itemEnd - step.itemBegin;
        switch (step.kind) {
        case RowStep::Kind::Remove:
            if (step.last - step.first + 1 != count)
                return false;
            for (int k = 0; k < count; ++k) {
                if (rows.at(step.first + k) != *item(k).oldKey)
                    return false;
            }
            rows.remove(step.first, count);
            break;
        case RowStep::Kind::Move:
            if (count != 1 || rows.value(step.first, -1) != *item(0).oldKey)
                return false;
            rows.remove(step.first);
            rows.insert(step.last > step.first ? step.last - 1 : step.last, *item(0).newKey);
            break;
        case RowStep::Kind::Insert:
            if (step.last - step.first + 1 != count || step.first > rows.size())
                return false;
            for (int k = 0; k < count; ++k)
                rows.insert(step.first + k, *item(k).newKey);
            break;
        case RowStep::Kind::Change:
            if (step.last - step.first + 1 != count)
                return false;
            for (int k = 0; k < count; ++k) {
                const int index = plan.items[size_t(step.itemBegin + k)];
                if (rows.value(step.first + k, -1) != *item(k).newKey
                    || changes[size_t(index)].roles != changes[size_t(plan.items[size_t(step.itemBegin)])].roles)
                    return false;
            }
            break;
        }
        if (!std::is_sorted(rows.cbegin(), rows.cend()))
            return false;
    }
    return true;
}

QList<int> targetOrder(const QList<int> &before, const std::vector<Item> &items)
{
    QList<int> after = before;
    for (const Item &item : items) {
        if (item.oldKey)
            after.removeOne(*item.oldKey);
        if (item.newKey)
            after.append(*item.newKey);
    }
    std::sort(after.begin(), after.end());
    return after;
}

} // namespace

class tst_RowPlanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldPlanMinimalSteps_data()
    {
        QTest::addColumn<QList<int>>("before");
        QTest::addColumn<QStringList>("touched");
        QTest::addColumn<QStringList>("expected");

        const QList<int> five { 10, 20, 30, 40, 50 };
        QTest::newRow("nothing touched") << five << QStringList() << QStringList();
        QTest::newRow("touched, unchanged") << five << QStringList { u"20>20="_s } << QStringList();
        QTest::newRow("one value change") << five << QStringList { u"20>20"_s } << QStringList { u"change(1,1:20)"_s };
        QTest::newRow("adjacent changes, same roles: one signal")
            << five << QStringList { u"20>20"_s, u"40>40"_s, u"30>30"_s } << QStringList { u"change(1,3:20 30 40)"_s };
        QTest::newRow("adjacent changes, other roles: split")
            << five << QStringList { u"20>20"_s, u"30>31"_s }
            << QStringList { u"move(2,2:31)"_s, u"change(1,1:20)"_s, u"change(2,2:31)"_s };
        QTest::newRow("remove first") << five << QStringList { u"10>-"_s } << QStringList { u"remove(0,0:10)"_s };
        QTest::newRow("remove last") << five << QStringList { u"50>-"_s } << QStringList { u"remove(4,4:50)"_s };
        QTest::newRow("removals, bottom range first")
            << five << QStringList { u"10>-"_s, u"40>-"_s, u"20>-"_s, u"50>-"_s }
            << QStringList { u"remove(3,4:40 50)"_s, u"remove(0,1:10 20)"_s };
        QTest::newRow("remove all") << five << QStringList { u"30>-"_s, u"10>-"_s, u"50>-"_s, u"20>-"_s, u"40>-"_s }
                                    << QStringList { u"remove(0,4:10 20 30 40 50)"_s };
        QTest::newRow("insert into empty")
            << QList<int>() << QStringList { u"->5"_s, u"->3"_s } << QStringList { u"insert(0,1:3 5)"_s };
        QTest::newRow("insert at start, middle, end, bottom up")
            << five << QStringList { u"->5"_s, u"->35"_s, u"->60"_s, u"->36"_s }
            << QStringList { u"insert(5,5:60)"_s, u"insert(3,4:35 36)"_s, u"insert(0,0:5)"_s };
        QTest::newRow("key change to the same place: no signal")
            << five << QStringList { u"20>25"_s } << QStringList { u"move(1,1:25)"_s, u"change(1,1:25)"_s };
        QTest::newRow("key change within its neighbours: stays")
            << five << QStringList { u"20>29"_s } << QStringList { u"move(1,1:29)"_s, u"change(1,1:29)"_s };
        QTest::newRow("key change down past one row")
            << five << QStringList { u"20>31"_s } << QStringList { u"move(1,3:31)"_s, u"change(2,2:31)"_s };
        QTest::newRow("key change to the end")
            << five << QStringList { u"10>99"_s } << QStringList { u"move(0,5:99)"_s, u"change(4,4:99)"_s };
        QTest::newRow("key change to the start")
            << five << QStringList { u"50>1"_s } << QStringList { u"move(4,0:1)"_s, u"change(0,0:1)"_s };
        QTest::newRow("two rows swap places, in the order given")
            << five << QStringList { u"20>41"_s, u"40>21"_s }
            << QStringList { u"move(1,4:41)"_s, u"move(2,1:21)"_s, u"change(1,1:21)"_s, u"change(3,3:41)"_s };
        QTest::newRow("remove, move, insert, change in that order")
            << five << QStringList { u"30>-"_s, u"10>45"_s, u"->15"_s, u"50>50"_s }
            << QStringList { u"remove(2,2:30)"_s, u"move(0,3:45)"_s, u"insert(0,0:15)"_s, u"change(3,3:45)"_s,
                   u"change(4,4:50)"_s };
        QTest::newRow("insert where a removed row was")
            << five << QStringList { u"30>-"_s, u"->30"_s } << QStringList { u"remove(2,2:30)"_s, u"insert(2,2:30)"_s };
    }

    void shouldPlanMinimalSteps()
    {
        QFETCH(QList<int>, before);
        QFETCH(QStringList, touched);
        QFETCH(QStringList, expected);
        const std::vector<Item> items = parseItems(touched);
        const std::vector<RowChange> changes = changesFor(before, items);
        const RowPlan plan = planRows(changes, KeyOrder(before, items));
        QStringList steps;
        for (const RowStep &step : plan.steps)
            steps << stepText(step, plan, items);
        QCOMPARE(steps, expected);
        QList<int> rows = before;
        QVERIFY(execute(rows, plan, items, changes));
        QCOMPARE(rows, targetOrder(before, items));
    }

    void shouldReachTheTargetOrder_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 1; seed <= 40; ++seed)
            QTest::addRow("seed %u", seed) << seed;
    }

    void shouldReachTheTargetOrder()
    {
        QFETCH(quint32, seed);
        QRandomGenerator random(seed);
        for (int round = 0; round < 50; ++round) {
            // Distinct keys: the rows' and every new one.
            QList<int> pool(400);
            std::iota(pool.begin(), pool.end(), 0);
            std::shuffle(pool.begin(), pool.end(), random);
            const int rowCount = random.bounded(0, 40);
            QList<int> before = pool.mid(0, rowCount);
            std::sort(before.begin(), before.end());
            int next = rowCount;
            std::vector<Item> items;
            for (int key : std::as_const(before)) {
                switch (random.bounded(6)) {
                case 0:
                    items.push_back({ key, std::nullopt });
                    break;
                case 1:
                    items.push_back({ key, pool.at(next++) });
                    break;
                case 2:
                    items.push_back({ key, key });
                    break;
                case 3:
                    items.push_back({ key, key, false });
                    break;
                default:
                    break; // untouched
                }
            }
            for (int n = random.bounded(0, 8); n > 0; --n)
                items.push_back({ std::nullopt, pool.at(next++) });
            std::shuffle(items.begin(), items.end(), random);
            const std::vector<RowChange> changes = changesFor(before, items);
            const RowPlan plan = planRows(changes, KeyOrder(before, items));
            QList<int> rows = before;
            QVERIFY2(execute(rows, plan, items, changes), qPrintable(u"round %1"_s.arg(round)));
            QCOMPARE(rows, targetOrder(before, items));
            // Minimal: a step per removed, moved, inserted or changed run, no more.
            qsizetype changedItems = 0;
            for (const RowChange &change : changes)
                changedItems += change.roles.isEmpty() ? 0 : 1;
            qsizetype inChangeSteps = 0;
            for (const RowStep &step : plan.steps)
                inChangeSteps += step.kind == RowStep::Kind::Change ? step.itemEnd - step.itemBegin : 0;
            QCOMPARE(inChangeSteps, changedItems);
        }
    }
};

QTEST_GUILESS_MAIN(tst_RowPlanner)
#include "tst_rowplanner.moc"
