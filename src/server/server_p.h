// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "fanout_p.h"
#include "listener_p.h"
#include "logging_p.h"
#include "server.h"
#include "serverstate_p.h"
#include "subscriptions_p.h"
#include "writepipeline_p.h"

#include <QtCore/QHash>

#include <atomic>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Optimist {

class Session;

//! The server behind the Server facade, in parts by job: the Listener
//! (accept path and its limits), Subscriptions (snapshots, resume, the
//! change feed), the WritePipeline (batches and the per-client ledger) and
//! the FanOut (a batch's deltas, acks and rejects). What they share is the
//! ServerState this is; what is left here is the sessions and their
//! clientIds. Session calls in through the forwarders below.
class ServerPrivate : public ServerState {
public:
    explicit ServerPrivate(Server *q);

    //! listen()'s first step: opens the storage and loads each collection's head.
    bool openStorage();

    //! Loads (and caches) what welcome reports as lastTx; false on a DB error.
    bool lastTx(const QString &clientId, qint64 *tx) { return writes.lastTx(clientId, tx); }
    //! \a session, welcomed with \a lastTx, now speaks for its clientId: an
    //! older connection of that clientId is closed (ReplacedClose).
    void claim(Session *session, qint64 lastTx);
    void settle(const QString &clientId, qint64 tx) { writes.settle(clientId, tx); }
    void subscribe(Session *session, const Protocol::SubscribeMessage &request)
    {
        subscriptions.subscribe(session, request);
    }
    void unsubscribe(Session *session, const QString &key) { subscriptions.unsubscribe(session, key); }
    void pumpSnapshots(Session *session) { subscriptions.pumpSnapshots(session); }
    void enqueue(QList<QueuedTransaction> &&transactions) { writes.enqueue(std::move(transactions)); }
    void removeSession(Session *session);
    //! A connection the listener upgraded: a session, or 4003 past maxConnections.
    void acceptConnection(QWebSocket *socket);
    //! Storage::changesCommitted(): brings every collection to \a toSeq.
    void catchUp(qint64 toSeq);

    Server *q;
    QString databasePath;
    QSslConfiguration sslConfiguration; //!< null: plain ws://
    Listener listener;
    //! Set by Server::setStorage(); not owned.
    Storage *customStorage = nullptr;
    std::unique_ptr<Storage> defaultStorage;
    QString error;

    Subscriptions subscriptions;
    FanOut fanOut;
    WritePipeline writes;
    //! The ledger, as Session reads it.
    QHash<QString, qint64> &takenTx = writes.takenTx;
    QHash<QString, qint64> &settledFloor = writes.settledFloor;

    //! The welcomed session of each connected clientId.
    QHash<QString, Session *> sessionByClient;
    QList<Session *> sessions;
    std::atomic<int> connections = 0;
};

} // namespace Optimist
