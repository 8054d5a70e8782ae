// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "storage.h"

QT_BEGIN_NAMESPACE
class QSqlQuery;
QT_END_NAMESPACE

namespace Optimist {

//! The default Storage: one SQLite file (Qt SQL, WAL) that only this
//! process writes, so it never emits changesCommitted().
class SqliteStorage final : public Storage {
    Q_OBJECT

public:
    explicit SqliteStorage(const QString &path, QObject *parent = nullptr);
    ~SqliteStorage() override;

    bool open() override;
    void close() override;
    bool isOpen() const override;
    QString errorString() const override { return m_error; }

    QString serverId() const override { return m_serverId; }
    qint64 logFloor() const override { return m_logFloor; }
    qint64 lastSeq() const override { return m_lastSeq; }
    QHash<QString, qint64> loggedHeads() const override { return m_loggedHeads; }

    bool begin() override;
    bool commit() override;
    void rollback() override;
    bool savepoint() override;
    bool releaseSavepoint() override;
    void rollbackToSavepoint() override;

    Lookup readRecord(const QString &collection, const QString &id, QByteArray *data) override;
    bool writeRecord(const QString &collection, const QString &id, const QByteArray &data, qint64 revision) override;
    bool removeRecord(const QString &collection, const QString &id) override;
    //! Its own connection holds one SQLite read transaction (WAL) while the
    //! server goes on writing through the main one.
    std::unique_ptr<RecordStream> openRecordStream(const QString &collection) override;

    bool appendChange(qint64 seq, int index, const QString &collection, const QString &id, const QByteArray &data,
        const QByteArray &before) override;
    bool forEachChange(const QString &collection, qint64 after, qint64 upTo, const ChangeRow &row) override;
    bool trimLog(qint64 floor) override;

    Claim claimClient(const QString &clientId, const QString &owner) override;
    bool lastTx(const QString &clientId, qint64 *tx) override;
    bool setLastTx(const QString &clientId, qint64 tx) override;
    bool addRejection(const QString &clientId, qint64 tx, const QString &code, const QString &message) override;
    Lookup findRejection(const QString &clientId, qint64 tx, QString *code, QString *message) override;
    bool trimRejections(const QString &clientId, qint64 upToTx) override;
    bool settledTx(const QString &clientId, qint64 *tx) override;

private:
    struct Statements;
    class Stream;

    bool exec(const QString &sql);
    bool fail(const QString &what, const QString &error);
    bool createSchema();
    bool prepareStatements();
    bool addRevisionColumn();
    bool addBeforeColumn();
    bool addOwnerColumn();
    //! Whether \a table has \a column; false (and an error) if it cannot be read.
    bool hasColumn(const QString &table, const QString &column, bool *has);
    bool loadState();

    QString m_path;
    QString m_connectionName;
    std::unique_ptr<Statements> m_statements;
    QString m_error;
    QString m_serverId;
    qint64 m_logFloor = 0;
    qint64 m_lastSeq = 0;
    QHash<QString, qint64> m_loggedHeads;
};

} // namespace Optimist
