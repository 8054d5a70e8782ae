// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "storage.h"

namespace Optimist {

/*!
    \class Optimist::Storage
    \inmodule Optimist
    \inheaderfile optimist/storage.h
    \brief Where a Server keeps its collections: records, the change log,
    each client's ledger and recorded rejections.

    The server uses SQLite at Server::databasePath() unless it is given
    another implementation with Server::setStorage(). Implement this
    interface to keep the data elsewhere (another database, several server
    processes on one database).

    \section1 Shapes

    A record is its fields as one compact JSON object in UTF-8 (\c data,
    without the id), stored and returned byte for byte. A \e seq is the
    cursor of one applied transaction: positive, increasing, shared by every
    change of that transaction; a record's \e revision is the seq that last
    wrote it. A transaction number \c tx is the client's own (1, 2, 3, … per
    clientId). Collection names and ids are the ones the server's config and
    clients use.

    \section1 Errors

    Every method that can fail returns \c false (or Lookup::Failed, or
    \nullptr) and leaves a human-readable reason in errorString(). After a
    failure inside begin() … commit() the server calls rollback() and
    rejects the batch's transactions with \c internal (retryable: nothing
    was applied); a failed read answers the client \c internal too.
    open() failing makes Server::listen() fail with errorString().

    \section1 Threading

    A storage is used from one thread, the server's, and never reentered;
    changesCommitted() must be emitted from that thread too.
*/

/*!
    \enum Optimist::Storage::Lookup

    The answer of a lookup that may find nothing.

    \value Found The item exists; the out-parameters hold it.
    \value Missing There is no such item; the out-parameters are untouched.
    \value Failed The storage failed; errorString() says why.
*/

/*!
    \enum Optimist::Storage::Claim

    claimClient()'s answer.

    \value Granted The client id is now bound to the user who asked.
    \value Taken The client id is bound to another user.
    \value Failed The storage failed; errorString() says why.
*/

/*!
    \typedef Optimist::Storage::RecordRow

    A \c{std::function<void(const QString &id, qint64 revision, const
    QByteArray &data)>} called with one record: its \c id, its \c revision
    (the seq that last wrote it) and its fields as compact JSON \c data.
*/

/*!
    \typedef Optimist::Storage::ChangeRow

    A \c{std::function<void(qint64 seq, const QString &id, const QByteArray
    &data, const std::optional<QByteArray> &before)>} called with one change
    of the log: \c seq, the record's \c id, its \c data after the change
    (empty for a remove), and \c before, the record before the change, empty
    for an insert, and \c std::nullopt for a change logged without it (by a
    version that kept none: the server then sends a filtered subscriber a
    snapshot instead).
*/

/*!
    Constructs a storage with the given \a parent.
*/
Storage::Storage(QObject *parent)
    : QObject(parent)
{
}

/*!
    Destroys the storage. The server closes it before (close()).
*/
Storage::~Storage() = default;

/*!
    \class Optimist::Storage::RecordStream
    \inmodule Optimist
    \inheaderfile optimist/storage.h
    \brief One collection's records ordered by id, read a few at a time.

    The server reads a snapshot from it across event-loop passes, chunk by
    chunk (ServerConfig::Limits::snapshotChunkRecords), while it goes on
    writing: every record as of the moment the stream was opened
    (Storage::openRecordStream()), none written since.
*/

/*!
    Destroys the stream, releasing what it holds of the database.
*/
Storage::RecordStream::~RecordStream() = default;

/*!
    \fn bool Optimist::Storage::RecordStream::read(int count, const Optimist::Storage::RecordRow &row, bool *atEnd)

    Calls \a row for up to \a count more records, in id order; sets
    \a atEnd to \c true after the last one (possibly with fewer than
    \a count, or none). Returns \c false on an error (errorString()).
*/

/*!
    \fn QString Optimist::Storage::RecordStream::errorString() const
    Returns why the last read() failed.
*/

/*!
    \fn bool Optimist::Storage::open()

    Called by Server::listen(): creates what is missing (a new database gets
    a new serverId()) and loads the state that serverId(), logFloor(),
    lastSeq() and loggedHeads() return. Returns \c false on failure
    (errorString()); listen() then fails with that reason.
*/

/*!
    \fn void Optimist::Storage::close()
    Called by Server::close(); also undoes an open transaction.
*/

/*!
    \fn bool Optimist::Storage::isOpen() const
    Returns whether the storage is open: between a successful open() and
    close().
*/

/*!
    \fn QString Optimist::Storage::errorString() const
    Returns a human-readable reason for the last failure.
*/

/*!
    \fn QString Optimist::Storage::serverId() const

    Returns the id that names this database to clients (the welcome's
    \c serverId): the same for every process serving it and across
    restarts, new when the data is new. Clients drop their cached copies of
    another server's data.
*/

/*!
    \fn qint64 Optimist::Storage::logFloor() const
    Returns the seq up to which the change log was trimmed (trimLog()); every
    change with a seq above it is still in the log. 0 for new data.
*/

/*!
    \fn qint64 Optimist::Storage::lastSeq() const
    Returns the highest seq ever assigned, as of open(); 0 for new data.
    The server assigns the next ones itself.
*/

/*!
    \fn QHash<QString, qint64> Optimist::Storage::loggedHeads() const
    Returns, per collection, the seq of its latest change still in the log,
    as of open(). A collection without one starts at logFloor().
*/

/*!
    \fn bool Optimist::Storage::begin()

    Starts one database transaction for a batch of client transactions:
    what is written between begin() and commit() becomes visible all at once
    or not at all. Returns \c false on failure.
*/

/*!
    \fn bool Optimist::Storage::commit()
    Commits what was written since begin(). Returns \c false on failure; the
    server then calls rollback().
*/

/*!
    \fn void Optimist::Storage::rollback()
    Undoes what was written since begin(), after a failure.
*/

/*!
    \fn bool Optimist::Storage::savepoint()

    Sets a savepoint inside begin() … commit(), one at a time: the server
    sets one before each client transaction of several mutations, so that a
    rejected one is undone alone. Returns \c false on failure.
*/

/*!
    \fn bool Optimist::Storage::releaseSavepoint()
    Keeps what was written since savepoint(), and ends the savepoint.
    Returns \c false on failure.
*/

/*!
    \fn void Optimist::Storage::rollbackToSavepoint()
    Undoes what was written since savepoint(), and ends the savepoint.
*/

/*!
    \fn Optimist::Storage::Lookup Optimist::Storage::readRecord(const QString &collection, const QString &id, QByteArray *data)
    Looks up record \a id of \a collection; when it is Lookup::Found, sets
    \a data to its fields as compact JSON.
*/

/*!
    \fn bool Optimist::Storage::writeRecord(const QString &collection, const QString &id, const QByteArray &data, qint64 revision)
    Inserts or replaces record \a id of \a collection with the fields
    \a data (compact JSON), written by the transaction \a revision (a seq). Returns \c false on
    failure.
*/

/*!
    \fn bool Optimist::Storage::removeRecord(const QString &collection, const QString &id)
    Removes record \a id of \a collection; removing a missing record is no
    error. Returns \c false on failure.
*/

/*!
    \fn std::unique_ptr<Optimist::Storage::RecordStream> Optimist::Storage::openRecordStream(const QString &collection)
    Returns a stream of \a collection's records as of now, ordered by id;
    \nullptr on failure.
*/

/*!
    \fn bool Optimist::Storage::appendChange(qint64 seq, int index, const QString &collection, const QString &id, const QByteArray &data, const QByteArray &before)

    Appends change number \a index (from 0) of the transaction \a seq to the
    log: record \a id of \a collection became \a data (empty for a remove);
    \a before is the record before the change (empty for an insert), which
    decides which filtered subscriptions saw it leave. Returns \c false on
    failure.
*/

/*!
    \fn bool Optimist::Storage::forEachChange(const QString &collection, qint64 after, qint64 upTo, const Optimist::Storage::ChangeRow &row)
    Calls \a row for each change of \a collection with \a after < seq <=
    \a upTo, in log order (seq, then index). Returns \c false on failure.
*/

/*!
    \fn bool Optimist::Storage::trimLog(qint64 floor)

    Drops the log up to and including \a floor, which becomes logFloor().
    The server calls it inside a batch when the log holds more than
    ServerConfig::Limits::changeLogRetention entries and 1/16 of it.
    Returns \c false on failure.
*/

/*!
    \fn Optimist::Storage::Claim Optimist::Storage::claimClient(const QString &clientId, const QString &owner)
    Binds \a clientId to \a owner (the user id; empty for a session without
    one) when it is bound to nobody yet, atomically: Granted when it is now
    bound to \a owner, Taken when it is bound to another. Everything kept
    per client id (lastTx, rejections, the settled floor) is then only ever
    reached by its owner. setLastTx() keeps the owner.
*/

/*!
    \fn bool Optimist::Storage::lastTx(const QString &clientId, qint64 *tx)
    Sets \a tx to the last transaction number of \a clientId the server
    processed (applied or rejected); 0 for a client never seen. Returns
    \c false on failure.
*/

/*!
    \fn bool Optimist::Storage::setLastTx(const QString &clientId, qint64 tx)
    Records \a tx as the last processed transaction number of \a clientId.
    Returns \c false on failure.
*/

/*!
    \fn bool Optimist::Storage::addRejection(const QString &clientId, qint64 tx, const QString &code, const QString &message)
    Records that transaction \a tx of \a clientId was rejected with error
    \a code and \a message, so that a resend is answered alike. Returns
    \c false on failure.
*/

/*!
    \fn Optimist::Storage::Lookup Optimist::Storage::findRejection(const QString &clientId, qint64 tx, QString *code, QString *message)
    Looks up the rejection recorded for transaction \a tx of \a clientId;
    when it is Lookup::Found, sets \a code and \a message. Missing means the
    transaction was applied.
*/

/*!
    \fn bool Optimist::Storage::trimRejections(const QString &clientId, qint64 upToTx)
    Forgets \a clientId's rejections up to and including \a upToTx (the
    client's \c settledTx: it has taken their outcomes), and records
    \a upToTx as its settled floor. Returns \c false on failure.
*/

/*!
    \fn bool Optimist::Storage::settledTx(const QString &clientId, qint64 *tx)
    Sets \a tx to the highest settled floor of \a clientId (0 if none): a
    resend at or below it has no outcome kept, and the server refuses it
    (\c invalid_message). Returns \c false on failure.
*/

/*!
    \fn void Optimist::Storage::changesCommitted(qint64 fromSeq, qint64 toSeq)

    The change feed: emit it when someone other than this server (another
    process on the same database) committed changes with \a fromSeq < seq <=
    \a toSeq, which are now in the log.

    The server answers after its current batch (the connection is queued,
    so this may be emitted from inside a call): each collection reads its
    log from its own head up to \a toSeq (forEachChange()) and sends that to
    its subscribers, forgets its cached records, and raises its highest seq
    to \a toSeq; a collection whose log was trimmed past its head sends its
    subscribers a new snapshot. Announcing again what the server has sends
    nothing.

    \a toSeq is a watermark: emit it only once every seq at or below it has
    committed or never will. Seqs may be assigned before commit, so a lower
    seq can commit after a higher one is visible; announcing past it would
    make every subscriber skip it for good. Emit in increasing order, each
    \a fromSeq the previous \a toSeq. A storage only this server writes
    (SQLite in one process) never emits it.
*/

} // namespace Optimist
