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

/*!
    \class Optimist::Transaction
    \inmodule Optimist
    \inheaderfile optimist/transaction.h
    \brief A group of local edits that the server accepts or rejects as a
    whole.

    Every edit a ListModel makes belongs to a transaction: ListModel::insert(),
    ListModel::update() and ListModel::remove() open one of their own unless
    you pass one in or run them inside run(). A transaction shows its edits at
    once, then goes \l {Optimist::Transaction::State}{Pending}, \c Sent,
    then \c Accepted or \c Rejected. On rejection every model it touched rolls
    back exactly its edits; edits made after it survive.

    \code
    auto *tx = new Optimist::Transaction(this);
    tx->setAutoDelete(true); // it must outlive this scope until the server answers
    connect(tx, &Optimist::Transaction::rejected, this, [](const QString &code, const QString &message) {
        qWarning() << code << message;
    });
    tx->run([&] {
        todos->remove(a);
        todos->remove(b);
    });
    \endcode

    A transaction the library created deletes itself (deleteLater()) after
    finished(), like a QNetworkReply with auto-delete: keep a QPointer, or
    connect to its signals, rather than a raw pointer. In QML a transaction
    comes from a model edit or from \l [QML] {Optimist}.transaction().

    \sa ListModel, Mutation
*/

/*!
    \enum Optimist::Transaction::State

    Where a transaction is on its way to the server (the \l state property).

    \value Pending Applied locally, not yet handed to a transport.
    \value Sent A transport sent it; waiting for the server.
    \value Accepted The server applied it, and the models show its confirmed
           state.
    \value Rejected Refused, locally or by the server: its edits are rolled
           back; errorCode and errorString say why.
*/

/*!
    \fn void Optimist::Transaction::committed()

    The transaction was closed to further edits (commit()): a transport may
    send it now.
*/

/*!
    \fn void Optimist::Transaction::accepted()

    The server applied every edit of the transaction. Emitted after
    stateChanged() and before finished().
*/

/*!
    \fn void Optimist::Transaction::rejected(const QString &code, const QString &message)

    The transaction was refused, and its edits are rolled back. \a code is
    an error code (ErrorCode, docs/protocol.md "Error codes"), \a message
    says why for people. Emitted after stateChanged() and before finished().
*/

/*!
    \fn void Optimist::Transaction::finished()

    The transaction was accepted or rejected; nothing changes it any more.
    A transaction with autoDelete() deletes itself after this signal.
*/

/*!
    Constructs a transaction in state Pending with the given \a parent. It
    does not delete itself (autoDelete() is false): edits join it when it is
    passed to ListModel's edit functions or made inside run().
*/
Transaction::Transaction(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<TransactionPrivate>(this))
{
}

/*!
    Destroys the transaction. If it has not finished, the models roll back
    its edits with code \c aborted: nobody could settle them any more.
*/
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

/*!
    \property Optimist::Transaction::id
    \brief The transaction's number: process-wide, increasing in creation
    order, never reused.

    It is the id a transport sends and the server acknowledges.
*/
quint64 Transaction::id() const
{
    return d->id;
}
/*!
    \property Optimist::Transaction::state
    \brief Where the transaction is: Pending, Sent, Accepted or Rejected.
*/
Transaction::State Transaction::state() const
{
    return d->state;
}
/*!
    \property Optimist::Transaction::finished
    \brief Whether the transaction was accepted or rejected.
*/
bool Transaction::isFinished() const
{
    return d->state == Accepted || d->state == Rejected;
}
/*!
    Returns whether commit() was called (or the transaction finished): no
    edit can join it any more.
*/
bool Transaction::isCommitted() const
{
    return d->committed;
}
/*!
    \property Optimist::Transaction::errorCode
    \brief Why the transaction was rejected: an error code such as
    \c validation_failed (ErrorCode), or empty.
*/
QString Transaction::errorCode() const
{
    return d->errorCode;
}
/*!
    \property Optimist::Transaction::errorString
    \brief Why the transaction was rejected, for people (the server's or the
    schema's message), or empty.
*/
QString Transaction::errorString() const
{
    return d->errorString;
}
/*!
    Returns the transaction's edits, in the order they were made, as a
    transport sends them.
*/
QList<Mutation> Transaction::mutations() const
{
    return d->mutations;
}

/*!
    Returns the models this transaction edits (those still alive).
*/
QList<ListModel *> Transaction::models() const
{
    QList<ListModel *> result;
    for (const auto &model : d->models) {
        if (model)
            result.append(model);
    }
    return result;
}

/*!
    Returns whether the transaction calls deleteLater() after finished():
    true for the transactions the library creates, false for those you
    construct.
    \sa setAutoDelete()
*/
bool Transaction::autoDelete() const
{
    return d->autoDelete;
}
/*!
    Sets whether the transaction deletes itself after finished() to
    \a autoDelete.
*/
void Transaction::setAutoDelete(bool autoDelete)
{
    d->autoDelete = autoDelete;
}

/*!
    Closes the transaction to further edits and emits committed(): from here
    on a transport may send it. A transaction without edits (or whose every
    edit changed nothing) is accepted at once. Committing twice does
    nothing.
*/
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

/*!
    Makes this the current transaction while \a edits runs, so that model
    edits made inside it join this transaction, then commits it. Inside
    another run(), the edits join the outer transaction, which commits.
    \sa current()
*/
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

/*!
    Returns the transaction that edits join inside run(), or \c nullptr
    elsewhere.
*/
Transaction *Transaction::current()
{
    return s_current;
}

/*!
    For transports: the transaction was handed to the server. Moves a
    Pending transaction to Sent; does nothing in any other state.
*/
void Transaction::markSent()
{
    if (d->state != Pending)
        return;
    d->state = Sent;
    Q_EMIT stateChanged();
}

/*!
    For transports: the server (or the transport) refused the transaction
    with error \a code and \a message. Every model it touched rolls back its
    edits, then rejected() and finished() follow. A finished transaction
    ignores this with a warning.
*/
void Transaction::reject(const QString &code, const QString &message)
{
    if (isFinished()) {
        qCWarning(lcCore) << "transaction" << d->id << "is finished already; ignoring reject" << code;
        return;
    }
    d->rejectEverywhere(code, message, false);
}

} // namespace Optimist
