// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodel_p.h"
#include "logging_p.h"
#include "transaction_p.h"

using namespace Qt::StringLiterals;

// The pending log: the transactions with edits here, oldest first, and how
// they leave it (settled by the server, or rolled back).

namespace Optimist {

PendingTransaction *ListModelPrivate::pendingTransaction(quint64 id)
{
    for (PendingTransaction &pt : pending) {
        if (pt.id == id)
            return &pt;
    }
    return nullptr;
}

void ListModelPrivate::recordOp(Transaction *tx, Entry *entry, PendingOp op, const Mutation &mutation)
{
    PendingTransaction *pt = pendingTransaction(tx->id());
    if (!pt) {
        pending.append({ tx->id(), tx, {} });
        pt = &pending.last();
    }
    if (!pt->ids.contains(entry->id))
        pt->ids.append(entry->id);
    entry->ops.append(std::move(op));
    entry->errorString.clear();
    TransactionPrivate::get(tx)->addEdit(q, mutation);
}

QList<Entry *> ListModelPrivate::dropTransaction(quint64 id)
{
    QList<Entry *> touched;
    const auto it = std::find_if(pending.begin(), pending.end(), [id](const auto &pt) { return pt.id == id; });
    if (it == pending.end())
        return touched;
    for (const QString &recordId : std::as_const(it->ids)) {
        if (Entry *e = entry(recordId)) {
            e->ops.removeIf([id](const PendingOp &op) { return op.transactionId == id; });
            touched.append(e);
        }
    }
    pending.erase(it);
    for (auto &ids : acksAwaitingCursor)
        ids.removeAll(id);
    return touched;
}

QList<Entry *> ListModelPrivate::settle(const QList<quint64> &ids)
{
    Q_ASSERT(statusDepth > 0); // the guard tells the transactions
    QList<Entry *> touched;
    for (quint64 id : ids) {
        if (PendingTransaction *pt = pendingTransaction(id)) {
            settledToTell.append(pt->transaction);
            touched += dropTransaction(id);
        }
    }
    return touched;
}

void ListModelPrivate::confirm(const QList<quint64> &ids)
{
    StatusGuard status(this);
    commitTouched(settle(ids));
}

void ListModelPrivate::rollback(Transaction *tx, const QString &code, const QString &message)
{
    const PendingTransaction *pt = pendingTransaction(tx->id());
    if (!pt)
        return;
    const QStringList ids = pt->ids;
    // What the edit showed, for the app to offer it again: after the drop
    // an insert's values are gone.
    QList<QVariantMap> attempted;
    for (const QString &id : ids) {
        const Entry *e = entry(id);
        attempted.append(e && !e->values.isEmpty() ? toMap(e, e->values) : QVariantMap());
    }
    {
        StatusGuard status(this);
        const QList<Entry *> touched = dropTransaction(tx->id());
        for (Entry *e : touched)
            e->errorString = message;
        commitTouched(touched);
        setErrorString(message);
    }
    for (qsizetype i = 0; i < ids.size(); ++i)
        Q_EMIT q->rolledBack(ids.at(i), code, message, attempted.at(i));
}

static Transaction *transactionFor(Transaction *requested, ListModel *owner, bool *created)
{
    Transaction *tx = requested ? requested : Transaction::current();
    *created = !tx;
    if (!tx) {
        tx = TransactionPrivate::create(owner);
        TransactionPrivate::get(tx)->inCreatingCall = true;
    }
    return tx;
}

ListModelPrivate::Edit::Edit(ListModelPrivate *d, Transaction *requested)
    : d(d)
    , tx(transactionFor(requested, d->q, &m_created))
{
    if (tx->isCommitted()) {
        const QString message = u"transaction %1 is committed already; start a new one"_s.arg(tx->id());
        qCWarning(lcCore).noquote() << message;
        d->setErrorString(message);
        m_usable = false;
    }
}

ListModelPrivate::Edit::~Edit()
{
    if (m_created) {
        tx->commit();
        TransactionPrivate::get(tx)->inCreatingCall = false;
    }
}

Transaction *ListModelPrivate::Edit::refuse(QLatin1StringView code, const QString &message)
{
    qCDebug(lcCore) << d->collection << "refused an edit:" << code << message;
    d->setErrorString(message);
    TransactionPrivate::get(tx)->rejectEverywhere(code, message, m_created);
    return tx;
}

} // namespace Optimist
