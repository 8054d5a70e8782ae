// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodel_p.h"
#include "values_p.h"

namespace Optimist {

const QVariant &ListModelPrivate::sortKeyOf(const QVariantList &values) const
{
    static const QVariant none;
    return sortIndex >= 0 ? values.at(sortIndex) : none;
}

int ListModelPrivate::compareKeys(const QVariant &aKey, quint64 aSeq, const QString &aId, const QVariant &bKey,
    quint64 bSeq, const QString &bId) const
{
    int c;
    if (sortIndex >= 0) {
        c = compareValues(sortType, aKey, bKey);
        if (c == 0)
            c = aId.compare(bId);
    } else {
        c = aSeq < bSeq ? -1 : (aSeq > bSeq ? 1 : 0);
    }
    return sortOrder == Qt::DescendingOrder ? -c : c;
}

int ListModelPrivate::lowerBound(const QVariant &key, quint64 seq, const QString &id) const
{
    int lo = 0;
    int hi = int(rows.size());
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (compare(key, seq, id, rows[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int ListModelPrivate::rowOf(const Entry *entry) const
{
    const int row = lowerBound(entry->sortKey, entry->seq, entry->id);
    Q_ASSERT(row < int(rows.size()) && rows[row] == entry);
    return row;
}

void ListModelPrivate::resort(const std::function<void()> &change)
{
    if (rows.empty()) {
        change();
        return;
    }
    // The new order takes effect inside the layout change, not before it.
    Q_EMIT q->layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    change();
    const QModelIndexList persistent = q->persistentIndexList();
    std::vector<Entry *> persistentEntries;
    persistentEntries.reserve(persistent.size());
    for (const QModelIndex &index : persistent)
        persistentEntries.push_back(rows[index.row()]);
    for (Entry *entry : std::as_const(entries)) {
        if (entry->visible)
            entry->sortKey = sortKeyOf(entry->values);
    }
    rows.sort([this](const Entry *a, const Entry *b) { return lessThan(a, b); });
    QHash<const Entry *, int> rowOfEntry;
    rowOfEntry.reserve(persistent.size());
    for (int row = 0; row < int(rows.size()); ++row) {
        if (std::find(persistentEntries.begin(), persistentEntries.end(), rows[row]) != persistentEntries.end())
            rowOfEntry.insert(rows[row], row);
    }
    QModelIndexList moved;
    moved.reserve(persistent.size());
    for (const Entry *entry : persistentEntries)
        moved.append(q->index(rowOfEntry.value(entry)));
    q->changePersistentIndexList(persistent, moved);
    Q_EMIT q->layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace Optimist
