// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "server.h"
#include "server_p.h"

#include "protocol_p.h"
#include "session_p.h"
#include "sqlitestorage_p.h"
#include <optimist/errorcodes.h>

#include <QtCore/QJsonDocument>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

using namespace Qt::StringLiterals;

namespace Optimist {

ServerPrivate::ServerPrivate(Server *q)
    : q(q)
    , listener(this)
    , subscriptions(this)
    , fanOut(this, q)
    , writes(this, q, [this](const auto &batch, const auto &outcomes) { fanOut.deliver(batch, outcomes); })
{
    // A child, so it follows the server to another thread.
    listener.setParent(q);
}

void ServerPrivate::claim(Session *session, qint64 lastTx)
{
    const QString &clientId = session->clientId();
    qint64 &taken = takenTx[clientId];
    taken = std::max(taken, lastTx);
    // One connection pushes for a clientId at a time. The new one is
    // recorded first: closing the old one can remove it at once
    // (removeSession()), which would take a reference into the hash with it.
    Session *previous = std::exchange(sessionByClient[clientId], session);
    if (previous && previous != session)
        previous->closeWith(Protocol::ReplacedClose, u"replaced by a newer connection"_s);
}

void ServerPrivate::acceptConnection(QWebSocket *socket)
{
    if (sessions.size() >= config.limits().maxConnections) {
        qCInfo(lcServer) << "refusing" << socket->peerAddress() << "- connection limit reached";
        QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        listener.closing(socket);
        socket->close(QWebSocketProtocol::CloseCode(Protocol::ConnectionLimitClose), u"connection limit reached"_s);
        return;
    }
    sessions.append(new Session(this, socket));
    connections = int(sessions.size());
}

void ServerPrivate::removeSession(Session *session)
{
    if (!sessions.removeOne(session))
        return;
    connections = int(sessions.size());
    if (const auto it = sessionByClient.constFind(session->clientId());
        it != sessionByClient.cend() && it.value() == session)
        sessionByClient.erase(it);
    subscriptions.removeSubscriber(session);
    session->deleteLater();
}

bool ServerPrivate::openStorage()
{
    if (!customStorage && databasePath.isEmpty()) {
        error = u"no database path set"_s;
        return false;
    }
    defaultStorage.reset();
    if (!customStorage)
        defaultStorage = std::make_unique<SqliteStorage>(databasePath);
    storage = customStorage ? customStorage : defaultStorage.get();
    if (!storage->open()) {
        error = storage->errorString();
        storage = nullptr;
        return false;
    }
    if (!loadCollections(&error)) {
        std::exchange(storage, nullptr)->close();
        return false;
    }
    writes.lastSeq = storage->lastSeq();
    return true;
}

void ServerPrivate::catchUp(qint64 toSeq)
{
    // Queued: the server may have closed since.
    if (!storage)
        return;
    subscriptions.catchUp(toSeq);
    writes.lastSeq = std::max(writes.lastSeq, toSeq);
}

Server::Server(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<ServerPrivate>(this))
{
}

Server::~Server()
{
    close();
}

ServerConfig Server::config() const
{
    return d->config;
}

void Server::setConfig(const ServerConfig &config)
{
    d->config = config;
}

QString Server::databasePath() const
{
    return d->databasePath;
}

void Server::setDatabasePath(const QString &path)
{
    d->databasePath = path;
}

Storage *Server::storage() const
{
    return d->customStorage;
}

void Server::setStorage(Storage *storage)
{
    d->customStorage = storage;
}

void Server::setAuthorizer(Authorizer *authorizer)
{
    d->customAuthorizer = authorizer;
}

bool Server::listen(const QHostAddress &address, quint16 port)
{
    if (isListening()) {
        d->error = u"already listening"_s;
        return false;
    }
    auto defaultAuthorizer = std::make_unique<TokenAuthorizer>(d->config.tokens(), d->config.jwt());
    const auto *tokenAuthorizer
        = d->customAuthorizer ? dynamic_cast<TokenAuthorizer *>(d->customAuthorizer) : defaultAuthorizer.get();
    if (tokenAuthorizer && !tokenAuthorizer->errorString().isEmpty()) {
        d->error = tokenAuthorizer->errorString();
        return false;
    }
    if (!d->openStorage())
        return false;
    d->defaultAuthorizer = std::move(defaultAuthorizer);

    if (!d->listener.listen(address, port, &d->error)) {
        std::exchange(d->storage, nullptr)->close();
        return false;
    }
    // Queued: never inside a batch, even when emitted from a storage call.
    connect(
        d->storage, &Storage::changesCommitted, this, [this](qint64, qint64 toSeq) { d->catchUp(toSeq); },
        Qt::QueuedConnection);
    d->fanOut.applied = 0;
    qCInfo(lcServer) << "listening on" << url().toString() << "database"
                     << (d->customStorage ? u"(given storage)"_s : d->databasePath) << "server id"
                     << d->storage->serverId();
    return true;
}

void Server::close()
{
    if (!isListening())
        return;
    // What was received is still answered before the connections go.
    d->writes.processQueue();
    const QList<Session *> sessions = std::exchange(d->sessions, {});
    for (Session *session : sessions) {
        session->closeWith(Protocol::GoingAway, u"server shutting down"_s);
        delete session;
    }
    d->connections = 0;
    d->listener.close();
    d->collections.clear();
    d->writes.clear();
    d->sessionByClient.clear();
    disconnect(d->storage, nullptr, this, nullptr);
    std::exchange(d->storage, nullptr)->close();
    qCInfo(lcServer) << "closed";
}

bool Server::isListening() const
{
    return d->listener.tcpServer() != nullptr;
}

quint16 Server::port() const
{
    return d->listener.tcpServer() ? d->listener.tcpServer()->serverPort() : 0;
}

QUrl Server::url() const
{
    const QTcpServer *tcpServer = d->listener.tcpServer();
    if (!tcpServer)
        return {};
    QUrl url;
    url.setScheme(d->sslConfiguration.isNull() ? u"ws"_s : u"wss"_s);
    url.setHost(tcpServer->serverAddress().toString());
    url.setPort(tcpServer->serverPort());
    return url;
}

QSslConfiguration Server::sslConfiguration() const
{
    return d->sslConfiguration;
}

void Server::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

QString Server::errorString() const
{
    return d->error;
}

qint64 Server::appliedTransactionCount() const
{
    return d->fanOut.applied;
}

int Server::connectionCount() const
{
    return d->connections;
}

qint64 Server::queuedBytes() const
{
    qint64 total = 0;
    for (const Session *session : std::as_const(d->sessions))
        total += session->queuedBytes();
    return total;
}

} // namespace Optimist
