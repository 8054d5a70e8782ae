// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "ratelimit_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtNetwork/QHostAddress>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;
QT_END_NAMESPACE

namespace Optimist {

class ServerPrivate;
class Session;

//! The server's accept path (docs/security.md, "Limits and abuse"): TCP (or
//! TLS) connections are admitted here, upgraded by a QWebSocketServer and
//! handed to the server as sessions. Until a connection's hello is accepted
//! it is pending: it has deadlines, counts against maxPendingConnections
//! and its address's limits. Every connection's raw socket is watched for
//! what QWebSocket does on its own (pongs, partly received frames).
class Listener : public QObject {
public:
    explicit Listener(ServerPrivate *server);
    ~Listener() override;

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    void close();
    QTcpServer *tcpServer() const { return m_tcpServer; }

    //! \a socket's hello was accepted: no longer pending.
    void welcomed(QWebSocket *socket);
    //! The server closes \a socket: the peer has a grace period to answer
    //! the close frame, then the connection is dropped.
    void closing(QWebSocket *socket);
    //! A hello from \a address was refused; returns how long to wait before
    //! answering it.
    int signInFailed(const QHostAddress &address);
    //! Past maxFailedSignInsPerAddress in the window: a hello from \a address
    //! is refused without its token being checked, also on connections
    //! opened before the lockout (so parallel guesses get no more checks).
    bool signInLocked(const QHostAddress &address) { return lockedOut(address.toString()); }
    //! Logs an abuse, rate-limited per address and kind.
    void noteAbuse(const QHostAddress &address, const QString &what);
    //! Bytes of partly received frames, over all connections.
    qint64 partialFrameBytes() const { return m_partialBytes; }

private:
    enum class Stage { Handshake, Pending, Welcomed, Closing };
    struct Peer {
        QTcpSocket *tcp = nullptr;
        QWebSocket *socket = nullptr;
        QString address;
        Stage stage = Stage::Handshake;
        //! Since accept (Handshake), the upgrade (Pending) or the close (Closing).
        QElapsedTimer since;
        //! Read and not yet taken by QWebSocket: a partly received frame.
        qint64 leftover = 0;
        RateBucket bytes;
    };
    struct Failures {
        QElapsedTimer window;
        int count = 0;
    };

    class TcpServer;

    void takeConnections();
    bool admit(QTcpSocket *tcp);
    //! Why a connection from \a address is refused at once, if it is.
    QString refusal(const QString &address);
    //! Leaves the pending ones (once).
    void leavePending(Peer &peer);
    //! The next sweep runs within \a ms.
    void wakeIn(qint64 ms);
    //! Closes the oldest pending connection of the address with the most.
    void evictPending();
    void upgraded();
    void forget(QTcpSocket *tcp);
    void beforeRead(Peer &peer);
    void afterRead(Peer &peer);
    void closeSession(Peer &peer, quint16 code, const QString &reason);
    Session *sessionOf(const Peer &peer) const;
    bool lockedOut(const QString &address);
    //! Closes what is past a deadline; arms the timer for the next one.
    void sweep();
    qint64 checkSessions();

    ServerPrivate *m_server;
    QTcpServer *m_tcpServer = nullptr;
    QWebSocketServer *m_webSocketServer = nullptr;
    QHash<QTcpSocket *, Peer> m_peers;
    QHash<QWebSocket *, QTcpSocket *> m_tcpOf;
    QHash<QString, int> m_perAddress;
    QHash<QString, Failures> m_failures;
    int m_pending = 0;
    qint64 m_partialBytes = 0;
    //! Connections kept below the open-file limit (RLIMIT_NOFILE).
    qsizetype m_maxPeers = 0;
    QTimer m_timer;
    RateLimitedLog m_log;
};

} // namespace Optimist
