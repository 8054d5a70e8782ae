// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistserver_export.h>
#include <optimist/serverconfig.h>

#include <QtCore/QObject>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QSslConfiguration>

#include <memory>

namespace Optimist {

class Authorizer;
class Server;
class ServerThreadPrivate;

//! Runs an Optimist::Server on a thread of its own, with its database
//! connection opened there, so that an application embedding the server
//! never waits on the database in its UI thread.
class OPTIMIST_SERVER_EXPORT ServerThread : public QObject {
    Q_OBJECT

public:
    explicit ServerThread(QObject *parent = nullptr);
    //! Stops the server.
    ~ServerThread() override;

    //! Take effect at the next start().
    void setConfig(const ServerConfig &config);
    void setDatabasePath(const QString &path);
    void setSslConfiguration(const QSslConfiguration &configuration);
    //! Not owned; called on the server's thread, must outlive the server.
    void setAuthorizer(Authorizer *authorizer);

    //! Starts the thread and the server in it and waits until it listens.
    //! Returns the server's url, or an empty one on failure (errorString()).
    QUrl start(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    //! Closes the server and waits for its thread to end.
    void stop();

    bool isRunning() const;
    QUrl url() const;
    QString errorString() const;
    //! The server while running. It lives on the other thread: connect to
    //! its signals (they arrive queued) and read its thread-safe counters,
    //! call nothing else.
    Server *server() const;

private:
    std::unique_ptr<ServerThreadPrivate> const d;
};

} // namespace Optimist
