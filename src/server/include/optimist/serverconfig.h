// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/field.h>
#include <optimist/optimistserver_export.h>

#include <QtCore/QMap>
#include <QtCore/QSharedDataPointer>
#include <QtCore/QStringList>

namespace Optimist {

class ServerConfigData;

class OPTIMIST_SERVER_EXPORT ServerConfig {
public:
    struct Limits {
        int maxFrameBytes = 1048576;
        int maxMutationsPerTransaction = 1000;
        int maxPendingPushes = 256;
        int maxConnections = 1000;
        int snapshotChunkRecords = 1000;
        int changeLogRetention = 100000;
        int heartbeatMs = 15000;
        int maxQueuedBytes = 8 * 1024 * 1024;
        // Subscriptions (docs/protocol.md, "subscribe / unsubscribe").
        int maxSubscriptionsPerConnection = 64;
        int maxFilterLength = 4096;
        int maxParamValues = 1024;
        int maxParamBytes = 64 * 1024;
        // Abuse limits (docs/security.md, "Limits and abuse").
        int handshakeTimeoutMs = 5000;
        int helloTimeoutMs = 5000;
        int maxPendingConnections = 128;
        int maxConnectionsPerAddress = 256;
        int maxFailedSignInsPerAddress = 20;
        int failedSignInDelayMs = 1000;
        int maxMessagesPerSecond = 1000;
        int maxInboundBytesPerSecond = 16 * 1024 * 1024;
        int maxPartialFrameBytes = 64 * 1024 * 1024;

        friend bool operator==(const Limits &, const Limits &) = default;
    };

    struct Jwt {
        enum class Algorithm {
            Disabled,
            HS256,
            RS256,
            ES256,
        };

        Algorithm algorithm = Algorithm::Disabled;
        QByteArray secret;
        QString secretFile;
        QString publicKeyFile;
        QString issuer;
        QString audience;
        int leewaySeconds = 30;

        bool isEnabled() const { return algorithm != Algorithm::Disabled; }
        friend bool operator==(const Jwt &, const Jwt &) = default;
    };

    struct CollectionRules {
        QString read;
        QString write;

        bool isEmpty() const { return read.isEmpty() && write.isEmpty(); }
        friend bool operator==(const CollectionRules &, const CollectionRules &) = default;
    };

    ServerConfig();
    ServerConfig(const ServerConfig &other);
    ServerConfig(ServerConfig &&other) noexcept;
    ServerConfig &operator=(const ServerConfig &other);
    ServerConfig &operator=(ServerConfig &&other) noexcept;
    ~ServerConfig();

    QMap<QString, Fields> collections() const;
    void setCollections(const QMap<QString, Fields> &collections);
    void addCollection(const QString &name, const Fields &fields);

    CollectionRules collectionRules(const QString &name) const;
    void setCollectionRules(const QString &name, const CollectionRules &rules);
    QStringList collectionsWithRules() const;

    Limits limits() const;
    void setLimits(const Limits &limits);

    QStringList tokens() const;
    void setTokens(const QStringList &tokens);

    Jwt jwt() const;
    void setJwt(const Jwt &jwt);

    static ServerConfig fromJson(const QByteArray &json, QString *error = nullptr);
    static ServerConfig fromFile(const QString &path, QString *error = nullptr);

    friend OPTIMIST_SERVER_EXPORT bool operator==(const ServerConfig &a, const ServerConfig &b);

private:
    // Implicitly shared: a config is a value, copied into every server.
    QSharedDataPointer<ServerConfigData> d;
};

} // namespace Optimist
