// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "outboxstore_p.h"
#include "recordcache_p.h"
#include "syncclient.h"

#include <optimist/change.h>
#include <optimist/listmodel.h>
#include <optimist/transaction.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QLockFile>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtWebSockets/QWebSocket>

#include <deque>

namespace Optimist {

//! A bound model and the state of its subscription.
struct Binding {
    QPointer<ListModel> model;
    QList<QMetaObject::Connection> connections;
    bool resubscribing = false; //!< waiting for the answer to a resubscribe
    QList<SnapshotRecord> snapshotRecords; //!< chunks received so far
    int nextChunk = 0;
    QString serverId; //!< the server the model's state came from (empty: none yet)
};

//! A committed transaction on its way to the server.
struct OutboxEntry {
    QPointer<Transaction> transaction;
    quint64 localId = 0;
    quint64 wireTx = 0; //!< the client's transaction number; 0 until welcomed
    QJsonObject json; //!< its mutations, encoded once
    bool inFlight = false;
};

class SyncClientPrivate {
public:
    explicit SyncClientPrivate(SyncClient *q);

    void connectNow();
    void scheduleReconnect();
    void setState(SyncClient::State state);
    void setLastError(const QString &message);
    void send(const QJsonObject &message);
    void subscribe(const QString &collection);
    void pushPending();
    //! pushPending() on the next event-loop pass, once however often asked.
    void schedulePush();
    void ensureClientId();

    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &frame);
    void onHeartbeat();
    void onCommitted(Transaction *transaction);

    void handleWelcome(const QJsonObject &message);
    void handleSnapshot(const QJsonObject &message);
    void handleDelta(const QJsonObject &message);
    void handleAck(const QJsonObject &message);
    void handleReject(const QJsonObject &message);
    void handleError(const QJsonObject &message);

    //! Reads back what an earlier run left in the storage directory, once:
    //! the outbox, and the cached collections of the bound models.
    void restoreStorage();
    //! Shows a restored transaction in the bound models, if they take it.
    void showRestored(OutboxEntry &entry);
    //! Fills \a collection's model from the cache, if it has nothing yet.
    void loadCached(const QString &collection);
    //! Writes the outbox on the next event-loop pass, once however often asked.
    void scheduleSave();
    void saveOutbox();

    OutboxEntry *outboxEntry(quint64 wireTx);
    void settle(quint64 wireTx);

    SyncClient *q;
    QUrl url;
    QString token;
    QString clientId;
    std::unique_ptr<QLockFile> clientIdLock; //!< held while this process uses the stored id
    bool active = true;
    SyncClient::State state = SyncClient::Disconnected;
    QString lastError;
    QDateTime nextRetryAt;
    int initialBackoffMs = 250;
    int maxBackoffMs = 30000;
    double backoffFactor = 2.0;

    QWebSocket *socket = nullptr;
    bool welcomed = false;
    QString serverId; //!< of the last welcome
    bool stopForGood = false; //!< refused by the server: do not retry
    int attempt = 0;
    int heartbeatMs = 15000;
    int maxInFlight = 256;
    QTimer reconnectTimer;
    QTimer heartbeatTimer;
    QElapsedTimer sinceLastMessage;
    quint64 lastTx = 0; //!< highest transaction number assigned
    bool pushScheduled = false;

    QHash<QString, Binding> bindings; //!< by collection
    std::deque<OutboxEntry> outbox; //!< in commit order
    QSslConfiguration sslConfiguration; //!< null: Qt's default
    QString storageDirectory;
    std::unique_ptr<OutboxStore> outboxStore; //!< set once restored
    std::unique_ptr<RecordCache> cache; //!< open once restored (null if it cannot be)
    bool saveScheduled = false;
    bool everWelcomed = false; //!< the storage directory is fixed from then on
};

} // namespace Optimist
