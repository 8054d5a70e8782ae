// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The write pipeline: batches, one transaction's mutations, the ledger.
#include "writepipeline_p.h"

#include "logging_p.h"
#include "protocol_p.h"
#include <optimist/errorcodes.h>

#include <QtCore/QJsonDocument>
#include <QtCore/QSet>

using namespace Qt::StringLiterals;

namespace Optimist {

// Transactions committed together (one SQLite transaction, one savepoint
// each): fewer commits under load, bounded latency for the first of them.
static constexpr qsizetype MaxBatch = 512;

// Records kept in memory per collection (Collection::cache); past it, new
// records are read from the database each time.
static constexpr qsizetype MaxCachedRecords = 200000;

WritePipeline::WritePipeline(ServerState *state, QObject *context, Deliver deliver)
    : m_state(state)
    , m_context(context)
    , m_deliver(std::move(deliver))
{
}

bool WritePipeline::lastTx(const QString &clientId, qint64 *tx)
{
    const auto it = lastTxByClient.constFind(clientId);
    if (it != lastTxByClient.constEnd()) {
        *tx = it.value();
        return true;
    }
    qint64 floor = 0;
    if (!m_state->storage->lastTx(clientId, tx) || !m_state->storage->settledTx(clientId, &floor))
        return false;
    lastTxByClient.insert(clientId, *tx);
    settledFloor.insert(clientId, floor);
    return true;
}

void WritePipeline::settle(const QString &clientId, qint64 tx)
{
    // Never past what was processed: those outcomes the client cannot hold.
    tx = std::min(tx, lastTxByClient.value(clientId));
    qint64 &pending = settled[clientId];
    pending = std::max(pending, tx);
    qint64 &floor = settledFloor[clientId];
    floor = std::max(floor, tx);
}

void WritePipeline::clear()
{
    lastTxByClient.clear();
    takenTx.clear();
    settled.clear();
    settledFloor.clear();
}

void WritePipeline::enqueue(QList<QueuedTransaction> &&transactions)
{
    const bool idle = m_queue.isEmpty();
    m_queue.append(std::move(transactions));
    // Processed on the next event-loop pass, so pushes that arrive together
    // share one database commit.
    if (idle && !m_queue.isEmpty())
        QMetaObject::invokeMethod(
            m_context, [this] { processQueue(); }, Qt::QueuedConnection);
}

void WritePipeline::processQueue()
{
    while (!m_queue.isEmpty()) {
        const qsizetype count = std::min(m_queue.size(), MaxBatch);
        QList<QueuedTransaction> batch = m_queue.first(count);
        m_queue.remove(0, count);
        const QList<TransactionOutcome> outcomes = processBatch(&batch);
        m_deliver(batch, outcomes);
    }
}

QList<TransactionOutcome> WritePipeline::processBatch(QList<QueuedTransaction> *batch)
{
    Storage *storage = m_state->storage;
    // What to restore in memory if the database transaction fails.
    const qint64 savedLastSeq = lastSeq;
    m_undoHeads.clear();
    m_undoLastTx.clear();
    m_batchLastTx.clear();
    m_databaseFailed = !storage->begin();

    QList<TransactionOutcome> outcomes;
    outcomes.reserve(batch->size());
    for (const QueuedTransaction &pending : std::as_const(*batch)) {
        if (m_databaseFailed)
            break;
        outcomes.append(process(pending));
    }
    if (!m_databaseFailed)
        m_databaseFailed = !commitBatch();
    if (m_databaseFailed) {
        qCWarning(lcServer) << "database failure, rejecting" << batch->size()
                            << "transactions:" << storage->errorString();
        return undoBatch(savedLastSeq, batch);
    }
    settled.clear();
    return outcomes;
}

bool WritePipeline::commitBatch()
{
    Storage *storage = m_state->storage;
    for (auto it = m_batchLastTx.cbegin(); it != m_batchLastTx.cend(); ++it) {
        if (!storage->setLastTx(it.key(), it.value()))
            return false;
    }
    // A rejection is kept until its client says it holds the outcome.
    for (auto it = settled.cbegin(); it != settled.cend(); ++it) {
        if (!storage->trimRejections(it.key(), it.value()))
            return false;
    }
    const qint64 retention = m_state->config.limits().changeLogRetention;
    if (lastSeq - storage->logFloor() > retention + retention / 16 && !storage->trimLog(lastSeq - retention))
        return false;
    return storage->commit();
}

QList<TransactionOutcome> WritePipeline::undoBatch(qint64 savedLastSeq, QList<QueuedTransaction> *batch)
{
    m_state->storage->rollback();
    lastSeq = savedLastSeq;
    // The cache may hold what the batch wrote: read again from the database.
    for (Collection &c : m_state->collections)
        c.cache.clear();
    for (auto it = m_undoHeads.cbegin(); it != m_undoHeads.cend(); ++it)
        m_state->collections[it.key()].head = it.value();
    for (auto it = m_undoLastTx.cbegin(); it != m_undoLastTx.cend(); ++it)
        lastTxByClient.insert(it.key(), it.value());
    dropTaken(batch);
    QList<TransactionOutcome> outcomes;
    for (qsizetype i = 0; i < batch->size(); ++i)
        outcomes.append(TransactionOutcome::rejected(ErrorCode::Internal, u"the server's database failed"_s));
    return outcomes;
}

void WritePipeline::dropTaken(QList<QueuedTransaction> *batch)
{
    QSet<QString> clients;
    for (const QueuedTransaction &pending : std::as_const(*batch))
        clients.insert(pending.clientId);
    m_queue.removeIf([&](const QueuedTransaction &pending) {
        if (!clients.contains(pending.clientId))
            return false;
        batch->append(pending);
        return true;
    });
    for (const QString &clientId : std::as_const(clients))
        takenTx.insert(clientId, lastTxByClient.value(clientId));
}

TransactionOutcome WritePipeline::process(const QueuedTransaction &pending)
{
    Storage *storage = m_state->storage;
    const qint64 last = lastTxByClient.value(pending.clientId);
    if (pending.tx <= last)
        return recordedOutcome(pending);
    if (pending.tx != last + 1) {
        // Cannot happen while numbers are taken contiguously (Session::handlePush()
        // and dropTaken()); refused rather than leave a hole in the ledger.
        qCWarning(lcServer) << pending.clientId << "transaction" << pending.tx << "after" << last << "not applied";
        return TransactionOutcome::rejected(
            ErrorCode::Internal, u"transaction %1 was taken out of order"_s.arg(pending.tx));
    }

    // A rejected mutation has written nothing, so a transaction of one
    // mutation needs no savepoint to be undone.
    const bool useSavepoint = pending.mutations.size() > 1;
    if (useSavepoint && !storage->savepoint()) {
        m_databaseFailed = true;
        return {};
    }
    m_txCached.clear();
    const qint64 seq = lastSeq + 1;
    const Changes changes = applyMutations(pending, seq);
    if (changes.code == ErrorCode::Internal) {
        m_databaseFailed = true;
        return {};
    }

    if (!m_undoLastTx.contains(pending.clientId))
        m_undoLastTx.insert(pending.clientId, last);
    lastTxByClient.insert(pending.clientId, pending.tx);
    m_batchLastTx.insert(pending.clientId, pending.tx);
    if (!changes.code.isEmpty()) {
        if (useSavepoint) {
            storage->rollbackToSavepoint();
            forgetCached(m_txCached);
        }
        m_databaseFailed = !storage->addRejection(pending.clientId, pending.tx, changes.code, changes.message)
            || (useSavepoint && !storage->releaseSavepoint());
        return TransactionOutcome::rejected(changes.code, changes.message);
    }
    if (useSavepoint && !storage->releaseSavepoint()) {
        m_databaseFailed = true;
        return {};
    }
    return appliedOutcome(seq, changes);
}

TransactionOutcome WritePipeline::recordedOutcome(const QueuedTransaction &pending)
{
    // Processed before: answer again with the recorded outcome.
    TransactionOutcome outcome;
    switch (m_state->storage->findRejection(pending.clientId, pending.tx, &outcome.code, &outcome.message)) {
    case Storage::Lookup::Found:
        return outcome;
    case Storage::Lookup::Missing:
        outcome.kind = TransactionOutcome::Kind::AppliedBefore;
        for (const Mutation &mutation : pending.mutations) {
            if (const Collection *c = m_state->collection(mutation.collection))
                outcome.cursors.insert(mutation.collection, QString::number(c->head));
        }
        return outcome;
    case Storage::Lookup::Failed:
        break;
    }
    m_databaseFailed = true;
    return {};
}

WritePipeline::Changes WritePipeline::applyMutations(const QueuedTransaction &pending, qint64 seq)
{
    Changes changes { pending.rejectCode, pending.rejectMessage, {}, {} };
    int index = 0;
    for (const Mutation &mutation : pending.mutations) {
        if (!changes.code.isEmpty())
            break;
        const MutationResult result = applyMutation(pending, mutation, seq, index);
        changes.message = result.message;
        if (!result.applied()) {
            changes.code = result.code;
            break;
        }
        ++index;
        if (!changes.byCollection.contains(mutation.collection))
            changes.touched.append(mutation.collection);
        changes.byCollection[mutation.collection].append(result.change, result.images);
    }
    return changes;
}

TransactionOutcome WritePipeline::appliedOutcome(qint64 seq, const Changes &changes)
{
    TransactionOutcome outcome;
    outcome.kind = TransactionOutcome::Kind::Applied;
    if (changes.touched.isEmpty())
        return outcome;
    outcome.seq = lastSeq = seq;
    for (const QString &name : changes.touched) {
        Collection &c = m_state->collections[name];
        if (!m_undoHeads.contains(name))
            m_undoHeads.insert(name, c.head);
        const ChangeBatch batch = changes.byCollection.value(name);
        outcome.deltas.append({ name, c.head, batch.changes, batch.images });
        c.head = seq;
    }
    return outcome;
}

WritePipeline::MutationResult WritePipeline::applyMutation(
    const QueuedTransaction &pending, const Mutation &mutation, qint64 seq, int index)
{
    Collection *c = m_state->collection(mutation.collection);
    if (!c)
        return MutationResult::failed(
            ErrorCode::UnknownCollection, u"unknown collection '%1'"_s.arg(mutation.collection));
    if (!m_state->authorizer()->canWrite(pending.clientId, mutation))
        return forbidden(mutation);

    Mutation checked = mutation;
    if (MutationResult invalid = validate(*c, &checked); !invalid.applied())
        return invalid;

    QJsonObject before;
    if (mutation.kind == Mutation::Kind::Insert) {
        // The rules first: an insert they refuse does not learn whether
        // the id is taken.
        if (MutationResult refused = checkRules(*c, pending.identity, checked, {}, merged({}, checked));
            !refused.applied())
            return refused;
        if (MutationResult conflict = readCurrent(c, mutation, &before); !conflict.applied())
            return conflict;
    } else {
        if (MutationResult conflict = readCurrent(c, mutation, &before); !conflict.applied())
            return conflict;
        const QJsonObject after = mutation.kind == Mutation::Kind::Remove ? QJsonObject() : merged(before, checked);
        if (MutationResult refused = checkRules(*c, pending.identity, checked, before, after); !refused.applied())
            return refused;
    }
    // The default authorizer accepts everything: spare it the conversion.
    const QString problem
        = m_state->customAuthorizer ? m_state->customAuthorizer->validate(checked, before.toVariantMap()) : QString();
    if (!problem.isEmpty())
        return MutationResult::failed(ErrorCode::ValidationFailed, problem);
    return write(c, mutation, checked, std::move(before), seq, index);
}

WritePipeline::MutationResult WritePipeline::validate(const Collection &c, Mutation *checked) const
{
    // The same rules as the model's (Schema): client and server agree.
    Schema::Result<Mutation> normalised = c.schema.normaliseMutation(*checked);
    if (!normalised.isValid())
        return MutationResult::failed(normalised.error.code, normalised.error.message);
    *checked = std::move(normalised.value);
    return {};
}

WritePipeline::MutationResult WritePipeline::readCurrent(Collection *c, const Mutation &mutation, QJsonObject *record)
{
    Storage::Lookup lookup = Storage::Lookup::Found;
    if (const auto cached = c->cache.constFind(mutation.id); cached != c->cache.constEnd()) {
        *record = cached.value();
    } else {
        QByteArray data;
        lookup = m_state->storage->readRecord(mutation.collection, mutation.id, &data);
        if (lookup == Storage::Lookup::Failed)
            return MutationResult::failed(ErrorCode::Internal, m_state->storage->errorString());
        if (lookup == Storage::Lookup::Found)
            *record = QJsonDocument::fromJson(data).object();
    }
    if (mutation.kind == Mutation::Kind::Insert && lookup == Storage::Lookup::Found) {
        return MutationResult::failed(
            ErrorCode::Conflict, u"record '%1' already exists in '%2'"_s.arg(mutation.id, mutation.collection));
    }
    if (mutation.kind != Mutation::Kind::Insert && lookup == Storage::Lookup::Missing)
        return notFound(*c, mutation);
    return {};
}

WritePipeline::MutationResult WritePipeline::write(
    Collection *c, const Mutation &mutation, const Mutation &checked, QJsonObject record, qint64 seq, int index)
{
    Storage *storage = m_state->storage;
    QJsonObject change;
    bool written = false;
    // The record before the change is logged too: a filtered subscriber
    // resuming later learns from it whether it saw the record leave.
    ChangeImages images { mutation.id, {}, {}, true };
    QByteArray before;
    if (mutation.kind != Mutation::Kind::Insert) {
        images.before = record;
        before = QJsonDocument(record).toJson(QJsonDocument::Compact);
    }
    if (mutation.kind == Mutation::Kind::Remove) {
        change = Protocol::toJson(RecordChange::remove(mutation.id));
        written = storage->removeRecord(mutation.collection, mutation.id)
            && storage->appendChange(seq, index, mutation.collection, mutation.id, {}, before);
    } else {
        for (auto it = checked.fields.cbegin(); it != checked.fields.cend(); ++it)
            record.insert(it.key(), Protocol::toJson(it.value()));
        const QByteArray json = QJsonDocument(record).toJson(QJsonDocument::Compact);
        change = Protocol::upsertToJson(mutation.id, quint64(seq), record);
        images.after = record;
        written = storage->writeRecord(mutation.collection, mutation.id, json, seq)
            && storage->appendChange(seq, index, mutation.collection, mutation.id, json, before);
    }
    if (!written)
        return MutationResult::failed(ErrorCode::Internal, storage->errorString());
    if (mutation.kind == Mutation::Kind::Remove) {
        c->cache.remove(mutation.id);
    } else if (c->cache.size() < MaxCachedRecords || c->cache.contains(mutation.id)) {
        c->cache.insert(mutation.id, record);
        m_txCached.append({ mutation.collection, mutation.id });
    }
    return { {}, {}, change, images };
}

void WritePipeline::forgetCached(const QList<std::pair<QString, QString>> &records)
{
    for (const auto &[name, id] : records) {
        if (Collection *c = m_state->collection(name))
            c->cache.remove(id);
    }
}

} // namespace Optimist
