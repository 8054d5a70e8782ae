// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistserver_export.h>

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>
#include <memory>
#include <optional>

namespace Optimist {

class OPTIMIST_SERVER_EXPORT Storage : public QObject {
    Q_OBJECT

public:
    enum class Lookup { Found, Missing, Failed };
    enum class Claim { Granted, Taken, Failed };
    using RecordRow = std::function<void(const QString &id, qint64 revision, const QByteArray &data)>;
    using ChangeRow = std::function<void(
        qint64 seq, const QString &id, const QByteArray &data, const std::optional<QByteArray> &before)>;

    class OPTIMIST_SERVER_EXPORT RecordStream {
    public:
        virtual ~RecordStream();
        virtual bool read(int count, const RecordRow &row, bool *atEnd) = 0;
        virtual QString errorString() const = 0;
    };

    explicit Storage(QObject *parent = nullptr);
    ~Storage() override;

    virtual bool open() = 0;
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    virtual QString errorString() const = 0;

    virtual QString serverId() const = 0;
    virtual qint64 logFloor() const = 0;
    virtual qint64 lastSeq() const = 0;
    virtual QHash<QString, qint64> loggedHeads() const = 0;

    virtual bool begin() = 0;
    virtual bool commit() = 0;
    virtual void rollback() = 0;
    virtual bool savepoint() = 0;
    virtual bool releaseSavepoint() = 0;
    virtual void rollbackToSavepoint() = 0;

    virtual Lookup readRecord(const QString &collection, const QString &id, QByteArray *data) = 0;
    virtual bool writeRecord(const QString &collection, const QString &id, const QByteArray &data, qint64 revision) = 0;
    virtual bool removeRecord(const QString &collection, const QString &id) = 0;
    virtual std::unique_ptr<RecordStream> openRecordStream(const QString &collection) = 0;

    virtual bool appendChange(qint64 seq, int index, const QString &collection, const QString &id,
        const QByteArray &data, const QByteArray &before)
        = 0;
    virtual bool forEachChange(const QString &collection, qint64 after, qint64 upTo, const ChangeRow &row) = 0;
    virtual bool trimLog(qint64 floor) = 0;

    virtual Claim claimClient(const QString &clientId, const QString &owner) = 0;
    virtual bool lastTx(const QString &clientId, qint64 *tx) = 0;
    virtual bool setLastTx(const QString &clientId, qint64 tx) = 0;
    virtual bool addRejection(const QString &clientId, qint64 tx, const QString &code, const QString &message) = 0;
    virtual Lookup findRejection(const QString &clientId, qint64 tx, QString *code, QString *message) = 0;
    virtual bool trimRejections(const QString &clientId, qint64 upToTx) = 0;
    virtual bool settledTx(const QString &clientId, qint64 *tx) = 0;

Q_SIGNALS:
    void changesCommitted(qint64 fromSeq, qint64 toSeq);
};

} // namespace Optimist
