// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "serverthread.h"

#include "server.h"

#include <QtCore/QThread>

using namespace Qt::StringLiterals;

namespace Optimist {

class ServerThreadPrivate {
public:
    ServerConfig config;
    QString databasePath;
    QSslConfiguration sslConfiguration;
    Authorizer *authorizer = nullptr;
    QThread *thread = nullptr;
    QObject *context = nullptr; //!< lives on thread: what runs there is invoked on it
    Server *server = nullptr;
    QUrl url;
    QString error;
};

/*!
    \class Optimist::ServerThread
    \inmodule Optimist
    \brief Runs an Optimist::Server on a thread of its own.

    The server, and its database connection, are created and opened on that
    thread, so that an application embedding the server never waits on the
    database in its UI thread. Configure it with the setters, then start():

    \code
    Optimist::ServerThread serverThread;
    serverThread.setConfig(config);
    serverThread.setDatabasePath(dir.filePath(u"data.sqlite"_s));
    const QUrl url = serverThread.start(); // 127.0.0.1, a free port
    if (url.isEmpty())
        qCritical() << serverThread.errorString();
    client.setUrl(url);
    \endcode

    \sa Server
*/

/*!
    Constructs a server thread with the given \a parent. Nothing runs until
    start().
*/
ServerThread::ServerThread(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<ServerThreadPrivate>())
{
}

/*!
    Stops the server and its thread, waiting for them (see stop()).
*/
ServerThread::~ServerThread()
{
    stop();
}

/*!
    Sets the server's configuration to \a config (Server::setConfig()).
    Takes effect at the next start().
*/
void ServerThread::setConfig(const ServerConfig &config)
{
    d->config = config;
}

/*!
    Sets the server's SQLite file to \a path (Server::setDatabasePath()).
    Takes effect at the next start().
*/
void ServerThread::setDatabasePath(const QString &path)
{
    d->databasePath = path;
}

/*!
    Sets the TLS configuration to \a configuration
    (Server::setSslConfiguration()); a null one serves plain \c{ws://}.
    Takes effect at the next start().
*/
void ServerThread::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

/*!
    Sets the server's hooks to \a authorizer (Server::setAuthorizer());
    \nullptr (the default) uses a TokenAuthorizer. Not owned: it is called on
    the server's thread and must outlive the server. Takes effect at the
    next start().
*/
void ServerThread::setAuthorizer(Authorizer *authorizer)
{
    d->authorizer = authorizer;
}

/*!
    Starts the thread, creates the server in it and waits until it listens
    on \a address and \a port (Server::listen(); port 0, the default, picks a
    free port). Returns the server's url, or an empty one on failure, with
    the reason in errorString() and the thread stopped again. While running,
    it returns the url of the running server and changes nothing.
*/
QUrl ServerThread::start(const QHostAddress &address, quint16 port)
{
    if (d->server)
        return d->url;
    d->thread = new QThread;
    d->thread->setObjectName(u"optimist-server"_s);
    // Anchors work on the thread; the server itself is created there.
    d->context = new QObject;
    d->context->moveToThread(d->thread);
    d->thread->start();

    QMetaObject::invokeMethod(
        d->context,
        [this, address, port] {
            auto server = std::make_unique<Server>();
            server->setConfig(d->config);
            server->setDatabasePath(d->databasePath);
            server->setSslConfiguration(d->sslConfiguration);
            server->setAuthorizer(d->authorizer);
            if (server->listen(address, port)) {
                d->url = server->url();
                d->error.clear();
                d->server = server.release();
            } else {
                d->url.clear();
                d->error = server->errorString();
            }
        },
        Qt::BlockingQueuedConnection);
    if (!d->server)
        stop();
    return d->url;
}

/*!
    Closes the server (Server::close(): every connection gets close code
    1001), deletes it and waits for its thread to end. Does nothing when not
    started.
*/
void ServerThread::stop()
{
    if (!d->thread)
        return;
    QMetaObject::invokeMethod(
        d->context, [this] { delete std::exchange(d->server, nullptr); }, Qt::BlockingQueuedConnection);
    d->thread->quit();
    d->thread->wait();
    delete std::exchange(d->context, nullptr);
    delete std::exchange(d->thread, nullptr);
    d->url.clear();
}

/*!
    Returns whether the server is running: between a successful start() and
    stop().
*/
bool ServerThread::isRunning() const
{
    return d->server != nullptr;
}

/*!
    Returns the running server's url, \c{ws://host:port} or \c{wss://};
    empty when it is not running.
*/
QUrl ServerThread::url() const
{
    return d->url;
}

/*!
    Returns why the last start() failed (Server::errorString()); empty after
    a successful one.
*/
QString ServerThread::errorString() const
{
    return d->error;
}

/*!
    Returns the server while it is running, else \nullptr. It lives on the
    other thread: connect to its signals (they arrive queued) and read its
    thread-safe counters (Server::appliedTransactionCount(),
    Server::connectionCount()); call nothing else.
*/
Server *ServerThread::server() const
{
    return d->server;
}

} // namespace Optimist
