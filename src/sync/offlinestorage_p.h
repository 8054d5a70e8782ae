// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "outboxstore_p.h"
#include "recordcache_p.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <memory>

namespace Optimist {

class ListModel;
class Outbox;

//! What the client keeps in its storage directory, per client id: the
//! outbox (OutboxStore) and the record cache (RecordCache). Opened once,
//! before the first welcome or at the first save; empty directory: nothing
//! is kept. Knows no socket and no model state but what it is handed.
class OfflineStorage {
public:
    QString directory;

    bool isEnabled() const { return !directory.isEmpty(); }
    //! Whether open() ran (the directory is fixed from then on).
    bool isOpen() const { return m_outboxStore != nullptr; }
    //! The record cache; null if it could not be opened (or before open()).
    RecordCache *cache() const { return m_cache.get(); }

    //! Why files cannot be kept in the directory ("<dir> is not a writable
    //! directory: …"), creating it if need be; empty if they can.
    QString directoryProblem() const;
    //! Opens the record cache of \a clientId; returns why it cannot be
    //! used (then there is none), or nothing.
    QString openCache(const QString &clientId);
    //! Marks the storage open without reading anything (the directory
    //! cannot be used): later saves try again.
    void openUnusable(const QString &clientId);
    //! The files of \a oldId become \a newId's (the outbox rewritten from
    //! \a outbox, numbered for the new id); returns why not, or nothing.
    QString moveTo(const QString &oldId, const QString &newId, const Outbox &outbox);
    //! Opens the outbox file of \a clientId and reads what an earlier run
    //! left; returns why it could not be read, or nothing.
    QString loadOutbox(const QString &clientId, QList<StoredTransaction> *transactions, quint64 *lastTx);
    QString outboxPath() const;

    //! Writes \a outbox; returns why it could not, or nothing.
    QString save(const Outbox &outbox);
    bool saveScheduled = false;

    //! What a push may send as settledTx: the outbox's \a settledOutbox,
    //! but no more than the last saved outbox says — after a crash the
    //! restored outbox resends the rest, and the server refuses a resend at
    //! or below a settledTx it was sent.
    quint64 settledTx(quint64 settledOutbox) const;

    //! Replaces the records cached under \a name with a snapshot the model
    //! took; the fields of records it skipped (a revision it held) come
    //! from \a model.
    void cacheSnapshot(const QString &name, const QString &serverId, const QString &userId, const QString &cursor,
        QList<SnapshotRecord> records, const ListModel &model);
    //! Applies a delta the model accepted.
    void cacheDelta(const QString &name, const QString &cursor, const QList<RecordChange> &changes);
    //! Forgets what other servers or users left (at a welcome).
    void keepOnly(const QString &serverId, const QString &userId);

private:
    std::unique_ptr<OutboxStore> m_outboxStore; //!< set once opened
    std::unique_ptr<RecordCache> m_cache; //!< open once opened (null if it cannot be)
    quint64 m_savedSettledTx = 0; //!< settledOutbox() at the last successful save
    QString m_clientId; //!< whose files are open
};

} // namespace Optimist
