// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>

#include <QtCore/QList>
#include <QtCore/QString>

class QSqlQuery;

namespace Optimist {

//! A client's copy of the collections it syncs, so that an app starts with
//! its data before (or without) a connection and resumes from the cached
//! cursor. One SQLite file (Qt SQL) per client id:
//! `<directory>/cache-<clientId>.sqlite`, written after each snapshot and
//! delta the model accepted. Used from the client's thread only.
//!
//! Its entries are named by the client: a collection's name, or for a
//! filtered model the collection with its filter and params
//! (Subscriptions::cacheName()). Each remembers the server and the user it
//! came from.
class RecordCache {
public:
    struct Collection {
        QString serverId; //!< the server whose state this is
        QString userId; //!< the user it was sent to (empty: none)
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

    //! What is cached under \a name; false if nothing is.
    bool load(const QString &name, Collection *out);
    //! Replaces \a name with a snapshot (records with all their fields).
    bool replace(const QString &name, const QString &serverId, const QString &userId, const QString &cursor,
        const QList<SnapshotRecord> &records);
    //! Applies a delta the model accepted.
    bool apply(const QString &name, const QString &cursor, const QList<RecordChange> &changes);
    //! Drops every entry another server or another user left: a welcome
    //! says who this client talks to now.
    bool keepOnly(const QString &serverId, const QString &userId);

private:
    bool setUp();
    //! Adds collections.user_id to a file from before users.
    bool addUserColumn(QSqlQuery &query);
    bool fail(const QString &what, const QString &error);

    QString m_path;
    QString m_connectionName;
    QString m_error;
};

} // namespace Optimist
