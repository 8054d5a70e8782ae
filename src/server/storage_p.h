// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QHash>
#include <QtCore/QString>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QSqlQuery;
QT_END_NAMESPACE

namespace Optimist {

//! The server's SQLite database (Qt SQL, WAL): records, the change log,
//! per-client progress and recorded rejections. Used from one thread only,
//! the one that opened it. Every method that can fail returns false (or
//! Lookup::Failed) and leaves the reason in errorString().
class Storage {
public:
    enum class Lookup { Found, Missing, Failed };

    Storage();
    ~Storage();
    Storage(const Storage &) = delete;
    Storage &operator=(const Storage &) = delete;

    bool open(const QString &path);
    void close();
    bool isOpen() const;
    QString errorString() const { return m_error; }

    QString serverId() const { return m_serverId; }
    //! Every change with a seq above this is still in the log.
    qint64 logFloor() const { return m_logFloor; }
    //! The highest seq ever assigned (0 for a new database).
    qint64 lastSeq() const { return m_lastSeq; }
    //! Per collection, the seq of its latest change still in the log.
    QHash<QString, qint64> loggedHeads() const { return m_loggedHeads; }

    bool begin();
    bool commit();
    void rollback();
    bool savepoint();
    bool releaseSavepoint();
    void rollbackToSavepoint();

    Lookup readRecord(const QString &collection, const QString &id, QByteArray *data);
    //! Writes a record as of \a revision (the seq of the transaction writing it).
    bool writeRecord(const QString &collection, const QString &id, const QByteArray &data, qint64 revision);
    bool removeRecord(const QString &collection, const QString &id);
    //! One row of the change log; \a data is empty for a remove.
    bool appendChange(qint64 seq, int index, const QString &collection, const QString &id, const QByteArray &data);
    //! Drops the log up to and including \a floor.
    bool trimLog(qint64 floor);

    bool lastTx(const QString &clientId, qint64 *tx);
    bool setLastTx(const QString &clientId, qint64 tx);
    bool addRejection(const QString &clientId, qint64 tx, const QString &code, const QString &message);
    Lookup findRejection(const QString &clientId, qint64 tx, QString *code, QString *message);
    //! Forgets \a clientId's rejections up to and including \a upToTx, and
    //! records \a upToTx as its settled floor (see settledTx()).
    bool trimRejections(const QString &clientId, qint64 upToTx);
    //! The highest number \a clientId settled (0 if none): a resend at or
    //! below it has no outcome kept and must be refused, never answered.
    bool settledTx(const QString &clientId, qint64 *tx);

    //! Reads one collection's records ordered by id, a few at a time across
    //! event-loop passes, all as of the moment it was opened: its own
    //! connection holds one SQLite read transaction (WAL) while the server
    //! goes on writing through the main one.
    class RecordStream {
    public:
        ~RecordStream();
        RecordStream(const RecordStream &) = delete;
        RecordStream &operator=(const RecordStream &) = delete;

        //! Calls \a row (id, revision, data) for up to \a count more records;
        //! sets \a atEnd after the last. False on a database error.
        bool read(int count, const std::function<void(const QString &, qint64, const QByteArray &)> &row, bool *atEnd);
        QString errorString() const { return m_error; }

    private:
        friend class Storage;
        RecordStream() = default;

        QString m_connectionName;
        std::unique_ptr<QSqlQuery> m_query;
        bool m_hasRow = false;
        QString m_error;
    };

    //! A stream of \a collection's records; nullptr (see errorString()) on failure.
    std::unique_ptr<RecordStream> openRecordStream(const QString &collection);
    //! Calls \a row for each change of \a collection after \a seq, in log order.
    bool forEachChange(const QString &collection, qint64 seq,
        const std::function<void(qint64, const QString &, const QByteArray &)> &row);

private:
    struct Statements;

    bool exec(const QString &sql);
    bool fail(const QString &what, const QString &error);
    bool addRevisionColumn();
    bool loadState();

    QString m_connectionName;
    std::unique_ptr<Statements> m_statements;
    QString m_error;
    QString m_serverId;
    qint64 m_logFloor = 0;
    qint64 m_lastSeq = 0;
    QHash<QString, qint64> m_loggedHeads;
};

} // namespace Optimist
