// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "authorizer.h"
#include "logging_p.h"
#include "listener_p.h"
#include "server.h"
#include "storage.h"

#include <optimist/schema.h>

#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QPointer>
#include <QtCore/QTimer>

#include <atomic>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QWebSocket;
class QWebSocketServer;
QT_END_NAMESPACE

namespace Optimist {

class Session;

//! A pushed transaction waiting for the next batch.
struct QueuedTransaction {
    QPointer<Session> session;
    QString clientId;
    qint64 tx = 0;
    QList<Mutation> mutations;
    //! Set when the session already knows the transaction must be rejected
    //! (unreadable, too large).
    QLatin1StringView rejectCode;
    QString rejectMessage;
};

class ServerPrivate {
public:
    struct Collection {
        //! What a mutation of it may hold: the model's own rules.
        Schema schema;
        //! The cursor of the latest change.
        qint64 head = 0;
        QList<Session *> subscribers;
        //! Records read or written since listen(), so that an update needs
        //! neither a SELECT nor a JSON parse. Only what is in the database
        //! (or in the open batch); dropped whenever a rollback could make it
        //! disagree.
        QHash<QString, QJsonObject> cache;
    };

    explicit ServerPrivate(Server *q);

    Collection *collection(const QString &name);
    //! listen()'s first step: opens the storage and loads each collection's head.
    bool openStorage();
    Authorizer *authorizer() const { return customAuthorizer ? customAuthorizer : defaultAuthorizer.get(); }

    //! Loads (and caches) what welcome reports as lastTx; false on a DB error.
    bool lastTx(const QString &clientId, qint64 *tx);
    //! \a session, welcomed with \a lastTx, now speaks for its clientId: an
    //! older connection of that clientId is closed (ReplacedClose).
    void claim(Session *session, qint64 lastTx);
    //! The client holds the outcome of every transaction up to \a tx: its
    //! recorded rejections up to there can go (with the next batch).
    void settle(const QString &clientId, qint64 tx);

    void subscribe(Session *session, const QString &collection, const QString &cursor);
    void unsubscribe(Session *session, const QString &collection);
    void enqueue(QList<QueuedTransaction> &&transactions);
    void removeSession(Session *session);
    //! A connection the listener upgraded: a session, or 4003 past maxConnections.
    void acceptConnection(QWebSocket *socket);
    void processQueue();
    //! Sends the next chunks of \a session's snapshots while its socket keeps up.
    void pumpSnapshots(Session *session);
    //! Storage::changesCommitted(): brings every collection to \a toSeq.
    void catchUp(qint64 toSeq);

    Server *q;
    ServerConfig config;
    QString databasePath;
    QSslConfiguration sslConfiguration; //!< null: plain ws://
    Authorizer *customAuthorizer = nullptr;
    std::unique_ptr<Authorizer> defaultAuthorizer;
    Listener listener;
    //! Set by Server::setStorage(); not owned.
    Storage *customStorage = nullptr;
    //! The storage opened by listen(): customStorage, or the SQLite one at
    //! databasePath.
    Storage *storage = nullptr;
    std::unique_ptr<Storage> defaultStorage;
    QString error;

    QHash<QString, Collection> collections;
    QHash<QString, qint64> lastTxByClient;
    //! Per clientId, the highest tx taken (processed or queued, on any
    //! connection); the next new transaction must be this + 1.
    QHash<QString, qint64> takenTx;
    //! The welcomed session of each connected clientId.
    QHash<QString, Session *> sessionByClient;
    //! settledTx of pushes, applied with the next batch.
    QHash<QString, qint64> settled;
    //! Per clientId, the highest settledTx taken: outcomes at or below it
    //! may be forgotten, so a resend there is refused, never answered.
    QHash<QString, qint64> settledFloor;
    QList<Session *> sessions;
    QList<QueuedTransaction> queue;
    //! The highest seq (cursor) assigned.
    qint64 lastSeq = 0;
    std::atomic<qint64> applied = 0;
    std::atomic<int> connections = 0;

private:
    struct Outcome;

    Outcome process(const QueuedTransaction &pending);
    QString applyMutation(const QString &clientId, const Mutation &mutation, qint64 seq, int *index,
        QLatin1StringView *code, QHash<QString, QJsonArray> *changes, QStringList *touched);
    void forgetCached(const QList<std::pair<QString, QString>> &records);
    //! Answers a processed batch: rejects, one merged delta per collection, acks.
    void deliver(const QList<QueuedTransaction> &batch, const QList<Outcome> &outcomes);
    //! Adds \a session to the collection's live deltas.
    void follow(Session *session, const QString &name);
    //! Sends the logged changes of \a name after \a from.
    void replay(Session *session, const QString &name, qint64 from);
    //! The delta frames (one per seq) of \a name's logged changes with
    //! \a from < seq <= \a upTo, and the last one's cursor; false on a storage error.
    bool logDeltas(const QString &name, qint64 from, qint64 upTo, QStringList *deltas, qint64 *cursor = nullptr);
    void catchUp(const QString &name, Collection *c, qint64 toSeq);
    void startSnapshot(Session *session, const QString &name);
    void finishSnapshot(Session *session, const QString &name, qint64 cursor);
    //! After a failed batch: answers every queued transaction of its clients
    //! too (they were taken on top of the failed ones) and takes their
    //! numbers back to lastTx, so that nothing above it stays taken.
    void dropTaken(QList<QueuedTransaction> *batch);

    // The batch being processed: in-memory state to restore if its database
    // transaction fails.
    bool databaseFailed = false;
    QHash<QString, qint64> undoHeads;
    QHash<QString, qint64> undoLastTx;
    //! lastTx per client to write before the batch commits: one row per
    //! client and batch instead of one per transaction.
    QHash<QString, qint64> batchLastTx;
    //! Records the current transaction wrote to the cache.
    QList<std::pair<QString, QString>> txCached;
};

} // namespace Optimist
