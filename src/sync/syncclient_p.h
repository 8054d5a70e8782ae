// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "messages_p.h"
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
    //! Its push form, as the storage directory keeps it, encoded once:
    //! pushes are built and measured from it.
    Protocol::EncodedTransaction push;
    bool inFlight = false;
    bool sentAlone = false; //!< in flight in a push of its own
    bool sendAlone = false; //!< the server could not read a push holding it
};

//! An outbox entry refused by the client itself, and why.
struct LocalRefusal {
    OutboxEntry entry;
    QString message;
};

//! The limits of the server's last welcome (docs/protocol.md, "Limits").
struct ServerLimits {
    qint64 maxFrameBytes = 1048576;
    qsizetype maxMutationsPerTransaction = 1000;
    int maxPendingPushes = 256;
};

class SyncClientPrivate {
public:
    explicit SyncClientPrivate(SyncClient *q);

    void connectNow();
    void scheduleReconnect();
    void setState(SyncClient::State state);
    void setErrorString(const QString &message);
    //! Why the connection that just closed ended, for errorString.
    void explainClose(QWebSocketProtocol::CloseCode code, const QString &reason);
    void send(const QJsonObject &message);
    void subscribe(const QString &collection);
    void pushPending();
    void sendPush(const QList<OutboxEntry *> &batch, quint64 settled);
    //! The highest number N such that every transaction ≤ N is settled.
    quint64 settledOutbox() const;
    //! What a push may send as settledTx: settledOutbox(), but with a storage
    //! directory no more than the last saved outbox says.
    quint64 settledTx() const;
    //! Why \a entry, numbered \a tx, can never reach the server under its
    //! limits (empty: it can).
    QString tooLargeReason(const OutboxEntry &entry, quint64 tx) const;
    //! Numbers the outbox at a welcome: what was never sent gets numbers
    //! above \a serverLastTx; what can never fit is refused first.
    void numberOutbox(quint64 serverLastTx);
    //! Renumbers every entry numbered \a first or above (none of which the
    //! server took) contiguously from \a first, in outbox order.
    void renumberFrom(quint64 first);
    void setNumber(OutboxEntry &entry, quint64 tx);
    //! Settles \a entries (taken out of the outbox already) as refused
    //! here, with \a code. Last, since rolling back runs the app's code.
    void refuseLocally(QList<LocalRefusal> entries, QLatin1StringView code);
    //! An error answering a push, with the number the server takes next.
    void handlePushRefusal(const QString &code, const QString &text, quint64 expectedTx, int retryAfterMs);
    //! Holds every push until the server answered all sent so far.
    void awaitServer();
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
    void handlePing(const QJsonObject &message);
    void handlePong(const QJsonObject &message);

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
    QString errorString;
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
    ServerLimits limits;
    bool knowsLimits = false; //!< a welcome told them (kept for offline commits)
    QTimer reconnectTimer;
    QTimer heartbeatTimer;
    QTimer healthyTimer; //!< a welcomed connection that lasts this long resets the backoff
    QTimer retryTimer; //!< pushes wait for it after rate_limited
    qint64 pingId = 0;
    qint64 barrierPing = 0; //!< pushes wait for the pong of this ping (0: none)
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
    quint64 savedSettledTx = 0; //!< settledOutbox() at the last successful save
    bool everWelcomed = false; //!< the storage directory is fixed from then on
};

} // namespace Optimist
