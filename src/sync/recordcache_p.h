// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>

#include <QtCore/QList>
#include <QtCore/QString>

namespace Optimist {

//! A client's copy of the collections it syncs, so that an app starts with
//! its data before (or without) a connection and resumes from the cached
//! cursor. One SQLite file (Qt SQL) per client id:
//! `<directory>/cache-<clientId>.sqlite`, written after each snapshot and
//! delta the model accepted. Used from the client's thread only.
class RecordCache {
public:
    struct Collection {
        QString serverId; //!< the server whose state this is
        QString cursor;
        QList<SnapshotRecord> records;
    };

    RecordCache(const QString &directory, const QString &clientId);
    ~RecordCache();
    RecordCache(const RecordCache &) = delete;
    RecordCache &operator=(const RecordCache &) = delete;

    //! Opens (or creates) the file. One that is not a usable cache is moved
    //! aside (to `<file>.bad-<time>`) and a new one started; false only if
    //! even that fails. The reason is in errorString() either way.
    bool open();
    QString errorString() const { return m_error; }
    QString filePath() const { return m_path; }

    //! What is cached of \a collection; false if nothing is.
    bool load(const QString &collection, Collection *out);
    //! Replaces \a collection with a snapshot (records with all their fields).
    bool replace(const QString &collection, const QString &serverId, const QString &cursor,
        const QList<SnapshotRecord> &records);
    //! Applies a delta the model accepted.
    bool apply(const QString &collection, const QString &cursor, const QList<RecordChange> &changes);

private:
    bool setUp();
    bool fail(const QString &what, const QString &error);

    QString m_path;
    QString m_connectionName;
    QString m_error;
};

} // namespace Optimist
