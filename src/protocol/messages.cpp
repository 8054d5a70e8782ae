// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "messages_p.h"

#include "protocol_p.h"
#include "reader_p.h"

#include <QtCore/QJsonArray>
#include <QtCore/QStringBuilder>

#include <algorithm>
#include <climits>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Optimist::Protocol {

QJsonObject ErrorMessage::toJson() const
{
    QJsonObject json { { Key::Type, Type::Error }, { Key::Code, code }, { Key::Message, message } };
    if (!ref.isEmpty())
        json.insert(Key::Ref, ref);
    if (retryAfterMs > 0)
        json.insert(Key::RetryAfterMs, retryAfterMs);
    if (expectedTx)
        json.insert(Key::ExpectedTx, *expectedTx);
    if (!subscription.isEmpty())
        json.insert(Key::Subscription, subscription);
    if (!supported.isEmpty()) {
        QJsonArray versions;
        for (int version : supported)
            versions.append(version);
        json.insert(Key::Supported, versions);
    }
    return json;
}

Result<ErrorMessage> ErrorMessage::fromJson(const QJsonObject &json)
{
    ErrorMessage error;
    Reader reader(json, Type::Error);
    reader.string(Key::Code, &error.code, true);
    reader.string(Key::Message, &error.message, false);
    reader.optionalString(Key::Ref, &error.ref);
    reader.optionalString(Key::Subscription, &error.subscription);
    if (reader.isPresent(Key::RetryAfterMs)) {
        qint64 retryAfterMs = 0;
        reader.integer(Key::RetryAfterMs, &retryAfterMs, 0, INT_MAX);
        error.retryAfterMs = int(retryAfterMs);
    }
    reader.optionalInteger(Key::ExpectedTx, &error.expectedTx, 1);
    if (reader.isPresent(Key::Supported)) {
        const QJsonValue versions = json.value(Key::Supported);
        for (const QJsonValue &version : versions.toArray()) {
            if (!version.isDouble() || version.toInt(-1) < 0)
                reader.fail(u"field 'supported' must be an array of versions"_s);
            error.supported.append(version.toInt());
        }
        if (!versions.isArray())
            reader.fail(u"field 'supported' must be an array of versions"_s);
    }
    if (reader.failed())
        return reader.failure();
    return error;
}

QJsonObject AckMessage::toJson() const
{
    return { { Key::Type, Type::Ack }, { Key::Tx, tx }, { Key::Cursors, cursors } };
}

QString AckMessage::toFrame() const
{
    return frame(encode(cursors), tx);
}

QString AckMessage::frame(QStringView encodedCursors, qint64 tx)
{
    // Keys in the sorted order QJsonDocument writes them.
    return u"{\"cursors\":"_s % encodedCursors % u",\"tx\":"_s % QString::number(tx) % u",\"type\":\"ack\"}"_s;
}

Result<AckMessage> AckMessage::fromJson(const QJsonObject &json)
{
    AckMessage ack;
    Reader reader(json, Type::Ack);
    reader.integer(Key::Tx, &ack.tx, 1);
    reader.stringObject(Key::Cursors, &ack.cursors);
    if (reader.failed())
        return reader.failure();
    return ack;
}

QJsonObject RejectMessage::toJson() const
{
    return { { Key::Type, Type::Reject }, { Key::Tx, tx }, { Key::Code, code }, { Key::Message, message },
        { Key::Retryable, retryable } };
}

Result<RejectMessage> RejectMessage::fromJson(const QJsonObject &json)
{
    RejectMessage reject;
    Reader reader(json, Type::Reject);
    reader.integer(Key::Tx, &reject.tx, 1);
    reader.string(Key::Code, &reject.code, true);
    reader.string(Key::Message, &reject.message, false);
    reader.boolean(Key::Retryable, &reject.retryable);
    if (reader.failed())
        return reader.failure();
    return reject;
}

QJsonObject WelcomeMessage::toJson() const
{
    QJsonObject limitsJson;
    const auto insertLimit = [&](QLatin1StringView key, std::optional<qint64> value) {
        if (value)
            limitsJson.insert(key, *value);
    };
    insertLimit(Key::MaxFrameBytes, limits.maxFrameBytes);
    insertLimit(Key::MaxMutationsPerTransaction, limits.maxMutationsPerTransaction);
    insertLimit(Key::MaxPendingPushes, limits.maxPendingPushes);
    QJsonObject json { { Key::Type, Type::Welcome }, { Key::Protocol, protocol }, { Key::ClientId, clientId },
        { Key::ServerId, serverId }, { Key::HeartbeatMs, heartbeatMs }, { Key::LastTx, lastTx },
        { Key::Limits, limitsJson } };
    if (!userId.isEmpty())
        json.insert(Key::UserId, userId);
    return json;
}

Result<WelcomeMessage> WelcomeMessage::fromJson(const QJsonObject &json)
{
    WelcomeMessage welcome;
    Reader reader(json, Type::Welcome);
    reader.integer(Key::Protocol, &welcome.protocol, 1);
    reader.string(Key::ClientId, &welcome.clientId, true);
    reader.string(Key::ServerId, &welcome.serverId, false);
    reader.integer(Key::HeartbeatMs, &welcome.heartbeatMs, 1, INT_MAX);
    reader.integer(Key::LastTx, &welcome.lastTx, 0);
    reader.optionalString(Key::UserId, &welcome.userId);
    if (reader.isPresent(Key::Limits)) {
        const QJsonValue limits = json.value(Key::Limits);
        if (!limits.isObject())
            reader.fail(u"field 'limits' must be an object"_s);
        Reader limitsReader(limits.toObject());
        limitsReader.optionalInteger(Key::MaxFrameBytes, &welcome.limits.maxFrameBytes, 1);
        limitsReader.optionalInteger(Key::MaxMutationsPerTransaction, &welcome.limits.maxMutationsPerTransaction, 1);
        limitsReader.optionalInteger(Key::MaxPendingPushes, &welcome.limits.maxPendingPushes, 1);
        if (limitsReader.failed())
            reader.fail(u"limits: "_s + limitsReader.failure().error);
    }
    if (reader.failed())
        return reader.failure();
    return welcome;
}

} // namespace Optimist::Protocol
