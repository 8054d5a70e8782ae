// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The messages of a connection itself: hello, ping and pong.
#include "messages_p.h"

#include "reader_p.h"

#include <optimist/field.h>

namespace Optimist::Protocol {

QString messageType(const QJsonObject &message)
{
    return message.value(Key::Type).toString();
}

QJsonObject HelloMessage::toJson() const
{
    return { { Key::Type, Type::Hello }, { Key::Protocol, protocol }, { Key::ClientId, clientId },
        { Key::Token, token } };
}

Result<HelloMessage> HelloMessage::fromJson(const QJsonObject &json)
{
    // The words the server has always answered with (invalid_message).
    HelloMessage hello;
    Reader reader(json, Type::Hello);
    const QJsonValue protocol = json.value(Key::Protocol);
    const QJsonValue clientId = json.value(Key::ClientId);
    if (!isInteger(protocol, -MaxSafeInteger))
        reader.fail(u"field 'protocol' must be an integer"_s);
    if (!clientId.isString() || clientId.toString().isEmpty() || Field::characterCount(clientId.toString()) > 128)
        reader.fail(u"field 'clientId' must be a string of 1 to 128 characters"_s);
    reader.optionalString(Key::Token, &hello.token);
    if (reader.failed())
        return reader.failure();
    hello.protocol = protocol.toInteger();
    hello.clientId = clientId.toString();
    return hello;
}

QJsonObject PingMessage::toJson() const
{
    QJsonObject json { { Key::Type, Type::Ping } };
    if (!id.isUndefined())
        json.insert(Key::Id, id);
    return json;
}

Result<PingMessage> PingMessage::fromJson(const QJsonObject &json)
{
    Reader reader(json, Type::Ping);
    if (reader.failed())
        return reader.failure();
    return PingMessage { json.value(Key::Id) };
}

QJsonObject PongMessage::toJson() const
{
    QJsonObject json { { Key::Type, Type::Pong } };
    if (!id.isUndefined())
        json.insert(Key::Id, id);
    return json;
}

Result<PongMessage> PongMessage::fromJson(const QJsonObject &json)
{
    Reader reader(json, Type::Pong);
    if (reader.failed())
        return reader.failure();
    return PongMessage { json.value(Key::Id) };
}

} // namespace Optimist::Protocol
