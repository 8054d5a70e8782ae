// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The storage directory: OfflineStorage, and how SyncClient restores from
// it (the outbox, replayed on the bound models; their cached records) and
// saves to it.
#include "offlinestorage_p.h"

#include "logging_p.h"
#include "syncclient_p.h"

#include <optimist/errorcodes.h>

#include <optimist/listmodelfeed.h>

#include <QtCore/QDir>
#include <QtCore/QFileInfo>

using namespace Qt::StringLiterals;

namespace Optimist {

QString OfflineStorage::directoryProblem() const
{
    const QFileInfo info(directory);
    if (info.isDir() && info.isWritable())
        return {};
    // The first part of the path that exists says why.
    QFileInfo existing = info;
    while (!existing.exists() && !existing.isRoot() && existing.absoluteFilePath() != existing.absolutePath())
        existing = QFileInfo(existing.absolutePath());
    QString why;
    if (!existing.isDir())
        why = u"%1 is a file"_s.arg(existing.absoluteFilePath());
    else if (!existing.isWritable())
        why = u"%1 is not writable"_s.arg(existing.absoluteFilePath());
    else if (!QDir().mkpath(directory))
        why = u"it cannot be created"_s;
    else
        return {};
    return u"%1 is not a writable directory: %2"_s.arg(QDir::toNativeSeparators(directory), why);
}

void OfflineStorage::openUnusable(const QString &clientId)
{
    m_clientId = clientId;
    m_outboxStore = std::make_unique<OutboxStore>(directory, clientId);
}

QString OfflineStorage::moveTo(const QString &oldId, const QString &newId, const Outbox &outbox)
{
    if (!isOpen())
        return {};
    // The cache is closed, renamed with its SQLite side files, and opened
    // under the new name.
    m_cache.reset();
    const QDir dir(directory);
    QString problem;
    for (const QLatin1StringView suffix : { ""_L1, "-wal"_L1, "-shm"_L1 }) {
        const QString from = dir.filePath(u"cache-"_s + oldId + u".sqlite"_s + suffix);
        const QString to = dir.filePath(u"cache-"_s + newId + u".sqlite"_s + suffix);
        if (QFile::exists(from) && !QFile::rename(from, to) && suffix.isEmpty())
            problem = u"cannot rename %1 to %2"_s.arg(from, to);
    }
    if (const QString openProblem = openCache(newId); problem.isEmpty())
        problem = openProblem;
    // The outbox is written anew (its clientId and numbers are the new
    // id's), then the old file goes.
    const QString oldOutbox = m_outboxStore->filePath();
    m_clientId = newId;
    m_outboxStore = std::make_unique<OutboxStore>(directory, newId);
    if (const QString saveProblem = save(outbox); !saveProblem.isEmpty())
        return saveProblem;
    QFile::remove(oldOutbox);
    return problem;
}

QString OfflineStorage::openCache(const QString &clientId)
{
    m_clientId = clientId;
    m_cache = std::make_unique<RecordCache>(directory, clientId);
    if (!m_cache->open()) {
        const QString problem = m_cache->errorString();
        m_cache.reset();
        return problem;
    }
    if (!m_cache->errorString().isEmpty())
        qCWarning(lcSync) << m_cache->errorString(); // started over, the old file moved aside
    return {};
}

QString OfflineStorage::loadOutbox(const QString &clientId, QList<StoredTransaction> *transactions, quint64 *lastTx)
{
    m_clientId = clientId;
    m_outboxStore = std::make_unique<OutboxStore>(directory, clientId);
    QString problem;
    return m_outboxStore->load(transactions, lastTx, &problem) ? QString() : problem;
}

QString OfflineStorage::outboxPath() const
{
    return m_outboxStore ? m_outboxStore->filePath() : QString();
}

QString OfflineStorage::save(const Outbox &outbox)
{
    QString problem;
    if (!m_outboxStore->save(outbox.storedForm(), outbox.lastTx(), &problem))
        return problem;
    m_savedSettledTx = outbox.settledOutbox();
    return {};
}

quint64 OfflineStorage::settledTx(quint64 settledOutbox) const
{
    return isEnabled() ? std::min(settledOutbox, m_savedSettledTx) : settledOutbox;
}

void OfflineStorage::cacheSnapshot(const QString &name, const QString &serverId, const QString &userId,
    const QString &cursor, QList<SnapshotRecord> records, const ListModel &model)
{
    for (SnapshotRecord &record : records) {
        if (record.fields.isEmpty()) {
            record.fields = model.confirmedRecord(record.id);
            record.fields.remove(u"id"_s);
        }
    }
    if (!m_cache->replace(name, serverId, userId, cursor, records))
        qCWarning(lcSync) << m_cache->errorString();
}

void OfflineStorage::cacheDelta(const QString &name, const QString &cursor, const QList<RecordChange> &changes)
{
    if (!m_cache->apply(name, cursor, changes))
        qCWarning(lcSync) << m_cache->errorString();
}

void OfflineStorage::keepOnly(const QString &serverId, const QString &userId)
{
    if (m_cache && !m_cache->keepOnly(serverId, userId))
        qCWarning(lcSync) << m_cache->errorString();
}

// ---------------------------------------------------------------- SyncClientPrivate

std::optional<QString> SyncClientPrivate::editUser() const
{
    if (everWelcomed)
        return userId;
    if (storedUser)
        return storedUser;
    // Offline, an edit is made on the records of the user they were cached for.
    for (const Binding &binding : subscriptions.bindings) {
        if (binding.model && !binding.serverId.isEmpty())
            return binding.userId;
    }
    return std::nullopt;
}

void SyncClientPrivate::restoreStorage()
{
    if (!storage.isEnabled() || storage.isOpen())
        return;
    ensureClientId();
    if (const QString problem = storage.directoryProblem(); !problem.isEmpty()) {
        // Nothing can be read or kept: said once, in one sentence, and
        // tried again at each save.
        storage.openUnusable(identity.id);
        return storageFailed(problem);
    }
    if (const QString problem = storage.openCache(identity.id); !problem.isEmpty())
        storageFailed(problem);
    for (const QString &key : subscriptions.bindings.keys())
        loadCached(key);
    QList<StoredTransaction> stored;
    quint64 storedLastTx = 0;
    if (const QString problem = storage.loadOutbox(identity.id, &stored, &storedLastTx); !problem.isEmpty()) {
        qCWarning(lcSync) << "cannot restore the outbox:" << problem;
        setErrorString(problem);
    }
    if (stored.isEmpty())
        return;
    qCInfo(lcSync) << "restoring" << stored.size() << "unsettled transactions from" << storage.outboxPath();
    outbox.restore(stored, storedLastTx);
    if (!storedUser)
        storedUser = stored.last().madeBy; // offline edits go on as that user's
    for (qsizetype i = 0; i < stored.size(); ++i)
        showRestored(outbox.at(i));
    Q_EMIT q->outboxCountChanged();
    scheduleSave(); // numbers given to this run's edits before the restore
}

void SyncClientPrivate::storageFailed(const QString &problem)
{
    const QString message = u"cannot keep edits offline: "_s + problem;
    if (storageError == message)
        return; // told once per reason
    qCWarning(lcSync).noquote() << message;
    storageError = message;
    Q_EMIT q->storageErrorChanged();
    Q_EMIT q->errorOccurred(ErrorCode::StorageFailed, message);
}

void SyncClientPrivate::storageWorks()
{
    if (storageError.isEmpty())
        return;
    qCInfo(lcSync) << "the storage directory works again";
    storageError.clear();
    Q_EMIT q->storageErrorChanged();
}

//! Whether the bound models can show \a mutations as pending: not if one is
//! already in the cached state (applied, its ack lost), or is about a record
//! its model does not hold; then the server's answer decides.
//! The bound model that shows \a mutation: for an insert the first of its
//! collection, else the first that holds its record.
static ListModel *modelFor(const Subscriptions &subscriptions, const Mutation &mutation)
{
    const QList<ListModel *> models = subscriptions.models(mutation.collection);
    for (ListModel *model : models) {
        if (mutation.kind == Mutation::Kind::Insert || model->contains(mutation.id))
            return model;
    }
    return models.value(0);
}

static bool canShow(const Subscriptions &subscriptions, const QList<Mutation> &mutations)
{
    for (const Mutation &mutation : mutations) {
        const ListModel *model = modelFor(subscriptions, mutation);
        if (model && model->contains(mutation.id) == (mutation.kind == Mutation::Kind::Insert))
            return false;
    }
    return true;
}

//! Makes \a mutations in the bound models as \a tx; true if a model took one.
static bool replay(const Subscriptions &subscriptions, const QList<Mutation> &mutations, Transaction *tx)
{
    bool shown = false;
    for (const Mutation &mutation : mutations) {
        ListModel *model = modelFor(subscriptions, mutation);
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
    return shown;
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
    if (!canShow(subscriptions, stored.mutations))
        return;
    auto *tx = new Transaction(q);
    tx->setAutoDelete(true);
    if (!replay(subscriptions, stored.mutations, tx) || tx->isFinished()) {
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

void SyncClientPrivate::loadCached(const QString &key)
{
    Binding *binding = subscriptions.find(key);
    RecordCache *cache = storage.cache();
    if (!cache || !binding || !binding->model->cursor().isEmpty()
        || !ListModelFeed(binding->model).filterError().isEmpty())
        return;
    RecordCache::Collection cached;
    if (!cache->load(Subscriptions::cacheName(*binding), &cached)) {
        if (!cache->errorString().isEmpty())
            qCWarning(lcSync) << cache->errorString();
        return;
    }
    if (welcomed && (cached.serverId != serverId || cached.userId != userId))
        return; // another database's or user's state: the subscription loads this one's
    qCDebug(lcSync) << key << "starts from" << cached.records.size() << "cached records at" << cached.cursor;
    // Offline, the filter reads the user the records were sent to.
    if (!welcomed)
        ListModelFeed(binding->model).setFilterAuth(Subscriptions::authOf(cached.userId));
    ListModelFeed(binding->model).applySnapshot(cached.records, cached.cursor);
    binding->serverId = cached.serverId;
    binding->userId = cached.userId;
}

void SyncClientPrivate::scheduleSave()
{
    if (!storage.isEnabled() || storage.saveScheduled)
        return;
    storage.saveScheduled = true;
    QMetaObject::invokeMethod(
        q,
        [this] {
            if (storage.saveScheduled)
                saveOutbox();
        },
        Qt::QueuedConnection);
}

void SyncClientPrivate::saveOutbox()
{
    storage.saveScheduled = false;
    if (!storage.isEnabled())
        return;
    restoreStorage(); // never overwrite what an earlier run left unread
    if (const QString problem = storage.directoryProblem(); !problem.isEmpty())
        return storageFailed(problem);
    if (const QString problem = storage.save(outbox); !problem.isEmpty())
        return storageFailed(problem);
    // Works (again): a cache that could not be opened is tried again.
    if (!storage.cache()) {
        if (const QString problem = storage.openCache(identity.id); !problem.isEmpty())
            return storageFailed(problem);
    }
    storageWorks();
}

} // namespace Optimist
