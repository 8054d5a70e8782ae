// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QList>
#include <QtCore/QVarLengthArray>

#include <span>

namespace Optimist {

//! What changes for one touched item, as the row planner needs it.
struct RowChange {
    int oldRow = -1; //!< its row before the change, or -1 if it was not shown
    bool shownAfter = false;
    //! Shown before and after, and ordered by a different key now.
    bool keyChanged = false;
    //! Shown before and after: the roles whose data changes (empty: none).
    QList<int> roles;
};

//! One row signal of a plan, with the rows as they are when it is emitted.
struct RowStep {
    enum class Kind { Remove, Move, Insert, Change };
    Kind kind;
    //! Remove, Insert, Change: the rows [first, last]. Move: the source row.
    int first;
    //! Remove, Insert, Change: see first. Move: the destination row as
    //! beginMoveRows() takes it; equal to first when the row keeps its place
    //! (no signal: only the key it is ordered by changes).
    int last;
    //! The items concerned, as [itemBegin, itemEnd) of RowPlan::items, in
    //! row order (a Move has one).
    int itemBegin;
    int itemEnd;

    friend bool operator==(const RowStep &, const RowStep &) = default;
};

//! Inline storage: most commits are one local edit, which then allocates
//! nothing here.
struct RowPlan {
    QVarLengthArray<RowStep, 4> steps;
    QVarLengthArray<int, 8> items; //!< indexes into the planned RowChange list
};

//! The order the rows are kept in, as the planner asks about it. Items are
//! indexes into the planned RowChange list; an item's old key is the one it
//! is shown (and ordered) by before the change, its new key the one after.
class RowOrder {
public:
    virtual ~RowOrder() = default;
    //! The number of rows before the change.
    virtual int rowCount() const = 0;
    //! <0, 0, >0: \a item's new key against the key row \a row had before.
    virtual int compareToRow(int item, int row) const = 0;
    //! <0, 0, >0: \a a's key (new or old) against \a b's (new or old).
    virtual int compareItems(int a, bool aNew, int b, bool bNew) const = 0;
};

//! Plans the minimal row signals that turn the rows before into the rows
//! after, in the order the model emits them: 1. the removals, as contiguous
//! ranges from the bottom up; 2. one move per changed key, in the order of
//! \a changes; 3. the insertions, grouped by the row they go in at, from the
//! bottom up; 4. one change per run of adjacent rows with the same roles.
//! Needs O(k log n) comparisons for k changes and n rows: it reads the old
//! rows through \a order and never copies them.
RowPlan planRows(std::span<const RowChange> changes, const RowOrder &order);

} // namespace Optimist
