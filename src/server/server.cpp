// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "server.h"
#include "server_p.h"

#include "messages_p.h"
#include "protocol_p.h"
#include "session_p.h"
#include "sqlitestorage_p.h"
#include <optimist/errorcodes.h>

#include <QtCore/QJsonDocument>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

using namespace Qt::StringLiterals;

namespace Optimist {

// Transactions committed together (one SQLite transaction, one savepoint
// each): fewer commits under load, bounded latency for the first of them.
static constexpr qsizetype MaxBatch = 512;

// Records kept in memory per collection (ServerPrivate::Collection::cache);
// past it, new records are read from the database each time.
static constexpr qsizetype MaxCachedRecords = 200000;

struct ServerPrivate::Outcome {
    enum class Kind { Applied, AppliedBefore, Rejected };
    struct Delta {
        QString collection;
        qint64 prevCursor = 0;
        QJsonArray changes;
    };

    Kind kind = Kind::Rejected;
    QString code;
    QString message;
    qint64 seq = 0;
    QList<Delta> deltas;
    //! For AppliedBefore: each collection's cursor when it was answered.
    //! (An applied transaction's ack names the cursors of its batch.)
    QJsonObject cursors;

    static Outcome rejected(QLatin1StringView code, const QString &message)
    {
        Outcome outcome;
        outcome.code = code;
        outcome.message = message;
        return outcome;
    }
};

ServerPrivate::ServerPrivate(Server *q)
    : q(q)
    , listener(this)
{
    // A child, so it follows the server to another thread.
    listener.setParent(q);
}

ServerPrivate::Collection *ServerPrivate::collection(const QString &name)
{
    const auto it = collections.find(name);
    return it == collections.end() ? nullptr : &it.value();
}

bool ServerPrivate::lastTx(const QString &clientId, qint64 *tx)
{
    const auto it = lastTxByClient.constFind(clientId);
    if (it != lastTxByClient.constEnd()) {
        *tx = it.value();
        return true;
    }
    qint64 floor = 0;
    if (!storage->lastTx(clientId, tx) || !storage->settledTx(clientId, &floor))
        return false;
    lastTxByClient.insert(clientId, *tx);
    settledFloor.insert(clientId, floor);
    return true;
}

void ServerPrivate::claim(Session *session, qint64 lastTx)
{
    const QString &clientId = session->clientId();
    qint64 &taken = takenTx[clientId];
    taken = std::max(taken, lastTx);
    // One connection pushes for a clientId at a time. The new one is
    // recorded first: closing the old one can remove it at once
    // (removeSession()), which would take a reference into the hash with it.
    Session *previous = std::exchange(sessionByClient[clientId], session);
    if (previous && previous != session)
        previous->closeWith(Protocol::ReplacedClose, u"replaced by a newer connection"_s);
}

void ServerPrivate::settle(const QString &clientId, qint64 tx)
{
    // Never past what was processed: those outcomes the client cannot hold.
    tx = std::min(tx, lastTxByClient.value(clientId));
    qint64 &pending = settled[clientId];
    pending = std::max(pending, tx);
    qint64 &floor = settledFloor[clientId];
    floor = std::max(floor, tx);
}

void ServerPrivate::acceptConnection(QWebSocket *socket)
{
    if (sessions.size() >= config.limits().maxConnections) {
        qCInfo(lcServer) << "refusing" << socket->peerAddress() << "- connection limit reached";
        QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        listener.closing(socket);
        socket->close(QWebSocketProtocol::CloseCode(Protocol::ConnectionLimitClose), u"connection limit reached"_s);
        return;
    }
    sessions.append(new Session(this, socket));
    connections = int(sessions.size());
}

void ServerPrivate::removeSession(Session *session)
{
    if (!sessions.removeOne(session))
        return;
    connections = int(sessions.size());
    if (const auto it = sessionByClient.constFind(session->clientId());
        it != sessionByClient.cend() && it.value() == session)
        sessionByClient.erase(it);
    for (const QString &name : std::as_const(session->subscriptions())) {
        if (Collection *c = collection(name))
            c->subscribers.removeOne(session);
    }
    session->deleteLater();
}

void ServerPrivate::subscribe(Session *session, const QString &name, const QString &cursor)
{
    // A fresh answer to the new cursor.
    session->cancelSnapshot(name);
    const Collection &c = collections[name];
    bool numeric = false;
    const qint64 from = cursor.toLongLong(&numeric);
    // Only a cursor as the server writes it resumes ("01" or " 1" never came
    // from here): a replay's prevCursor must equal what the client sent.
    numeric = numeric && QString::number(from) == cursor;
    if (!numeric || from < storage->logFloor() || from > c.head)
        return startSnapshot(session, name);
    follow(session, name);
    replay(session, name, from);
}

void ServerPrivate::follow(Session *session, const QString &name)
{
    if (!session->subscriptions().contains(name)) {
        session->subscriptions().insert(name);
        collections[name].subscribers.append(session);
    }
}

void ServerPrivate::replay(Session *session, const QString &name, qint64 from)
{
    // The log reaches back to the client's cursor: replay what it missed.
    QStringList deltas;
    if (!logDeltas(name, from, collections[name].head, &deltas)) {
        qCWarning(lcServer) << "replaying" << name << "failed:" << storage->errorString();
        session->sendError(ErrorCode::Internal, u"cannot read the change log"_s, QString(Protocol::Type::Subscribe));
        return;
    }
    for (const QString &delta : std::as_const(deltas))
        session->send(delta);
}

void ServerPrivate::startSnapshot(Session *session, const QString &name)
{
    // Live deltas wait until the snapshot is sent (none between its chunks);
    // then the log brings the client from the snapshot's cursor to the head.
    unsubscribe(session, name);
    std::unique_ptr<Storage::RecordStream> records = storage->openRecordStream(name);
    if (!records) {
        qCWarning(lcServer) << "reading" << name << "failed:" << storage->errorString();
        session->sendError(ErrorCode::Internal, u"cannot read the collection"_s, QString(Protocol::Type::Subscribe));
        return;
    }
    session->snapshots().push_back({ name, QString::number(collections[name].head), 0, std::move(records) });
    pumpSnapshots(session);
}

void ServerPrivate::pumpSnapshots(Session *session)
{
    // The next chunk is read and encoded only when the socket has taken
    // most of the previous ones: a client that does not read holds about
    // one chunk, not the whole collection.
    const qint64 lowWater = config.limits().maxQueuedBytes / 8;
    const int chunkSize = config.limits().snapshotChunkRecords;
    while (!session->snapshots().empty() && !session->isClosing() && session->queuedBytes() <= lowWater) {
        Session::Snapshot &snapshot = session->snapshots().front();
        Protocol::SnapshotMessage message { snapshot.collection, snapshot.cursor, 0, false, {}, {} };
        const auto row = [&](const QString &id, qint64 revision, const QByteArray &data) {
            // Revision 0 (written before revisions existed) goes without one.
            message.records.append({ id, quint64(revision), QJsonDocument::fromJson(data).object() });
        };
        const QString name = snapshot.collection;
        if (!snapshot.records->read(chunkSize, row, &message.last)) {
            qCWarning(lcServer) << "reading" << name << "failed:" << snapshot.records->errorString();
            session->snapshots().pop_front();
            session->sendError(
                ErrorCode::Internal, u"cannot read the collection"_s, QString(Protocol::Type::Subscribe));
            continue;
        }
        const QString cursor = snapshot.cursor;
        const bool last = message.last;
        message.chunk = snapshot.chunk++;
        session->send(message.toJson());
        // Closed for being too slow: its snapshots are gone.
        if (session->isClosing())
            return;
        session->flush();
        if (last) {
            session->snapshots().pop_front();
            finishSnapshot(session, name, cursor.toLongLong());
        }
    }
}

void ServerPrivate::finishSnapshot(Session *session, const QString &name, qint64 cursor)
{
    if (session->isClosing())
        return;
    // What changed while the snapshot was sent follows as deltas, unless
    // the log no longer reaches back that far.
    if (cursor < storage->logFloor())
        return startSnapshot(session, name);
    follow(session, name);
    if (cursor != collections[name].head)
        replay(session, name, cursor);
}

void ServerPrivate::unsubscribe(Session *session, const QString &name)
{
    session->cancelSnapshot(name);
    if (session->subscriptions().remove(name))
        collections[name].subscribers.removeOne(session);
}

void ServerPrivate::enqueue(QList<QueuedTransaction> &&transactions)
{
    const bool idle = queue.isEmpty();
    queue.append(std::move(transactions));
    // Processed on the next event-loop pass, so pushes that arrive together
    // share one database commit.
    if (idle && !queue.isEmpty())
        QMetaObject::invokeMethod(
            q, [this] { processQueue(); }, Qt::QueuedConnection);
}

void ServerPrivate::processQueue()
{
    while (!queue.isEmpty()) {
        const qsizetype count = std::min(queue.size(), MaxBatch);
        QList<QueuedTransaction> batch = queue.first(count);
        queue.remove(0, count);

        // What to restore in memory if the database transaction fails.
        const qint64 savedLastSeq = lastSeq;
        undoHeads.clear();
        undoLastTx.clear();
        batchLastTx.clear();
        databaseFailed = !storage->begin();

        QList<Outcome> outcomes;
        outcomes.reserve(batch.size());
        for (const QueuedTransaction &pending : batch) {
            if (databaseFailed)
                break;
            outcomes.append(process(pending));
        }
        for (auto it = batchLastTx.cbegin(); it != batchLastTx.cend() && !databaseFailed; ++it)
            databaseFailed = !storage->setLastTx(it.key(), it.value());
        // A rejection is kept until its client says it holds the outcome.
        for (auto it = settled.cbegin(); it != settled.cend() && !databaseFailed; ++it)
            databaseFailed = !storage->trimRejections(it.key(), it.value());
        const qint64 retention = config.limits().changeLogRetention;
        if (!databaseFailed && lastSeq - storage->logFloor() > retention + retention / 16)
            databaseFailed = !storage->trimLog(lastSeq - retention);
        if (!databaseFailed)
            databaseFailed = !storage->commit();

        if (databaseFailed) {
            qCWarning(lcServer) << "database failure, rejecting" << batch.size()
                                << "transactions:" << storage->errorString();
            storage->rollback();
            lastSeq = savedLastSeq;
            // The cache may hold what the batch wrote: read again from the database.
            for (Collection &c : collections)
                c.cache.clear();
            for (auto it = undoHeads.cbegin(); it != undoHeads.cend(); ++it)
                collections[it.key()].head = it.value();
            for (auto it = undoLastTx.cbegin(); it != undoLastTx.cend(); ++it)
                lastTxByClient.insert(it.key(), it.value());
            dropTaken(&batch);
            outcomes.clear();
            for (qsizetype i = 0; i < batch.size(); ++i)
                outcomes.append(Outcome::rejected(ErrorCode::Internal, u"the server's database failed"_s));
        } else {
            settled.clear();
        }
        deliver(batch, outcomes);
    }
}

void ServerPrivate::dropTaken(QList<QueuedTransaction> *batch)
{
    QSet<QString> clients;
    for (const QueuedTransaction &pending : std::as_const(*batch))
        clients.insert(pending.clientId);
    queue.removeIf([&](const QueuedTransaction &pending) {
        if (!clients.contains(pending.clientId))
            return false;
        batch->append(pending);
        return true;
    });
    for (const QString &clientId : std::as_const(clients))
        takenTx.insert(clientId, lastTxByClient.value(clientId));
}

ServerPrivate::Outcome ServerPrivate::process(const QueuedTransaction &pending)
{
    const qint64 last = lastTxByClient.value(pending.clientId);
    if (pending.tx <= last) {
        // Processed before: answer again with the recorded outcome.
        Outcome outcome;
        switch (storage->findRejection(pending.clientId, pending.tx, &outcome.code, &outcome.message)) {
        case Storage::Lookup::Found:
            return outcome;
        case Storage::Lookup::Missing:
            outcome.kind = Outcome::Kind::AppliedBefore;
            for (const Mutation &mutation : pending.mutations) {
                if (const Collection *c = collection(mutation.collection))
                    outcome.cursors.insert(mutation.collection, QString::number(c->head));
            }
            return outcome;
        case Storage::Lookup::Failed:
            databaseFailed = true;
            return {};
        }
    }

    if (pending.tx != last + 1) {
        // Cannot happen while numbers are taken contiguously (Session::handlePush()
        // and dropTaken()); refused rather than leave a hole in the ledger.
        qCWarning(lcServer) << pending.clientId << "transaction" << pending.tx << "after" << last << "not applied";
        return Outcome::rejected(ErrorCode::Internal, u"transaction %1 was taken out of order"_s.arg(pending.tx));
    }

    // A rejected mutation has written nothing, so a transaction of one
    // mutation needs no savepoint to be undone.
    const bool useSavepoint = pending.mutations.size() > 1;
    if (useSavepoint && !storage->savepoint()) {
        databaseFailed = true;
        return {};
    }
    txCached.clear();
    const qint64 seq = lastSeq + 1;
    int index = 0;
    QLatin1StringView code = pending.rejectCode;
    QString message = pending.rejectMessage;
    QHash<QString, QJsonArray> changes;
    QStringList touched;
    for (const Mutation &mutation : pending.mutations) {
        if (!code.isEmpty())
            break;
        message = applyMutation(pending.clientId, mutation, seq, &index, &code, &changes, &touched);
    }
    if (code == ErrorCode::Internal) {
        databaseFailed = true;
        return {};
    }

    if (!undoLastTx.contains(pending.clientId))
        undoLastTx.insert(pending.clientId, last);
    lastTxByClient.insert(pending.clientId, pending.tx);
    batchLastTx.insert(pending.clientId, pending.tx);
    if (!code.isEmpty()) {
        if (useSavepoint) {
            storage->rollbackToSavepoint();
            forgetCached(txCached);
        }
        databaseFailed = !storage->addRejection(pending.clientId, pending.tx, code, message)
            || (useSavepoint && !storage->releaseSavepoint());
        return Outcome::rejected(code, message);
    }
    if (useSavepoint && !storage->releaseSavepoint()) {
        databaseFailed = true;
        return {};
    }

    Outcome outcome;
    outcome.kind = Outcome::Kind::Applied;
    if (touched.isEmpty())
        return outcome;
    outcome.seq = lastSeq = seq;
    for (const QString &name : std::as_const(touched)) {
        Collection &c = collections[name];
        if (!undoHeads.contains(name))
            undoHeads.insert(name, c.head);
        outcome.deltas.append({ name, c.head, changes.value(name) });
        c.head = seq;
    }
    return outcome;
}

QString ServerPrivate::applyMutation(const QString &clientId, const Mutation &mutation, qint64 seq, int *index,
    QLatin1StringView *code, QHash<QString, QJsonArray> *changes, QStringList *touched)
{
    Collection *c = collection(mutation.collection);
    if (!c) {
        *code = ErrorCode::UnknownCollection;
        return u"unknown collection '%1'"_s.arg(mutation.collection);
    }
    if (!authorizer()->canWrite(clientId, mutation)) {
        *code = ErrorCode::Forbidden;
        return u"not allowed to write '%1' in '%2'"_s.arg(mutation.id, mutation.collection);
    }

    const Schema::Result<Mutation> normalised = c->schema.normaliseMutation(mutation);
    if (!normalised.isValid()) {
        *code = normalised.error.code;
        return normalised.error.message;
    }
    const Mutation &checked = normalised.value;

    QJsonObject record;
    Storage::Lookup lookup = Storage::Lookup::Found;
    if (const auto cached = c->cache.constFind(mutation.id); cached != c->cache.constEnd()) {
        record = cached.value();
    } else {
        QByteArray data;
        lookup = storage->readRecord(mutation.collection, mutation.id, &data);
        if (lookup == Storage::Lookup::Failed) {
            *code = ErrorCode::Internal;
            return storage->errorString();
        }
        if (lookup == Storage::Lookup::Found)
            record = QJsonDocument::fromJson(data).object();
    }
    if (mutation.kind == Mutation::Kind::Insert && lookup == Storage::Lookup::Found) {
        *code = ErrorCode::Conflict;
        return u"record '%1' already exists in '%2'"_s.arg(mutation.id, mutation.collection);
    }
    if (mutation.kind != Mutation::Kind::Insert && lookup == Storage::Lookup::Missing) {
        *code = ErrorCode::Conflict;
        return u"no record '%1' in '%2'"_s.arg(mutation.id, mutation.collection);
    }
    // The default authorizer accepts everything: spare it the conversion.
    const QString problem = customAuthorizer ? customAuthorizer->validate(checked, record.toVariantMap()) : QString();
    if (!problem.isEmpty()) {
        *code = ErrorCode::ValidationFailed;
        return problem;
    }

    QJsonObject change;
    bool written = false;
    if (mutation.kind == Mutation::Kind::Remove) {
        change = Protocol::toJson(RecordChange::remove(mutation.id));
        written = storage->removeRecord(mutation.collection, mutation.id)
            && storage->appendChange(seq, (*index)++, mutation.collection, mutation.id, {});
    } else {
        for (auto it = checked.fields.cbegin(); it != checked.fields.cend(); ++it)
            record.insert(it.key(), Protocol::toJson(it.value()));
        const QByteArray json = QJsonDocument(record).toJson(QJsonDocument::Compact);
        change = Protocol::upsertToJson(mutation.id, quint64(seq), record);
        written = storage->writeRecord(mutation.collection, mutation.id, json, seq)
            && storage->appendChange(seq, (*index)++, mutation.collection, mutation.id, json);
    }
    if (!written) {
        *code = ErrorCode::Internal;
        return storage->errorString();
    }
    if (mutation.kind == Mutation::Kind::Remove) {
        c->cache.remove(mutation.id);
    } else if (c->cache.size() < MaxCachedRecords || c->cache.contains(mutation.id)) {
        c->cache.insert(mutation.id, record);
        txCached.append({ mutation.collection, mutation.id });
    }
    if (!changes->contains(mutation.collection))
        touched->append(mutation.collection);
    (*changes)[mutation.collection].append(change);
    return {};
}

void ServerPrivate::forgetCached(const QList<std::pair<QString, QString>> &records)
{
    for (const auto &[name, id] : records) {
        if (Collection *c = collection(name))
            c->cache.remove(id);
    }
}

void ServerPrivate::deliver(const QList<QueuedTransaction> &batch, const QList<Outcome> &outcomes)
{
    // One delta per collection for the whole batch: its changes in order,
    // from the collection's cursor before the batch to its cursor after, and
    // for each pusher the acks of its transactions in it. Subscribers get one
    // frame per batch instead of one per transaction.
    struct Merged {
        qint64 prevCursor = -1;
        qint64 cursor = 0;
        QJsonArray changes;
        QHash<Session *, QJsonArray> acks;
    };
    QMap<QString, Merged> merged;
    // Every session this batch writes to.
    QSet<Session *> written;
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const QueuedTransaction &pending = batch.at(i);
        const Outcome &outcome = outcomes.at(i);
        if (pending.session) {
            pending.session->transactionDone();
            written.insert(pending.session);
        }
        for (const Outcome::Delta &delta : outcome.deltas) {
            Merged &m = merged[delta.collection];
            if (m.prevCursor < 0)
                m.prevCursor = delta.prevCursor;
            m.cursor = outcome.seq;
            for (const QJsonValue &change : delta.changes)
                m.changes.append(change);
            if (pending.session)
                m.acks[pending.session].append(pending.tx);
        }
    }

    for (auto it = merged.cbegin(); it != merged.cend(); ++it) {
        const Collection &c = collections[it.key()];
        if (c.subscribers.isEmpty())
            continue;
        // Encoded once for every subscriber; a pusher's copy only gains acks.
        const QString frame = Protocol::DeltaMessage::frame(it.key(), it->prevCursor, it->cursor, it->changes);
        for (Session *subscriber : c.subscribers) {
            written.insert(subscriber);
            const QJsonArray acks = it->acks.value(subscriber);
            if (acks.isEmpty())
                subscriber->send(frame);
            else
                subscriber->send(Protocol::DeltaMessage::withAcks(frame, acks));
        }
    }

    // Then each transaction's answer, in order. An ack follows the delta that
    // contains it and names the batch's cursor for each collection (a state
    // that contains the transaction). The transactions applied in this batch
    // share those cursors: each set of collections is encoded once.
    QHash<QStringList, QString> appliedCursors;
    auto ackCursors = [&](const Outcome &outcome) {
        if (outcome.kind == Outcome::Kind::AppliedBefore) {
            QJsonObject cursors = outcome.cursors;
            for (auto it = cursors.begin(); it != cursors.end(); ++it) {
                if (const auto m = merged.constFind(it.key()); m != merged.cend())
                    it.value() = QString::number(m->cursor);
            }
            return Protocol::encode(cursors);
        }
        QStringList names;
        names.reserve(outcome.deltas.size());
        for (const Outcome::Delta &delta : outcome.deltas)
            names.append(delta.collection);
        auto it = appliedCursors.constFind(names);
        if (it == appliedCursors.cend()) {
            QJsonObject cursors;
            for (const QString &name : std::as_const(names))
                cursors.insert(name, QString::number(merged.constFind(name)->cursor));
            it = appliedCursors.insert(names, Protocol::encode(cursors));
        }
        return it.value();
    };
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const QueuedTransaction &pending = batch.at(i);
        const Outcome &outcome = outcomes.at(i);
        if (outcome.kind == Outcome::Kind::Rejected) {
            if (pending.session) {
                pending.session->send(Protocol::RejectMessage { pending.tx, outcome.code, outcome.message,
                    ErrorCode::isRetryable(QLatin1StringView(outcome.code.toLatin1())) }
                                          .toJson());
            }
            Q_EMIT q->transactionRejected(pending.clientId, pending.tx, outcome.code);
            continue;
        }
        if (pending.session)
            pending.session->send(Protocol::AckMessage::frame(ackCursors(outcome), pending.tx));
        if (outcome.kind == Outcome::Kind::Applied) {
            ++applied;
            Q_EMIT q->transactionApplied(pending.clientId, pending.tx);
        }
    }

    // A QTcpSocket writes one block of its buffer per event-loop pass, and
    // under load a pass (processQueue()) is long: subscribers fell further
    // and further behind the acks. Write the batch's frames out now.
    for (Session *session : std::as_const(written))
        session->flush();
}

bool ServerPrivate::openStorage()
{
    if (!customStorage && databasePath.isEmpty()) {
        error = u"no database path set"_s;
        return false;
    }
    defaultStorage.reset();
    if (!customStorage)
        defaultStorage = std::make_unique<SqliteStorage>(databasePath);
    storage = customStorage ? customStorage : defaultStorage.get();
    if (!storage->open()) {
        error = storage->errorString();
        storage = nullptr;
        return false;
    }
    const QHash<QString, qint64> heads = storage->loggedHeads();
    collections.clear();
    const QMap<QString, Fields> configured = config.collections();
    for (auto it = configured.cbegin(); it != configured.cend(); ++it) {
        Collection &c = collections[it.key()];
        c.schema = Schema(it.value(), it.key());
        // A collection whose changes were all trimmed is at the log's floor.
        c.head = heads.value(it.key(), storage->logFloor());
    }
    lastSeq = storage->lastSeq();
    return true;
}

Server::Server(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<ServerPrivate>(this))
{
}

Server::~Server()
{
    close();
}

ServerConfig Server::config() const
{
    return d->config;
}

void Server::setConfig(const ServerConfig &config)
{
    d->config = config;
}

QString Server::databasePath() const
{
    return d->databasePath;
}

void Server::setDatabasePath(const QString &path)
{
    d->databasePath = path;
}

Storage *Server::storage() const
{
    return d->customStorage;
}

void Server::setStorage(Storage *storage)
{
    d->customStorage = storage;
}

void Server::setAuthorizer(Authorizer *authorizer)
{
    d->customAuthorizer = authorizer;
}

bool Server::listen(const QHostAddress &address, quint16 port)
{
    if (isListening()) {
        d->error = u"already listening"_s;
        return false;
    }
    auto defaultAuthorizer = std::make_unique<TokenAuthorizer>(d->config.tokens(), d->config.jwt());
    const auto *tokenAuthorizer
        = d->customAuthorizer ? dynamic_cast<TokenAuthorizer *>(d->customAuthorizer) : defaultAuthorizer.get();
    if (tokenAuthorizer && !tokenAuthorizer->errorString().isEmpty()) {
        d->error = tokenAuthorizer->errorString();
        return false;
    }
    if (!d->openStorage())
        return false;
    d->defaultAuthorizer = std::move(defaultAuthorizer);

    if (!d->listener.listen(address, port, &d->error)) {
        std::exchange(d->storage, nullptr)->close();
        return false;
    }
    // Queued: never inside a batch, even when emitted from a storage call.
    connect(
        d->storage, &Storage::changesCommitted, this, [this](qint64, qint64 toSeq) { d->catchUp(toSeq); },
        Qt::QueuedConnection);
    d->applied = 0;
    qCInfo(lcServer) << "listening on" << url().toString() << "database"
                     << (d->customStorage ? u"(given storage)"_s : d->databasePath) << "server id"
                     << d->storage->serverId();
    return true;
}

void Server::close()
{
    if (!isListening())
        return;
    // What was received is still answered before the connections go.
    d->processQueue();
    const QList<Session *> sessions = std::exchange(d->sessions, {});
    for (Session *session : sessions) {
        session->closeWith(Protocol::GoingAway, u"server shutting down"_s);
        delete session;
    }
    d->connections = 0;
    d->listener.close();
    d->collections.clear();
    d->lastTxByClient.clear();
    d->takenTx.clear();
    d->sessionByClient.clear();
    d->settled.clear();
    d->settledFloor.clear();
    disconnect(d->storage, nullptr, this, nullptr);
    std::exchange(d->storage, nullptr)->close();
    qCInfo(lcServer) << "closed";
}

bool Server::isListening() const
{
    return d->listener.tcpServer() != nullptr;
}

quint16 Server::port() const
{
    return d->listener.tcpServer() ? d->listener.tcpServer()->serverPort() : 0;
}

QUrl Server::url() const
{
    const QTcpServer *tcpServer = d->listener.tcpServer();
    if (!tcpServer)
        return {};
    QUrl url;
    url.setScheme(d->sslConfiguration.isNull() ? u"ws"_s : u"wss"_s);
    url.setHost(tcpServer->serverAddress().toString());
    url.setPort(tcpServer->serverPort());
    return url;
}

QSslConfiguration Server::sslConfiguration() const
{
    return d->sslConfiguration;
}

void Server::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

QString Server::errorString() const
{
    return d->error;
}

qint64 Server::appliedTransactionCount() const
{
    return d->applied;
}

int Server::connectionCount() const
{
    return d->connections;
}

qint64 Server::queuedBytes() const
{
    qint64 total = 0;
    for (const Session *session : std::as_const(d->sessions))
        total += session->queuedBytes();
    return total;
}

} // namespace Optimist
