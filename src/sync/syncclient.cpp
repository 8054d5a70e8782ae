// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "syncclient.h"

#include "protocol_p.h"
#include "syncclient_p.h"

#include <optimist/errorcodes.h>

#include <QtCore/QJsonArray>
#include <QtCore/QLockFile>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QUuid>
#include <QtNetwork/QTcpSocket>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Optimist {

Q_LOGGING_CATEGORY(lcSync, "optimist.sync", QtWarningMsg)

SyncClientPrivate::SyncClientPrivate(SyncClient *q)
    : q(q)
{
    reconnectTimer.setSingleShot(true);
    QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectNow(); });
    QObject::connect(&heartbeatTimer, &QTimer::timeout, q, [this] { onHeartbeat(); });
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
    send({ { u"type"_s, QString(Protocol::Type::Hello) }, { u"protocol"_s, Protocol::Version },
        { u"clientId"_s, clientId }, { u"token"_s, token } });
}

void SyncClientPrivate::onDisconnected()
{
    const auto closeCode = socket ? socket->closeCode() : QWebSocketProtocol::CloseCodeNormal;
    const QString reason = socket ? socket->closeReason() : QString();
    qCDebug(lcSync) << "disconnected" << closeCode << reason;
    heartbeatTimer.stop();
    if (!welcomed && lastError.isEmpty()) // e.g. plain ws:// to a TLS port
        setLastError(reason.isEmpty() ? u"the connection closed before the server's welcome"_s : reason);
    welcomed = false;
    for (OutboxEntry &entry : outbox)
        entry.inFlight = false;
    for (Binding &binding : bindings) {
        binding.resubscribing = false;
        binding.snapshotRecords.clear();
        binding.nextChunk = 0;
    }
    if (int(closeCode) == Protocol::UnsupportedProtocolClose || int(closeCode) == Protocol::UnauthorizedClose)
        stopForGood = true; // retrying cannot help; lastError says why
    if (socket) {
        socket->disconnect(q);
        socket->deleteLater();
        socket = nullptr;
    }
    if (!active || stopForGood)
        setState(SyncClient::Disconnected);
    else
        scheduleReconnect();
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
    send({ { u"type"_s, QString(Protocol::Type::Ping) } });
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
    const QString type = message.value("type"_L1).toString();
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
        send({ { u"type"_s, QString(Protocol::Type::Pong) }, { u"id"_s, message.value("id"_L1) } });
    else if (type != Protocol::Type::Pong)
        qCWarning(lcSync) << "ignoring an unknown message type from the server:" << type;
}

void SyncClientPrivate::handleWelcome(const QJsonObject &message)
{
    welcomed = true;
    attempt = 0;
    setLastError({});
    heartbeatMs = std::max(100, message.value("heartbeatMs"_L1).toInt(15000));
    maxInFlight = std::max(1, message.value("limits"_L1).toObject().value("maxPendingPushes"_L1).toInt(256));
    heartbeatTimer.start(heartbeatMs);
    // Known before the restore, which loads only caches of this server.
    serverId = message.value("serverId"_L1).toString();
    // What an earlier run left goes first, with its own numbers.
    restoreStorage();
    everWelcomed = true;
    // Number what has never been sent above anything the server has seen.
    lastTx = std::max<quint64>(lastTx, quint64(message.value("lastTx"_L1).toInteger()));
    for (OutboxEntry &entry : outbox) {
        if (entry.wireTx == 0) {
            entry.wireTx = ++lastTx;
            entry.json.insert(u"tx"_s, qint64(entry.wireTx));
        }
    }
    scheduleSave();
    // Another database: the cursors and revisions of the old one mean
    // nothing here (the same cursor may name another state).
    for (auto it = bindings.begin(); it != bindings.end(); ++it) {
        if (it->model && !it->serverId.isEmpty() && it->serverId != serverId) {
            qCInfo(lcSync) << it.key() << "comes from another database than the server's; reloading it";
            it->model->forgetCursor();
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
        binding.model->setLoading(true);
    send({ { u"type"_s, QString(Protocol::Type::Subscribe) }, { u"collection"_s, collection },
        { u"cursor"_s, cursor.isEmpty() ? QJsonValue() : QJsonValue(cursor) } });
}

void SyncClientPrivate::handleSnapshot(const QJsonObject &message)
{
    const QString collection = message.value("collection"_L1).toString();
    auto it = bindings.find(collection);
    if (it == bindings.end() || !it->model)
        return;
    Binding &binding = *it;
    if (message.value("chunk"_L1).toInt(-1) != binding.nextChunk) {
        qCWarning(lcSync) << collection << "snapshot chunk out of order; resubscribing";
        subscribe(collection);
        return;
    }
    ++binding.nextChunk;
    const QJsonArray records = message.value("records"_L1).toArray();
    for (const QJsonValue &json : records) {
        SnapshotRecord record;
        QJsonObject fields;
        QString problem;
        if (!Protocol::snapshotRecordFromJson(json, &record, &fields, &problem)) {
            qCWarning(lcSync) << collection << "ignoring a malformed snapshot record:" << problem;
            continue;
        }
        // The model skips a record it holds at this revision unread, so
        // spare the conversion: most of a resync's records are unchanged.
        if (record.revision == 0 || binding.model->confirmedRevision(record.id) != record.revision)
            record.fields = fields.toVariantMap();
        binding.snapshotRecords.append(std::move(record));
    }
    if (!message.value("last"_L1).toBool())
        return;
    const QList<SnapshotRecord> all = std::exchange(binding.snapshotRecords, {});
    binding.nextChunk = 0;
    binding.resubscribing = false;
    const QString cursor = message.value("cursor"_L1).toString();
    binding.model->applySnapshot(all, cursor);
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
    binding.model->setLoading(false);
    Q_EMIT q->snapshotReceived(collection, int(all.size()));
}

void SyncClientPrivate::handleDelta(const QJsonObject &message)
{
    const QString collection = message.value("collection"_L1).toString();
    auto it = bindings.find(collection);
    if (it == bindings.end() || !it->model)
        return;
    Binding &binding = *it;
    QList<RecordChange> changes;
    const QJsonArray jsonChanges = message.value("changes"_L1).toArray();
    changes.reserve(jsonChanges.size());
    for (const QJsonValue &json : jsonChanges) {
        RecordChange change;
        QString problem;
        if (!Protocol::recordChangeFromJson(json, &change, &problem)) {
            qCWarning(lcSync) << collection << "ignoring a malformed delta:" << problem;
            return;
        }
        changes.append(change);
    }
    QList<quint64> acknowledged;
    for (const QJsonValue &tx : message.value("acks"_L1).toArray()) {
        if (const OutboxEntry *entry = outboxEntry(quint64(tx.toInteger())); entry && entry->localId != 0)
            acknowledged.append(entry->localId);
    }
    const bool applied = binding.model->applyDelta(
        changes, message.value("prevCursor"_L1).toString(), message.value("cursor"_L1).toString(), acknowledged);
    if (applied && cache && !cache->apply(collection, message.value("cursor"_L1).toString(), changes))
        qCWarning(lcSync) << cache->errorString();
    if (applied) {
        binding.resubscribing = false;
        binding.model->setLoading(false);
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
        OutboxEntry entry;
        entry.json = *it;
        entry.wireTx = quint64(it->value("tx"_L1).toInteger());
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
    QList<Mutation> mutations;
    for (const QJsonValue &json : entry.json.value("mutations"_L1).toArray()) {
        Mutation mutation;
        QString problem;
        if (!Protocol::mutationFromJson(json, &mutation, &problem))
            return; // the server will say what is wrong with it
        // Already in the cached state (applied, its ack lost), or about a
        // record the model does not hold: leave it to the server's answer.
        const ListModel *model = bindings.value(mutation.collection).model;
        if (model && model->contains(mutation.id) == (mutation.kind == Mutation::Kind::Insert))
            return;
        mutations.append(mutation);
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
    binding.model->applySnapshot(cached.records, cached.cursor);
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
        transactions.append(entry.json);
    QString problem;
    if (!outboxStore->save(transactions, lastTx, &problem)) {
        qCWarning(lcSync) << "cannot save the outbox:" << problem;
        setLastError(problem);
    }
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
    const quint64 wireTx = quint64(message.value("tx"_L1).toInteger());
    const OutboxEntry *entry = outboxEntry(wireTx);
    if (!entry)
        return;
    const QJsonObject cursors = message.value("cursors"_L1).toObject();
    if (Transaction *tx = entry->transaction) {
        for (ListModel *model : tx->models())
            model->acknowledge(entry->localId, cursors.value(model->collection()).toString());
    }
    settle(wireTx);
}

void SyncClientPrivate::handleReject(const QJsonObject &message)
{
    const quint64 wireTx = quint64(message.value("tx"_L1).toInteger());
    const OutboxEntry *entry = outboxEntry(wireTx);
    if (!entry)
        return;
    const QString code = message.value("code"_L1).toString();
    const QString text = message.value("message"_L1).toString();
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
    const QString code = message.value("code"_L1).toString();
    const QString text = message.value("message"_L1).toString();
    qCWarning(lcSync) << "server error" << code << text;
    setLastError(text.isEmpty() ? code : text);
    Q_EMIT q->errorOccurred(code, text);
    if (code == ErrorCode::UnsupportedProtocol || code == ErrorCode::Unauthorized)
        stopForGood = true;
    if (code == ErrorCode::RateLimited) {
        // Our window was too wide: resend what is unsettled a little later.
        for (OutboxEntry &entry : outbox)
            entry.inFlight = false;
        QTimer::singleShot(std::max(50, message.value("retryAfterMs"_L1).toInt()), q, [this] { pushPending(); });
    }
}

void SyncClientPrivate::onCommitted(Transaction *transaction)
{
    // A transaction over several bound models commits once per model.
    for (const OutboxEntry &entry : outbox) {
        if (entry.localId == transaction->id())
            return;
    }
    QJsonArray mutations;
    for (const Mutation &mutation : transaction->mutations())
        mutations.append(Protocol::toJson(mutation));
    OutboxEntry entry;
    entry.transaction = transaction;
    entry.localId = transaction->id();
    entry.json = { { u"mutations"_s, mutations } };
    if (welcomed) {
        entry.wireTx = ++lastTx;
        entry.json.insert(u"tx"_s, qint64(entry.wireTx));
    }
    outbox.push_back(std::move(entry));
    Q_EMIT q->outboxCountChanged();
    scheduleSave();
    // Edits committed in one event-loop pass travel in one push.
    schedulePush();
}

void SyncClientPrivate::pushPending()
{
    if (!welcomed)
        return;
    int inFlight = int(std::count_if(outbox.begin(), outbox.end(), [](const auto &e) { return e.inFlight; }));
    QJsonArray batch;
    for (OutboxEntry &entry : outbox) {
        if (inFlight >= maxInFlight)
            break;
        if (entry.inFlight)
            continue;
        entry.inFlight = true;
        ++inFlight;
        batch.append(entry.json);
        if (entry.transaction)
            entry.transaction->markSent();
    }
    if (!batch.isEmpty())
        send({ { u"type"_s, QString(Protocol::Type::Push) }, { u"transactions"_s, batch } });
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
    d->stopForGood = false;
    Q_EMIT tokenChanged();
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
            d->send({ { u"type"_s, QString(Protocol::Type::Unsubscribe) }, { u"collection"_s, it.key() } });
        d->bindings.erase(it);
        return;
    }
}

} // namespace Optimist
