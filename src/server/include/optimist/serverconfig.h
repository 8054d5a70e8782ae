// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/field.h>
#include <optimist/optimistserver_export.h>

#include <QtCore/QMap>
#include <QtCore/QSharedDataPointer>
#include <QtCore/QStringList>

namespace Optimist {

class ServerConfigData;

//! What an Optimist::Server serves: its collections with their schemas, its
//! limits (docs/protocol.md, "Limits") and the tokens it accepts.
class OPTIMIST_SERVER_EXPORT ServerConfig {
public:
    struct Limits {
        int maxFrameBytes = 1048576;
        int maxMutationsPerTransaction = 1000;
        int maxPendingPushes = 256;
        int maxConnections = 1000;
        int snapshotChunkRecords = 1000;
        //! Change-log entries (one per applied transaction) kept for resuming.
        int changeLogRetention = 100000;
        int heartbeatMs = 15000;
        //! Bytes waiting to be sent on one connection; past it the
        //! connection is closed (close code 4004). Snapshots are sent so as
        //! to stay well below it.
        int maxQueuedBytes = 8 * 1024 * 1024;
        // Subscriptions (docs/protocol.md, "subscribe / unsubscribe").
        //! Subscriptions held on one connection (too_many_subscriptions).
        int maxSubscriptionsPerConnection = 64;
        //! A subscribe's filter, in characters (code points; invalid_filter).
        int maxFilterLength = 4096;
        //! A subscribe's params: JSON values in all, each parameter's value
        //! and every element and member inside it (invalid_filter).
        int maxParamValues = 1024;
        //! A subscribe's params as compact JSON, in UTF-8 bytes (invalid_filter).
        int maxParamBytes = 64 * 1024;
        // Abuse limits (docs/security.md, "Limits and abuse").
        //! From accept to the end of the (TLS and) WebSocket handshake.
        int handshakeTimeoutMs = 5000;
        //! From the WebSocket handshake to an accepted hello (close 4006).
        int helloTimeoutMs = 5000;
        //! Connections in the handshake or before hello; past it the oldest
        //! of the address with the most is closed.
        int maxPendingConnections = 128;
        int maxConnectionsPerAddress = 256;
        //! Failed sign-ins per address and minute; past it its new
        //! connections are refused until the minute ends.
        int maxFailedSignInsPerAddress = 20;
        //! How long a failed sign-in waits for its answer (not the first
        //! of an address in a minute).
        int failedSignInDelayMs = 1000;
        //! Messages (text or binary) per connection and second, bursts of
        //! one second's worth (close 4007).
        int maxMessagesPerSecond = 1000;
        //! Bytes received per connection and second, control frames
        //! included (close 4007).
        int maxInboundBytesPerSecond = 16 * 1024 * 1024;
        //! Bytes of partly received frames over all connections (close 4008).
        int maxPartialFrameBytes = 64 * 1024 * 1024;

        friend bool operator==(const Limits &, const Limits &) = default;
    };

    //! How the default Authorizer verifies JSON Web Tokens (docs/security.md,
    //! "Identity and tokens"); JSON: "auth": {"jwt": {...}}.
    struct Jwt {
        enum class Algorithm {
            Disabled, //!< hello tokens are checked against tokens() only
            HS256, //!< HMAC-SHA256 with a shared secret
            RS256, //!< RSA-SHA256 with an identity provider's public key
            ES256, //!< ECDSA P-256 with an identity provider's public key
        };

        Algorithm algorithm = Algorithm::Disabled;
        //! HS256: the shared secret, at least 32 bytes; or secretFile.
        QByteArray secret;
        //! HS256: a file holding the secret (a trailing newline is dropped),
        //! read when the server starts.
        QString secretFile;
        //! RS256 and ES256: the PEM public key, read when the server starts.
        QString publicKeyFile;
        //! The `iss` a token must carry; empty: not checked.
        QString issuer;
        //! The `aud` a token must carry (or contain); empty: not checked.
        QString audience;
        //! Clock skew allowed on `exp` and `nbf`.
        int leewaySeconds = 30;

        bool isEnabled() const { return algorithm != Algorithm::Disabled; }
        friend bool operator==(const Jwt &, const Jwt &) = default;
    };

    //! A collection's read and write rules (docs/security.md, "Rules"), in
    //! the rule language of Optimist::Expression: `record.<field>`,
    //! `record.id` and `auth.<claim>`, no `$param`. Empty: no rule. Parsed
    //! and checked against the collection's fields by Server::listen(),
    //! which fails on a bad one; JSON: "rules": {"read": "...", "write": "..."}.
    struct CollectionRules {
        //! Which records a user may read: subscriptions, and the records
        //! an update or remove may touch.
        QString read;
        //! Which records a user may write: an insert's new record, an
        //! update's record before and after, a remove's record before.
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

    //! Collection name → schema.
    QMap<QString, Fields> collections() const;
    void setCollections(const QMap<QString, Fields> &collections);
    void addCollection(const QString &name, const Fields &fields);

    //! The rules of collection \a name; empty ones when none are set.
    CollectionRules collectionRules(const QString &name) const;
    void setCollectionRules(const QString &name, const CollectionRules &rules);
    //! The names of the collections with rules.
    QStringList collectionsWithRules() const;

    Limits limits() const;
    void setLimits(const Limits &limits);

    //! Tokens the default Authorizer accepts; empty means no authentication.
    QStringList tokens() const;
    void setTokens(const QStringList &tokens);

    //! JWT verification for the default Authorizer (disabled by default).
    Jwt jwt() const;
    void setJwt(const Jwt &jwt);

    //! Parses the JSON config format:
    //! {"collections": {"todos": {"fields": [{"name": "title", "type": "string", ...}],
    //!                           "rules": {"read": "...", "write": "..."}}},
    //!  "limits": {"maxFrameBytes": ..., ...}, "tokens": ["..."],
    //!  "auth": {"jwt": {"algorithm": "RS256", "publicKeyFile": "...", "issuer": "...",
    //!                   "audience": "...", "leewaySeconds": 30}}}.
    //! On bad input returns a default config and sets \a error; clears it
    //! on success.
    static ServerConfig fromJson(const QByteArray &json, QString *error = nullptr);
    //! fromJson() of a file; relative key and secret files are found
    //! beside it.
    static ServerConfig fromFile(const QString &path, QString *error = nullptr);

    friend OPTIMIST_SERVER_EXPORT bool operator==(const ServerConfig &a, const ServerConfig &b);

private:
    // Implicitly shared: a config is a value, copied into every server.
    QSharedDataPointer<ServerConfigData> d;
};

} // namespace Optimist
