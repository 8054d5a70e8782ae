// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "session_p.h"

#include "messages_p.h"
#include "protocol_p.h"
#include "server_p.h"
#include <optimist/errorcodes.h>

#include <QtCore/QTimer>
#include <QtWebSockets/QWebSocket>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace Qt::StringLiterals;

namespace Optimist {

// How long a client is asked to wait after rate_limited: the queue drains on
// the next event-loop pass, so this only spreads the retries out.
static constexpr int RetryAfterMs = 100;

//! An error message; only rate_limited has a retryAfterMs.
static Protocol::ErrorMessage errorMessage(QLatin1StringView code, const QString &message, const QString &ref)
{
    Protocol::ErrorMessage error;
    error.code = code;
    error.message = message;
    error.ref = ref;
    error.retryAfterMs = code == ErrorCode::RateLimited ? RetryAfterMs : 0;
    return error;
}

// Frames up to this many times maxFrameBytes are read and answered with
// too_large; larger ones make Qt close the connection (1009) unread.
static constexpr quint64 HardFrameFactor = 4;

Session::Session(ServerPrivate *server, QWebSocket *socket)
    : m_server(server)
    , m_socket(socket)
{
    socket->setParent(this);
    const quint64 hardLimit = HardFrameFactor * quint64(server->config.limits().maxFrameBytes);
    socket->setMaxAllowedIncomingMessageSize(hardLimit);
    socket->setMaxAllowedIncomingFrameSize(hardLimit);
    connect(socket, &QWebSocket::textMessageReceived, this, &Session::onTextMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, &Session::onBinaryMessage);
    connect(socket, &QWebSocket::disconnected, this, [this] { m_server->removeSession(this); });
    // Queued: flush() emits it from inside pumpSnapshots().
    connect(
        socket, &QWebSocket::bytesWritten, this,
        [this] {
            if (!m_snapshots.empty())
                m_server->pumpSnapshots(this);
        },
        Qt::QueuedConnection);
    m_expiry.setSingleShot(true);
    m_expiry.setTimerType(Qt::PreciseTimer);
    m_expiry.callOnTimeout(this, &Session::watchExpiry);
    m_lastMessage.start();
    const int rate = server->config.limits().maxMessagesPerSecond;
    m_messageRate.setRate(rate, rate);
    qCDebug(lcServer) << "connection from" << socket->peerAddress() << socket->peerPort();
}

Session::~Session()
{
    m_snapshots.clear();
    // Its last signals would reach a session half gone.
    disconnect(m_socket, nullptr, this, nullptr);
    delete m_socket;
#if defined(__GLIBC__)
    // A connection closed for being too slow held up to maxQueuedBytes in
    // many blocks; glibc keeps such freed memory in its heap, so the
    // process would stay at its peak size after slow readers leave. Hand
    // it back to the system.
    if (m_tooSlow)
        malloc_trim(0);
#endif
}

qint64 Session::queuedBytes() const
{
    return m_socket->bytesToWrite();
}

void Session::cancelSnapshot(const Subscription *subscription)
{
    std::erase_if(m_snapshots, [&](const Snapshot &snapshot) { return snapshot.subscription == subscription; });
}

void Session::send(const QString &frame)
{
    if (m_tooSlow)
        return;
    // The backlog counts, not this frame: one large delta of a batch does not
    // close a client that keeps up. The kernel takes what it can first.
    const qint64 cap = m_server->config.limits().maxQueuedBytes;
    if (m_socket->bytesToWrite() > cap)
        m_socket->flush();
    if (m_socket->bytesToWrite() > cap)
        return dropTooSlow();
    m_socket->sendTextMessage(frame);
}

void Session::dropTooSlow()
{
    qCDebug(lcServer) << "closing" << m_clientId << "- more than maxQueuedBytes waiting to be sent";
    m_tooSlow = true;
    m_closing = true;
    m_snapshots.clear();
    // Later, not inside a loop over subscribers that the disconnect would
    // change. The close frame goes behind what is queued, and the abort
    // drops all of it: a peer that reads at all usually sees the connection
    // reset rather than the close code.
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_socket->close(
                QWebSocketProtocol::CloseCode(Protocol::TooSlowClose), u"too slow: output queue over maxQueuedBytes"_s);
            m_socket->abort();
        },
        Qt::QueuedConnection);
}

void Session::flush()
{
    m_socket->flush();
}

void Session::send(const QJsonObject &message)
{
    send(Protocol::encode(message));
}

void Session::sendError(QLatin1StringView code, const QString &message, const QString &ref)
{
    qCDebug(lcServer) << m_clientId << code << message;
    send(errorMessage(code, message, ref).toJson());
}

void Session::sendSubscriptionError(
    QLatin1StringView code, const QString &message, const QString &key, const QString &ref)
{
    qCDebug(lcServer) << m_clientId << key << code << message;
    Protocol::ErrorMessage error
        = errorMessage(code, message, ref.isEmpty() ? QString(Protocol::Type::Subscribe) : ref);
    if (m_protocol >= 2)
        error.subscription = key;
    send(error.toJson());
}

void Session::closeWith(quint16 code, const QString &reason)
{
    qCDebug(lcServer) << "closing" << m_clientId << code << reason;
    m_closing = true;
    m_snapshots.clear();
    m_server->listener.closing(m_socket);
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
    // The server may delete the session right away (Server::close()).
    m_socket->flush();
}

bool Session::withinRate()
{
    if (m_messageRate.take(1))
        return true;
    const int rate = m_server->config.limits().maxMessagesPerSecond;
    m_server->listener.noteAbuse(m_socket->peerAddress(), u"closed a connection: over maxMessagesPerSecond"_s);
    sendError(ErrorCode::RateLimited, u"more than %1 messages per second"_s.arg(rate));
    closeWith(Protocol::RateLimitedClose, u"rate limited"_s);
    return false;
}

void Session::onBinaryMessage()
{
    if (m_closing || !withinRate())
        return;
    // Only traffic after hello keeps a connection alive.
    if (!m_clientId.isEmpty())
        m_lastMessage.restart();
    sendError(ErrorCode::InvalidMessage, u"binary frames are not supported; send JSON text frames"_s);
}

void Session::onTextMessage(const QString &frame)
{
    if (m_closing || !withinRate())
        return;
    if (!m_clientId.isEmpty())
        m_lastMessage.restart();
    const qsizetype maxBytes = m_server->config.limits().maxFrameBytes;
    // A UTF-8 encoding is never shorter than the UTF-16 one.
    const QByteArray utf8 = frame.size() > maxBytes ? QByteArray() : frame.toUtf8();
    if (frame.size() > maxBytes || utf8.size() > maxBytes)
        return refuseLargeFrame(frame);
    QJsonObject message;
    QString problem;
    if (!Protocol::decode(utf8, &message, &problem)) {
        sendError(ErrorCode::InvalidMessage, problem);
        return;
    }
    const QString type = Protocol::messageType(message);
    if (m_clientId.isEmpty()) {
        if (type == Protocol::Type::Hello)
            handleHello(message);
        else
            sendError(ErrorCode::InvalidMessage, u"hello first"_s, type);
    } else if (type == Protocol::Type::Push) {
        handlePush(message);
    } else if (type == Protocol::Type::Subscribe) {
        handleSubscribe(message);
    } else if (type == Protocol::Type::Unsubscribe) {
        handleUnsubscribe(message);
    } else if (type == Protocol::Type::Ping) {
        if (const auto ping = Protocol::PingMessage::fromJson(message))
            send(Protocol::PongMessage { ping->id }.toJson());
    } else if (type == Protocol::Type::Pong) {
        // Only keeps the connection alive.
    } else if (type == Protocol::Type::Hello) {
        sendError(ErrorCode::InvalidMessage, u"hello was already accepted on this connection"_s, type);
    } else {
        sendError(ErrorCode::InvalidMessage, u"unknown message type '%1'"_s.arg(type), type);
    }
}

void Session::refuseLargeFrame(const QString &frame)
{
    const QString message
        = u"the message is larger than maxFrameBytes (%1)"_s.arg(m_server->config.limits().maxFrameBytes);
    // A push answered so carries the number to resend from; reading its
    // type costs a parse, but only of frames that are refused anyway.
    QJsonObject parsed;
    QString problem;
    if (!m_clientId.isEmpty() && Protocol::decode(frame, &parsed, &problem)
        && Protocol::messageType(parsed) == Protocol::Type::Push) {
        return refusePush(ErrorCode::TooLarge, message, m_server->takenTx.value(m_clientId) + 1);
    }
    sendError(ErrorCode::TooLarge, message);
}

void Session::handleHello(const QJsonObject &message)
{
    const QString ref = QString(Protocol::Type::Hello);
    const auto hello = Protocol::HelloMessage::fromJson(message);
    if (!hello)
        return sendError(ErrorCode::InvalidMessage, hello.error(), ref);

    if (hello->protocol < Protocol::OldestVersion || hello->protocol > Protocol::Version) {
        Protocol::ErrorMessage error
            = errorMessage(ErrorCode::UnsupportedProtocol, u"protocol %1 is not supported"_s.arg(hello->protocol), ref);
        for (int version = Protocol::OldestVersion; version <= Protocol::Version; ++version)
            error.supported.append(version);
        send(error.toJson());
        return closeWith(Protocol::UnsupportedProtocolClose, u"unsupported protocol"_s);
    }
    if (m_server->listener.signInLocked(m_socket->peerAddress()))
        return refuseToken(Authentication::refused(u"too many failed sign-ins from this address; try again later"_s),
            hello->clientId, ref);
    const Authentication authentication = m_server->authorizer()->authenticate(hello->clientId, hello->token);
    if (!authentication.isAccepted())
        return refuseToken(authentication, hello->clientId, ref);
    if (!claimClientId(hello->clientId, authentication.identity, ref))
        return;
    qint64 lastTx = 0;
    if (!m_server->lastTx(hello->clientId, &lastTx))
        return sendError(ErrorCode::Internal, u"cannot read the client's progress"_s, ref);

    m_clientId = hello->clientId;
    m_protocol = int(hello->protocol);
    m_lastMessage.restart();
    m_server->listener.welcomed(m_socket);
    m_identity = authentication.identity;
    m_server->claim(this, lastTx);
    // Numbers an earlier connection pushed and that are still queued count:
    // a client numbering above the processed ones alone would have its new
    // transaction answered as a resend of another.
    lastTx = m_server->takenTx.value(m_clientId);
    const ServerConfig::Limits limits = m_server->config.limits();
    // The client's own version back: it speaks that one on this connection.
    send(Protocol::WelcomeMessage { m_protocol, m_clientId, m_server->storage->serverId(), limits.heartbeatMs, lastTx,
        { limits.maxFrameBytes, limits.maxMutationsPerTransaction, limits.maxPendingPushes }, m_identity.userId }
             .toJson());
    watchExpiry();
}

bool Session::claimClientId(const QString &clientId, const Identity &identity, const QString &ref)
{
    // A clientId's ledger (lastTx, recorded rejections) belongs to the user
    // who first said hello with it: anyone else would take over its
    // numbering and read its outcomes. The answer names no owner.
    switch (m_server->storage->claimClient(clientId, identity.userId)) {
    case Storage::Claim::Granted:
        return true;
    case Storage::Claim::Taken:
        qCDebug(lcServer) << "refused client" << clientId << "to" << identity.userId << "- bound to another user";
        sendError(ErrorCode::ClientIdTaken, u"this clientId is in use by another user; use another clientId"_s, ref);
        closeWith(Protocol::ClientIdTakenClose, u"client_id_taken"_s);
        return false;
    case Storage::Claim::Failed:
        break;
    }
    qCWarning(lcServer) << "cannot bind client" << clientId << "-" << m_server->storage->errorString();
    sendError(ErrorCode::Internal, u"cannot read the client's progress"_s, ref);
    return false;
}

void Session::refuseToken(const Authentication &authentication, const QString &clientId, const QString &ref)
{
    const bool expired = authentication.result == Authentication::Result::Expired;
    const QString message = expired        ? Authentication::expired().message
        : authentication.message.isEmpty() ? u"the token was refused"_s
                                           : authentication.message;
    qCDebug(lcServer) << "refused client" << clientId << "from" << m_socket->peerAddress() << "-" << message;
    // Nothing more is read; the answer waits, so that guessing is slow (the
    // listener counts the failure and logs it, rate-limited).
    m_closing = true;
    const int delay = m_server->listener.signInFailed(m_socket->peerAddress());
    const QString reason = expired ? Protocol::CloseReason::TokenExpired : Protocol::CloseReason::Unauthorized;
    QTimer::singleShot(delay, this, [this, message, ref, reason] {
        sendError(ErrorCode::Unauthorized, message, ref);
        closeWith(Protocol::UnauthorizedClose, reason);
    });
}

void Session::watchExpiry()
{
    // Checked again when the timer fires: a timer may fire early, and one
    // interval is at most a day.
    static constexpr qint64 MaxWaitMs = 24 * 3600 * 1000;
    if (!m_identity.expiresAt.isValid() || m_closing)
        return;
    const qint64 remaining = QDateTime::currentDateTimeUtc().msecsTo(m_identity.expiresAt);
    if (remaining < 0) {
        qCInfo(lcServer) << "ending the session of" << m_clientId << "- its token expired";
        sendError(ErrorCode::Unauthorized, Authentication::expired().message);
        return closeWith(Protocol::UnauthorizedClose, Protocol::CloseReason::TokenExpired);
    }
    m_expiry.start(std::chrono::milliseconds(std::min(remaining + 1, MaxWaitMs)));
}

void Session::handleUnsubscribe(const QJsonObject &message)
{
    const QString ref = QString(Protocol::Type::Unsubscribe);
    const auto unsubscribe = Protocol::UnsubscribeMessage::fromJson(message);
    if (!unsubscribe)
        return sendError(ErrorCode::InvalidMessage, unsubscribe.error(), ref);
    if (!m_server->collection(unsubscribe->collection))
        return sendError(ErrorCode::UnknownCollection, u"unknown collection '%1'"_s.arg(unsubscribe->collection), ref);
    // The key names the subscription; a collection that is not its own is
    // a client bug, and unsubscribing anyway could end the wrong model's.
    const QString &key = unsubscribe->key();
    if (const auto held = m_subscriptions.find(key);
        held != m_subscriptions.end() && held->second->collection != unsubscribe->collection) {
        return sendSubscriptionError(ErrorCode::InvalidMessage,
            u"subscription '%1' is of collection '%2', not '%3'"_s.arg(
                key, held->second->collection, unsubscribe->collection),
            key, ref);
    }
    m_server->unsubscribe(this, key);
}

void Session::handleSubscribe(const QJsonObject &message)
{
    const QString ref = QString(Protocol::Type::Subscribe);
    const auto request = Protocol::SubscribeMessage::fromJson(message);
    if (!request) // with its key, when it has one, so the client can route it
        return sendSubscriptionError(
            ErrorCode::InvalidMessage, request.error(), Protocol::SubscribeMessage::keyOf(message));
    const QString &name = request->collection;
    if (!m_server->collection(name))
        return sendSubscriptionError(
            ErrorCode::UnknownCollection, u"unknown collection '%1'"_s.arg(name), request->key());
    if (!m_server->authorizer()->canRead(m_clientId, name))
        return sendSubscriptionError(ErrorCode::Forbidden, u"not allowed to read '%1'"_s.arg(name), request->key());
    m_server->subscribe(this, *request);
}

void Session::refusePush(QLatin1StringView code, const QString &message, qint64 expectedTx)
{
    qCDebug(lcServer) << m_clientId << "push refused:" << code << message << "expected" << expectedTx;
    Protocol::ErrorMessage error = errorMessage(code, message, QString(Protocol::Type::Push));
    error.expectedTx = expectedTx;
    send(error.toJson());
}

QueuedTransaction Session::readTransaction(const Protocol::PushTransaction &pushed) const
{
    // What is wrong inside a transaction is its reject; too many mutations
    // before a malformed one.
    const qsizetype maxMutations = m_server->config.limits().maxMutationsPerTransaction;
    QueuedTransaction transaction { const_cast<Session *>(this), m_clientId, pushed.tx, {}, m_identity, {}, {} };
    if (pushed.mutationCount > maxMutations) {
        transaction.rejectCode = ErrorCode::TooLarge;
        transaction.rejectMessage = u"more than %1 mutations in one transaction"_s.arg(maxMutations);
    } else if (!pushed.malformed.isEmpty()) {
        transaction.rejectCode = ErrorCode::InvalidMessage;
        transaction.rejectMessage = pushed.malformed;
    } else {
        transaction.mutations = pushed.mutations;
    }
    return transaction;
}

std::optional<Session::Refusal> Session::checkPushed(
    qint64 number, qint64 takenTx, qint64 resume, const QList<QueuedTransaction> &taken) const
{
    if (number < 1) // absent or not an integer ≥ 1 (Protocol::PushTransaction::tx)
        return Refusal { ErrorCode::InvalidMessage, u"each transaction needs an integer 'tx' ≥ 1"_s, resume };
    if (!taken.isEmpty() && number <= taken.constLast().tx) {
        return Refusal { ErrorCode::InvalidMessage,
            u"transaction %1 after %2: the numbers in one push must increase"_s.arg(number).arg(taken.constLast().tx),
            resume };
    }
    if (number > takenTx + 1) {
        return Refusal { ErrorCode::OutOfOrder,
            u"transaction %1 skips numbers: the next is %2"_s.arg(number).arg(takenTx + 1), takenTx + 1 };
    }
    if (const qint64 floor = m_server->settledFloor.value(m_clientId); number <= floor) {
        return Refusal { ErrorCode::InvalidMessage,
            u"transaction %1 was settled (settledTx %2): its outcome is no longer kept"_s.arg(number).arg(floor),
            resume };
    }
    const int maxPending = m_server->config.limits().maxPendingPushes;
    if (m_pending + taken.size() >= maxPending) {
        // A refused resend was not taken either: the client resends from it.
        return Refusal { ErrorCode::RateLimited,
            u"more than %1 transactions waiting on this connection"_s.arg(maxPending), number };
    }
    return std::nullopt;
}

void Session::handlePush(const QJsonObject &message)
{
    qint64 &takenTx = m_server->takenTx[m_clientId];
    const auto push = Protocol::PushMessage::fromJson(message);
    if (!push)
        return refusePush(ErrorCode::InvalidMessage, push.error(), takenTx + 1);
    if (push->settledTx)
        m_server->settle(m_clientId, *push->settledTx);

    // Taken in order up to the first transaction that cannot be taken: the
    // numbers taken stay contiguous, so no later number can jump a hole.
    QList<QueuedTransaction> taken;
    for (const Protocol::PushTransaction &pushed : push->transactions) {
        // Where the client resumes when a malformed transaction stops the
        // push: right after the last one taken from it.
        const qint64 resume = taken.isEmpty() ? takenTx + 1 : taken.constLast().tx + 1;
        if (const auto refusal = checkPushed(pushed.tx, takenTx, resume, taken)) {
            refusePush(refusal->code, refusal->message, refusal->expectedTx);
            break;
        }
        // A number at or below takenTx is a resend: queued again, answered
        // with the recorded outcome.
        takenTx = std::max(takenTx, pushed.tx);
        taken.append(readTransaction(pushed));
    }
    m_pending += int(taken.size());
    m_server->enqueue(std::move(taken));
}

} // namespace Optimist
