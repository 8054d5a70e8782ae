// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// Inside src/protocol only: the message keys of docs/protocol.md (spelled
// nowhere else in src/, which the protocol_keys test checks) and the reader
// every fromJson() uses.

#include "messages_p.h"
#include "protocol_p.h"

#include <QtCore/QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Optimist::Protocol {

namespace Key {
inline constexpr QLatin1StringView Type { "type" };
inline constexpr QLatin1StringView Tx { "tx" };
inline constexpr QLatin1StringView Code { "code" };
inline constexpr QLatin1StringView Message { "message" };
inline constexpr QLatin1StringView Ref { "ref" };
inline constexpr QLatin1StringView RetryAfterMs { "retryAfterMs" };
inline constexpr QLatin1StringView ExpectedTx { "expectedTx" };
inline constexpr QLatin1StringView Supported { "supported" };
inline constexpr QLatin1StringView Cursors { "cursors" };
inline constexpr QLatin1StringView Retryable { "retryable" };
inline constexpr QLatin1StringView Protocol { "protocol" };
inline constexpr QLatin1StringView ClientId { "clientId" };
inline constexpr QLatin1StringView ServerId { "serverId" };
inline constexpr QLatin1StringView HeartbeatMs { "heartbeatMs" };
inline constexpr QLatin1StringView LastTx { "lastTx" };
inline constexpr QLatin1StringView Limits { "limits" };
inline constexpr QLatin1StringView MaxFrameBytes { "maxFrameBytes" };
inline constexpr QLatin1StringView MaxMutationsPerTransaction { "maxMutationsPerTransaction" };
inline constexpr QLatin1StringView MaxPendingPushes { "maxPendingPushes" };
inline constexpr QLatin1StringView Token { "token" };
inline constexpr QLatin1StringView Collection { "collection" };
inline constexpr QLatin1StringView Cursor { "cursor" };
inline constexpr QLatin1StringView PrevCursor { "prevCursor" };
inline constexpr QLatin1StringView Chunk { "chunk" };
inline constexpr QLatin1StringView Last { "last" };
inline constexpr QLatin1StringView Records { "records" };
inline constexpr QLatin1StringView Changes { "changes" };
inline constexpr QLatin1StringView Acks { "acks" };
inline constexpr QLatin1StringView SettledTx { "settledTx" };
inline constexpr QLatin1StringView Transactions { "transactions" };
inline constexpr QLatin1StringView Mutations { "mutations" };
inline constexpr QLatin1StringView Id { "id" };
inline constexpr QLatin1StringView Subscription { "subscription" };
inline constexpr QLatin1StringView Filter { "filter" };
inline constexpr QLatin1StringView Params { "params" };
inline constexpr QLatin1StringView UserId { "userId" };
} // namespace Key

//! Reads the fields of one message; the first problem met is the error.
class Reader {
public:
    //! For an object inside a message.
    explicit Reader(const QJsonObject &json)
        : m_json(json)
    {
    }
    Reader(const QJsonObject &json, QLatin1StringView type)
        : m_json(json)
    {
        if (json.value(Key::Type).toString() != type)
            fail(u"a message of type '%1' expected"_s.arg(type));
    }

    void string(QLatin1StringView key, QString *out, bool nonEmpty)
    {
        const QJsonValue value = m_json.value(key);
        if (value.isString() && !(nonEmpty && value.toString().isEmpty()))
            *out = value.toString();
        else
            fail(nonEmpty ? u"field '%1' must be a non-empty string"_s.arg(key)
                          : u"field '%1' must be a string"_s.arg(key));
    }

    //! Absent or null leaves \a out as it is.
    void optionalString(QLatin1StringView key, QString *out)
    {
        if (isPresent(key))
            string(key, out, false);
    }

    void integer(QLatin1StringView key, qint64 *out, double minimum, double maximum = MaxSafeInteger)
    {
        const QJsonValue value = m_json.value(key);
        if (isInteger(value, minimum, maximum))
            *out = value.toInteger();
        else
            fail(u"field '%1' must be an integer from %2 to %3"_s.arg(key).arg(qint64(minimum)).arg(qint64(maximum)));
    }

    void optionalInteger(QLatin1StringView key, std::optional<qint64> *out, double minimum)
    {
        if (!isPresent(key))
            return;
        qint64 value = 0;
        integer(key, &value, minimum);
        *out = value;
    }

    void boolean(QLatin1StringView key, bool *out)
    {
        const QJsonValue value = m_json.value(key);
        if (value.isBool())
            *out = value.toBool();
        else
            fail(u"field '%1' must be true or false"_s.arg(key));
    }

    //! An object of strings, such as an ack's cursors.
    void stringObject(QLatin1StringView key, QJsonObject *out)
    {
        const QJsonValue value = m_json.value(key);
        const QJsonObject object = value.toObject();
        if (!value.isObject() || std::any_of(object.begin(), object.end(), [](auto v) { return !v.isString(); }))
            return fail(u"field '%1' must be an object of strings"_s.arg(key));
        *out = object;
    }

    bool isPresent(QLatin1StringView key) const
    {
        const QJsonValue value = m_json.value(key);
        return !value.isUndefined() && !value.isNull();
    }
    bool failed() const { return !m_error.isEmpty(); }
    Failure failure() const { return { m_error }; }
    void fail(const QString &error)
    {
        if (m_error.isEmpty())
            m_error = error;
    }

private:
    const QJsonObject m_json;
    QString m_error;
};

} // namespace Optimist::Protocol
