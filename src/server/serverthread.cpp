// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "serverthread.h"

#include "server.h"

#include <QtCore/QThread>

using namespace Qt::StringLiterals;

namespace Optimist {

ServerThread::ServerThread(QObject *parent)
    : QObject(parent)
{
}

ServerThread::~ServerThread()
{
    stop();
}

void ServerThread::setConfig(const ServerConfig &config)
{
    m_config = config;
}

void ServerThread::setDatabasePath(const QString &path)
{
    m_databasePath = path;
}

void ServerThread::setSslConfiguration(const QSslConfiguration &configuration)
{
    m_sslConfiguration = configuration;
}

void ServerThread::setAuthorizer(Authorizer *authorizer)
{
    m_authorizer = authorizer;
}

QUrl ServerThread::start(const QHostAddress &address, quint16 port)
{
    if (m_server)
        return m_url;
    m_thread = new QThread;
    m_thread->setObjectName(u"optimist-server"_s);
    // Anchors work on the thread; the server itself is created there.
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    m_thread->start();

    QMetaObject::invokeMethod(
        m_context,
        [this, address, port] {
            auto server = std::make_unique<Server>();
            server->setConfig(m_config);
            server->setDatabasePath(m_databasePath);
            server->setSslConfiguration(m_sslConfiguration);
            server->setAuthorizer(m_authorizer);
            if (server->listen(address, port)) {
                m_url = server->url();
                m_error.clear();
                m_server = server.release();
            } else {
                m_url.clear();
                m_error = server->errorString();
            }
        },
        Qt::BlockingQueuedConnection);
    if (!m_server)
        stop();
    return m_url;
}

void ServerThread::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(
        m_context, [this] { delete std::exchange(m_server, nullptr); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete std::exchange(m_context, nullptr);
    delete std::exchange(m_thread, nullptr);
    m_url.clear();
}

} // namespace Optimist
