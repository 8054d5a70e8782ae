// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodel_p.h"
#include "transaction_p.h"

// The status properties (count, pendingCount, loading, errorString, cursor): set
// anywhere, notified in one place.

namespace Optimist {

StatusGuard::StatusGuard(ListModelPrivate *d)
    : d(d)
{
    if (d->statusDepth++ == 0)
        d->statusBefore = { int(d->rows.size()), d->pending.size(), d->loading, d->errorString, d->cursor };
}

StatusGuard::~StatusGuard()
{
    if (--d->statusDepth > 0)
        return;
    ListModel *q = d->q;
    const ListModelPrivate::Status before = std::move(d->statusBefore);
    const QList<QPointer<Transaction>> settled = std::exchange(d->settledToTell, {});
    if (int(d->rows.size()) != before.count)
        Q_EMIT q->countChanged();
    if (d->pending.size() != before.pendingCount)
        Q_EMIT q->pendingCountChanged();
    if (d->loading != before.loading)
        Q_EMIT q->loadingChanged();
    if (d->errorString != before.errorString)
        Q_EMIT q->errorStringChanged();
    if (d->cursor != before.cursor)
        Q_EMIT q->cursorChanged();
    for (const auto &tx : settled) {
        if (tx)
            TransactionPrivate::get(tx)->modelConfirmed(q);
    }
}

void ListModelPrivate::setErrorString(const QString &message)
{
    StatusGuard status(this);
    errorString = message;
}

void ListModelPrivate::setCursor(const QString &newCursor)
{
    if (cursor == newCursor)
        return;
    StatusGuard status(this);
    // Only an ack of a pending transaction can name a past cursor, and only
    // one the model passed while that transaction was pending.
    if (pending.isEmpty())
        passedCursors.clear();
    else if (!cursor.isEmpty())
        passedCursors.insert(cursor);
    cursor = newCursor;
}

void ListModelPrivate::setLoading(bool on)
{
    StatusGuard status(this);
    loading = on;
}

} // namespace Optimist
