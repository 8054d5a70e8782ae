// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QTimer>

#include <optional>

#include "identity.h"
#include "ratelimit_p.h"
#include "storage.h"
#include "subscription_p.h"

#include <deque>
#include <map>
#include <memory>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Optimist {

namespace Protocol {
struct PushTransaction;
}

class ServerPrivate;
struct QueuedTransaction;

//! One client connection: the protocol state machine of docs/protocol.md
//! on top of a QWebSocket, which it owns.
class Session : public QObject {
    Q_OBJECT

public:
    Session(ServerPrivate *server, QWebSocket *socket);
    ~Session() override;

    //! A snapshot being sent a chunk at a time (Subscriptions::pumpSnapshots()).
    struct Snapshot {
        Subscription *subscription = nullptr;
        QString cursor;
        int chunk = 0;
        std::unique_ptr<Storage::RecordStream> records;
    };

    QString clientId() const { return m_clientId; }
    QWebSocket *socket() const { return m_socket; }
    //! Who the client is, as its token said at hello.
    const Identity &identity() const { return m_identity; }
    //! The protocol version the client's hello asked for (1 or 2).
    int protocol() const { return m_protocol; }
    bool isClosing() const { return m_closing; }
    //! Bytes waiting in the socket, not yet taken by the kernel.
    qint64 queuedBytes() const;
    std::deque<Snapshot> &snapshots() { return m_snapshots; }
    //! Stops sending \a subscription's snapshot, if one is under way.
    void cancelSnapshot(const Subscription *subscription);
    //! This connection's subscriptions by key.
    std::map<QString, std::unique_ptr<Subscription>> &subscriptions() { return m_subscriptions; }
    qint64 msSinceLastMessage() const { return m_lastMessage.elapsed(); }

    void send(const QString &frame);
    void send(const QJsonObject &message);
    void sendError(QLatin1StringView code, const QString &message, const QString &ref = {});
    //! An error refusing (or ending) the subscription \a key: protocol 2
    //! names it in the error's subscription. \a ref is the message's
    //! type, subscribe when empty.
    void sendSubscriptionError(
        QLatin1StringView code, const QString &message, const QString &key, const QString &ref = {});
    //! Hands what was sent to the kernel now rather than a block per
    //! event-loop pass (see FanOut::deliver()).
    void flush();
    //! Closes with a close code; the session goes away once the socket is closed.
    void closeWith(quint16 code, const QString &reason);
    //! A queued transaction of this session was answered.
    void transactionDone() { --m_pending; }
    //! Past maxQueuedBytes: closes (TooSlowClose) and drops what is queued.
    void dropTooSlow();

private:
    void onTextMessage(const QString &frame);
    void onBinaryMessage();
    //! Takes one message from the rate limit; false (and closing) past it.
    bool withinRate();
    void refuseLargeFrame(const QString &frame);
    void handleHello(const QJsonObject &message);
    //! error unauthorized, then close code 4001 with the reason of \a authentication.
    void refuseToken(const Authentication &authentication, const QString &clientId, const QString &ref);
    //! Binds \a clientId to \a identity's user, or refuses the hello
    //! (client_id_taken, or internal); false when refused.
    bool claimClientId(const QString &clientId, const Identity &identity, const QString &ref);
    //! Ends the session (4001 "token_expired") once identity().expiresAt is past.
    void watchExpiry();
    void handleSubscribe(const QJsonObject &message);
    void handleUnsubscribe(const QJsonObject &message);
    void handlePush(const QJsonObject &message);
    QueuedTransaction readTransaction(const Protocol::PushTransaction &pushed) const;
    struct Refusal {
        QLatin1StringView code;
        QString message;
        qint64 expectedTx = 0;
    };
    //! Why pushed transaction \a tx cannot be taken, if it cannot: \a resume
    //! is the expectedTx for a malformed one (right after the last one taken).
    std::optional<Refusal> checkPushed(
        qint64 tx, qint64 takenTx, qint64 resume, const QList<QueuedTransaction> &taken) const;
    //! One error answering a push, with the number to resend from.
    void refusePush(QLatin1StringView code, const QString &message, qint64 expectedTx);

    ServerPrivate *m_server;
    QWebSocket *m_socket;
    QString m_clientId;
    Identity m_identity;
    int m_protocol = 0;
    QTimer m_expiry;
    bool m_closing = false;
    //! Closed for maxQueuedBytes: nothing more is queued.
    bool m_tooSlow = false;
    std::deque<Snapshot> m_snapshots;
    //! Transactions queued and not answered yet.
    int m_pending = 0;
    std::map<QString, std::unique_ptr<Subscription>> m_subscriptions;
    //! Since the last message after hello (hello included): the heartbeat.
    QElapsedTimer m_lastMessage;
    RateBucket m_messageRate;
};

} // namespace Optimist
