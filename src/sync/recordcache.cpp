// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "recordcache_p.h"

#include "protocol_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

using namespace Qt::StringLiterals;

namespace Optimist {

//! SQLite reads a null QString as NULL, and NULL equals nothing: an empty
//! user id (no user) must be stored and compared as ''.
static QString text(const QString &value)
{
    return value.isNull() ? u""_s : value;
}

RecordCache::RecordCache(const QString &directory, const QString &clientId)
    : m_path(QDir(directory).filePath(u"cache-"_s + clientId + u".sqlite"_s))
    , m_connectionName(u"optimist-cache-%1"_s.arg(quintptr(this), 0, 16))
{
}

RecordCache::~RecordCache()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool RecordCache::fail(const QString &what, const QString &error)
{
    m_error = u"cache %1: %2: %3"_s.arg(m_path, what, error);
    return false;
}

bool RecordCache::setUp()
{
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
        ? QSqlDatabase::database(m_connectionName, false)
        : QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_path);
    if (!db.open())
        return fail(u"cannot open"_s, db.lastError().text());
    QSqlQuery query(db);
    for (const char *sql : {
             "PRAGMA journal_mode=WAL",
             "PRAGMA synchronous=NORMAL",
             "CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, server_id TEXT NOT NULL,"
             " cursor TEXT NOT NULL, user_id TEXT NOT NULL DEFAULT '') WITHOUT ROWID",
             "CREATE TABLE IF NOT EXISTS records (collection TEXT NOT NULL, id TEXT NOT NULL,"
             " rev INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID",
         }) {
        if (!query.exec(QString::fromLatin1(sql))) {
            const QString error = query.lastError().text();
            db.close();
            return fail(QString::fromLatin1(sql), error);
        }
    }
    if (!addUserColumn(query)) {
        db.close();
        return false;
    }
    return true;
}

bool RecordCache::addUserColumn(QSqlQuery &query)
{
    if (!query.exec(u"PRAGMA table_info(collections)"_s))
        return fail(u"reading its tables"_s, query.lastError().text());
    while (query.next()) {
        if (query.value(1).toString() == u"user_id")
            return true;
    }
    if (!query.exec(u"ALTER TABLE collections ADD COLUMN user_id TEXT NOT NULL DEFAULT ''"_s))
        return fail(u"adding the user"_s, query.lastError().text());
    return true;
}

bool RecordCache::open()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    if (setUp())
        return true;
    // Not a cache we can use: keep it for a look, start afresh.
    const QString problem = m_error;
    const QString aside = m_path + u".bad-"_s + QDateTime::currentDateTimeUtc().toString(u"yyyyMMddThhmmsszzz"_s);
    QSqlDatabase::database(m_connectionName, false).close();
    if (!QFile::rename(m_path, aside))
        return fail(u"cannot move aside"_s, problem);
    QFile::remove(m_path + u"-wal"_s);
    QFile::remove(m_path + u"-shm"_s);
    const bool fresh = setUp();
    m_error = problem + u"; kept as "_s + aside + (fresh ? QString() : u"; "_s + m_error);
    return fresh;
}

bool RecordCache::load(const QString &collection, Collection *out)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery query(db);
    query.prepare(u"SELECT server_id, cursor, user_id FROM collections WHERE name = ?"_s);
    query.addBindValue(collection);
    if (!query.exec())
        return fail(u"reading "_s + collection, query.lastError().text());
    if (!query.next())
        return false;
    out->serverId = query.value(0).toString();
    out->cursor = query.value(1).toString();
    out->userId = query.value(2).toString();
    out->records.clear();
    query.prepare(u"SELECT id, rev, data FROM records WHERE collection = ? ORDER BY id"_s);
    query.addBindValue(collection);
    if (!query.exec())
        return fail(u"reading "_s + collection, query.lastError().text());
    while (query.next()) {
        out->records.append({ query.value(0).toString(), quint64(query.value(1).toLongLong()),
            QJsonDocument::fromJson(query.value(2).toString().toUtf8()).object().toVariantMap() });
    }
    return true;
}

static bool writeRecord(
    QSqlQuery &upsert, const QString &collection, const QString &id, quint64 revision, const QVariantMap &fields)
{
    upsert.bindValue(0, collection);
    upsert.bindValue(1, id);
    upsert.bindValue(2, qint64(revision));
    upsert.bindValue(3, QString::fromUtf8(QJsonDocument(Protocol::toJson(fields)).toJson(QJsonDocument::Compact)));
    return upsert.exec();
}

bool RecordCache::replace(const QString &collection, const QString &serverId, const QString &userId,
    const QString &cursor, const QList<SnapshotRecord> &records)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return fail(u"begin"_s, db.lastError().text());
    QSqlQuery query(db);
    bool ok = query.prepare(u"DELETE FROM records WHERE collection = ?"_s);
    query.addBindValue(collection);
    ok = ok && query.exec();
    ok = ok
        && query.prepare(
            u"INSERT OR REPLACE INTO collections (name, server_id, cursor, user_id) VALUES (?, ?, ?, ?)"_s);
    query.addBindValue(collection);
    query.addBindValue(text(serverId));
    query.addBindValue(cursor);
    query.addBindValue(text(userId));
    ok = ok && query.exec();
    QSqlQuery upsert(db);
    ok = ok && upsert.prepare(u"INSERT OR REPLACE INTO records (collection, id, rev, data) VALUES (?, ?, ?, ?)"_s);
    for (qsizetype i = 0; ok && i < records.size(); ++i)
        ok = writeRecord(upsert, collection, records.at(i).id, records.at(i).revision, records.at(i).fields);
    if (!ok) {
        const QString error = query.lastError().isValid() ? query.lastError().text() : upsert.lastError().text();
        db.rollback();
        return fail(u"writing "_s + collection, error);
    }
    return db.commit() || fail(u"commit"_s, db.lastError().text());
}

bool RecordCache::apply(const QString &collection, const QString &cursor, const QList<RecordChange> &changes)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return fail(u"begin"_s, db.lastError().text());
    QSqlQuery upsert(db);
    QSqlQuery remove(db);
    QSqlQuery head(db);
    const QSqlQuery *failed = nullptr;
    if (!upsert.prepare(u"INSERT OR REPLACE INTO records (collection, id, rev, data) VALUES (?, ?, ?, ?)"_s))
        failed = &upsert;
    else if (!remove.prepare(u"DELETE FROM records WHERE collection = ? AND id = ?"_s))
        failed = &remove;
    else if (!head.prepare(u"UPDATE collections SET cursor = ? WHERE name = ?"_s))
        failed = &head;
    for (qsizetype i = 0; !failed && i < changes.size(); ++i) {
        const RecordChange &change = changes.at(i);
        if (change.kind == RecordChange::Kind::Upsert) {
            if (!writeRecord(upsert, collection, change.id, change.revision, change.fields))
                failed = &upsert;
        } else {
            remove.bindValue(0, collection);
            remove.bindValue(1, change.id);
            if (!remove.exec())
                failed = &remove;
        }
    }
    head.bindValue(0, cursor);
    head.bindValue(1, collection);
    if (!failed && !head.exec())
        failed = &head;
    if (failed) {
        const QString error = failed->lastError().text();
        db.rollback();
        return fail(u"writing "_s + collection, error);
    }
    return db.commit() || fail(u"commit"_s, db.lastError().text());
}

bool RecordCache::keepOnly(const QString &serverId, const QString &userId)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return fail(u"begin"_s, db.lastError().text());
    QSqlQuery query(db);
    const char *const statements[] = {
        "DELETE FROM records WHERE collection IN"
        " (SELECT name FROM collections WHERE server_id != ? OR user_id != ?)",
        "DELETE FROM collections WHERE server_id != ? OR user_id != ?",
    };
    for (const char *sql : statements) {
        if (!query.prepare(QString::fromLatin1(sql))) {
            db.rollback();
            return fail(u"forgetting"_s, query.lastError().text());
        }
        query.bindValue(0, text(serverId));
        query.bindValue(1, text(userId));
        if (!query.exec()) {
            const QString error = query.lastError().text();
            db.rollback();
            return fail(u"forgetting"_s, error);
        }
    }
    return db.commit() || fail(u"commit"_s, db.lastError().text());
}

} // namespace Optimist
