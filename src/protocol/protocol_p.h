// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// The JSON codec of docs/protocol.md, shared by SyncClient and the server.

#include <optimist/change.h>

#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QVariant>

namespace Optimist::Protocol {

//! The version this library speaks; a server also accepts the older ones
//! from OldestVersion on (docs/protocol.md, "Version history").
inline constexpr int Version = 2;
inline constexpr int OldestVersion = 1;

namespace Type {
inline constexpr QLatin1StringView Hello { "hello" };
inline constexpr QLatin1StringView Welcome { "welcome" };
inline constexpr QLatin1StringView Subscribe { "subscribe" };
inline constexpr QLatin1StringView Unsubscribe { "unsubscribe" };
inline constexpr QLatin1StringView Snapshot { "snapshot" };
inline constexpr QLatin1StringView Delta { "delta" };
inline constexpr QLatin1StringView Push { "push" };
inline constexpr QLatin1StringView Ack { "ack" };
inline constexpr QLatin1StringView Reject { "reject" };
inline constexpr QLatin1StringView Error { "error" };
inline constexpr QLatin1StringView Ping { "ping" };
inline constexpr QLatin1StringView Pong { "pong" };
} // namespace Type

enum CloseCode : quint16 {
    NormalClose = 1000,
    GoingAway = 1001,
    UnsupportedProtocolClose = 4000,
    UnauthorizedClose = 4001,
    HeartbeatTimeoutClose = 4002,
    ConnectionLimitClose = 4003,
    //! Past maxQueuedBytes of unsent output.
    TooSlowClose = 4004,
    //! A newer connection of the same clientId took over.
    ReplacedClose = 4005,
    //! No hello within helloTimeoutMs.
    HelloTimeoutClose = 4006,
    //! Over maxMessagesPerSecond or maxInboundBytesPerSecond.
    RateLimitedClose = 4007,
    //! The server's budget for partly received frames is used up.
    ServerBusyClose = 4008,
    //! The hello's clientId is bound to another user (client_id_taken).
    ClientIdTakenClose = 4009,
};

//! The reason of an UnauthorizedClose (4001).
namespace CloseReason {
inline constexpr QLatin1StringView Unauthorized { "unauthorized" };
//! The token expired, at hello or during the session: a fresh one lets
//! the client in again.
inline constexpr QLatin1StringView TokenExpired { "token_expired" };
} // namespace CloseReason

//! A Qt value as JSON: QDateTime as ISO 8601 with milliseconds, the rest as
//! QJsonValue::fromVariant.
QJsonValue toJson(const QVariant &value);
QJsonObject toJson(const QVariantMap &fields);

QString mutationKindName(Mutation::Kind kind);
bool mutationKindFromName(const QString &name, Mutation::Kind *kind);
QJsonObject toJson(const Mutation &mutation);
//! Reads a mutation of a push; on malformed input returns false and says why.
bool mutationFromJson(const QJsonValue &json, Mutation *mutation, QString *error);

QJsonObject toJson(const RecordChange &change);
//! A delta's upsert {op, id, rev, fields} of fields already in JSON (rev
//! left out when 0).
QJsonObject upsertToJson(const QString &id, quint64 revision, const QJsonObject &fields);
//! A snapshot record {id, rev, fields} (rev left out when 0).
QJsonObject snapshotRecordToJson(const QString &id, quint64 revision, const QJsonObject &fields);
bool recordChangeFromJson(const QJsonValue &json, RecordChange *change, QString *error);
//! Reads a snapshot record {id, rev, fields}: its id and revision into
//! \a record, its fields into \a fields, left as JSON (a client converts only
//! the records its model does not hold at that revision).
bool snapshotRecordFromJson(const QJsonValue &json, SnapshotRecord *record, QJsonObject *fields, QString *error);

//! JSON numbers are doubles: integers are exact up to 2^53.
inline constexpr double MaxSafeInteger = 9007199254740992.0;
//! Whether \a value is a JSON number with no fraction in [minimum, maximum]:
//! the one test of every integer field of the protocol.
bool isInteger(const QJsonValue &value, double minimum, double maximum = MaxSafeInteger);

//! One compact JSON text frame.
QString encode(const QJsonObject &message);
//! Parses a text frame into an object with a string "type"; else says why.
bool decode(const QString &frame, QJsonObject *message, QString *error);
//! The same for a frame already in UTF-8.
bool decode(const QByteArray &utf8, QJsonObject *message, QString *error);

} // namespace Optimist::Protocol
