// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "syncclient.h"

#include "logging_p.h"
#include "messages_p.h"
#include "protocol_p.h"
#include "syncclient_p.h"

#include <optimist/errorcodes.h>
#include <optimist/listmodelfeed.h>

#include <QtCore/QLockFile>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QUuid>
#include <QtNetwork/QTcpSocket>

#include <algorithm>
#include <climits>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Optimist {

SyncClientPrivate::SyncClientPrivate(SyncClient *q)
    : q(q)
{
    reconnectTimer.setSingleShot(true);
    healthyTimer.setSingleShot(true);
    retryTimer.setSingleShot(true);
    QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectNow(); });
    QObject::connect(&heartbeatTimer, &QTimer::timeout, q, [this] { onHeartbeat(); });
    QObject::connect(&healthyTimer, &QTimer::timeout, q, [this] { attempt = 0; });
    QObject::connect(&retryTimer, &QTimer::timeout, q, [this] { pushPending(); });
}

//! An outbox entry for a transaction in its push form.
static OutboxEntry makeEntry(Protocol::EncodedTransaction push)
{
    OutboxEntry entry;
    entry.wireTx = quint64(push.tx());
    entry.push = std::move(push);
    return entry;
}

void SyncClientPrivate::setState(SyncClient::State newState)
{
    if (state == newState)
        return;
    state = newState;
    Q_EMIT q->stateChanged();
}

void SyncClientPrivate::setLastError(const QString &message)
{
    if (lastError == message)
        return;
    lastError = message;
    Q_EMIT q->lastErrorChanged();
}

void SyncClientPrivate::ensureClientId()
{
    if (!clientId.isEmpty())
        return;
    // The stored id, unless another running process holds it: two clients
    // with one id would hand the server clashing transaction numbers.
    QSettings settings;
    const QString stored = settings.value(u"Optimist/clientId"_s).toString();
    const QString lockDir = QStandardPaths::writableLocation(QStandardPaths::TempLocation);
    auto tryLock = [&](const QString &id) {
        auto lock = std::make_unique<QLockFile>(lockDir + u"/optimist-client-"_s + id + u".lock"_s);
        lock->setStaleLockTime(0);
        return lock->tryLock() ? std::move(lock) : nullptr;
    };
    if (!stored.isEmpty())
        clientIdLock = tryLock(stored);
    if (clientIdLock) {
        clientId = stored;
    } else {
        clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        clientIdLock = tryLock(clientId);
        if (stored.isEmpty())
            settings.setValue(u"Optimist/clientId"_s, clientId);
    }
    Q_EMIT q->clientIdChanged();
}

void SyncClientPrivate::connectNow()
{
    if (!active || !url.isValid() || stopForGood)
        return;
    ensureClientId();
    restoreStorage();
    if (nextRetryAt.isValid()) {
        nextRetryAt = {};
        Q_EMIT q->nextRetryAtChanged();
    }
    if (socket) {
        socket->disconnect(q);
        socket->abort();
        socket->deleteLater();
    }
    socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    if (!sslConfiguration.isNull())
        socket->setSslConfiguration(sslConfiguration);
    // Why a connection failed, for lastError (the welcome clears it).
    QObject::connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q,
        [this](QAbstractSocket::SocketError error) {
            // A close by the server is explained by its error frame or close code.
            if (!socket || error == QAbstractSocket::RemoteHostClosedError)
                return;
            const QString reason = socket->errorString();
            setLastError(error == QAbstractSocket::SslHandshakeFailedError ? u"TLS: "_s + reason : reason);
        });
    QObject::connect(socket, &QWebSocket::connected, q, [this] { onConnected(); });
    QObject::connect(socket, &QWebSocket::disconnected, q, [this] { onDisconnected(); });
    QObject::connect(
        socket, &QWebSocket::textMessageReceived, q, [this](const QString &frame) { onTextMessage(frame); });
    setState(attempt == 0 ? SyncClient::Connecting : SyncClient::Reconnecting);
    qCDebug(lcSync) << "connecting to" << url << "attempt" << attempt;
    socket->open(url);
}

void SyncClientPrivate::scheduleReconnect()
{
    if (!active || stopForGood) {
        setState(SyncClient::Disconnected);
        return;
    }
    // Exponential backoff with full jitter: a uniform wait in [0, ceiling].
    const double ceiling = std::min<double>(maxBackoffMs, initialBackoffMs * std::pow(backoffFactor, attempt));
    const int delay = int(QRandomGenerator::global()->bounded(std::max(1.0, ceiling)));
    ++attempt;
    nextRetryAt = QDateTime::currentDateTimeUtc().addMSecs(delay);
    Q_EMIT q->nextRetryAtChanged();
    setState(SyncClient::Reconnecting);
    reconnectTimer.start(delay);
}

void SyncClientPrivate::send(const QJsonObject &message)
{
    if (socket && socket->state() == QAbstractSocket::ConnectedState)
        socket->sendTextMessage(Protocol::encode(message));
}

void SyncClientPrivate::onConnected()
{
    // Small frames both ways: without this, Nagle's algorithm and delayed
    // ACKs hold a push or an answer back for milliseconds.
    if (auto *tcp = socket->findChild<QTcpSocket *>())
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    sinceLastMessage.start();
    send(Protocol::HelloMessage { Protocol::Version, clientId, token }.toJson());
}

void SyncClientPrivate::onDisconnected()
{
    const auto closeCode = socket ? socket->closeCode() : QWebSocketProtocol::CloseCodeNormal;
    const QString reason = socket ? socket->closeReason() : QString();
    qCDebug(lcSync) << "disconnected" << closeCode << reason;
    heartbeatTimer.stop();
    healthyTimer.stop();
    retryTimer.stop();
    barrierPing = 0;
    if (int(closeCode) == Protocol::UnsupportedProtocolClose || int(closeCode) == Protocol::UnauthorizedClose)
        stopForGood = true; // retrying cannot help; lastError says why
    // Told once the client is settled, so that a slot may call setToken().
    const bool tokenExpired
        = int(closeCode) == Protocol::UnauthorizedClose && reason == Protocol::CloseReason::TokenExpired;
    if (active)
        explainClose(closeCode, reason);
    welcomed = false;
    for (OutboxEntry &entry : outbox) {
        entry.inFlight = false;
        entry.sentAlone = false;
    }
    for (Binding &binding : bindings) {
        binding.resubscribing = false;
        binding.snapshotRecords.clear();
        binding.nextChunk = 0;
    }
    if (socket) {
        socket->disconnect(q);
        socket->deleteLater();
        socket = nullptr;
    }
    if (!active || stopForGood)
        setState(SyncClient::Disconnected);
    else
        scheduleReconnect();
    if (tokenExpired)
        Q_EMIT q->tokenExpired();
}

void SyncClientPrivate::explainClose(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    // The server's error frame says more than its close code 4000/4001.
    if (stopForGood && !lastError.isEmpty())
        return;
    if (code != QWebSocketProtocol::CloseCodeNormal || !reason.isEmpty()) {
        setLastError(u"the server closed the connection: %1 %2"_s.arg(int(code)).arg(reason).trimmed());
        return;
    }
    if (!lastError.isEmpty()) // a socket error, a lost heartbeat: said already
        return;
    // e.g. plain ws:// to a TLS port
    setLastError(welcomed ? u"the connection was lost"_s : u"the connection closed before the server's welcome"_s);
}

void SyncClientPrivate::onHeartbeat()
{
    if (sinceLastMessage.elapsed() > 2 * heartbeatMs) {
        qCDebug(lcSync) << "heartbeat lost; reconnecting";
        setLastError(u"the server stopped answering"_s);
        if (socket)
            socket->abort(); // emits disconnected → reconnect
        return;
    }
    send(Protocol::PingMessage {}.toJson());
}

void SyncClientPrivate::onTextMessage(const QString &frame)
{
    sinceLastMessage.restart();
    QJsonObject message;
    QString problem;
    if (!Protocol::decode(frame, &message, &problem)) {
        qCWarning(lcSync) << "ignoring a malformed message from the server:" << problem;
        return;
    }
    const QString type = Protocol::messageType(message);
    if (type == Protocol::Type::Welcome)
        handleWelcome(message);
    else if (type == Protocol::Type::Snapshot)
        handleSnapshot(message);
    else if (type == Protocol::Type::Delta)
        handleDelta(message);
    else if (type == Protocol::Type::Ack)
        handleAck(message);
    else if (type == Protocol::Type::Reject)
        handleReject(message);
    else if (type == Protocol::Type::Error)
        handleError(message);
    else if (type == Protocol::Type::Ping)
        handlePing(message);
    else if (type == Protocol::Type::Pong)
        handlePong(message);
    else
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

void SyncClientPrivate::handleWelcome(const QJsonObject &message)
{
    const Protocol::Result<Protocol::WelcomeMessage> welcome = Protocol::WelcomeMessage::fromJson(message);
    if (!welcome) {
        qCWarning(lcSync) << "ignoring a malformed welcome from the server:" << welcome.error();
        return;
    }
    welcomed = true;
    setLastError({});
    heartbeatMs = int(std::max<qint64>(100, welcome->heartbeatMs));
    const Protocol::WelcomeLimits &announced = welcome->limits;
    const ServerLimits defaults;
    limits.maxFrameBytes = std::max<qint64>(64, announced.maxFrameBytes.value_or(defaults.maxFrameBytes));
    limits.maxMutationsPerTransaction
        = qsizetype(announced.maxMutationsPerTransaction.value_or(defaults.maxMutationsPerTransaction));
    limits.maxPendingPushes
        = int(std::min<qint64>(INT_MAX, announced.maxPendingPushes.value_or(defaults.maxPendingPushes)));
    knowsLimits = true;
    heartbeatTimer.start(heartbeatMs);
    // A server that closes each connection right after its welcome must
    // not make the client reconnect in a tight loop.
    healthyTimer.start(std::min(10000, heartbeatMs));
    // Known before the restore, which loads only caches of this server.
    serverId = welcome->serverId;
    // What an earlier run left goes first, with its own numbers.
    restoreStorage();
    everWelcomed = true;
    numberOutbox(quint64(welcome->lastTx));
    // Another database: the cursors and revisions of the old one mean
    // nothing here (the same cursor may name another state).
    for (auto it = bindings.begin(); it != bindings.end(); ++it) {
        if (it->model && !it->serverId.isEmpty() && it->serverId != serverId) {
            qCInfo(lcSync) << it.key() << "comes from another database than the server's; reloading it";
            ListModelFeed(it->model).forgetCursor();
        }
        it->serverId = serverId;
    }
    setState(SyncClient::Connected);
    for (auto it = bindings.cbegin(); it != bindings.cend(); ++it)
        subscribe(it.key());
    pushPending();
}

void SyncClientPrivate::subscribe(const QString &collection)
{
    Binding &binding = bindings[collection];
    if (!welcomed || !binding.model)
        return;
    binding.snapshotRecords.clear();
    binding.nextChunk = 0;
    const QString cursor = binding.model->cursor();
    if (cursor.isEmpty())
        ListModelFeed(binding.model).setLoading(true);
    send(Protocol::SubscribeMessage { collection, cursor }.toJson());
}

void SyncClientPrivate::handleSnapshot(const QJsonObject &message)
{
    const auto snapshot = Protocol::SnapshotMessage::fromJson(message);
    if (!snapshot) {
        qCWarning(lcSync) << "ignoring a malformed snapshot from the server:" << snapshot.error();
        return;
    }
    const QString &collection = snapshot->collection;
    auto it = bindings.find(collection);
    if (it == bindings.end() || !it->model)
        return;
    Binding &binding = *it;
    if (snapshot->chunk != binding.nextChunk) {
        qCWarning(lcSync) << collection << "snapshot chunk out of order; resubscribing";
        subscribe(collection);
        return;
    }
    ++binding.nextChunk;
    for (const QString &problem : snapshot->skipped)
        qCWarning(lcSync) << collection << "ignoring a malformed snapshot record:" << problem;
    for (const Protocol::SnapshotMessage::Record &wire : snapshot->records) {
        SnapshotRecord record;
        record.id = wire.id;
        record.revision = wire.revision;
        // The model skips a record it holds at this revision unread, so
        // spare the conversion: most of a resync's records are unchanged.
        if (record.revision == 0 || ListModelFeed(binding.model).confirmedRevision(record.id) != record.revision)
            record.fields = wire.fields.toVariantMap();
        binding.snapshotRecords.append(std::move(record));
    }
    if (!snapshot->last)
        return;
    const QList<SnapshotRecord> all = std::exchange(binding.snapshotRecords, {});
    binding.nextChunk = 0;
    binding.resubscribing = false;
    const QString &cursor = snapshot->cursor;
    ListModelFeed(binding.model).applySnapshot(all, cursor);
    if (cache) {
        // The fields the model skipped (a revision it held) come from it.
        QList<SnapshotRecord> full = all;
        for (SnapshotRecord &record : full) {
            if (record.fields.isEmpty()) {
                record.fields = binding.model->confirmedRecord(record.id);
                record.fields.remove(u"id"_s);
            }
        }
        if (!cache->replace(collection, serverId, cursor, full))
            qCWarning(lcSync) << cache->errorString();
    }
    ListModelFeed(binding.model).setLoading(false);
    Q_EMIT q->snapshotReceived(collection, int(all.size()));
}

void SyncClientPrivate::handleDelta(const QJsonObject &message)
{
    const auto delta = Protocol::DeltaMessage::fromJson(message);
    if (!delta) {
        qCWarning(lcSync) << "ignoring a malformed delta:" << delta.error();
        return;
    }
    const QString &collection = delta->collection;
    auto it = bindings.find(collection);
    if (it == bindings.end() || !it->model)
        return;
    Binding &binding = *it;
    QList<quint64> acknowledged;
    for (qint64 tx : delta->acks) {
        if (const OutboxEntry *entry = outboxEntry(quint64(tx)); entry && entry->localId != 0)
            acknowledged.append(entry->localId);
    }
    const bool applied
        = ListModelFeed(binding.model).applyDelta(delta->changes, delta->prevCursor, delta->cursor, acknowledged);
    if (applied && cache && !cache->apply(collection, delta->cursor, delta->changes))
        qCWarning(lcSync) << cache->errorString();
    if (applied) {
        binding.resubscribing = false;
        ListModelFeed(binding.model).setLoading(false);
    } else if (!binding.resubscribing) {
        // A gap: ask again from what we have. Deltas already on their way
        // will not fit either; they are ignored until the answer arrives.
        binding.resubscribing = true;
        subscribe(collection);
    }
}

void SyncClientPrivate::restoreStorage()
{
    if (storageDirectory.isEmpty() || outboxStore)
        return;
    ensureClientId();
    cache = std::make_unique<RecordCache>(storageDirectory, clientId);
    if (!cache->open()) {
        qCWarning(lcSync) << "no record cache:" << cache->errorString();
        setLastError(cache->errorString());
        cache.reset();
    } else if (!cache->errorString().isEmpty()) {
        qCWarning(lcSync) << cache->errorString();
    }
    for (auto it = bindings.cbegin(); it != bindings.cend(); ++it)
        loadCached(it.key());
    outboxStore = std::make_unique<OutboxStore>(storageDirectory, clientId);
    QList<QJsonObject> stored;
    quint64 storedLastTx = 0;
    QString problem;
    if (!outboxStore->load(&stored, &storedLastTx, &problem)) {
        qCWarning(lcSync) << "cannot restore the outbox:" << problem;
        setLastError(problem);
    }
    if (stored.isEmpty())
        return;
    qCInfo(lcSync) << "restoring" << stored.size() << "unsettled transactions from" << outboxStore->filePath();
    lastTx = std::max(lastTx, storedLastTx);
    // Older than anything committed in this run: they go first.
    for (auto it = stored.crbegin(); it != stored.crend(); ++it) {
        OutboxEntry entry = makeEntry(Protocol::EncodedTransaction(*it));
        lastTx = std::max(lastTx, entry.wireTx);
        outbox.push_front(std::move(entry));
    }
    for (qsizetype i = 0; i < stored.size(); ++i)
        showRestored(outbox[size_t(i)]);
    Q_EMIT q->outboxCountChanged();
    scheduleSave(); // numbers given to this run's edits before the restore
}

void SyncClientPrivate::showRestored(OutboxEntry &entry)
{
    // Replayed as a transaction of its own on the bound models (on top of
    // their cached state), so the edit shows as pending again and settles
    // or rolls back like any other. The transaction is tied to the entry
    // before it commits, so it is not queued a second time.
    const Protocol::PushTransaction stored = entry.push.read();
    if (!stored.malformed.isEmpty())
        return; // the server will say what is wrong with it
    const QList<Mutation> &mutations = stored.mutations;
    for (const Mutation &mutation : mutations) {
        // Already in the cached state (applied, its ack lost), or about a
        // record the model does not hold: leave it to the server's answer.
        const ListModel *model = bindings.value(mutation.collection).model;
        if (model && model->contains(mutation.id) == (mutation.kind == Mutation::Kind::Insert))
            return;
    }
    auto *tx = new Transaction(q);
    tx->setAutoDelete(true);
    bool shown = false;
    for (const Mutation &mutation : std::as_const(mutations)) {
        ListModel *model = bindings.value(mutation.collection).model;
        if (!model || tx->isFinished())
            continue;
        shown = true;
        if (mutation.kind == Mutation::Kind::Insert) {
            QVariantMap record = mutation.fields;
            record.insert(u"id"_s, mutation.id);
            model->insert(record, tx);
        } else if (mutation.kind == Mutation::Kind::Update) {
            model->update(mutation.id, mutation.fields, tx);
        } else {
            model->remove(mutation.id, tx);
        }
    }
    if (!shown || tx->isFinished()) {
        // No model to show it, or one refused it (say, an update of a record
        // it does not hold): it is sent all the same, and shows once
        // confirmed.
        if (!tx->isFinished())
            tx->deleteLater();
        return;
    }
    entry.transaction = tx;
    entry.localId = tx->id();
    tx->commit();
}

void SyncClientPrivate::loadCached(const QString &collection)
{
    Binding &binding = bindings[collection];
    if (!cache || !binding.model || !binding.model->cursor().isEmpty())
        return;
    RecordCache::Collection cached;
    if (!cache->load(collection, &cached)) {
        if (!cache->errorString().isEmpty())
            qCWarning(lcSync) << cache->errorString();
        return;
    }
    if (welcomed && cached.serverId != serverId)
        return; // another database's state: the subscription loads this one's
    qCDebug(lcSync) << collection << "starts from" << cached.records.size() << "cached records at" << cached.cursor;
    ListModelFeed(binding.model).applySnapshot(cached.records, cached.cursor);
    binding.serverId = cached.serverId;
}

void SyncClientPrivate::scheduleSave()
{
    if (storageDirectory.isEmpty() || saveScheduled)
        return;
    saveScheduled = true;
    QMetaObject::invokeMethod(
        q,
        [this] {
            if (saveScheduled)
                saveOutbox();
        },
        Qt::QueuedConnection);
}

void SyncClientPrivate::saveOutbox()
{
    saveScheduled = false;
    if (storageDirectory.isEmpty())
        return;
    restoreStorage(); // never overwrite what an earlier run left unread
    QList<QJsonObject> transactions;
    for (const OutboxEntry &entry : outbox)
        transactions.append(entry.push.json());
    QString problem;
    if (!outboxStore->save(transactions, lastTx, &problem)) {
        qCWarning(lcSync) << "cannot save the outbox:" << problem;
        setLastError(problem);
        return;
    }
    savedSettledTx = settledOutbox();
}

OutboxEntry *SyncClientPrivate::outboxEntry(quint64 wireTx)
{
    for (OutboxEntry &entry : outbox) {
        if (entry.wireTx == wireTx)
            return &entry;
    }
    return nullptr;
}

void SyncClientPrivate::settle(quint64 wireTx)
{
    const auto it
        = std::find_if(outbox.begin(), outbox.end(), [wireTx](const auto &entry) { return entry.wireTx == wireTx; });
    if (it == outbox.end())
        return;
    outbox.erase(it);
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

void SyncClientPrivate::handleAck(const QJsonObject &message)
{
    const Protocol::Result<Protocol::AckMessage> ack = Protocol::AckMessage::fromJson(message);
    if (!ack) {
        qCWarning(lcSync) << "ignoring a malformed ack from the server:" << ack.error();
        return;
    }
    const quint64 wireTx = quint64(ack->tx);
    const OutboxEntry *entry = outboxEntry(wireTx);
    if (!entry)
        return;
    if (Transaction *tx = entry->transaction) {
        for (ListModel *model : tx->models())
            ListModelFeed(model).acknowledge(entry->localId, ack->cursors.value(model->collection()).toString());
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
    const OutboxEntry *entry = outboxEntry(wireTx);
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
    const int retryAfterMs = error->retryAfterMs;
    // A frame the server could not read may have no ref.
    const bool aboutPush = error->ref == Protocol::Type::Push || (error->ref.isEmpty() && code == ErrorCode::TooLarge);
    if (aboutPush && error->expectedTx) {
        // Part of the protocol's flow, not a fault of the connection: no lastError.
        Q_EMIT q->errorOccurred(code, text);
        return handlePushRefusal(code, text, quint64(*error->expectedTx), retryAfterMs);
    }
    qCWarning(lcSync) << "server error" << code << text;
    setLastError(text.isEmpty() ? code : text);
    Q_EMIT q->errorOccurred(code, text);
    if (code == ErrorCode::UnsupportedProtocol || code == ErrorCode::Unauthorized)
        stopForGood = true;
    if (code == ErrorCode::RateLimited) {
        // A server without expectedTx: resend everything unsettled a little later.
        for (OutboxEntry &entry : outbox)
            entry.inFlight = false;
        retryTimer.start(std::max(50, retryAfterMs));
    }
}

void SyncClientPrivate::handlePushRefusal(
    const QString &code, const QString &text, quint64 expectedTx, int retryAfterMs)
{
    qCDebug(lcSync) << "push refused:" << code << text << "the server takes" << expectedTx << "next";
    // The server took everything below expectedTx (answers come) and
    // nothing at or above it: those are sent again, by the rule of the code.
    QList<LocalRefusal> refused;
    for (auto it = outbox.begin(); it != outbox.end();) {
        if (!it->inFlight || it->wireTx < expectedTx) {
            ++it;
            continue;
        }
        it->inFlight = false;
        QString why;
        if (code == ErrorCode::InvalidMessage) // our bug: resending cannot help
            why = u"the server could not read the push of this transaction: "_s + text;
        if (code == ErrorCode::TooLarge) {
            // The frame could not be read: one per push, and one that was
            // alone (the push the server stopped at) can never be.
            why = tooLargeReason(*it, it->wireTx);
            if (why.isEmpty() && it->wireTx == expectedTx && it->sentAlone)
                why = u"the server could not read a push of this transaction alone: "_s + text;
            it->sendAlone = true;
        }
        if (why.isEmpty()) {
            ++it;
            continue;
        }
        refused.append({ std::move(*it), why });
        it = outbox.erase(it);
    }
    if (code == ErrorCode::RateLimited)
        retryTimer.start(std::max(50, retryAfterMs));
    // Numbers have no holes: the server skipped none, so the client must
    // not either; what follows a transaction refused here moves up. (Not
    // after rate_limited: E may then be a resend's, below numbers taken.)
    if (code == ErrorCode::OutOfOrder)
        renumberFrom(expectedTx);
    else if (!refused.isEmpty())
        renumberFrom(refused.first().entry.wireTx);
    scheduleSave();
    // Pushes already on their way meet the same refusal; resending before
    // the server has answered them could send a transaction twice.
    awaitServer();
    refuseLocally(std::move(refused), code == ErrorCode::TooLarge ? ErrorCode::TooLarge : ErrorCode::InvalidMessage);
}

void SyncClientPrivate::awaitServer()
{
    barrierPing = ++pingId;
    send(Protocol::PingMessage { barrierPing }.toJson());
}

void SyncClientPrivate::onCommitted(Transaction *transaction)
{
    // A transaction over several bound models commits once per model.
    for (const OutboxEntry &entry : outbox) {
        if (entry.localId == transaction->id())
            return;
    }
    if (transaction->isFinished())
        return; // refused below when another of its models committed it
    OutboxEntry entry
        = makeEntry(Protocol::EncodedTransaction(Protocol::PushTransaction { 0, transaction->mutations() }));
    entry.transaction = transaction;
    entry.localId = transaction->id();
    // Refused before it takes a number if it can never fit (offline: by
    // the limits of the last welcome; the next one checks again).
    const qsizetype unnumbered = std::count_if(outbox.begin(), outbox.end(), [](auto &e) { return e.wireTx == 0; });
    if (knowsLimits) {
        if (const QString why = tooLargeReason(entry, lastTx + 1 + quint64(unnumbered)); !why.isEmpty()) {
            qCDebug(lcSync) << "transaction" << transaction->id() << "refused:" << why;
            transaction->reject(ErrorCode::TooLarge, why);
            return;
        }
    }
    if (welcomed)
        setNumber(entry, ++lastTx);
    outbox.push_back(std::move(entry));
    Q_EMIT q->outboxCountChanged();
    scheduleSave();
    // Edits committed in one event-loop pass travel in one push.
    schedulePush();
}

QString SyncClientPrivate::tooLargeReason(const OutboxEntry &entry, quint64 tx) const
{
    if (entry.push.mutationCount() > limits.maxMutationsPerTransaction) {
        return u"the transaction has %1 mutations; the server takes at most %2 (maxMutationsPerTransaction)"_s
            .arg(entry.push.mutationCount())
            .arg(limits.maxMutationsPerTransaction);
    }
    // Alone in a push: its settledTx is below tx, so at most as long.
    const qsizetype bytes = Protocol::PushFrame::prefix(qint64(tx) - 1).size() + entry.push.bytes(qint64(tx))
        + Protocol::PushFrame::Suffix.size();
    if (bytes > limits.maxFrameBytes) {
        return u"the transaction needs a push of %1 bytes; the server reads at most %2 (maxFrameBytes)"_s.arg(bytes)
            .arg(limits.maxFrameBytes);
    }
    return {};
}

void SyncClientPrivate::setNumber(OutboxEntry &entry, quint64 tx)
{
    entry.wireTx = tx;
    entry.push.setTx(qint64(tx));
}

void SyncClientPrivate::numberOutbox(quint64 serverLastTx)
{
    lastTx = std::max(lastTx, serverLastTx);
    // One the server never took (above its lastTx) that can never fit is
    // refused; what follows it closes up, so numbers stay contiguous.
    QList<LocalRefusal> refused;
    quint64 next = 0; // numbering from here on (0: not yet)
    for (auto it = outbox.begin(); it != outbox.end();) {
        const bool taken = it->wireTx != 0 && it->wireTx <= serverLastTx;
        if (next == 0 && it->wireTx != 0 && (taken || tooLargeReason(*it, it->wireTx).isEmpty())) {
            ++it; // keeps its number
            continue;
        }
        if (next == 0)
            next = it->wireTx != 0 ? it->wireTx : lastTx + 1;
        if (QString why = tooLargeReason(*it, next); !why.isEmpty() && !taken) {
            refused.append({ std::move(*it), std::move(why) });
            it = outbox.erase(it);
            continue;
        }
        setNumber(*it, next++);
        ++it;
    }
    if (next != 0)
        lastTx = next - 1;
    scheduleSave();
    if (!refused.isEmpty())
        refuseLocally(std::move(refused), ErrorCode::TooLarge);
}

void SyncClientPrivate::renumberFrom(quint64 first)
{
    quint64 next = first;
    for (OutboxEntry &entry : outbox) {
        if (entry.wireTx != 0 && entry.wireTx < first)
            continue;
        if (entry.wireTx != next)
            qCDebug(lcSync) << "transaction" << entry.wireTx << "is now" << next;
        setNumber(entry, next++);
    }
    lastTx = next - 1;
}

void SyncClientPrivate::refuseLocally(QList<LocalRefusal> entries, QLatin1StringView code)
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

quint64 SyncClientPrivate::settledOutbox() const
{
    // The outbox is in number order: below its first number all is settled.
    for (const OutboxEntry &entry : outbox) {
        if (entry.wireTx != 0)
            return entry.wireTx - 1;
    }
    return lastTx;
}

quint64 SyncClientPrivate::settledTx() const
{
    // With a storage directory, only what the saved outbox no longer holds:
    // after a crash the restored outbox resends the rest, and the server
    // refuses a resend at or below a settledTx it was sent.
    const quint64 settled = settledOutbox();
    return storageDirectory.isEmpty() ? settled : std::min(settled, savedSettledTx);
}

void SyncClientPrivate::pushPending()
{
    // After a refusal, nothing goes out until the server answered what did.
    if (!welcomed || barrierPing != 0 || retryTimer.isActive())
        return;
    int inFlight = int(std::count_if(outbox.begin(), outbox.end(), [](const auto &e) { return e.inFlight; }));
    const quint64 settled = settledTx();
    const qsizetype overhead = Protocol::PushFrame::prefix(qint64(settled)).size() + Protocol::PushFrame::Suffix.size();
    // Sent once all are chosen: sending runs the app's code (markSent()),
    // which may commit more; entries stay put, iterators do not.
    QList<QList<OutboxEntry *>> pushes;
    QList<OutboxEntry *> batch;
    qsizetype bytes = overhead;
    auto flush = [&] {
        if (!batch.isEmpty())
            pushes.append(std::exchange(batch, {}));
        bytes = overhead;
    };
    for (OutboxEntry &entry : outbox) {
        if (inFlight >= limits.maxPendingPushes)
            break;
        if (entry.inFlight)
            continue;
        const qsizetype size = entry.push.bytes(qint64(entry.wireTx));
        // One that does not fit with others goes alone (the server says
        // whether it can read it).
        const bool alone = entry.sendAlone || overhead + size > limits.maxFrameBytes;
        if (alone || bytes + (batch.isEmpty() ? 0 : 1) + size > limits.maxFrameBytes)
            flush();
        bytes += (batch.isEmpty() ? 0 : 1) + size;
        batch.append(&entry);
        ++inFlight;
        if (alone)
            flush();
    }
    flush();
    for (const QList<OutboxEntry *> &push : std::as_const(pushes))
        sendPush(push, settled);
}

void SyncClientPrivate::sendPush(const QList<OutboxEntry *> &batch, quint64 settled)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray frame = Protocol::PushFrame::prefix(qint64(settled));
    for (OutboxEntry *entry : batch) {
        if (entry != batch.first())
            frame.append(',');
        entry->push.appendTo(&frame);
        entry->inFlight = true;
        entry->sentAlone = batch.size() == 1;
    }
    frame.append(Protocol::PushFrame::Suffix);
    socket->sendTextMessage(QString::fromUtf8(frame));
    // Last: markSent() runs the app's code, which may commit more.
    QList<QPointer<Transaction>> sent;
    for (OutboxEntry *entry : batch)
        sent.append(entry->transaction);
    for (const QPointer<Transaction> &tx : std::as_const(sent)) {
        if (tx)
            tx->markSent();
    }
}

// ---------------------------------------------------------------- SyncClient

SyncClient::SyncClient(QObject *parent)
    : Transport(parent)
    , d(std::make_unique<SyncClientPrivate>(this))
{
}

SyncClient::~SyncClient()
{
    if (d->saveScheduled)
        d->saveOutbox(); // edits committed in the last event-loop pass
    const auto bindings = std::exchange(d->bindings, {});
    for (const Binding &binding : bindings) {
        for (const auto &connection : binding.connections)
            disconnect(connection);
        if (binding.model)
            binding.model->setClient(nullptr);
    }
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

QUrl SyncClient::url() const
{
    return d->url;
}

void SyncClient::setUrl(const QUrl &url)
{
    if (d->url == url)
        return;
    d->url = url;
    d->stopForGood = false;
    Q_EMIT urlChanged();
    if (d->active) {
        d->attempt = 0;
        QTimer::singleShot(0, this, [this] { d->connectNow(); });
    }
}

QString SyncClient::token() const
{
    return d->token;
}

void SyncClient::setToken(const QString &token)
{
    if (d->token == token)
        return;
    d->token = token;
    const bool refused = std::exchange(d->stopForGood, false);
    Q_EMIT tokenChanged();
    // Refused with the old token: try the new one, with the backoff, so
    // that an app whose fresh tokens are refused too (a skewed clock) does
    // not hammer the server.
    if (refused && d->active && !d->socket)
        d->scheduleReconnect();
}

QString SyncClient::clientId() const
{
    return d->clientId;
}

void SyncClient::setClientId(const QString &clientId)
{
    if (d->clientId == clientId)
        return;
    d->clientId = clientId;
    Q_EMIT clientIdChanged();
}

bool SyncClient::isActive() const
{
    return d->active;
}

void SyncClient::setActive(bool active)
{
    if (d->active == active)
        return;
    d->active = active;
    Q_EMIT activeChanged();
    if (active) {
        d->stopForGood = false;
        d->attempt = 0;
        d->connectNow();
    } else {
        d->reconnectTimer.stop();
        if (d->socket)
            d->socket->close(QWebSocketProtocol::CloseCodeNormal);
        else
            d->setState(Disconnected);
    }
}

SyncClient::State SyncClient::state() const
{
    return d->state;
}
QString SyncClient::lastError() const
{
    return d->lastError;
}
int SyncClient::outboxCount() const
{
    return int(d->outbox.size());
}

QSslConfiguration SyncClient::sslConfiguration() const
{
    return d->sslConfiguration;
}

void SyncClient::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

QString SyncClient::storageDirectory() const
{
    return d->storageDirectory;
}

void SyncClient::setStorageDirectory(const QString &directory)
{
    if (d->storageDirectory == directory)
        return;
    if (d->outboxStore || d->everWelcomed) {
        // Transactions numbered since could clash with the stored ones.
        qCWarning(lcSync) << "set the storage directory before the client connects; ignored";
        return;
    }
    d->storageDirectory = directory;
    Q_EMIT storageDirectoryChanged();
    d->scheduleSave();
}
QDateTime SyncClient::nextRetryAt() const
{
    return d->nextRetryAt;
}
int SyncClient::initialBackoffMs() const
{
    return d->initialBackoffMs;
}

void SyncClient::setInitialBackoffMs(int ms)
{
    if (d->initialBackoffMs == ms || ms < 1)
        return;
    d->initialBackoffMs = ms;
    Q_EMIT backoffChanged();
}

int SyncClient::maxBackoffMs() const
{
    return d->maxBackoffMs;
}

void SyncClient::setMaxBackoffMs(int ms)
{
    if (d->maxBackoffMs == ms || ms < 1)
        return;
    d->maxBackoffMs = ms;
    Q_EMIT backoffChanged();
}

double SyncClient::backoffFactor() const
{
    return d->backoffFactor;
}

void SyncClient::setBackoffFactor(double factor)
{
    if (qFuzzyCompare(d->backoffFactor, factor) || factor < 1.0)
        return;
    d->backoffFactor = factor;
    Q_EMIT backoffChanged();
}

void SyncClient::open()
{
    if (d->active && d->state != Disconnected)
        return;
    d->active = false; // so that setActive() reconnects and notifies
    setActive(true);
}

void SyncClient::close()
{
    setActive(false);
}

void SyncClient::attachModel(ListModel *model)
{
    const QString collection = model->collection();
    if (collection.isEmpty()) {
        qCWarning(lcSync) << "a model without a collection cannot sync";
        return;
    }
    Binding &binding = d->bindings[collection];
    if (binding.model && binding.model != model) {
        qCWarning(lcSync) << "collection" << collection << "is bound to another model of this client already";
        return;
    }
    binding.model = model;
    binding.connections = {
        connect(model, &ListModel::transactionCommitted, this,
            [this](Transaction *transaction) { d->onCommitted(transaction); }),
    };
    d->loadCached(collection);
    // Edits made before binding are sent too.
    for (Transaction *transaction : model->pendingTransactions()) {
        if (transaction->isCommitted())
            d->onCommitted(transaction);
    }
    d->subscribe(collection);
}

void SyncClient::detachModel(ListModel *model)
{
    for (auto it = d->bindings.begin(); it != d->bindings.end(); ++it) {
        if (it->model != model)
            continue;
        for (const auto &connection : std::as_const(it->connections))
            disconnect(connection);
        if (d->welcomed)
            d->send(Protocol::UnsubscribeMessage { it.key() }.toJson());
        d->bindings.erase(it);
        return;
    }
}

} // namespace Optimist
