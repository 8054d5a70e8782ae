// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "backoff_p.h"
#include "clientidentity_p.h"
#include "messages_p.h"
#include "offlinestorage_p.h"
#include "outbox_p.h"
#include "subscriptions_p.h"
#include "syncclient.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonObject>
#include <QtCore/QTimer>
#include <QtWebSockets/QWebSocket>

namespace Optimist {

//! SyncClient's state, in parts that each do one job and know no socket
//! (ClientIdentity, Backoff, Subscriptions, Outbox, OfflineStorage), tied
//! together here. The client's own code is in one file per job:
//! connection.cpp (the socket, heartbeat and reconnecting), dispatch.cpp
//! (the server's messages, to the parts and the models), outboxsender.cpp
//! (committed transactions to pushes, and the answers to them),
//! offlinestorage.cpp (restoring and saving), syncclient.cpp (the facade).
class SyncClientPrivate {
public:
    explicit SyncClientPrivate(SyncClient *q);

    // connection.cpp
    void connectNow();
    //! Stops a scheduled reconnection; nextRetryAt becomes invalid.
    void cancelRetry();
    void scheduleReconnect();
    void setState(SyncClient::State state);
    void setErrorString(const QString &message);
    //! errorString, and errorOccurred(connection_failed) when it is news.
    void connectionFailed(const QString &message);
    //! The current attempt got a TCP connection to the server.
    bool reachedServer = false;
    //! Why the connection that just closed ended, for errorString.
    void explainClose(QWebSocketProtocol::CloseCode code, const QString &reason);
    bool isConnected() const;
    void send(const QJsonObject &message);
    void onConnected();
    void onDisconnected();
    void onHeartbeat();
    //! No welcome within connectTimeoutMs of the attempt's start: gives it up.
    void onConnectTimeout();
    //! Cuts the socket loose (no more signals from it) and aborts it.
    void dropSocket();
    void ensureClientId();

    // dispatch.cpp
    void onTextMessage(const QString &frame);
    void handleWelcome(const QJsonObject &message);
    void takeLimits(const Protocol::WelcomeLimits &announced);
    //! Subscribes \a key's model, if it can (welcomed, a valid filter).
    void subscribe(const QString &key);
    //! \a model's filter or params changed: subscribe again without a
    //! cursor (the rows were diffed already), or unsubscribe an invalid one.
    void onFilterChanged(ListModel *model);
    //! The server refused a subscription: its model says why. False if
    //! the error names no bound model's subscription.
    bool refuseSubscription(const Protocol::ErrorMessage &error);
    void handleSnapshot(const QJsonObject &message);
    void handleDelta(const QJsonObject &message);
    void handleAck(const QJsonObject &message);
    void handleReject(const QJsonObject &message);
    void handleError(const QJsonObject &message);
    void handlePing(const QJsonObject &message);
    void handlePong(const QJsonObject &message);

    // outboxsender.cpp
    void onCommitted(Transaction *transaction);
    //! Numbers the outbox at a welcome (Outbox::numberAtWelcome()).
    void numberOutbox(quint64 serverLastTx);
    //! At a welcome: rolls back what another user made (user_changed).
    void dropOtherUsersEdits(quint64 serverLastTx);
    void pushPending();
    void sendPush(const QList<OutboxEntry *> &batch, quint64 settled);
    //! pushPending() on the next event-loop pass, once however often asked.
    void schedulePush();
    //! Holds every push until the server answered all sent so far.
    void awaitServer();
    //! An error answering a push, with the number the server takes next.
    void handlePushRefusal(const QString &code, const QString &text, quint64 expectedTx, int retryAfterMs);
    //! Settles \a entries (taken out of the outbox already) as refused
    //! here, with \a code. Last, since rolling back runs the app's code.
    void refuseLocally(const QList<LocalRefusal> &entries, QLatin1StringView code);
    void settle(quint64 wireTx);

    // offlinestorage.cpp
    //! Reads back what an earlier run left in the storage directory, once:
    //! the outbox, and the cached collections of the bound models.
    void restoreStorage();
    //! Shows a restored transaction in the bound models, if they take it.
    void showRestored(OutboxEntry &entry);
    //! Fills \a key's model from the cache, if it has nothing yet.
    void loadCached(const QString &key);
    //! Writes the outbox on the next event-loop pass, once however often asked.
    void scheduleSave();
    void saveOutbox();
    //! storageError, and errorOccurred(storage_failed) when it is news.
    void storageFailed(const QString &problem);
    //! Clears storageError: the directory works (again).
    void storageWorks();

    // clientidtaken.cpp
    //! The server refused identity.id (client_id_taken): false if the app
    //! chose it (the client stops); else the client takes a new one, moves
    //! its files to it and reconnects at once.
    bool renewClientId();
    //! The user an edit committed now is made by: the last welcome's; before
    //! any, the one the restored outbox or the cached records are for.
    std::optional<QString> editUser() const;

    SyncClient *q;
    QUrl url;
    QString token;
    ClientIdentity identity;
    bool active = true;
    SyncClient::State state = SyncClient::Disconnected;
    QString errorString;
    QString storageError;
    bool clientIdTaken = false; //!< the server said client_id_taken on this connection
    int clientIdRenewals = 0; //!< new ids taken since the last welcome
    QDateTime nextRetryAt;
    Backoff backoff;

    QWebSocket *socket = nullptr;
    QSslConfiguration sslConfiguration; //!< null: Qt's default
    bool welcomed = false;
    bool everWelcomed = false; //!< the storage directory is fixed from then on
    QString serverId; //!< of the last welcome
    QString userId; //!< of the last welcome (empty: none)
    std::optional<QString> storedUser; //!< the last restored transaction's, before a welcome
    bool stopForGood = false; //!< refused by the server: do not retry
    int heartbeatMs = 15000;
    int connectTimeoutMs = 10000; //!< attempt → welcome (0: no bound)
    QTimer reconnectTimer;
    QTimer connectTimer; //!< bounds an attempt, up to the welcome
    QTimer heartbeatTimer;
    QTimer retryTimer; //!< pushes wait for it after rate_limited
    qint64 pingId = 0;
    qint64 barrierPing = 0; //!< pushes wait for the pong of this ping (0: none)
    QElapsedTimer sinceLastMessage;
    bool pushScheduled = false;

    Subscriptions subscriptions;
    Outbox outbox;
    OfflineStorage storage;
};

} // namespace Optimist
