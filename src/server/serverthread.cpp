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

ServerThread::ServerThread(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<ServerThreadPrivate>())
{
}

ServerThread::~ServerThread()
{
    stop();
}

void ServerThread::setConfig(const ServerConfig &config)
{
    d->config = config;
}

void ServerThread::setDatabasePath(const QString &path)
{
    d->databasePath = path;
}

void ServerThread::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

void ServerThread::setAuthorizer(Authorizer *authorizer)
{
    d->authorizer = authorizer;
}

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

bool ServerThread::isRunning() const
{
    return d->server != nullptr;
}

QUrl ServerThread::url() const
{
    return d->url;
}

QString ServerThread::errorString() const
{
    return d->error;
}

Server *ServerThread::server() const
{
    return d->server;
}

} // namespace Optimist
