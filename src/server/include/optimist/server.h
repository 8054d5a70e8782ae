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

//! The reference Optimist server (docs/protocol.md): a WebSocket server
//! storing its collections in SQLite, or in a given Storage. It lives in the
//! thread that created it and opens its storage there; ServerThread runs one
//! on its own thread.
class OPTIMIST_SERVER_EXPORT Server : public QObject {
    Q_OBJECT

public:
    explicit Server(QObject *parent = nullptr);
    ~Server() override;

    ServerConfig config() const;
    //! Takes effect at the next listen().
    void setConfig(const ServerConfig &config);

    QString databasePath() const;
    //! The SQLite file, created when missing. Takes effect at the next
    //! listen(); unused while a storage is set (setStorage()).
    void setDatabasePath(const QString &path);

    Storage *storage() const;
    //! Keeps the collections in \a storage instead of SQLite at
    //! databasePath(); nullptr (the default) goes back to SQLite. Takes
    //! effect at the next listen(), which opens it; close() (and so the
    //! server's destructor) closes it. Not owned: it must stay alive until
    //! then, and live in the server's thread.
    void setStorage(Storage *storage);

    QSslConfiguration sslConfiguration() const;
    //! Serves wss:// (TLS) with this configuration's local certificate and
    //! private key; a null configuration (the default) serves plain ws://.
    //! Takes effect at the next listen().
    void setSslConfiguration(const QSslConfiguration &configuration);

    //! Hooks for authentication, authorization and validation; not owned,
    //! must outlive the server. nullptr (the default) uses a TokenAuthorizer
    //! accepting the config's tokens.
    void setAuthorizer(Authorizer *authorizer);

    //! Opens the database, loads its state and starts accepting
    //! connections. Port 0 picks a free port (see port()).
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    //! Closes every connection (close code 1001) and the database.
    void close();
    bool isListening() const;

    quint16 port() const;
    //! ws://host:port (wss:// with TLS) of a listening server.
    QUrl url() const;
    QString errorString() const;

    //! Transactions applied since listen(); thread-safe.
    qint64 appliedTransactionCount() const;
    //! Open client connections; thread-safe.
    int connectionCount() const;
    //! Bytes waiting in the connections' sockets (each at most about
    //! maxQueuedBytes); call from the server's thread.
    qint64 queuedBytes() const;

Q_SIGNALS:
    void transactionApplied(const QString &clientId, qint64 tx);
    void transactionRejected(const QString &clientId, qint64 tx, const QString &code);

private:
    friend class ServerPrivate;
    std::unique_ptr<ServerPrivate> d;
};

} // namespace Optimist
