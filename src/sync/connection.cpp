// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// SyncClient's connection: the socket, the heartbeat, and reconnecting with
// Backoff's waits.
#include "logging_p.h"
#include "protocol_p.h"
#include "syncclient_p.h"

#include <optimist/errorcodes.h>
#include <optimist/listmodelfeed.h>

#include <QtCore/QLocale>
#include <QtCore/QRandomGenerator>
#include <QtNetwork/QTcpSocket>

using namespace Qt::StringLiterals;

namespace Optimist {

void SyncClientPrivate::setState(SyncClient::State newState)
{
    if (state == newState)
        return;
    state = newState;
    Q_EMIT q->stateChanged();
}

void SyncClientPrivate::setErrorString(const QString &message)
{
    if (errorString == message)
        return;
    errorString = message;
    Q_EMIT q->errorStringChanged();
}

void SyncClientPrivate::ensureClientId()
{
    if (!identity.ensure(storage.directory))
        return;
    Q_EMIT q->clientIdChanged();
    // A directory that cannot be used is reported as such by restoreStorage().
    if (!identity.errorString.isEmpty() && storage.directoryProblem().isEmpty())
        storageFailed(identity.errorString);
}

void SyncClientPrivate::connectNow()
{
    if (!active || !url.isValid() || stopForGood)
        return;
    ensureClientId();
    restoreStorage();
    cancelRetry();
    dropSocket();
    socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    if (!sslConfiguration.isNull())
        socket->setSslConfiguration(sslConfiguration);
    // Why a connection failed, for errorString (the welcome clears it). The
    // error may come after disconnected(), which clears socket and cuts its
    // connections to q: so this one is the socket's own, and asks it.
    QWebSocket *attempt = socket;
    QObject::connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), attempt,
        [this, attempt](QAbstractSocket::SocketError error) {
            // A close by the server is explained by its error frame or close code.
            if (error == QAbstractSocket::RemoteHostClosedError || (socket && socket != attempt))
                return;
            const QString reason = attempt->errorString();
            connectionFailed(error == QAbstractSocket::SslHandshakeFailedError ? u"TLS: "_s + reason : reason);
        });
    QObject::connect(socket, &QWebSocket::connected, q, [this] { onConnected(); });
    QObject::connect(socket, &QWebSocket::disconnected, q, [this] { onDisconnected(); });
    QObject::connect(
        socket, &QWebSocket::textMessageReceived, q, [this](const QString &frame) { onTextMessage(frame); });
    setState(backoff.attempt() == 0 ? SyncClient::Connecting : SyncClient::Reconnecting);
    qCDebug(lcSync) << "connecting to" << url << "attempt" << backoff.attempt();
    socket->open(url);
    if (connectTimeoutMs > 0)
        connectTimer.start(connectTimeoutMs);
    // Whether the server was reached at all, to explain a failure.
    reachedServer = false;
    if (auto *tcp = socket->findChild<QAbstractSocket *>())
        QObject::connect(tcp, &QAbstractSocket::connected, q, [this] { reachedServer = true; });
}

void SyncClientPrivate::cancelRetry()
{
    reconnectTimer.stop();
    if (nextRetryAt.isValid()) {
        nextRetryAt = {};
        Q_EMIT q->nextRetryAtChanged();
    }
}

void SyncClientPrivate::scheduleReconnect()
{
    if (!active || stopForGood) {
        setState(SyncClient::Disconnected);
        return;
    }
    const int delay = backoff.nextDelay(*QRandomGenerator::global());
    nextRetryAt = QDateTime::currentDateTimeUtc().addMSecs(delay);
    Q_EMIT q->nextRetryAtChanged();
    setState(SyncClient::Reconnecting);
    reconnectTimer.start(delay);
}

bool SyncClientPrivate::isConnected() const
{
    return socket && socket->state() == QAbstractSocket::ConnectedState;
}

void SyncClientPrivate::send(const QJsonObject &message)
{
    if (isConnected())
        socket->sendTextMessage(Protocol::encode(message));
}

void SyncClientPrivate::onConnected()
{
    // Small frames both ways: without this, Nagle's algorithm and delayed
    // ACKs hold a push or an answer back for milliseconds.
    if (auto *tcp = socket->findChild<QTcpSocket *>())
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    sinceLastMessage.start();
    send(Protocol::HelloMessage { Protocol::Version, identity.id, token }.toJson());
}

void SyncClientPrivate::onDisconnected()
{
    const auto closeCode = socket ? socket->closeCode() : QWebSocketProtocol::CloseCodeNormal;
    const QString reason = socket ? socket->closeReason() : QString();
    qCDebug(lcSync) << "disconnected" << closeCode << reason;
    heartbeatTimer.stop();
    retryTimer.stop();
    connectTimer.stop();
    backoff.connectionDown();
    barrierPing = 0;
    if (int(closeCode) == Protocol::UnsupportedProtocolClose || int(closeCode) == Protocol::UnauthorizedClose)
        stopForGood = true; // retrying cannot help; errorString says why
    // Not again with this clientId: a new one at once, or stop if the app chose it.
    const bool taken = std::exchange(clientIdTaken, false) || int(closeCode) == Protocol::ClientIdTakenClose;
    const bool renewed = taken && renewClientId();
    // Another connection with this client id is in use: reconnecting would
    // knock it off in turn, forever (docs/protocol.md, close code 4005).
    const bool replaced = active && int(closeCode) == Protocol::ReplacedClose;
    if (replaced) {
        stopForGood = true;
        setErrorString(u"another connection with this client id (%1) replaced this one; not reconnecting. "
                       "Give each running client its own clientId"_s.arg(identity.id));
    }
    // Told once the client is settled, so that a slot may call setToken().
    const bool tokenExpired
        = int(closeCode) == Protocol::UnauthorizedClose && reason == Protocol::CloseReason::TokenExpired;
    if (active && !renewed)
        explainClose(closeCode, reason);
    welcomed = false;
    outbox.resendAll(true);
    subscriptions.connectionLost();
    if (socket) {
        socket->disconnect(q);
        socket->deleteLater();
        socket = nullptr;
    }
    if (!active || stopForGood)
        setState(SyncClient::Disconnected);
    else if (renewed)
        reconnectTimer.start(0);
    else
        scheduleReconnect();
    if (stopForGood) {
        // Nothing will load until the app acts (a new token, url, open()).
        for (const Binding &binding : std::as_const(subscriptions.bindings)) {
            if (binding.model)
                ListModelFeed(binding.model).setLoading(false);
        }
    }
    if (tokenExpired)
        Q_EMIT q->tokenExpired();
    if (replaced)
        Q_EMIT q->errorOccurred(ErrorCode::Replaced, errorString);
}

void SyncClientPrivate::explainClose(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    // The server's error frame says more than its close code 4000/4001.
    if (stopForGood && !errorString.isEmpty())
        return;
    if (code != QWebSocketProtocol::CloseCodeNormal || !reason.isEmpty()) {
        setErrorString(u"the server closed the connection: %1 %2"_s.arg(int(code)).arg(reason).trimmed());
        return;
    }
    if (!errorString.isEmpty()) // a socket error, a lost heartbeat: said already
        return;
    if (welcomed) {
        setErrorString(u"the connection was lost"_s);
        return;
    }
    // A connection that never got through (refused, no route, no such
    // host) is explained by the socket's error, which follows.
    if (!reachedServer)
        return;
    if (url.scheme() == u"wss"_s) // the TLS handshake was cut: a plain server
        connectionFailed(
            u"TLS: the server closed the connection during the TLS handshake; does it serve wss:// (TLS) on %1?"_s.arg(
                url.toDisplayString()));
    else // the HTTP upgrade was cut: e.g. a TLS port
        connectionFailed(
            u"the connection closed before the server's welcome; if the server uses TLS, connect with wss://"_s);
}

void SyncClientPrivate::connectionFailed(const QString &message)
{
    if (message == errorString)
        return; // each retry that fails alike is told once
    setErrorString(message);
    Q_EMIT q->errorOccurred(ErrorCode::ConnectionFailed, message);
}

void SyncClientPrivate::dropSocket()
{
    if (!socket)
        return;
    // Every connection, the error handler's on the socket itself included.
    QObject::disconnect(socket, nullptr, nullptr, nullptr);
    socket->abort();
    socket->deleteLater();
    socket = nullptr;
}

void SyncClientPrivate::onConnectTimeout()
{
    if (welcomed || !socket)
        return;
    // A TCP connection that never became a WebSocket, or a WebSocket that
    // never got a welcome: neither the socket nor the heartbeat would notice.
    const QString stage = !reachedServer                     ? u"no connection"_s
        : socket->state() == QAbstractSocket::ConnectedState ? u"no welcome after the WebSocket handshake"_s
                                                             : u"no WebSocket handshake"_s;
    qCDebug(lcSync) << "no welcome within" << connectTimeoutMs << "ms:" << stage;
    connectionFailed(u"the server at %1 did not answer within %2 s (%3)"_s.arg(
        url.toDisplayString(), QLocale::c().toString(connectTimeoutMs / 1000.0), stage));
    dropSocket();
    onDisconnected(); // no signal from the dropped socket: reconnects with the backoff
}

/*!
    \property Optimist::SyncClient::connectTimeoutMs
    \brief how long a connection attempt may take, up to the server's
    welcome, in milliseconds.

    10000 (10 s) by default; 0 (or less) sets no bound. An attempt that has
    no welcome by then (the host does not answer, the server accepts the
    TCP connection but never completes the WebSocket handshake, or completes
    it and never sends \c welcome) is given up: errorString says "the server
    at <url> did not answer within <n> s" and at which stage,
    errorOccurred() tells it with code \c connection_failed (once, not at
    every retry that fails alike), and the client retries with the backoff
    (state Reconnecting). Takes effect at the next attempt.

    \sa initialBackoffMs, errorString
*/
int SyncClient::connectTimeoutMs() const
{
    return d->connectTimeoutMs;
}

void SyncClient::setConnectTimeoutMs(int ms)
{
    ms = std::max(0, ms);
    if (d->connectTimeoutMs == ms)
        return;
    d->connectTimeoutMs = ms;
    Q_EMIT connectTimeoutMsChanged();
}

void SyncClientPrivate::onHeartbeat()
{
    if (sinceLastMessage.elapsed() > 2 * heartbeatMs) {
        qCDebug(lcSync) << "heartbeat lost; reconnecting";
        setErrorString(u"the server stopped answering"_s);
        if (socket)
            socket->abort(); // emits disconnected → reconnect
        return;
    }
    send(Protocol::PingMessage {}.toJson());
}

} // namespace Optimist
