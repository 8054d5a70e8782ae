// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "rowplanner_p.h"

#include <algorithm>

namespace Optimist {

namespace {

struct Placed {
    int row;
    int item;
};

//! The rows as the plan so far left them, without copying them: the old rows
//! minus those that left their place (gone), plus the items placed by their
//! new key (placed). Both stay sorted, so every row number is a binary search.
class Planner {
public:
    Planner(std::span<const RowChange> changes, const RowOrder &order)
        : changes(changes)
        , order(order)
    {
    }

    void planRemovals();
    void planMoves();
    void planInsertions();
    void planChanges();

    RowPlan plan;

private:
    //! The first old row that does not sort before \a item's new key.
    int oldLowerBound(int item) const
    {
        int lo = 0;
        int hi = order.rowCount();
        while (lo < hi) {
            const int mid = lo + (hi - lo) / 2;
            if (order.compareToRow(item, mid) > 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
    int goneBefore(int oldRow) const { return int(std::lower_bound(gone.begin(), gone.end(), oldRow) - gone.begin()); }
    int placedBefore(int item, bool itemNew) const
    {
        const auto it = std::partition_point(placed.begin(), placed.end(),
            [&](int other) { return order.compareItems(other, true, item, itemNew) < 0; });
        return int(it - placed.begin());
    }
    //! The row \a item is at now (old key, at its old place) or would go in
    //! at (new key).
    int rowOf(int item, bool byNewKey) const
    {
        if (!byNewKey) {
            const int oldRow = changes[qsizetype(item)].oldRow;
            return oldRow - goneBefore(oldRow) + placedBefore(item, false);
        }
        const int bound = oldLowerBound(item);
        return bound - goneBefore(bound) + placedBefore(item, true);
    }
    void leave(int oldRow) { gone.insert(std::lower_bound(gone.begin(), gone.end(), oldRow), oldRow); }
    void place(int item) { placed.insert(placed.begin() + placedBefore(item, true), item); }
    void addStep(RowStep::Kind kind, int first, int last, const int *items, int count)
    {
        const int begin = int(plan.items.size());
        plan.items.append(items, count);
        plan.steps.push_back({ kind, first, last, begin, begin + count });
    }

    std::span<const RowChange> changes;
    const RowOrder &order;
    QVarLengthArray<int, 8> gone; //!< old rows, sorted
    QVarLengthArray<int, 8> placed; //!< items, sorted by new key
};

//! Removes as contiguous ranges, from the bottom up.
void Planner::planRemovals()
{
    QVarLengthArray<Placed, 8> removals;
    for (int item = 0; item < int(changes.size()); ++item) {
        if (changes[qsizetype(item)].oldRow >= 0 && !changes[qsizetype(item)].shownAfter)
            removals.push_back({ changes[qsizetype(item)].oldRow, item });
    }
    std::sort(removals.begin(), removals.end(), [](const Placed &a, const Placed &b) { return a.row < b.row; });
    QVarLengthArray<int, 8> items;
    for (size_t end = removals.size(); end > 0;) {
        size_t begin = end - 1;
        while (begin > 0 && removals[begin - 1].row == removals[begin].row - 1)
            --begin;
        items.clear();
        for (size_t k = begin; k < end; ++k)
            items.push_back(removals[k].item);
        addStep(RowStep::Kind::Remove, removals[begin].row, removals[end - 1].row, items.data(), int(items.size()));
        end = begin;
    }
    for (const Placed &p : removals)
        gone.push_back(p.row); // ascending already
}

//! One move per changed key, the row keeping its old data until its change.
void Planner::planMoves()
{
    for (int item = 0; item < int(changes.size()); ++item) {
        const RowChange &change = changes[qsizetype(item)];
        if (change.oldRow < 0 || !change.shownAfter || !change.keyChanged)
            continue;
        const int row = rowOf(item, false);
        const int dest = rowOf(item, true);
        const bool stays = dest == row || dest == row + 1;
        addStep(RowStep::Kind::Move, row, stays ? row : dest, &item, 1);
        leave(change.oldRow);
        place(item);
    }
}

//! Inserts sorted, grouped by the row they go in at, from the bottom up so
//! that the rows computed for the others hold.
void Planner::planInsertions()
{
    QVarLengthArray<int, 8> items;
    for (int item = 0; item < int(changes.size()); ++item) {
        if (changes[qsizetype(item)].oldRow < 0 && changes[qsizetype(item)].shownAfter)
            items.push_back(item);
    }
    if (items.empty())
        return;
    std::sort(items.begin(), items.end(), [this](int a, int b) { return order.compareItems(a, true, b, true) < 0; });
    QVarLengthArray<int, 8> rows;
    rows.reserve(items.size());
    for (int item : items)
        rows.push_back(rowOf(item, true));
    for (size_t end = items.size(); end > 0;) {
        size_t begin = end - 1;
        while (begin > 0 && rows[begin - 1] == rows[end - 1])
            --begin;
        addStep(RowStep::Kind::Insert, rows[begin], rows[begin] + int(end - begin) - 1, items.data() + begin,
            int(end - begin));
        end = begin;
    }
    // Both sorted by new key: one merge places them all.
    const qsizetype middle = placed.size();
    placed.append(items.constData(), items.size());
    std::inplace_merge(placed.begin(), placed.begin() + std::ptrdiff_t(middle), placed.end(),
        [this](int a, int b) { return order.compareItems(a, true, b, true) < 0; });
}

//! One change per run of adjacent rows that changed the same roles.
void Planner::planChanges()
{
    QVarLengthArray<Placed, 8> changed;
    for (int item = 0; item < int(changes.size()); ++item) {
        const RowChange &change = changes[qsizetype(item)];
        if (change.oldRow >= 0 && change.shownAfter && !change.roles.isEmpty())
            changed.push_back({ rowOf(item, change.keyChanged), item });
    }
    std::sort(changed.begin(), changed.end(), [](const Placed &a, const Placed &b) { return a.row < b.row; });
    QVarLengthArray<int, 8> items;
    for (qsizetype i = 0; i < changed.size();) {
        const QList<int> &roles = changes[qsizetype(changed[i].item)].roles;
        qsizetype j = i + 1;
        while (j < changed.size() && changed[j].row == changed[j - 1].row + 1
            && changes[qsizetype(changed[j].item)].roles == roles)
            ++j;
        items.clear();
        for (qsizetype k = i; k < j; ++k)
            items.push_back(changed[k].item);
        addStep(RowStep::Kind::Change, changed[i].row, changed[j - 1].row, items.data(), int(items.size()));
        i = j;
    }
}

} // namespace

RowPlan planRows(std::span<const RowChange> changes, const RowOrder &order)
{
    Planner planner(changes, order);
    planner.planRemovals();
    planner.planMoves();
    planner.planInsertions();
    planner.planChanges();
    return std::move(planner.plan);
}

} // namespace Optimist
