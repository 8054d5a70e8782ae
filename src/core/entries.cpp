// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodel_p.h"
#include "values_p.h"

using namespace Qt::StringLiterals;

// The schema (optimist/schema.h), and the entries: what the model knows about each id, and what
// it shows for it (compute()).

namespace Optimist {

QVariantMap ListModelPrivate::toMap(const Entry *entry, const QVariantList &values) const
{
    QVariantMap map;
    for (int i = 0; i < schema.size(); ++i)
        map.insert(schema.field(i).name(), values.value(i));
    map.insert(u"id"_s, entry->id);
    return map;
}

void ListModelPrivate::rebuildSchema(const Fields &fields)
{
    schema = Schema(fields, collection);
    updateFieldIndexes();
    checkFilter(); // its fields' indexes, and whether it names only fields there are
}

void ListModelPrivate::updateFieldIndexes()
{
    displayIndex = displayFieldName.isEmpty() ? 0 : std::max(0, fieldIndex(displayFieldName));
    sortIndex = sortFieldName.isEmpty() ? -1 : fieldIndex(sortFieldName);
    sortType = sortIndex >= 0 ? schema.field(sortIndex).type() : Field::Type::String;
}

Entry *ListModelPrivate::ensureEntry(const QString &id)
{
    Entry *&slot = entries[id];
    if (!slot) {
        slot = new Entry;
        slot->id = id;
        slot->seq = nextSeq++;
    }
    return slot;
}

bool ListModelPrivate::setConfirmed(Entry *entry, QVariantList values, quint64 revision)
{
    entry->confirmedRevision = revision;
    if (entry->hasConfirmed && sameValues(entry->confirmed, values))
        return false;
    if (!entry->hasConfirmed)
        ++confirmedCount;
    entry->hasConfirmed = true;
    entry->confirmed = std::move(values);
    return true;
}

bool ListModelPrivate::clearConfirmed(Entry *entry)
{
    if (!entry->hasConfirmed)
        return false;
    --confirmedCount;
    entry->hasConfirmed = false;
    entry->confirmed.clear();
    entry->confirmedRevision = 0;
    return true;
}

ListModelPrivate::Computed ListModelPrivate::compute(const Entry *entry) const
{
    Computed now { entry->hasConfirmed, entry->confirmed, ListModel::Synced, entry->errorString };
    bool removedLocally = false; // visible until a pending remove took it away
    QVariantList beforeRemove;
    for (const PendingOp &op : entry->ops) {
        switch (op.kind) {
        case Mutation::Kind::Insert:
            now.visible = true;
            now.values = op.values;
            removedLocally = false;
            break;
        case Mutation::Kind::Update:
            if (now.visible) {
                for (int k = 0; k < op.fieldIndexes.size(); ++k)
                    now.values[op.fieldIndexes.at(k)] = op.values.at(k);
            }
            break;
        case Mutation::Kind::Remove:
            if (now.visible) {
                removedLocally = true;
                beforeRemove = now.values;
            }
            now.visible = false;
            break;
        }
    }
    if (removedLocally && !now.visible && showPendingRemovals) {
        now.visible = true;
        now.values = std::move(beforeRemove);
        now.state = ListModel::PendingRemove;
    } else if (!entry->ops.isEmpty())
        now.state = entry->hasConfirmed ? ListModel::PendingUpdate : ListModel::PendingInsert;
    else if (!entry->errorString.isEmpty())
        now.state = ListModel::Failed;
    if (now.visible && !passesFilter(entry, now.values)) {
        now.visible = false;
        now.filteredOut = true;
    }
    return now;
}

void ListModelPrivate::dropIfUnused(Entry *entry)
{
    if (entry->visible || entry->hasConfirmed || !entry->ops.isEmpty())
        return;
    entries.remove(entry->id);
    delete entry;
    ++entryDeletions;
}

} // namespace Optimist
