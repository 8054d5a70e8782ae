// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodel_p.h"
#include "rowplanner_p.h"
#include "values_p.h"

#include <QtCore/QVarLengthArray>

// Every signal handler must find the model showing exactly what the signals
// so far announced (proxies and views read it there): a row's new values are
// shown only at the signal that announces them. A row that leaves shows
// nothing new; one that comes shows its values as it is inserted; one that
// moves moves with its old values, and shows the new ones at its dataChanged.
// planRows() decides the signals; the executor here emits them and makes
// each step's values shown.

namespace Optimist {

namespace {

//! The touched entries that change rows, and what they will show.
struct Touched : RowOrder {
    explicit Touched(const ListModelPrivate &d)
        : d(d)
    {
    }

    int rowCount() const override { return d.rows.size(); }
    int compareToRow(int item, int row) const override
    {
        const Entry *e = entries[size_t(item)];
        return d.compare(*newKeys[size_t(item)], e->seq, e->id, d.rows[row]);
    }
    int compareItems(int a, bool aNew, int b, bool bNew) const override
    {
        const Entry *ea = entries[size_t(a)];
        const Entry *eb = entries[size_t(b)];
        return d.compareKeys(aNew ? *newKeys[size_t(a)] : ea->sortKey, ea->seq, ea->id,
            bNew ? *newKeys[size_t(b)] : eb->sortKey, eb->seq, eb->id);
    }

    const ListModelPrivate &d;
    // Inline storage: most commits are one local edit.
    QVarLengthArray<Entry *, 4> entries;
    QVarLengthArray<ListModelPrivate::Computed, 4> nows;
    QVarLengthArray<const QVariant *, 4> newKeys; //!< into nows[i].values
    QVarLengthArray<RowChange, 4> changes;
};

} // namespace

//! Emits a plan's signals, making each step's values shown at its signal.
class ListModelPrivate::RowSignalExecutor {
public:
    RowSignalExecutor(ListModelPrivate *d, Touched &touched)
        : d(d)
        , q(d->q)
        , touched(touched)
    {
    }

    void run(const RowPlan &plan)
    {
        for (const RowStep &step : plan.steps) {
            const int *items = plan.items.data() + step.itemBegin;
            const int count = step.itemEnd - step.itemBegin;
            switch (step.kind) {
            case RowStep::Kind::Remove:
                remove(step, items, count);
                break;
            case RowStep::Kind::Move:
                move(step, items[0]);
                break;
            case RowStep::Kind::Insert:
                insert(step, items, count);
                break;
            case RowStep::Kind::Change:
                change(step, items, count);
                break;
            }
        }
    }

private:
    void show(int item) { d->show(touched.entries[size_t(item)], std::move(touched.nows[size_t(item)])); }

    void remove(const RowStep &step, const int *items, int count)
    {
        q->beginRemoveRows({}, step.first, step.last);
        d->rows.erase(step.first, step.last + 1);
        for (int k = 0; k < count; ++k)
            show(items[k]);
        q->endRemoveRows();
    }

    //! Moves with its old values; only the key it is ordered by is new.
    void move(const RowStep &step, int item)
    {
        Entry *entry = touched.entries[size_t(item)];
        if (step.first == step.last) {
            entry->sortKey = *touched.newKeys[size_t(item)];
            return;
        }
        q->beginMoveRows({}, step.first, step.first, {}, step.last);
        d->rows.erase(step.first);
        d->rows.insert(step.last > step.first ? step.last - 1 : step.last, entry);
        entry->sortKey = *touched.newKeys[size_t(item)];
        q->endMoveRows();
    }

    void insert(const RowStep &step, const int *items, int count)
    {
        q->beginInsertRows({}, step.first, step.last);
        block.clear();
        for (int k = 0; k < count; ++k) {
            show(items[k]);
            block.push_back(touched.entries[size_t(items[k])]);
        }
        d->rows.insert(step.first, block.data(), count);
        q->endInsertRows();
    }

    void change(const RowStep &step, const int *items, int count)
    {
        const QList<int> roles = touched.changes[size_t(items[0])].roles;
        for (int k = 0; k < count; ++k)
            show(items[k]);
        Q_EMIT q->dataChanged(q->index(step.first), q->index(step.last), roles);
    }

    ListModelPrivate *const d;
    ListModel *const q;
    Touched &touched;
    QVarLengthArray<Entry *, 8> block;
};

void ListModelPrivate::commitTouched(QList<Entry *> touched)
{
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    Touched rowChanges(*this);
    for (Entry *entry : std::as_const(touched)) {
        Computed now = compute(entry);
        if (!entry->visible && !now.visible) {
            show(entry, std::move(now)); // nothing on screen changes
            continue;
        }
        RowChange change { entry->visible ? rowOf(entry) : -1, now.visible, false, {} };
        if (entry->visible && now.visible) {
            change.roles = changedRoles(entry, now);
            if (change.roles.isEmpty())
                continue;
            change.keyChanged = compareValues(sortType, entry->sortKey, sortKeyOf(now.values)) != 0;
        }
        rowChanges.entries.push_back(entry);
        rowChanges.nows.push_back(std::move(now));
        rowChanges.changes.push_back(std::move(change));
    }
    static const QVariant none;
    for (const Computed &now : rowChanges.nows)
        rowChanges.newKeys.push_back(now.visible ? &sortKeyOf(now.values) : &none);
    if (!rowChanges.changes.isEmpty())
        RowSignalExecutor(this, rowChanges).run(planRows(rowChanges.changes, rowChanges));
    for (Entry *entry : std::as_const(touched))
        dropIfUnused(entry);
}

QList<int> ListModelPrivate::changedRoles(const Entry *entry, const Computed &now) const
{
    QList<int> roles;
    for (int i = 0; i < schema.size(); ++i) {
        if (!sameValue(entry->values.at(i), now.values.at(i))) {
            if (i == displayIndex)
                roles << Qt::DisplayRole << Qt::EditRole;
            roles << ListModel::FirstFieldRole + i;
        }
    }
    if (entry->shownState != now.state) {
        roles << ListModel::SyncStateRole;
        if (isPendingState(entry->shownState) != isPendingState(now.state))
            roles << ListModel::PendingRole;
    }
    if (entry->shownError != now.error)
        roles << ListModel::ErrorStringRole;
    return roles;
}

void ListModelPrivate::show(Entry *entry, Computed &&now) const
{
    entry->visible = now.visible;
    entry->values = std::move(now.values);
    entry->sortKey = entry->visible ? sortKeyOf(entry->values) : QVariant();
    entry->shownState = now.state;
    entry->shownError = std::move(now.error);
    entry->filteredOut = now.filteredOut;
}

} // namespace Optimist
