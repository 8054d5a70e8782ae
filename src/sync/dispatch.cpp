// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// SyncClient's dispatch: each message of the server, decoded by the
// protocol library, to the part it concerns and to the bound models.
#include "logging_p.h"
#include "protocol_p.h"
#include "syncclient_p.h"

#include <optimist/errorcodes.h>
#include <optimist/listmodelfeed.h>

#include <climits>

using namespace Qt::StringLiterals;

namespace Optimist {

void SyncClientPrivate::onTextMessage(const QString &frame)
{
    sinceLastMessage.restart();
    QJsonObject message;
    QString problem;
    if (!Protocol::decode(frame, &message, &problem)) {
        qCWarning(lcSync) << "ignoring a malformed message from the server:" << problem;
        return;
    }
    using Handler = void (SyncClientPrivate::*)(const QJsonObject &);
    static const std::pair<QLatin1StringView, Handler> handlers[] = {
        { Protocol::Type::Welcome, &SyncClientPrivate::handleWelcome },
        { Protocol::Type::Snapshot, &SyncClientPrivate::handleSnapshot },
        { Protocol::Type::Delta, &SyncClientPrivate::handleDelta },
        { Protocol::Type::Ack, &SyncClientPrivate::handleAck },
        { Protocol::Type::Reject, &SyncClientPrivate::handleReject },
        { Protocol::Type::Error, &SyncClientPrivate::handleError },
        { Protocol::Type::Ping, &SyncClientPrivate::handlePing },
        { Protocol::Type::Pong, &SyncClientPrivate::handlePong },
    };
    const QString type = Protocol::messageType(message);
    for (const auto &[name, handler] : handlers) {
        if (type == name)
            return (this->*handler)(message);
    }
    qCWarning(lcSync) << "ignoring an unknown message type from the server:" << type;
}

void SyncClientPrivate::handlePing(const QJsonObject &message)
{
    if (const auto ping = Protocol::PingMessage::fromJson(message))
        send(Protocol::PongMessage { ping->id }.toJson());
}

void SyncClientPrivate::handlePong(const QJsonObject &message)
{
    const auto pong = Protocol::PongMessage::fromJson(message);
    if (barrierPing == 0 || !pong || pong->id.toInteger() != barrierPing)
        return;
    // The server has answered every push sent before the ping.
    barrierPing = 0;
    pushPending();
}

void SyncClientPrivate::takeLimits(const Protocol::WelcomeLimits &announced)
{
    const ServerLimits defaults;
    ServerLimits &limits = outbox.limits;
    limits.maxFrameBytes = std::max<qint64>(64, announced.maxFrameBytes.value_or(defaults.maxFrameBytes));
    limits.maxMutationsPerTransaction
        = qsizetype(announced.maxMutationsPerTransaction.value_or(defaults.maxMutationsPerTransaction));
    limits.maxPendingPushes
        = int(std::min<qint64>(INT_MAX, announced.maxPendingPushes.value_or(defaults.maxPendingPushes)));
    outbox.knowsLimits = true;
}

void SyncClientPrivate::handleWelcome(const QJsonObject &message)
{
    const Protocol::Result<Protocol::WelcomeMessage> welcome = Protocol::WelcomeMessage::fromJson(message);
    if (!welcome) {
        qCWarning(lcSync) << "ignoring a malformed welcome from the server:" << welcome.error();
        return;
    }
    welcomed = true;
    clientIdRenewals = 0;
    connectTimer.stop();
    setErrorString({});
    heartbeatMs = int(std::max<qint64>(100, welcome->heartbeatMs));
    takeLimits(welcome->limits);
    heartbeatTimer.start(heartbeatMs);
    // A server that closes each connection right after its welcome must
    // not make the client reconnect in a tight loop.
    backoff.connectionUp(heartbeatMs);
    // Known before the restore, which loads only caches of this server and user.
    serverId = welcome->serverId;
    userId = welcome->userId;
    // What an earlier run left goes first, with its own numbers.
    restoreStorage();
    storage.keepOnly(serverId, userId);
    everWelcomed = true;
    // Another user's edits never travel under this user's token.
    dropOtherUsersEdits(quint64(welcome->lastTx));
    numberOutbox(quint64(welcome->lastTx));
    subscriptions.welcomedBy(serverId, userId);
    setState(SyncClient::Connected);
    for (const QString &key : subscriptions.bindings.keys())
        subscribe(key);
    pushPending();
}

void SyncClientPrivate::subscribe(const QString &key)
{
    if (const auto message = subscriptions.subscribe(key, welcomed))
        send(message->toJson());
}

void SyncClientPrivate::onFilterChanged(ListModel *model)
{
    const QString key = subscriptions.keyOf(model);
    if (key.isEmpty())
        return;
    const bool valid = subscriptions.filterChanged(key);
    if (valid)
        return subscribe(key); // the same key: the server restarts it
    // Not subscribed while the filter cannot be used: ends loading, and
    // settles the acks its old subscription would have brought.
    ListModelFeed(model).subscriptionRefused(model->errorString());
    if (welcomed)
        send(Protocol::UnsubscribeMessage { model->collection(), key == model->collection() ? QString() : key }
                 .toJson());
}

bool SyncClientPrivate::refuseSubscription(const Protocol::ErrorMessage &error)
{
    Binding *binding = error.subscription.isEmpty() ? nullptr : subscriptions.find(error.subscription);
    if (!binding)
        return false;
    // Nothing of it runs on the server: a later subscribe starts afresh.
    binding->needsSnapshot = true;
    binding->snapshotRecords.clear();
    binding->nextChunk = 0;
    binding->refusedCode = error.code;
    ListModelFeed(binding->model).subscriptionRefused(error.message.isEmpty() ? error.code : error.message);
    return true;
}

void SyncClientPrivate::handleSnapshot(const QJsonObject &message)
{
    const auto snapshot = Protocol::SnapshotMessage::fromJson(message);
    if (!snapshot) {
        qCWarning(lcSync) << "ignoring a malformed snapshot from the server:" << snapshot.error();
        return;
    }
    QList<SnapshotRecord> all;
    const QString key = snapshot->subscription.isEmpty() ? snapshot->collection : snapshot->subscription;
    const Subscriptions::Chunk chunk = subscriptions.addChunk(*snapshot, &all);
    if (chunk == Subscriptions::Chunk::OutOfOrder)
        subscribe(key);
    if (chunk != Subscriptions::Chunk::Last)
        return;
    const Binding *binding = subscriptions.find(key);
    const QPointer<ListModel> model = binding->model;
    const QString cacheName = Subscriptions::cacheName(*binding);
    ListModelFeed(model).applySnapshot(all, snapshot->cursor);
    if (!model) // deleted by the app, reacting to the snapshot
        return;
    if (storage.cache())
        storage.cacheSnapshot(cacheName, serverId, userId, snapshot->cursor, all, *model);
    ListModelFeed(model).setLoading(false);
    Q_EMIT q->snapshotReceived(snapshot->collection, int(all.size()));
}

void SyncClientPrivate::handleDelta(const QJsonObject &message)
{
    const auto delta = Protocol::DeltaMessage::fromJson(message);
    if (!delta) {
        qCWarning(lcSync) << "ignoring a malformed delta:" << delta.error();
        return;
    }
    const QString key = delta->subscription.isEmpty() ? delta->collection : delta->subscription;
    if (!subscriptions.takesDeltas(key))
        return; // no such model, or an old filter's delta before the new one's snapshot
    const Binding *binding = subscriptions.find(key);
    const QString cacheName = Subscriptions::cacheName(*binding);
    // The acked numbers, as the model knows them: local transaction ids.
    QList<quint64> acknowledged;
    for (qint64 tx : delta->acks) {
        if (const OutboxEntry *entry = outbox.find(quint64(tx)); entry && entry->localId != 0)
            acknowledged.append(entry->localId);
    }
    const QPointer<ListModel> model = binding->model;
    const bool applied
        = ListModelFeed(model).applyDelta(delta->changes, delta->prevCursor, delta->cursor, acknowledged);
    if (applied && storage.cache())
        storage.cacheDelta(cacheName, delta->cursor, delta->changes);
    if (applied && model)
        ListModelFeed(model).setLoading(false);
    if (subscriptions.deltaApplied(key, applied))
        subscribe(key);
}

void SyncClientPrivate::handleAck(const QJsonObject &message)
{
    const Protocol::Result<Protocol::AckMessage> ack = Protocol::AckMessage::fromJson(message);
    if (!ack) {
        qCWarning(lcSync) << "ignoring a malformed ack from the server:" << ack.error();
        return;
    }
    const quint64 wireTx = quint64(ack->tx);
    const OutboxEntry *entry = outbox.find(wireTx);
    if (!entry)
        return;
    if (Transaction *tx = entry->transaction) {
        // A model without a subscription (refused, an unusable filter,
        // unbound) will never reach the ack's cursor: it settles now.
        for (ListModel *model : tx->models()) {
            const QString cursor
                = subscriptions.isSubscribed(model) ? ack->cursors.value(model->collection()).toString() : QString();
            ListModelFeed(model).acknowledge(entry->localId, cursor);
        }
    }
    settle(wireTx);
}

void SyncClientPrivate::handleReject(const QJsonObject &message)
{
    const Protocol::Result<Protocol::RejectMessage> reject = Protocol::RejectMessage::fromJson(message);
    if (!reject) {
        qCWarning(lcSync) << "ignoring a malformed reject from the server:" << reject.error();
        return;
    }
    const quint64 wireTx = quint64(reject->tx);
    const OutboxEntry *entry = outbox.find(wireTx);
    if (!entry)
        return;
    const QString &code = reject->code;
    const QString &text = reject->message;
    qCDebug(lcSync) << "transaction" << wireTx << "rejected:" << code << text;
    if (Transaction *tx = entry->transaction) {
        tx->reject(code, text);
    } else if (entry->localId == 0) {
        qCWarning(lcSync) << "a restored transaction was rejected:" << code << text;
        Q_EMIT q->restoredTransactionRejected(code, text);
    }
    settle(wireTx);
}

void SyncClientPrivate::handleError(const QJsonObject &message)
{
    const Protocol::Result<Protocol::ErrorMessage> error = Protocol::ErrorMessage::fromJson(message);
    if (!error) {
        qCWarning(lcSync) << "ignoring a malformed error from the server:" << error.error();
        return;
    }
    const QString &code = error->code;
    const QString &text = error->message;
    // A frame the server could not read may have no ref.
    const bool aboutPush = error->ref == Protocol::Type::Push || (error->ref.isEmpty() && code == ErrorCode::TooLarge);
    if (aboutPush && error->expectedTx) {
        // Part of the protocol's flow, not a fault of the connection: no errorString.
        Q_EMIT q->errorOccurred(code, text);
        return handlePushRefusal(code, text, quint64(*error->expectedTx), error->retryAfterMs);
    }
    if (code == ErrorCode::ClientIdTaken && identity.source != ClientIdentity::Source::App) {
        // Not the app's concern: the close that follows takes a new id.
        qCInfo(lcSync) << "client id" << identity.id << "is taken by another user; taking a new one";
        clientIdTaken = true;
        return;
    }
    qCWarning(lcSync) << "server error" << code << text;
    // A refused subscription is its model's error (ListModel::errorString),
    // not the connection's: the client's errorString stays empty while Connected.
    if (!refuseSubscription(*error))
        setErrorString(text.isEmpty() ? code : text);
    Q_EMIT q->errorOccurred(code, text);
    if (code == ErrorCode::UnsupportedProtocol || code == ErrorCode::Unauthorized || code == ErrorCode::ClientIdTaken)
        stopForGood = true;
    if (code == ErrorCode::RateLimited) {
        // A server without expectedTx: resend everything unsettled a little later.
        outbox.resendAll(false);
        retryTimer.start(std::max(50, error->retryAfterMs));
    }
}

} // namespace Optimist
