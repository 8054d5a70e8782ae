// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Not compiled: the protocol_keys check must find the 6 keys spelled below
// (and only them) in this file, or it could not fail.
// A comment may say "cursor" and {"tx": 1}.

/*!
    So may a documentation block's example:

    \code
    { "type": "subscribe", "collection": "todos" }
    \endcode
*/
void spelled()
{
    send({ { u"type"_s, u"hello"_s } });
    const QString cursor = message.value("cursor"_L1).toString();
    const QByteArray prefix = R"({"settledTx":)";
    const QString text = u"{\"acks\":[1]}"_s;
    constexpr QLatin1StringView Changes { "changes" };
    constexpr QLatin1StringView File { "lastTx" }; // not a message key
    qDebug() << "collection" << name;
    record.insert(u"id"_s, id);
    json.remove(QStringLiteral("mutations"));
}
