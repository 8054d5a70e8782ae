// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listener_p.h"

#include "protocol_p.h"
#include "server_p.h"
#include "session_p.h"
#include <optimist/errorcodes.h>

#include <QtCore/QDir>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

#include <climits>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif

using namespace Qt::StringLiterals;

namespace Optimist {

// Failed sign-ins of an address are counted over this window.
static constexpr qint64 FailureWindowMs = 60000;
// A connection the server closed gets this long to answer the close frame.
static constexpr qint64 ClosingGraceMs = 2000;
// Descriptors kept free below RLIMIT_NOFILE for the database and the rest.
static constexpr qsizetype FdReserve = 64;
// Connections the kernel completes before the server takes them.
static constexpr int ListenBacklog = 1024;
// Frames up to this many times maxFrameBytes are read (session.cpp).
static constexpr qint64 HardFrameFactor = 4;

// Hands every socket out at once, TLS or not: a TLS handshake counts as
// part of the connection's handshake (a QSslServer would hide it until done).
class Listener::TcpServer : public QTcpServer {
public:
    TcpServer(const QSslConfiguration &ssl, QObject *parent)
        : QTcpServer(parent)
        , m_ssl(ssl)
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (m_ssl.isNull())
            return QTcpServer::incomingConnection(descriptor);
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setSslConfiguration(m_ssl);
        socket->startServerEncryption();
        addPendingConnection(socket);
    }

private:
    QSslConfiguration m_ssl;
};

static qsizetype connectionsBelowFileLimit()
{
#if defined(Q_OS_UNIX)
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > INT_MAX)
        return INT_MAX;
    const qsizetype open
        = QDir(u"/proc/self/fd"_s).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size();
    return std::max<qsizetype>(16, qsizetype(limit.rlim_cur) - open - FdReserve);
#else
    return INT_MAX;
#endif
}

Listener::Listener(ServerPrivate *server)
    : m_server(server)
{
    // A child, so it follows the server to another thread (ServerThread).
    m_timer.setParent(this);
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.callOnTimeout(this, &Listener::sweep);
}

Listener::~Listener()
{
    close();
}

bool Listener::listen(const QHostAddress &address, quint16 port, QString *error)
{
    m_tcpServer = new TcpServer(m_server->sslConfiguration, this);
    // Qt's default of 50 drops the connections of a burst in the kernel,
    // where no deadline of ours reaches them.
    m_tcpServer->setListenBacklogSize(ListenBacklog);
    if (!m_tcpServer->listen(address, port)) {
        *error = m_tcpServer->errorString();
        delete std::exchange(m_tcpServer, nullptr);
        return false;
    }
    m_webSocketServer = new QWebSocketServer(u"optimist-server"_s, QWebSocketServer::NonSecureMode, this);
    connect(m_tcpServer, &QTcpServer::newConnection, this, &Listener::takeConnections);
    connect(m_tcpServer, &QTcpServer::pendingConnectionAvailable, this, &Listener::takeConnections);
    connect(m_webSocketServer, &QWebSocketServer::newConnection, this, &Listener::upgraded);
    m_maxPeers = connectionsBelowFileLimit();
    return true;
}

void Listener::close()
{
    m_timer.stop();
    // Sockets still in their handshake go with the servers.
    for (const Peer &peer : std::as_const(m_peers))
        disconnect(peer.tcp, nullptr, this, nullptr);
    m_peers.clear();
    m_tcpOf.clear();
    m_perAddress.clear();
    m_failures.clear();
    m_pending = 0;
    m_partialBytes = 0;
    delete std::exchange(m_webSocketServer, nullptr);
    delete std::exchange(m_tcpServer, nullptr);
}

void Listener::takeConnections()
{
    while (QTcpSocket *tcp = m_tcpServer->nextPendingConnection()) {
        if (!admit(tcp))
            continue;
        // Deltas and acks are small frames that Nagle's algorithm would hold back.
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_webSocketServer->handleConnection(tcp);
    }
}

QString Listener::refusal(const QString &address)
{
    const ServerConfig::Limits limits = m_server->config.limits();
    if (m_peers.size() >= m_maxPeers && m_pending == 0)
        return u"refused a connection: near the open-file limit"_s;
    if (lockedOut(address))
        return u"refused a connection: too many failed sign-ins"_s;
    if (m_perAddress.value(address) >= limits.maxConnectionsPerAddress)
        return u"refused a connection: maxConnectionsPerAddress reached"_s;
    return {};
}

bool Listener::admit(QTcpSocket *tcp)
{
    const QString address = tcp->peerAddress().toString();
    if (const QString why = refusal(address); !why.isEmpty()) {
        m_log.note(address, why);
        tcp->abort();
        tcp->deleteLater();
        wakeIn(RateLimitedLog::IntervalMs);
        return false;
    }
    const ServerConfig::Limits limits = m_server->config.limits();
    if (m_pending >= limits.maxPendingConnections || m_peers.size() >= m_maxPeers)
        evictPending();
    Peer peer;
    peer.tcp = tcp;
    peer.address = address;
    peer.since.start();
    peer.bytes.setRate(limits.maxInboundBytesPerSecond, HardFrameFactor * limits.maxFrameBytes + 14);
    m_peers.insert(tcp, peer);
    ++m_perAddress[address];
    ++m_pending;
    // Before QWebSocket's own slot: sees what arrived before it is parsed.
    connect(tcp, &QTcpSocket::readyRead, this, [this, tcp] {
        if (const auto it = m_peers.find(tcp); it != m_peers.end())
            beforeRead(*it);
    });
    connect(tcp, &QTcpSocket::disconnected, this, [this, tcp] { forget(tcp); });
    connect(tcp, &QObject::destroyed, this, [this, tcp] { forget(tcp); });
    wakeIn(limits.handshakeTimeoutMs);
    return true;
}

void Listener::evictPending()
{
    QHash<QString, int> pendingPerAddress;
    for (const Peer &peer : std::as_const(m_peers)) {
        if (peer.stage == Stage::Handshake || peer.stage == Stage::Pending)
            ++pendingPerAddress[peer.address];
    }
    QString busiest;
    for (auto it = pendingPerAddress.cbegin(); it != pendingPerAddress.cend(); ++it) {
        if (busiest.isEmpty() || it.value() > pendingPerAddress.value(busiest))
            busiest = it.key();
    }
    Peer *oldest = nullptr;
    for (Peer &peer : m_peers) {
        if (peer.address == busiest && (peer.stage == Stage::Handshake || peer.stage == Stage::Pending)
            && (!oldest || peer.since.msecsSinceReference() < oldest->since.msecsSinceReference()))
            oldest = &peer;
    }
    if (!oldest)
        return;
    m_log.note(busiest, u"closed a connection waiting for hello: maxPendingConnections reached"_s);
    closeSession(*oldest, Protocol::ConnectionLimitClose, u"too many connections waiting for hello"_s);
}

void Listener::upgraded()
{
    while (QWebSocket *socket = m_webSocketServer->nextPendingConnection()) {
        Peer *found = nullptr;
        for (Peer &peer : m_peers) {
            if (peer.stage == Stage::Handshake && peer.tcp->peerPort() == socket->peerPort()
                && peer.tcp->peerAddress() == socket->peerAddress())
                found = &peer;
        }
        if (!found) {
            // Evicted or timed out while Qt finished the handshake.
            socket->abort();
            socket->deleteLater();
            continue;
        }
        found->socket = socket;
        m_tcpOf.insert(socket, found->tcp);
        found->stage = Stage::Pending;
        found->since.restart();
        QTcpSocket *tcp = found->tcp;
        // After QWebSocket's own slot: sees what it left and what it wrote.
        connect(tcp, &QTcpSocket::readyRead, this, [this, tcp] {
            if (const auto it = m_peers.find(tcp); it != m_peers.end())
                afterRead(*it);
        });
        wakeIn(m_server->config.limits().helloTimeoutMs);
        m_server->acceptConnection(socket);
    }
}

void Listener::leavePending(Peer &peer)
{
    if (peer.stage == Stage::Handshake || peer.stage == Stage::Pending)
        --m_pending;
}

void Listener::forget(QTcpSocket *tcp)
{
    const auto it = m_peers.find(tcp);
    if (it == m_peers.end())
        return;
    leavePending(*it);
    m_partialBytes -= it->leftover;
    m_tcpOf.remove(it->socket);
    if (--m_perAddress[it->address] <= 0)
        m_perAddress.remove(it->address);
    m_peers.erase(it);
}

void Listener::welcomed(QWebSocket *socket)
{
    if (const auto it = m_peers.find(m_tcpOf.value(socket)); it != m_peers.end() && it->stage == Stage::Pending) {
        leavePending(*it);
        it->stage = Stage::Welcomed;
    }
    wakeIn(3 * qint64(m_server->config.limits().heartbeatMs));
}

void Listener::closing(QWebSocket *socket)
{
    if (const auto it = m_peers.find(m_tcpOf.value(socket)); it != m_peers.end() && it->stage != Stage::Closing) {
        leavePending(*it);
        it->stage = Stage::Closing;
        it->since.restart();
        wakeIn(ClosingGraceMs);
    }
}

int Listener::signInFailed(const QHostAddress &address)
{
    const QString key = address.toString();
    Failures &failures = m_failures[key];
    if (!failures.window.isValid() || failures.window.hasExpired(FailureWindowMs)) {
        failures.window.start();
        failures.count = 0;
    }
    ++failures.count;
    m_log.note(key, u"failed sign-in"_s);
    wakeIn(RateLimitedLog::IntervalMs);
    // The first one is answered at once: a mistyped token is not an attack.
    return failures.count > 1 ? m_server->config.limits().failedSignInDelayMs : 0;
}

void Listener::noteAbuse(const QHostAddress &address, const QString &what)
{
    m_log.note(address.toString(), what);
    wakeIn(RateLimitedLog::IntervalMs);
}

bool Listener::lockedOut(const QString &address)
{
    const auto it = m_failures.constFind(address);
    return it != m_failures.cend() && !it->window.hasExpired(FailureWindowMs)
        && it->count >= m_server->config.limits().maxFailedSignInsPerAddress;
}

void Listener::beforeRead(Peer &peer)
{
    // During the handshake Qt bounds the request's size, the deadline its time.
    if (peer.stage == Stage::Handshake || peer.stage == Stage::Closing)
        return;
    const qint64 arrived = peer.tcp->bytesAvailable() - peer.leftover;
    if (peer.bytes.take(arrived))
        return;
    m_log.note(peer.address, u"closed a connection: over maxInboundBytesPerSecond"_s);
    closeSession(peer, Protocol::RateLimitedClose, u"more than maxInboundBytesPerSecond received"_s);
}

void Listener::afterRead(Peer &peer)
{
    const qint64 left = peer.tcp->bytesAvailable();
    m_partialBytes += left - peer.leftover;
    peer.leftover = left;
    if (peer.stage == Stage::Closing)
        return;
    const ServerConfig::Limits limits = m_server->config.limits();
    // Pongs QWebSocket wrote by itself count against the output cap too.
    if (peer.tcp->bytesToWrite() > limits.maxQueuedBytes) {
        m_log.note(peer.address, u"closed a connection: over maxQueuedBytes"_s);
        leavePending(peer);
        peer.stage = Stage::Closing;
        peer.since.restart();
        wakeIn(ClosingGraceMs);
        if (Session *session = sessionOf(peer))
            return session->dropTooSlow();
        return peer.tcp->abort();
    }
    if (left > 0 && m_partialBytes > limits.maxPartialFrameBytes) {
        m_log.note(peer.address, u"closed a connection: over maxPartialFrameBytes"_s);
        closeSession(peer, Protocol::ServerBusyClose, u"server busy: too much partly received data"_s);
    }
}

Session *Listener::sessionOf(const Peer &peer) const
{
    for (Session *session : std::as_const(m_server->sessions)) {
        if (session->socket() == peer.socket)
            return session;
    }
    return nullptr;
}

void Listener::closeSession(Peer &peer, quint16 code, const QString &reason)
{
    leavePending(peer);
    peer.stage = Stage::Closing;
    peer.since.restart();
    wakeIn(ClosingGraceMs);
    Session *session = peer.socket ? sessionOf(peer) : nullptr;
    if (!session) {
        // The peer may go right here: nothing of it is used after.
        return peer.tcp->abort();
    }
    if (code == Protocol::RateLimitedClose)
        session->sendError(ErrorCode::RateLimited, reason);
    session->closeWith(code, reason);
}

void Listener::wakeIn(qint64 ms)
{
    ms = std::clamp<qint64>(ms, 1, INT_MAX);
    if (!m_timer.isActive() || m_timer.remainingTime() > ms)
        m_timer.start(int(ms));
}

qint64 Listener::checkSessions()
{
    const qint64 limit = 3 * qint64(m_server->config.limits().heartbeatMs);
    qint64 next = LLONG_MAX;
    const QList<Session *> all = m_server->sessions;
    for (Session *session : all) {
        // Before hello the hello deadline applies.
        if (session->clientId().isEmpty() || session->isClosing())
            continue;
        const qint64 left = limit - session->msSinceLastMessage();
        if (left > 0) {
            next = std::min(next, left);
            continue;
        }
        session->closeWith(Protocol::HeartbeatTimeoutClose, u"heartbeat timeout"_s);
    }
    return next;
}

void Listener::sweep()
{
    const ServerConfig::Limits limits = m_server->config.limits();
    qint64 next = checkSessions();
    const auto due = [&next](const QElapsedTimer &since, qint64 limit) {
        const qint64 left = limit - since.elapsed();
        next = std::min(next, std::max<qint64>(left, 1));
        return left <= 0;
    };
    const QList<QTcpSocket *> sockets = m_peers.keys();
    for (QTcpSocket *tcp : sockets) {
        const auto it = m_peers.find(tcp);
        if (it == m_peers.end())
            continue;
        if (it->stage == Stage::Handshake && due(it->since, limits.handshakeTimeoutMs)) {
            m_log.note(it->address, u"closed a connection: no handshake within handshakeTimeoutMs"_s);
            tcp->abort();
            forget(tcp);
        } else if (it->stage == Stage::Pending && due(it->since, limits.helloTimeoutMs)) {
            closeSession(*it, Protocol::HelloTimeoutClose, u"no hello within helloTimeoutMs"_s);
        } else if (it->stage == Stage::Closing && due(it->since, ClosingGraceMs)) {
            tcp->abort();
            forget(tcp);
        }
    }
    m_failures.removeIf([](const auto &it) { return it.value().window.hasExpired(FailureWindowMs); });
    if (const qint64 logs = m_log.flush(); logs >= 0)
        next = std::min(next, logs);
    if (next != LLONG_MAX)
        wakeIn(next);
}

} // namespace Optimist
