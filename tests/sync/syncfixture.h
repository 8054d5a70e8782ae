// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// A real Server on 127.0.0.1 (ephemeral port, SQLite file in a temporary
// directory) and real SyncClient + ListModel peers bound to it.

#include <optimist/listmodel.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>
#include <optimist/syncclient.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>

#include <memory>

namespace OptimistTest {

//! The server's todos: a title of at most 200 characters, not empty.
inline QByteArray todoServerConfig()
{
    return R"({"collections": {"todos": {"fields": [
        {"name": "title", "type": "string", "required": true, "maxLength": 200},
        {"name": "done", "type": "bool", "default": false}]}}})";
}

//! The client's todos: the same fields without the length rule, so that the
//! server is the one to refuse a long title.
inline Optimist::Fields todoClientFields()
{
    using Optimist::Field;
    return { Field(QStringLiteral("title"), Field::Type::String, {}, true),
        Field(QStringLiteral("done"), Field::Type::Bool, false) };
}

struct Peer {
    std::unique_ptr<Optimist::SyncClient> client;
    std::unique_ptr<Optimist::ListModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;

    //! Cuts the connection as a network failure would (no close handshake).
    void cutConnection()
    {
        if (auto *socket = client->findChild<QWebSocket *>())
            socket->abort();
    }

    //! Every visible record, by id.
    QMap<QString, QVariantMap> records() const
    {
        QMap<QString, QVariantMap> result;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QVariantMap record = model->at(row);
            result.insert(record.value(QStringLiteral("id")).toString(), record);
        }
        return result;
    }
};

inline Peer makePeer(const QUrl &url, const QString &clientId)
{
    Peer peer;
    peer.client = std::make_unique<Optimist::SyncClient>();
    peer.client->setClientId(clientId);
    peer.client->setInitialBackoffMs(20);
    peer.client->setMaxBackoffMs(200);
    peer.model = std::make_unique<Optimist::ListModel>();
    peer.model->setCollection(QStringLiteral("todos"));
    peer.model->setFields(todoClientFields());
    peer.tester = std::make_unique<QAbstractItemModelTester>(
        peer.model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    peer.model->setClient(peer.client.get());
    peer.client->setUrl(url);
    return peer;
}

//! True once the peer is connected and has its first state from the server.
inline bool isLive(const Peer &peer)
{
    return peer.client->state() == Optimist::SyncClient::Connected && !peer.model->cursor().isEmpty();
}

struct TestServer {
    QTemporaryDir dir;
    std::unique_ptr<Optimist::Server> server;

    QString databasePath() const { return dir.filePath(QStringLiteral("optimist.sqlite")); }

    bool start(const QByteArray &config = todoServerConfig())
    {
        QString error;
        server = std::make_unique<Optimist::Server>();
        server->setConfig(Optimist::ServerConfig::fromJson(config, &error));
        server->setDatabasePath(databasePath());
        if (!error.isEmpty() || !server->listen(QHostAddress::LocalHost, 0)) {
            qWarning() << "server did not start:" << error << server->errorString();
            return false;
        }
        return true;
    }
};

} // namespace OptimistTest
