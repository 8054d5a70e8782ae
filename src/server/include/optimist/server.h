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
class ServerPrivate;
class Storage;

class OPTIMIST_SERVER_EXPORT Server : public QObject {
    Q_OBJECT

public:
    explicit Server(QObject *parent = nullptr);
    ~Server() override;

    ServerConfig config() const;
    void setConfig(const ServerConfig &config);

    QString databasePath() const;
    void setDatabasePath(const QString &path);

    Storage *storage() const;
    void setStorage(Storage *storage);

    QSslConfiguration sslConfiguration() const;
    void setSslConfiguration(const QSslConfiguration &configuration);

    void setAuthorizer(Authorizer *authorizer);

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    bool isListening() const;

    quint16 port() const;
    QUrl url() const;
    QString errorString() const;

    qint64 appliedTransactionCount() const;
    int connectionCount() const;
    qint64 queuedBytes() const;

Q_SIGNALS:
    void transactionApplied(const QString &clientId, qint64 tx);
    void transactionRejected(const QString &clientId, qint64 tx, const QString &code);

private:
    friend class ServerPrivate;
    std::unique_ptr<ServerPrivate> d;
};

} // namespace Optimist
