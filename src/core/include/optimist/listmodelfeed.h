// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/optimistcore_export.h>

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QVariantMap>

namespace Optimist {

class ListModel;

//! What a transport (or a test) feeds a ListModel: the server's snapshots,
//! deltas and acknowledgements. Apps do not need it: a ListModel bound to a
//! SyncClient is fed by the client.
//!
//! A feed is a handle, cheap to make for one call:
//! \code
//! ListModelFeed(model).applyDelta(changes, model->cursor(), next, acked);
//! \endcode
class OPTIMIST_CORE_EXPORT ListModelFeed {
public:
    explicit ListModelFeed(ListModel *model)
        : m_model(model)
    {
    }

    ListModel *model() const { return m_model; }

    //! Replaces the confirmed state with \a records (each with an "id") at
    //! \a cursor. Rows that differ are updated in place; the first load of an
    //! empty model is a reset. Acknowledgements waiting for a later state
    //! are settled: a snapshot contains every transaction acknowledged
    //! before it.
    void applySnapshot(const QList<SnapshotRecord> &records, const QString &cursor) const;
    //! The same for records that carry their id as the field "id" and no
    //! revision.
    void applySnapshot(const QList<QVariantMap> &records, const QString &cursor) const;
    //! Applies \a changes made between \a prevCursor and \a cursor, and drops
    //! the pending transactions in \a acknowledged, whose effects the changes
    //! contain, in the same step (nothing flickers). Returns false and emits
    //! ListModel::gapDetected() without changing anything when \a prevCursor
    //! is not the model's cursor.
    bool applyDelta(const QList<RecordChange> &changes, const QString &prevCursor, const QString &cursor,
        const QList<quint64> &acknowledged = {}) const;
    //! The server applied transaction \a transactionId; the state at \a cursor
    //! contains it. If the model is at \a cursor already (or \a cursor is
    //! empty) the transaction is dropped now, otherwise when the model
    //! reaches \a cursor through a delta or a snapshot.
    void acknowledge(quint64 transactionId, const QString &cursor) const;
    //! The server renamed a record: the row keeps its place (unless the sort
    //! order says otherwise) and only its id role changes.
    void renameRecord(const QString &oldId, const QString &newId) const;

    //! The revision of the confirmed record \a id, or 0 (none, or unknown).
    //! A transport can leave a snapshot record's fields empty when the model
    //! holds its revision already.
    quint64 confirmedRevision(const QString &id) const;
    //! The server's history is no longer the one the cursor and revisions
    //! came from (its database was replaced): forgets both, so that the next
    //! snapshot is compared field by field and nothing is resumed.
    void forgetCursor() const;

    //! Sets ListModel::loading (a subscription is on its way).
    void setLoading(bool loading) const;

    //! What the filter reads as `auth.<claim>`: the signed-in user's claims
    //! as the transport knows them (SyncClient: {"sub": the welcome's
    //! userId}, or nothing without a user). Rows are diffed as for a new
    //! filter.
    void setFilterAuth(const QVariantMap &auth) const;
    QVariantMap filterAuth() const;
    //! Why the model's filter cannot be used (then it shows no rows and a
    //! transport should not subscribe with it), or empty.
    QString filterError() const;
    //! The server refused the model's subscription: sets
    //! ListModel::errorString to \a message and ends loading.
    void subscriptionRefused(const QString &message) const;

private:
    ListModel *m_model;
};

} // namespace Optimist
