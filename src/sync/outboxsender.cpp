// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// SyncClient's outbox traffic: committed transactions into the Outbox,
// its planned pushes onto the socket, and the server's answers to them.
#include "logging_p.h"
#include "protocol_p.h"
#include "syncclient_p.h"

#include <optimist/errorcodes.h>

using namespace Qt::StringLiterals;

namespace Optimist {

void SyncClientPrivate::onCommitted(Transaction *transaction)
{
    // A transaction over several bound models commits once per model.
    if (outbox.holdsTransaction(transaction->id()))
        return;
    if (transaction->isFinished())
        return; // refused below when another of its models committed it
    // A model that cannot be subscribed would never confirm the edit: it is
    // refused at once, with the reason, and never sent.
    for (ListModel *model : transaction->models()) {
        if (const QString why = subscriptions.editRefusal(model); !why.isEmpty()) {
            qCDebug(lcSync) << "transaction" << transaction->id() << "refused:" << why;
            transaction->reject(ErrorCode::InvalidFilter, why);
            return;
        }
    }
    Protocol::PushTransaction push;
    push.mutations = transaction->mutations();
    OutboxEntry entry = OutboxEntry::fromPush(Protocol::EncodedTransaction(push));
    entry.transaction = transaction;
    entry.localId = transaction->id();
    entry.madeBy = editUser();
    if (const QString why = outbox.commit(std::move(entry), welcomed); !why.isEmpty()) {
        qCDebug(lcSync) << "transaction" << transaction->id() << "refused:" << why;
        transaction->reject(ErrorCode::TooLarge, why);
        return;
    }
    Q_EMIT q->outboxCountChanged();
    scheduleSave();
    // Edits committed in one event-loop pass travel in one push.
    schedulePush();
}

void SyncClientPrivate::numberOutbox(quint64 serverLastTx)
{
    const QList<LocalRefusal> refused = outbox.numberAtWelcome(serverLastTx);
    scheduleSave();
    refuseLocally(refused, ErrorCode::TooLarge);
}

void SyncClientPrivate::dropOtherUsersEdits(quint64 serverLastTx)
{
    const QList<LocalRefusal> dropped = outbox.takeMadeByOthers(userId, serverLastTx);
    if (dropped.isEmpty())
        return;
    qCInfo(lcSync) << "not sending" << dropped.size() << "transactions another user made";
    scheduleSave();
    const QString message
        = u"%1 unsent edits made by another user were rolled back: %2 signed in on this client"_s.arg(dropped.size())
              .arg(userId.isEmpty() ? u"no user"_s : u"'"_s + userId + u"'"_s);
    refuseLocally(dropped, ErrorCode::UserChanged);
    Q_EMIT q->errorOccurred(ErrorCode::UserChanged, message);
}

void SyncClientPrivate::settle(quint64 wireTx)
{
    if (!outbox.settle(wireTx))
        return;
    Q_EMIT q->outboxCountChanged();
    scheduleSave();
    // Acks arrive in bursts: refill the window once per burst, so that the
    // waiting transactions travel in one push instead of one push each.
    schedulePush();
}

void SyncClientPrivate::schedulePush()
{
    if (pushScheduled)
        return;
    pushScheduled = true;
    QMetaObject::invokeMethod(
        q,
        [this] {
            pushScheduled = false;
            pushPending();
        },
        Qt::QueuedConnection);
}

void SyncClientPrivate::pushPending()
{
    // After a refusal, nothing goes out until the server answered what did.
    if (!welcomed || barrierPing != 0 || retryTimer.isActive())
        return;
    const quint64 settled = storage.settledTx(outbox.settledOutbox());
    // Sent once all are chosen: sending runs the app's code (markSent()),
    // which may commit more; entries stay put, iterators do not.
    const QList<QList<OutboxEntry *>> pushes = outbox.planPushes(settled);
    for (const QList<OutboxEntry *> &push : pushes)
        sendPush(push, settled);
}

void SyncClientPrivate::sendPush(const QList<OutboxEntry *> &batch, quint64 settled)
{
    if (!isConnected())
        return;
    socket->sendTextMessage(QString::fromUtf8(Outbox::takePush(batch, settled)));
    // Last: markSent() runs the app's code, which may commit more.
    QList<QPointer<Transaction>> sent;
    for (OutboxEntry *entry : batch)
        sent.append(entry->transaction);
    for (const QPointer<Transaction> &tx : std::as_const(sent)) {
        if (tx)
            tx->markSent();
    }
}

void SyncClientPrivate::handlePushRefusal(
    const QString &code, const QString &text, quint64 expectedTx, int retryAfterMs)
{
    qCDebug(lcSync) << "push refused:" << code << text << "the server takes" << expectedTx << "next";
    const QList<LocalRefusal> refused = outbox.refusePush(code, text, expectedTx);
    if (code == ErrorCode::RateLimited)
        retryTimer.start(std::max(50, retryAfterMs));
    scheduleSave();
    // Pushes already on their way meet the same refusal; resending before
    // the server has answered them could send a transaction twice.
    awaitServer();
    refuseLocally(refused, code == ErrorCode::TooLarge ? ErrorCode::TooLarge : ErrorCode::InvalidMessage);
}

void SyncClientPrivate::awaitServer()
{
    barrierPing = ++pingId;
    send(Protocol::PingMessage { barrierPing }.toJson());
}

void SyncClientPrivate::refuseLocally(const QList<LocalRefusal> &entries, QLatin1StringView code)
{
    if (entries.isEmpty())
        return;
    Q_EMIT q->outboxCountChanged();
    for (const LocalRefusal &refusal : entries) {
        qCDebug(lcSync) << "transaction" << refusal.entry.wireTx << "refused here:" << code << refusal.message;
        if (Transaction *tx = refusal.entry.transaction) {
            if (!tx->isFinished())
                tx->reject(code, refusal.message);
        } else if (refusal.entry.localId == 0) {
            qCWarning(lcSync) << "a restored transaction was refused:" << code << refusal.message;
            Q_EMIT q->restoredTransactionRejected(code, refusal.message);
        }
    }
}

} // namespace Optimist
