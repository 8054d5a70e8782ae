// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "sqlitestorage_p.h"

#include <QtCore/QAtomicInteger>
#include <QtCore/QUuid>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

using namespace Qt::StringLiterals;

namespace Optimist {

// Prepared once per database; the hot path only binds and executes.
struct SqliteStorage::Statements {
    explicit Statements(const QSqlDatabase &db)
        : begin(db)
        , commit(db)
        , rollback(db)
        , savepoint(db)
        , release(db)
        , rollbackTo(db)
        , readRecord(db)
        , writeRecord(db)
        , removeRecord(db)
        , appendChange(db)
        , trimLog(db)
        , setFloor(db)
        , claimClient(db)
        , clientOwner(db)
        , lastTx(db)
        , setLastTx(db)
        , addRejection(db)
        , findRejection(db)
        , trimRejections(db)
        , settledTx(db)
        , setSettledTx(db)
        , changes(db)
    {
    }

    QSqlQuery begin, commit, rollback, savepoint, release, rollbackTo;
    QSqlQuery readRecord, writeRecord, removeRecord, appendChange, trimLog, setFloor;
    QSqlQuery claimClient, clientOwner, lastTx, setLastTx, addRejection, findRejection, trimRejections, settledTx,
        setSettledTx;
    QSqlQuery changes;
};

SqliteStorage::SqliteStorage(const QString &path, QObject *parent)
    : Storage(parent)
    , m_path(path)
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = u"optimist-server-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

SqliteStorage::~SqliteStorage()
{
    close();
}

bool SqliteStorage::fail(const QString &what, const QString &error)
{
    m_error = what % u": "_s % error;
    return false;
}

bool SqliteStorage::exec(const QString &sql)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(sql))
        return fail(sql, query.lastError().text());
    return true;
}

bool SqliteStorage::open()
{
    close();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        db.setDatabaseName(m_path);
        if (!db.open())
            return fail(u"cannot open "_s % m_path, db.lastError().text());
    }
    if (!createSchema() || !addRevisionColumn() || !addBeforeColumn() || !addOwnerColumn() || !prepareStatements()
        || !loadState()) {
        close();
        return false;
    }
    return true;
}

bool SqliteStorage::createSchema()
{
    static const char *const setup[] = {
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA busy_timeout=5000",
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        // rev: the seq of the transaction that last wrote the record.
        "CREATE TABLE IF NOT EXISTS records (collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,"
        " rev INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (collection, id)) WITHOUT ROWID",
        // One seq (the cursor) per applied transaction, shared by its changes.
        // op: insert, update or remove ("upsert" when logged by a version
        // without before-images); before_data: the record before the change
        // (NULL for an insert, and for a change of such a version).
        "CREATE TABLE IF NOT EXISTS changes (seq INTEGER NOT NULL, idx INTEGER NOT NULL, collection TEXT NOT NULL,"
        " record_id TEXT NOT NULL, op TEXT NOT NULL, data TEXT, before_data TEXT, PRIMARY KEY (seq, idx))"
        " WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS changes_by_collection ON changes (collection, seq)",
        // owner: the user id the client is bound to ('' for none), NULL while
        // unbound (rows from before owners: bound by their next hello).
        "CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, last_tx INTEGER NOT NULL, owner TEXT)"
        " WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS rejections (client_id TEXT NOT NULL, tx INTEGER NOT NULL, code TEXT NOT NULL,"
        " message TEXT NOT NULL, PRIMARY KEY (client_id, tx)) WITHOUT ROWID",
        // The highest settledTx each client sent: the outcomes at or below it
        // are forgotten, so a resend of one can no longer be answered.
        "CREATE TABLE IF NOT EXISTS settled (client_id TEXT PRIMARY KEY, settled_tx INTEGER NOT NULL) WITHOUT ROWID",
    };
    for (const char *sql : setup) {
        if (!exec(QString::fromLatin1(sql)))
            return false;
    }
    return true;
}

bool SqliteStorage::prepareStatements()
{
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    m_statements = std::make_unique<Statements>(db);
    Statements &s = *m_statements;
    const std::pair<QSqlQuery *, const char *> prepared[] = {
        { &s.begin, "BEGIN" },
        { &s.commit, "COMMIT" },
        { &s.rollback, "ROLLBACK" },
        { &s.savepoint, "SAVEPOINT tx" },
        { &s.release, "RELEASE tx" },
        { &s.rollbackTo, "ROLLBACK TO tx" },
        { &s.readRecord, "SELECT data FROM records WHERE collection = ? AND id = ?" },
        { &s.writeRecord, "INSERT OR REPLACE INTO records (collection, id, data, rev) VALUES (?, ?, ?, ?)" },
        { &s.removeRecord, "DELETE FROM records WHERE collection = ? AND id = ?" },
        { &s.appendChange,
            "INSERT INTO changes (seq, idx, collection, record_id, op, data, before_data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)" },
        { &s.trimLog, "DELETE FROM changes WHERE seq <= ?" },
        { &s.setFloor, "INSERT OR REPLACE INTO meta (key, value) VALUES ('log_floor', ?)" },
        { &s.claimClient,
            "INSERT INTO clients (client_id, last_tx, owner) VALUES (?, 0, ?)"
            " ON CONFLICT (client_id) DO UPDATE SET owner = excluded.owner WHERE clients.owner IS NULL" },
        { &s.clientOwner, "SELECT owner FROM clients WHERE client_id = ?" },
        { &s.lastTx, "SELECT last_tx FROM clients WHERE client_id = ?" },
        // Not INSERT OR REPLACE: that would drop the owner.
        { &s.setLastTx,
            "INSERT INTO clients (client_id, last_tx) VALUES (?, ?)"
            " ON CONFLICT (client_id) DO UPDATE SET last_tx = excluded.last_tx" },
        { &s.addRejection, "INSERT OR REPLACE INTO rejections (client_id, tx, code, message) VALUES (?, ?, ?, ?)" },
        { &s.findRejection, "SELECT code, message FROM rejections WHERE client_id = ? AND tx = ?" },
        { &s.trimRejections, "DELETE FROM rejections WHERE client_id = ? AND tx <= ?" },
        { &s.settledTx, "SELECT settled_tx FROM settled WHERE client_id = ?" },
        { &s.setSettledTx,
            "INSERT INTO settled (client_id, settled_tx) VALUES (?, ?)"
            " ON CONFLICT (client_id) DO UPDATE SET settled_tx = max(settled_tx, excluded.settled_tx)" },
        { &s.changes,
            "SELECT seq, record_id, data, op, before_data FROM changes WHERE collection = ? AND seq > ? AND seq <= ?"
            " ORDER BY seq, idx" },
    };
    for (const auto &[query, sql] : prepared) {
        if (!query->prepare(QString::fromLatin1(sql)))
            return fail(QString::fromLatin1(sql), query->lastError().text());
    }
    return true;
}

bool SqliteStorage::hasColumn(const QString &table, const QString &column, bool *has)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(u"SELECT name FROM pragma_table_info('%1')"_s.arg(table)))
        return fail(u"reading the %1 table"_s.arg(table), query.lastError().text());
    *has = false;
    while (query.next())
        *has = *has || query.value(0).toString() == column;
    return true;
}

bool SqliteStorage::addRevisionColumn()
{
    // Databases from before revisions: their records get rev 0 ("unknown"),
    // which clients compare field by field.
    bool has = false;
    return hasColumn(u"records"_s, u"rev"_s, &has) // not a message key: a table
        && (has || exec(u"ALTER TABLE records ADD COLUMN rev INTEGER NOT NULL DEFAULT 0"_s));
}

bool SqliteStorage::addBeforeColumn()
{
    // Databases from before before-images: their logged changes (op
    // "upsert", or "remove" without before_data) read as "before unknown",
    // and a filtered subscriber resuming across one gets a snapshot.
    bool has = false;
    return hasColumn(u"changes"_s, u"before_data"_s, &has) // not a message key: a table
        && (has || exec(u"ALTER TABLE changes ADD COLUMN before_data TEXT"_s));
}

bool SqliteStorage::addOwnerColumn()
{
    // Databases from before owners: their clients are bound (NULL) by the
    // next hello that names them.
    bool has = false;
    return hasColumn(u"clients"_s, u"owner"_s, &has) // not a message key: a table
        && (has || exec(u"ALTER TABLE clients ADD COLUMN owner TEXT"_s));
}

bool SqliteStorage::loadState()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(u"SELECT key, value FROM meta"_s))
        return fail(u"reading meta"_s, query.lastError().text());
    m_serverId.clear();
    m_logFloor = 0;
    while (query.next()) {
        if (query.value(0).toString() == "server_id"_L1)
            m_serverId = query.value(1).toString();
        else if (query.value(0).toString() == "log_floor"_L1)
            m_logFloor = query.value(1).toLongLong();
    }
    if (m_serverId.isEmpty()) {
        m_serverId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (!query.prepare(u"INSERT INTO meta (key, value) VALUES ('server_id', ?)"_s))
            return fail(u"writing meta"_s, query.lastError().text());
        query.addBindValue(m_serverId);
        if (!query.exec())
            return fail(u"writing meta"_s, query.lastError().text());
    }

    m_loggedHeads.clear();
    m_lastSeq = m_logFloor;
    if (!query.exec(u"SELECT collection, MAX(seq) FROM changes GROUP BY collection"_s))
        return fail(u"reading the change log"_s, query.lastError().text());
    while (query.next()) {
        const qint64 seq = query.value(1).toLongLong();
        m_loggedHeads.insert(query.value(0).toString(), seq);
        m_lastSeq = std::max(m_lastSeq, seq);
    }
    return true;
}

void SqliteStorage::close()
{
    m_statements.reset();
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool SqliteStorage::isOpen() const
{
    return m_statements != nullptr;
}

static bool run(QSqlQuery &query, QString *error)
{
    if (query.exec())
        return true;
    *error = query.lastQuery() % u": "_s % query.lastError().text();
    return false;
}

bool SqliteStorage::begin()
{
    return run(m_statements->begin, &m_error);
}

bool SqliteStorage::commit()
{
    return run(m_statements->commit, &m_error);
}

void SqliteStorage::rollback()
{
    run(m_statements->rollback, &m_error);
}

bool SqliteStorage::savepoint()
{
    return run(m_statements->savepoint, &m_error);
}

bool SqliteStorage::releaseSavepoint()
{
    return run(m_statements->release, &m_error);
}

void SqliteStorage::rollbackToSavepoint()
{
    run(m_statements->rollbackTo, &m_error);
}

Storage::Lookup SqliteStorage::readRecord(const QString &collection, const QString &id, QByteArray *data)
{
    QSqlQuery &q = m_statements->readRecord;
    q.bindValue(0, collection);
    q.bindValue(1, id);
    if (!run(q, &m_error))
        return Lookup::Failed;
    const bool found = q.next();
    if (found)
        *data = q.value(0).toString().toUtf8();
    q.finish();
    return found ? Lookup::Found : Lookup::Missing;
}

bool SqliteStorage::writeRecord(const QString &collection, const QString &id, const QByteArray &data, qint64 revision)
{
    QSqlQuery &q = m_statements->writeRecord;
    q.bindValue(0, collection);
    q.bindValue(1, id);
    q.bindValue(2, QString::fromUtf8(data));
    q.bindValue(3, revision);
    return run(q, &m_error);
}

bool SqliteStorage::removeRecord(const QString &collection, const QString &id)
{
    QSqlQuery &q = m_statements->removeRecord;
    q.bindValue(0, collection);
    q.bindValue(1, id);
    return run(q, &m_error);
}

bool SqliteStorage::appendChange(qint64 seq, int index, const QString &collection, const QString &id,
    const QByteArray &data, const QByteArray &before)
{
    QSqlQuery &q = m_statements->appendChange;
    q.bindValue(0, seq);
    q.bindValue(1, index);
    q.bindValue(2, collection);
    q.bindValue(3, id);
    const QVariant null(QMetaType::fromType<QString>());
    q.bindValue(4, data.isEmpty() ? u"remove"_s : before.isEmpty() ? u"insert"_s : u"update"_s);
    q.bindValue(5, data.isEmpty() ? null : QVariant(QString::fromUtf8(data)));
    q.bindValue(6, before.isEmpty() ? null : QVariant(QString::fromUtf8(before)));
    return run(q, &m_error);
}

bool SqliteStorage::trimLog(qint64 floor)
{
    m_statements->trimLog.bindValue(0, floor);
    m_statements->setFloor.bindValue(0, QString::number(floor));
    if (!run(m_statements->trimLog, &m_error) || !run(m_statements->setFloor, &m_error))
        return false;
    m_logFloor = floor;
    return true;
}

Storage::Claim SqliteStorage::claimClient(const QString &clientId, const QString &owner)
{
    QSqlQuery &claim = m_statements->claimClient;
    claim.bindValue(0, clientId);
    claim.bindValue(1, owner.isNull() ? u""_s : owner); // NULL means unbound
    QSqlQuery &q = m_statements->clientOwner;
    q.bindValue(0, clientId);
    if (!run(claim, &m_error) || !run(q, &m_error))
        return Claim::Failed;
    const bool granted = q.next() && q.value(0).toString() == owner;
    q.finish();
    return granted ? Claim::Granted : Claim::Taken;
}

bool SqliteStorage::lastTx(const QString &clientId, qint64 *tx)
{
    QSqlQuery &q = m_statements->lastTx;
    q.bindValue(0, clientId);
    if (!run(q, &m_error))
        return false;
    *tx = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return true;
}

bool SqliteStorage::setLastTx(const QString &clientId, qint64 tx)
{
    QSqlQuery &q = m_statements->setLastTx;
    q.bindValue(0, clientId);
    q.bindValue(1, tx);
    return run(q, &m_error);
}

bool SqliteStorage::addRejection(const QString &clientId, qint64 tx, const QString &code, const QString &message)
{
    QSqlQuery &q = m_statements->addRejection;
    q.bindValue(0, clientId);
    q.bindValue(1, tx);
    q.bindValue(2, code);
    q.bindValue(3, message);
    return run(q, &m_error);
}

bool SqliteStorage::trimRejections(const QString &clientId, qint64 upToTx)
{
    QSqlQuery &q = m_statements->trimRejections;
    q.bindValue(0, clientId);
    q.bindValue(1, upToTx);
    QSqlQuery &floor = m_statements->setSettledTx;
    floor.bindValue(0, clientId);
    floor.bindValue(1, upToTx);
    return run(q, &m_error) && run(floor, &m_error);
}

bool SqliteStorage::settledTx(const QString &clientId, qint64 *tx)
{
    QSqlQuery &q = m_statements->settledTx;
    q.bindValue(0, clientId);
    if (!run(q, &m_error))
        return false;
    *tx = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return true;
}

Storage::Lookup SqliteStorage::findRejection(const QString &clientId, qint64 tx, QString *code, QString *message)
{
    QSqlQuery &q = m_statements->findRejection;
    q.bindValue(0, clientId);
    q.bindValue(1, tx);
    if (!run(q, &m_error))
        return Lookup::Failed;
    const bool found = q.next();
    if (found) {
        *code = q.value(0).toString();
        *message = q.value(1).toString();
    }
    q.finish();
    return found ? Lookup::Found : Lookup::Missing;
}

class SqliteStorage::Stream final : public RecordStream {
public:
    ~Stream() override;
    bool read(int count, const RecordRow &row, bool *atEnd) override;
    QString errorString() const override { return m_error; }

    QString m_connectionName;
    std::unique_ptr<QSqlQuery> m_query;
    bool m_hasRow = false;
    QString m_error;
};

std::unique_ptr<Storage::RecordStream> SqliteStorage::openRecordStream(const QString &collection)
{
    static QAtomicInteger<quint64> counter;
    auto stream = std::make_unique<Stream>();
    stream->m_connectionName = m_connectionName % u"-stream-"_s % QString::number(counter.fetchAndAddRelaxed(1));
    QSqlDatabase db = QSqlDatabase::cloneDatabase(m_connectionName, stream->m_connectionName);
    if (!db.open()) {
        fail(u"cannot open a stream of "_s % collection, db.lastError().text());
        return {};
    }
    stream->m_query = std::make_unique<QSqlQuery>(db);
    QSqlQuery &q = *stream->m_query;
    // Forward only: Qt keeps no rows, SQLite steps one statement, whose read
    // transaction is the snapshot.
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT id, rev, data FROM records WHERE collection = ? ORDER BY id"_s)) {
        fail(u"cannot read "_s % collection, q.lastError().text());
        return {};
    }
    q.bindValue(0, collection);
    if (!run(q, &m_error))
        return {};
    stream->m_hasRow = q.next();
    return stream;
}

SqliteStorage::Stream::~Stream()
{
    m_query.reset();
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool SqliteStorage::Stream::read(int count, const RecordRow &row, bool *atEnd)
{
    QSqlQuery &q = *m_query;
    for (int i = 0; i < count && m_hasRow; ++i) {
        row(q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toString().toUtf8());
        m_hasRow = q.next();
    }
    if (!m_hasRow && q.lastError().isValid()) {
        m_error = q.lastError().text();
        return false;
    }
    *atEnd = !m_hasRow;
    if (*atEnd)
        q.finish();
    return true;
}

bool SqliteStorage::forEachChange(const QString &collection, qint64 after, qint64 upTo, const ChangeRow &row)
{
    QSqlQuery &q = m_statements->changes;
    q.bindValue(0, collection);
    q.bindValue(1, after);
    q.bindValue(2, upTo);
    if (!run(q, &m_error))
        return false;
    while (q.next()) {
        // An insert had no record before; any other change without
        // before_data was logged by a version that kept none.
        const QVariant before = q.value(4);
        const std::optional<QByteArray> image = q.value(3).toString() == "insert"_L1 ? std::optional(QByteArray())
            : before.isNull()                                                        ? std::nullopt
                              : std::optional(before.toString().toUtf8());
        row(q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString().toUtf8(), image);
    }
    q.finish();
    return true;
}

} // namespace Optimist
