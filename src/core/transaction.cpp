// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "transaction.h"

#include "errorcodes.h"
#include "listmodel.h"
#include "listmodel_p.h"
#include "logging_p.h"
#include "transaction_p.h"

#include <QtCore/QTimer>

#include <atomic>
#include <utility>

namespace Optimist {

static std::atomic<quint64> s_nextTransactionId { 1 };
static thread_local Transaction *s_current = nullptr;

TransactionPrivate::TransactionPrivate(Transaction *q)
    : q(q)
    , id(s_nextTransactionId.fetch_add(1))
{
}

Transaction *TransactionPrivate::create(ListModel *owner)
{
    auto *tx = new Transaction(owner);
    tx->d->autoDelete = true;
    return tx;
}

void TransactionPrivate::addEdit(ListModel *model, const Mutation &mutation)
{
    mutations.append(mutation);
    if (!models.contains(model)) {
        models.append(model);
        unconfirmed.append(model);
    }
}

void TransactionPrivate::modelConfirmed(ListModel *model)
{
    unconfirmed.removeAll(model);
    unconfirmed.removeAll(nullptr);
    if (unconfirmed.isEmpty() && committed && !q->isFinished())
        finish(Transaction::Accepted, false);
}

void TransactionPrivate::rejectEverywhere(const QString &code, const QString &message, bool deferSignals)
{
    if (q->isFinished())
        return;
    errorCode = code;
    errorString = message;
    const auto touched = unconfirmed;
    unconfirmed.clear();
    for (const auto &model : touched) {
        if (model)
            ListModelPrivate::get(model)->rollback(q, code, message);
    }
    finish(Transaction::Rejected, deferSignals);
}

void TransactionPrivate::forgetModel(ListModel *model)
{
    models.removeAll(model);
    unconfirmed.removeAll(model);
}

void TransactionPrivate::finish(Transaction::State newState, bool deferSignals)
{
    state = newState;
    committed = true;
    auto emitAll = [tx = QPointer<Transaction>(q)] {
        if (!tx)
            return;
        Q_EMIT tx->stateChanged();
        if (tx->state() == Transaction::Accepted)
            Q_EMIT tx->accepted();
        else
            Q_EMIT tx->rejected(tx->errorCode(), tx->errorString());
        Q_EMIT tx->finished();
        if (tx->autoDelete())
            tx->deleteLater();
    };
    if (deferSignals || inCreatingCall)
        QTimer::singleShot(0, q, emitAll);
    else
        emitAll();
}

Transaction::Transaction(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<TransactionPrivate>(this))
{
}

Transaction::~Transaction()
{
    // Nobody can settle a transaction that is gone: its edits must not stay
    // pending forever, so the models drop them.
    if (!isFinished()) {
        const auto touched = d->unconfirmed;
        d->unconfirmed.clear();
        for (const auto &model : touched) {
            if (model)
                ListModelPrivate::get(model)->rollback(
                    this, ErrorCode::Aborted, QStringLiteral("transaction destroyed"));
        }
    }
    if (s_current == this)
        s_current = nullptr;
}

quint64 Transaction::id() const
{
    return d->id;
}
Transaction::State Transaction::state() const
{
    return d->state;
}
bool Transaction::isFinished() const
{
    return d->state == Accepted || d->state == Rejected;
}
bool Transaction::isCommitted() const
{
    return d->committed;
}
QString Transaction::errorCode() const
{
    return d->errorCode;
}
QString Transaction::errorString() const
{
    return d->errorString;
}
QList<Mutation> Transaction::mutations() const
{
    return d->mutations;
}

QList<ListModel *> Transaction::models() const
{
    QList<ListModel *> result;
    for (const auto &model : d->models) {
        if (model)
            result.append(model);
    }
    return result;
}

bool Transaction::autoDelete() const
{
    return d->autoDelete;
}
void Transaction::setAutoDelete(bool autoDelete)
{
    d->autoDelete = autoDelete;
}

void Transaction::commit()
{
    if (d->committed)
        return;
    d->committed = true;
    if (d->unconfirmed.isEmpty()) {
        // Nothing to send: an empty transaction (or one whose every edit was
        // a no-op) is trivially accepted.
        d->finish(Accepted, false);
        return;
    }
    Q_EMIT committed();
    for (ListModel *model : models())
        Q_EMIT model->transactionCommitted(this);
}

void Transaction::run(const std::function<void()> &edits)
{
    if (s_current) {
        // Nested: the outer transaction collects these edits and commits.
        edits();
        return;
    }
    // The caller sees the transaction only once run() returns: if it
    // finishes in here (an edit refused, an empty commit), say so later.
    const bool wasBuilding = std::exchange(d->inCreatingCall, true);
    s_current = this;
    edits();
    s_current = nullptr;
    commit();
    d->inCreatingCall = wasBuilding;
}

Transaction *Transaction::current()
{
    return s_current;
}

void Transaction::markSent()
{
    if (d->state != Pending)
        return;
    d->state = Sent;
    Q_EMIT stateChanged();
}

void Transaction::reject(const QString &code, const QString &message)
{
    if (isFinished()) {
        qCWarning(lcCore) << "transaction" << d->id << "is finished already; ignoring reject" << code;
        return;
    }
    d->rejectEverywhere(code, message, false);
}

} // namespace Optimist
