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

class OPTIMIST_SERVER_EXPORT ServerThread : public QObject {
    Q_OBJECT

public:
    explicit ServerThread(QObject *parent = nullptr);
    ~ServerThread() override;

    void setConfig(const ServerConfig &config);
    void setDatabasePath(const QString &path);
    void setSslConfiguration(const QSslConfiguration &configuration);
    void setAuthorizer(Authorizer *authorizer);

    QUrl start(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void stop();

    bool isRunning() const;
    QUrl url() const;
    QString errorString() const;
    Server *server() const;

private:
    std::unique_ptr<ServerThreadPrivate> const d;
};

} // namespace Optimist
