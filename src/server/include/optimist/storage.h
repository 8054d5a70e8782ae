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

//! Where a Server keeps its collections: records, the change log, each
//! client's ledger (its last processed transaction) and recorded rejections.
//! The server uses SQLite at Server::databasePath() unless it is given
//! another implementation with Server::setStorage().
//!
//! Shapes: a record is its fields as one compact JSON object in UTF-8
//! (\c data), stored and returned byte for byte. A \e seq is the cursor of
//! one applied transaction: positive, increasing, shared by every change of
//! that transaction; a record's \e revision is the seq that last wrote it.
//! A transaction number \c tx is the client's own (1, 2, 3, ... per clientId).
//!
//! Errors: every method that can fail returns false (or Lookup::Failed, or
//! nullptr) and leaves a human-readable reason in errorString(). After a
//! failure inside begin() ... commit() the server calls rollback().
//!
//! Threading: a storage is used from one thread, the server's, and never
//! reentered; changesCommitted() must be emitted from that thread too.
class OPTIMIST_SERVER_EXPORT Storage : public QObject {
    Q_OBJECT

public:
    enum class Lookup { Found, Missing, Failed };
    //! claimClient()'s answer.
    enum class Claim { Granted, Taken, Failed };
    //! (id, revision, data) of one record.
    using RecordRow = std::function<void(const QString &id, qint64 revision, const QByteArray &data)>;
    //! (seq, id, data, before) of one change: \a data is empty for a
    //! remove; \a before is the record before the change, empty for an
    //! insert, and nullopt for a change logged without it (by a version
    //! that kept none: the server then sends a filtered subscriber a
    //! snapshot instead).
    using ChangeRow = std::function<void(
        qint64 seq, const QString &id, const QByteArray &data, const std::optional<QByteArray> &before)>;

    //! One collection's records ordered by id, read a few at a time across
    //! event-loop passes, all as of the moment the stream was opened, while
    //! the server goes on writing.
    class OPTIMIST_SERVER_EXPORT RecordStream {
    public:
        virtual ~RecordStream();
        //! Calls \a row for up to \a count more records; sets \a atEnd after
        //! the last. False on an error.
        virtual bool read(int count, const RecordRow &row, bool *atEnd) = 0;
        virtual QString errorString() const = 0;
    };

    explicit Storage(QObject *parent = nullptr);
    ~Storage() override;

    //! Called by Server::listen(): creates what is missing and loads the
    //! state below (serverId() to loggedHeads()).
    virtual bool open() = 0;
    //! Called by Server::close(); also undoes an open transaction.
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    virtual QString errorString() const = 0;

    //! Names this database to clients (welcome's serverId): the same for
    //! every process serving it, new when the data is new.
    virtual QString serverId() const = 0;
    //! Every change with a seq above this is still in the log.
    virtual qint64 logFloor() const = 0;
    //! The highest seq ever assigned, as of open() (0 for new data).
    virtual qint64 lastSeq() const = 0;
    //! Per collection, the seq of its latest change still in the log, as of open().
    virtual QHash<QString, qint64> loggedHeads() const = 0;

    //! One database transaction per batch of client transactions: what is
    //! written between begin() and commit() becomes visible all at once or
    //! not at all.
    virtual bool begin() = 0;
    virtual bool commit() = 0;
    virtual void rollback() = 0;
    //! One savepoint at a time, inside begin() ... commit(): undoes one
    //! client transaction of several mutations.
    virtual bool savepoint() = 0;
    virtual bool releaseSavepoint() = 0;
    virtual void rollbackToSavepoint() = 0;

    virtual Lookup readRecord(const QString &collection, const QString &id, QByteArray *data) = 0;
    //! Inserts or replaces a record as of \a revision.
    virtual bool writeRecord(const QString &collection, const QString &id, const QByteArray &data, qint64 revision) = 0;
    //! Removing a missing record is no error.
    virtual bool removeRecord(const QString &collection, const QString &id) = 0;
    //! A stream of \a collection's records; nullptr on failure.
    virtual std::unique_ptr<RecordStream> openRecordStream(const QString &collection) = 0;

    //! Appends the \a index-th change (from 0) of the transaction \a seq;
    //! \a data is empty for a remove, \a before (the record before the
    //! change, which decides who saw it leave) empty for an insert.
    virtual bool appendChange(qint64 seq, int index, const QString &collection, const QString &id,
        const QByteArray &data, const QByteArray &before)
        = 0;
    //! Calls \a row for each change of \a collection with \a after < seq <=
    //! \a upTo, in log order (seq, then index).
    virtual bool forEachChange(const QString &collection, qint64 after, qint64 upTo, const ChangeRow &row) = 0;
    //! Drops the log up to and including \a floor, which becomes logFloor().
    virtual bool trimLog(qint64 floor) = 0;

    //! Binds \a clientId to \a owner (the user id; empty for a session
    //! without one) when it is bound to nobody yet, atomically: Granted when
    //! it is now bound to \a owner, Taken when it is bound to another.
    //! Everything kept per clientId (lastTx, rejections, the settled floor)
    //! is then only ever reached by its owner. setLastTx() keeps the owner.
    virtual Claim claimClient(const QString &clientId, const QString &owner) = 0;
    //! The client's last processed transaction; 0 for a client never seen.
    virtual bool lastTx(const QString &clientId, qint64 *tx) = 0;
    virtual bool setLastTx(const QString &clientId, qint64 tx) = 0;
    //! Records why \a tx was rejected, so that a resend is answered alike.
    virtual bool addRejection(const QString &clientId, qint64 tx, const QString &code, const QString &message) = 0;
    virtual Lookup findRejection(const QString &clientId, qint64 tx, QString *code, QString *message) = 0;
    //! Forgets \a clientId's rejections up to and including \a upToTx (the
    //! client's settledTx), and records \a upToTx as its settled floor.
    virtual bool trimRejections(const QString &clientId, qint64 upToTx) = 0;
    //! The highest settled floor of \a clientId (0 if none): a resend at or
    //! below it has no outcome kept, and the server refuses it.
    virtual bool settledTx(const QString &clientId, qint64 *tx) = 0;

Q_SIGNALS:
    //! The change feed: changes that someone other than this server (another
    //! process on the same database) committed with \a fromSeq < seq <=
    //! \a toSeq are in the log. The server answers after its current batch
    //! (the connection is queued, so this may be emitted from inside a
    //! call): each collection reads its log from its own head up to \a toSeq
    //! (forEachChange()) and sends that to its subscribers, forgets its
    //! cached records, and raises its highest seq to \a toSeq; a collection
    //! whose log was trimmed past its head sends its subscribers a new
    //! snapshot. Announcing again what the server has sends nothing.
    //!
    //! \a toSeq is a watermark: emit it only once every seq at or below it
    //! has committed or never will. Seqs may be assigned before commit, so a
    //! lower seq can commit after a higher one is visible; announcing past
    //! it would make every subscriber skip it for good. Emit in increasing
    //! order, each \a fromSeq the previous \a toSeq. A storage only this
    //! server writes (SQLite in one process) never emits it.
    void changesCommitted(qint64 fromSeq, qint64 toSeq);
};

} // namespace Optimist
