// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodelfeed.h"

#include "listmodel_p.h"
#include "logging_p.h"
#include "snapshotreader_p.h"

using namespace Qt::StringLiterals;

// What the server sends, applied: snapshots, deltas, acknowledgements.

namespace Optimist {

/*!
    \class Optimist::ListModelFeed
    \inmodule Optimist
    \inheaderfile optimist/listmodelfeed.h
    \brief What a transport (or a test) feeds a ListModel: the server's
    snapshots, deltas and acknowledgements.

    Apps do not need it: a ListModel bound to a SyncClient is fed by the
    client. A feed is a handle, cheap to make for one call:

    \code
    ListModelFeed(model).applyDelta(changes, model->cursor(), next, acked);
    \endcode

    \sa Transport
*/

/*!
    \fn Optimist::ListModelFeed::ListModelFeed(Optimist::ListModel *model)

    Constructs a feed of \a model. It does not own the model.
*/

/*!
    \fn Optimist::ListModel *Optimist::ListModelFeed::model() const

    Returns the model this feed feeds.
*/

/*!
    Replaces the confirmed state with \a records at \a cursor (the server's
    opaque position). Rows that differ are updated in place; the first load
    of an empty model is a reset. Acknowledgements waiting for a later state
    are settled: a snapshot contains every transaction acknowledged before
    it. A record whose revision the model holds already is skipped without
    reading its fields.
*/
void ListModelFeed::applySnapshot(const QList<SnapshotRecord> &records, const QString &cursor) const
{
    ListModelPrivate::get(m_model)->applySnapshot(records, cursor);
}

/*!
    \overload
    The same for \a records that carry their id as the field \c id and no
    revision, at \a cursor.
*/
void ListModelFeed::applySnapshot(const QList<QVariantMap> &records, const QString &cursor) const
{
    QList<SnapshotRecord> converted;
    converted.reserve(records.size());
    for (const QVariantMap &record : records)
        converted.append({ record.value(u"id"_s).toString(), 0, record }); // the reader skips "id"
    applySnapshot(converted, cursor);
}

/*!
    Applies \a changes made between \a prevCursor and \a cursor, and drops
    the pending transactions in \a acknowledged (transaction ids), whose
    effects the changes contain, in the same step, so nothing flickers.
    Returns false and emits ListModel::gapDetected() without changing
    anything when \a prevCursor is not the model's cursor.
*/
bool ListModelFeed::applyDelta(const QList<RecordChange> &changes, const QString &prevCursor, const QString &cursor,
    const QList<quint64> &acknowledged) const
{
    return ListModelPrivate::get(m_model)->applyDelta(changes, prevCursor, cursor, acknowledged);
}

/*!
    The server applied transaction \a transactionId (Transaction::id); the
    state at \a cursor contains it. If the model is at \a cursor already (or
    \a cursor is empty) the transaction is dropped now, and accepted once
    every model it edits has dropped it; otherwise when the model reaches
    \a cursor through a delta or a snapshot.
*/
void ListModelFeed::acknowledge(quint64 transactionId, const QString &cursor) const
{
    ListModelPrivate::get(m_model)->acknowledge(transactionId, cursor);
}

/*!
    The server renamed record \a oldId to \a newId: the row keeps its place
    (unless the sort order says otherwise) and only its \c id role changes.
*/
void ListModelFeed::renameRecord(const QString &oldId, const QString &newId) const
{
    ListModelPrivate::get(m_model)->renameRecord(oldId, newId);
}

/*!
    Returns the revision of the confirmed record \a id, or 0 (no such
    record, or the revision is unknown). A transport can leave a snapshot
    record's fields empty when the model holds its revision already.
*/
quint64 ListModelFeed::confirmedRevision(const QString &id) const
{
    const Entry *entry = ListModelPrivate::get(m_model)->entry(id);
    return entry && entry->hasConfirmed ? entry->confirmedRevision : 0;
}

/*!
    The server's history is no longer the one the cursor and revisions came
    from (its database was replaced): forgets both, so that the next snapshot
    is compared field by field and nothing is resumed.
*/
void ListModelFeed::forgetCursor() const
{
    ListModelPrivate::get(m_model)->forgetCursor();
}

/*!
    Sets ListModel::loading to \a loading: a subscription is on its way.
*/
void ListModelFeed::setLoading(bool loading) const
{
    ListModelPrivate::get(m_model)->setLoading(loading);
}

/*!
    Sets what the model's filter reads as \c {auth.<claim>} to \a auth: the
    signed-in user's claims as the transport knows them (SyncClient:
    \c {{"sub": <the welcome's userId>}}, or nothing without a user). Rows
    are shown and hidden as for a new filter.
*/
void ListModelFeed::setFilterAuth(const QVariantMap &auth) const
{
    ListModelPrivate *d = ListModelPrivate::get(m_model);
    if (d->filter.auth == auth)
        return;
    d->filter.auth = auth;
    if (d->filter.isSet())
        d->refilter();
}

/*!
    Returns the claims the filter reads as \c {auth.<claim>}
    (setFilterAuth()).
*/
QVariantMap ListModelFeed::filterAuth() const
{
    return ListModelPrivate::get(m_model)->filter.auth;
}

/*!
    Returns why the model's filter cannot be used (then it shows no rows and
    a transport should not subscribe with it), or an empty string.
*/
QString ListModelFeed::filterError() const
{
    return ListModelPrivate::get(m_model)->filter.error;
}

/*!
    The server refused the model's subscription, or the model cannot be
    subscribed (its filter cannot be used): sets ListModel::errorString to
    \a message and ends loading. Transactions the server acknowledged at a
    cursor the model was still to reach are accepted now: no delta of this
    subscription will bring the model there.
*/
void ListModelFeed::subscriptionRefused(const QString &message) const
{
    ListModelPrivate *d = ListModelPrivate::get(m_model);
    StatusGuard status(d);
    d->setErrorString(message);
    d->setLoading(false);
    QList<quint64> waiting;
    for (const QList<quint64> &ids : std::as_const(d->acksAwaitingCursor))
        waiting += ids;
    d->acksAwaitingCursor.clear();
    if (!waiting.isEmpty())
        d->confirm(waiting);
}

void ListModelPrivate::applySnapshot(const QList<SnapshotRecord> &records, const QString &newCursor)
{
    StatusGuard status(this);
    QList<Entry *> touched;
    const quint64 generation = ++snapshotGeneration;
    if (entries.isEmpty())
        entries.reserve(records.size());
    SnapshotReader reader(*this);
    static const std::vector<Entry *> noOrder;
    const std::vector<Entry *> &previousOrder = snapshotOrderDeletions == entryDeletions ? snapshotOrder : noOrder;
    std::vector<Entry *> order;
    order.reserve(records.size());
    size_t expected = 0;
    // Entries that held a confirmed record before and are named again: when
    // that is all of them, no record was removed and the sweep is skipped.
    const qsizetype confirmedBefore = confirmedCount;
    qsizetype confirmedNamed = 0;
    for (const SnapshotRecord &record : records) {
        if (record.id.isEmpty()) {
            qCWarning(lcCore) << collection << "snapshot record without an id; skipped";
            continue;
        }
        Entry *entry = snapshotEntry(record.id, previousOrder, expected);
        if (entry->snapshotGeneration == generation) {
            qCWarning(lcCore) << collection << "snapshot names" << record.id << "twice; the first wins";
            continue;
        }
        entry->snapshotPosition = order.size();
        order.push_back(entry);
        entry->snapshotGeneration = generation;
        confirmedNamed += entry->hasConfirmed ? 1 : 0;
        if (takeSnapshotRecord(entry, record, reader))
            touched.append(entry);
    }
    if (confirmedNamed != confirmedBefore)
        sweepUnnamed(generation, touched);
    // A snapshot contains every transaction acknowledged before it.
    QList<quint64> acked;
    for (const auto &ids : std::as_const(acksAwaitingCursor))
        acked += ids;
    acksAwaitingCursor.clear();
    touched += settle(acked);
    setCursor(newCursor);
    if (!loaded)
        loadFirst(std::move(touched));
    else
        commitTouched(std::move(touched));
    loaded = true;
    // Entries named by this snapshot are confirmed, so none was deleted above.
    snapshotOrder = std::move(order);
    snapshotOrderDeletions = entryDeletions;
}

// Servers send records in a stable order: a removed record is skipped, and
// after a new one the walk goes on where the next known record was.
Entry *ListModelPrivate::snapshotEntry(const QString &id, const std::vector<Entry *> &previousOrder, size_t &expected)
{
    if (expected < previousOrder.size() && previousOrder[expected]->id == id)
        return previousOrder[expected++];
    Entry *entry = ensureEntry(id);
    const size_t was = entry->snapshotPosition;
    if (was < previousOrder.size() && previousOrder[was] == entry)
        expected = was + 1;
    return entry;
}

bool ListModelPrivate::takeSnapshotRecord(Entry *entry, const SnapshotRecord &record, SnapshotReader &reader)
{
    if (!entry->hasConfirmed) {
        reader.read(record.fields);
        setConfirmed(entry, reader.values(), record.revision);
        return true;
    }
    // The common cases, cheap and building nothing: the same revision,
    // or (revision unknown) the same values.
    if (record.revision != 0 && record.revision == entry->confirmedRevision)
        return false;
    reader.read(record.fields);
    if (reader.sameAs(entry->confirmed)) {
        entry->confirmedRevision = record.revision;
        return false;
    }
    return setConfirmed(entry, reader.values(), record.revision);
}

void ListModelPrivate::sweepUnnamed(quint64 generation, QList<Entry *> &touched)
{
    for (Entry *entry : std::as_const(entries)) {
        if (entry->snapshotGeneration != generation && clearConfirmed(entry))
            touched.append(entry);
    }
}

void ListModelPrivate::loadFirst(QList<Entry *> touched)
{
    // Nothing is on screen worth keeping, and a reset is cheapest.
    q->beginResetModel();
    rows.clear();
    for (Entry *entry : std::as_const(entries)) {
        show(entry, compute(entry));
        if (entry->visible)
            rows.push_back(entry);
    }
    rows.sort([this](const Entry *a, const Entry *b) { return lessThan(a, b); });
    q->endResetModel();
    // An entry can be touched twice (by the snapshot and by a settled
    // transaction, or by two settled transactions): drop it once.
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (Entry *entry : std::as_const(touched))
        dropIfUnused(entry);
}

bool ListModelPrivate::applyDelta(const QList<RecordChange> &changes, const QString &prevCursor,
    const QString &newCursor, const QList<quint64> &acknowledged)
{
    if (prevCursor != cursor) {
        qCDebug(lcCore) << collection << "gap: at" << cursor << "but the delta follows" << prevCursor;
        Q_EMIT q->gapDetected(cursor, prevCursor);
        return false;
    }
    StatusGuard status(this);
    QList<Entry *> touched;
    for (const RecordChange &change : changes) {
        if (change.kind == RecordChange::Kind::Upsert) {
            Entry *e = ensureEntry(change.id);
            if (setConfirmed(e, recordValues(change.fields), change.revision))
                touched.append(e);
        } else if (Entry *e = entry(change.id); e && clearConfirmed(e)) {
            touched.append(e);
        }
    }
    setCursor(newCursor);
    touched += settle(acknowledged + (newCursor.isEmpty() ? QList<quint64>() : acksAwaitingCursor.take(newCursor)));
    commitTouched(std::move(touched));
    loaded = true;
    return true;
}

void ListModelPrivate::acknowledge(quint64 transactionId, const QString &ackCursor)
{
    if (!pendingTransaction(transactionId))
        return;
    // A cursor the model has already passed (a late ack) contains the
    // transaction as surely as the current one: waiting for it would keep
    // the edit pending until the next snapshot.
    if (ackCursor.isEmpty() || ackCursor == cursor || passedCursors.contains(ackCursor))
        confirm({ transactionId });
    else
        acksAwaitingCursor[ackCursor].append(transactionId);
}

void ListModelPrivate::forgetCursor()
{
    for (Entry *entry : std::as_const(entries))
        entry->confirmedRevision = 0;
    // Acks waiting for a cursor of the old history: no delta will name it,
    // the next snapshot settles them (under a key no delta has).
    QList<quint64> waiting;
    for (const auto &ids : std::as_const(acksAwaitingCursor))
        waiting += ids;
    acksAwaitingCursor.clear();
    if (!waiting.isEmpty())
        acksAwaitingCursor.insert(QString(), waiting);
    passedCursors.clear();
    setCursor({});
}

void ListModelPrivate::renameRecord(const QString &oldId, const QString &newId)
{
    Entry *entry = this->entry(oldId);
    if (!entry || newId.isEmpty() || entries.contains(newId)) {
        qCWarning(lcCore) << collection << "cannot rename" << oldId << "to" << newId;
        return;
    }
    const auto rekey = [this, entry, &oldId, &newId] {
        entries.remove(oldId);
        entry->id = newId;
        entries.insert(newId, entry);
        for (PendingTransaction &pt : pending)
            std::replace(pt.ids.begin(), pt.ids.end(), oldId, newId);
    };
    if (!entry->visible) {
        rekey();
        return;
    }
    // The id breaks ties in a field sort, so the new id may sort elsewhere.
    int row = rowOf(entry);
    rows.erase(row);
    const int dest = lowerBound(entry->sortKey, entry->seq, newId);
    rows.insert(row, entry);
    if (dest != row) {
        // The row moves showing its old id; the new one comes with dataChanged.
        q->beginMoveRows({}, row, row, {}, dest > row ? dest + 1 : dest);
        rows.erase(row);
        rows.insert(dest, entry);
        rekey();
        renamed = entry;
        renamedFrom = oldId;
        q->endMoveRows();
        renamed = nullptr;
        renamedFrom.clear();
        row = dest;
    } else {
        rekey();
    }
    Q_EMIT q->dataChanged(q->index(row), q->index(row), { ListModel::IdRole });
}

} // namespace Optimist
