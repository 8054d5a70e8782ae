// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "server.h"
#include "server_p.h"

#include "protocol_p.h"
#include "serverlimits_p.h"
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

/*!
    \class Optimist::Server
    \inmodule Optimist
    \inheaderfile optimist/server.h
    \brief The reference Optimist server: a WebSocket server storing its
    collections in SQLite, or in a given Storage.

    It speaks the protocol of docs/protocol.md: it welcomes clients whose
    token its Authorizer accepts, sends snapshots and deltas of the
    collections of its ServerConfig, checks and applies pushed transactions
    (the schema, the collections' rules, the Authorizer's hooks) and answers
    each with an ack or a reject, and enforces the config's limits.

    A server lives in the thread that created it and opens its storage there;
    ServerThread runs one on a thread of its own, so that an application
    embedding it never waits on the database in its UI thread. The
    \c optimist-server executable runs one from a JSON config file
    (ServerConfig::fromFile()).

    \code
    Optimist::Server server;
    server.setConfig(Optimist::ServerConfig::fromFile(u"server.json"_s));
    server.setDatabasePath(u"data.sqlite"_s);
    if (!server.listen(QHostAddress::Any, 8080))
        qCritical() << server.errorString();
    \endcode

    \sa ServerThread, ServerConfig, Authorizer, Storage, SyncClient
*/

/*!
    Constructs a server with the given \a parent. It does not listen until
    listen().
*/
Server::Server(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<ServerPrivate>(this))
{
}

/*!
    Destroys the server, closing it first (see close()).
*/
Server::~Server()
{
    close();
}

/*!
    Returns the configuration set with setConfig(); a default ServerConfig
    (no collections) at first.
*/
ServerConfig Server::config() const
{
    return d->config;
}

/*!
    Sets what the server serves to \a config: its collections, rules, limits
    and the tokens the default authorizer accepts. Takes effect at the next
    listen().
*/
void Server::setConfig(const ServerConfig &config)
{
    d->config = config;
}

/*!
    Returns the SQLite file set with setDatabasePath(); empty at first.
*/
QString Server::databasePath() const
{
    return d->databasePath;
}

/*!
    Sets the SQLite file the server keeps its collections in to \a path; it
    is created when missing. Takes effect at the next listen(), which fails
    with "no database path set" when it is empty and no storage is set.
    Unused while a storage is set (setStorage()).
*/
void Server::setDatabasePath(const QString &path)
{
    d->databasePath = path;
}

/*!
    Returns the storage set with setStorage(), or \nullptr when the server
    uses SQLite at databasePath().
*/
Storage *Server::storage() const
{
    return d->customStorage;
}

/*!
    Keeps the collections in \a storage instead of SQLite at databasePath();
    \nullptr (the default) goes back to SQLite. Takes effect at the next
    listen(), which opens it (Storage::open()); close(), and so the server's
    destructor, closes it. Not owned: it must stay alive until then, and live
    in the server's thread.
*/
void Server::setStorage(Storage *storage)
{
    d->customStorage = storage;
}

/*!
    Sets the hooks for authentication, authorization and validation to
    \a authorizer; not owned, it must outlive the server, and is called on
    the server's thread. \nullptr (the default) uses a TokenAuthorizer
    accepting the config's \l{ServerConfig::tokens()}{tokens()} and JSON Web
    Tokens per its \l{ServerConfig::jwt()}{jwt()}. Set it before listen(),
    which checks a TokenAuthorizer's JWT settings; subscriptions keep the
    hooks they were made with. The per-record hooks
    (Authorizer::canReadRecord(), Authorizer::canWriteRecord()) and
    Authorizer::validate() are called only while one is set.
*/
void Server::setAuthorizer(Authorizer *authorizer)
{
    d->customAuthorizer = authorizer;
}

/*!
    Opens the storage, loads its state and starts accepting connections on
    \a address and \a port; port 0 (the default) picks a free port (see
    port()). The default address is the loopback one, \c 127.0.0.1.

    Returns \c false, with the reason in errorString(), when the server
    listens already ("already listening"), a limit of the config is below
    its minimum (ServerConfig::Limits; "limits.heartbeatMs is 5, must be ≥
    10"), the authorizer's JWT settings
    cannot be used (TokenAuthorizer::errorString(): a key file that cannot
    be read, a short secret), no database path is set, the storage cannot
    be opened, a collection's rules cannot be used (or are set for a
    collection that is not served), or the port cannot be bound. Returns
    \c true and clears errorString() when the server listens.
*/
bool Server::listen(const QHostAddress &address, quint16 port)
{
    if (isListening()) {
        d->error = u"already listening"_s;
        return false;
    }
    d->error = ServerLimits::check(d->config.limits());
    if (!d->error.isEmpty())
        return false;
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
    d->error.clear();
    qCInfo(lcServer) << "listening on" << url().toString() << "database"
                     << (d->customStorage ? u"(given storage)"_s : d->databasePath) << "server id"
                     << d->storage->serverId();
    return true;
}

/*!
    Stops listening: answers what was already received, closes every
    connection (close code 1001, "server shutting down") and closes the
    storage. Does nothing when the server is not listening.
*/
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

/*!
    Returns whether the server is listening, between a successful listen()
    and close().
*/
bool Server::isListening() const
{
    return d->listener.tcpServer() != nullptr;
}

/*!
    Returns the port the server listens on, the one picked when listen() was
    given port 0; 0 when it is not listening.
*/
quint16 Server::port() const
{
    return d->listener.tcpServer() ? d->listener.tcpServer()->serverPort() : 0;
}

/*!
    Returns the url clients connect to, \c{ws://host:port} (\c{wss://} with
    TLS), with the address the server listens on (for QHostAddress::Any,
    that is the any-address, not one to connect to); an empty url when it is
    not listening.
*/
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

/*!
    Returns the TLS configuration set with setSslConfiguration(); a null one
    (plain \c{ws://}) at first.
*/
QSslConfiguration Server::sslConfiguration() const
{
    return d->sslConfiguration;
}

/*!
    Serves \c{wss://} (TLS) with \a configuration's local certificate and
    private key; a null configuration (the default) serves plain \c{ws://}.
    Takes effect at the next listen().
*/
void Server::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

/*!
    Returns why the last listen() failed; empty when none failed yet, and
    after a successful listen().
*/
QString Server::errorString() const
{
    return d->error;
}

/*!
    Returns how many pushed transactions the server applied since listen()
    (resends of applied ones and rejected ones not counted). Thread-safe.
*/
qint64 Server::appliedTransactionCount() const
{
    return d->fanOut.applied;
}

/*!
    Returns how many WebSocket connections are open, welcomed or not (those
    still in the TCP or WebSocket handshake not counted). Thread-safe.
*/
int Server::connectionCount() const
{
    return d->connections;
}

/*!
    Returns the bytes waiting to be sent in all connections' sockets, each at
    most about ServerConfig::Limits::maxQueuedBytes. Call it from the
    server's thread only.
*/
qint64 Server::queuedBytes() const
{
    qint64 total = 0;
    for (const Session *session : std::as_const(d->sessions))
        total += session->queuedBytes();
    return total;
}

/*!
    \fn void Optimist::Server::transactionApplied(const QString &clientId, qint64 tx)

    Emitted when the transaction number \a tx of client \a clientId was
    applied, after its batch was committed to the storage and its ack sent.
    Not emitted for a resend of a transaction applied before.
*/

/*!
    \fn void Optimist::Server::transactionRejected(const QString &clientId, qint64 tx, const QString &code)

    Emitted when the transaction number \a tx of client \a clientId was
    rejected with error \a code (\c forbidden, \c validation_failed,
    \c conflict, \c too_large, \c unknown_collection, \c invalid_message,
    \c internal; docs/protocol.md, "Error codes"), after its reject was
    sent. Also emitted when a resend is answered with the rejection recorded
    for it.
*/

} // namespace Optimist
