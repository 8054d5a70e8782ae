// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The messages of a subscription: subscribe and unsubscribe, and what the
// server feeds a subscriber, snapshot chunks and deltas.
#include "messages_p.h"

#include "reader_p.h"
#include <optimist/field.h>

#include <QtCore/QJsonDocument>
#include <QtCore/QStringBuilder>

#include <climits>

namespace Optimist::Protocol {

//! Inserts \a value under \a key unless it is empty: protocol 2's
//! optional fields are left out where protocol 1 has none.
template<typename T> static void insertIfSet(QJsonObject &json, QLatin1StringView key, const T &value)
{
    if (!value.isEmpty())
        json.insert(key, value);
}

QJsonObject SubscribeMessage::toJson() const
{
    QJsonObject json { { Key::Type, Type::Subscribe }, { Key::Collection, collection },
        { Key::Cursor, cursor.isEmpty() ? QJsonValue() : QJsonValue(cursor) } };
    insertIfSet(json, Key::Subscription, subscription);
    insertIfSet(json, Key::Filter, filter);
    insertIfSet(json, Key::Params, params);
    return json;
}

//! A subscription's key, when the message names one: a non-empty string
//! of at most MaxSubscriptionKeyLength characters.
static void readSubscription(Reader &reader, QString *out)
{
    if (!reader.isPresent(Key::Subscription))
        return;
    reader.string(Key::Subscription, out, true);
    if (Field::characterCount(*out) > MaxSubscriptionKeyLength) {
        out->clear();
        reader.fail(u"field 'subscription' must be a string of 1 to %1 characters"_s.arg(MaxSubscriptionKeyLength));
    }
}

QString SubscribeMessage::keyOf(const QJsonObject &json)
{
    const QJsonValue subscription = json.value(Key::Subscription);
    const QJsonValue name
        = subscription.isUndefined() || subscription.isNull() ? json.value(Key::Collection) : subscription;
    const QString key = name.toString();
    return Field::characterCount(key) > MaxSubscriptionKeyLength ? QString() : key;
}

Result<SubscribeMessage> SubscribeMessage::fromJson(const QJsonObject &json)
{
    SubscribeMessage subscribe;
    Reader reader(json, Type::Subscribe);
    reader.string(Key::Collection, &subscribe.collection, true);
    if (reader.isPresent(Key::Cursor) && !json.value(Key::Cursor).isString())
        reader.fail(u"field 'cursor' must be a string or null"_s);
    subscribe.cursor = json.value(Key::Cursor).toString();
    readSubscription(reader, &subscribe.subscription);
    reader.optionalString(Key::Filter, &subscribe.filter);
    if (reader.isPresent(Key::Params)) {
        if (json.value(Key::Params).isObject())
            subscribe.params = json.value(Key::Params).toObject();
        else
            reader.fail(u"field 'params' must be an object"_s);
    }
    if (reader.failed())
        return reader.failure();
    return subscribe;
}

QJsonObject UnsubscribeMessage::toJson() const
{
    QJsonObject json { { Key::Type, Type::Unsubscribe }, { Key::Collection, collection } };
    insertIfSet(json, Key::Subscription, subscription);
    return json;
}

Result<UnsubscribeMessage> UnsubscribeMessage::fromJson(const QJsonObject &json)
{
    UnsubscribeMessage unsubscribe;
    Reader reader(json, Type::Unsubscribe);
    reader.string(Key::Collection, &unsubscribe.collection, true);
    readSubscription(reader, &unsubscribe.subscription);
    if (reader.failed())
        return reader.failure();
    return unsubscribe;
}

QJsonObject SnapshotMessage::toJson() const
{
    QJsonArray recordsJson;
    for (const Record &record : records)
        recordsJson.append(snapshotRecordToJson(record.id, record.revision, record.fields));
    QJsonObject json { { Key::Type, Type::Snapshot }, { Key::Collection, collection }, { Key::Cursor, cursor },
        { Key::Chunk, chunk }, { Key::Last, last }, { Key::Records, recordsJson } };
    insertIfSet(json, Key::Subscription, subscription);
    return json;
}

Result<SnapshotMessage> SnapshotMessage::fromJson(const QJsonObject &json)
{
    SnapshotMessage snapshot;
    Reader reader(json, Type::Snapshot);
    reader.string(Key::Collection, &snapshot.collection, true);
    readSubscription(reader, &snapshot.subscription);
    reader.string(Key::Cursor, &snapshot.cursor, false);
    reader.integer(Key::Chunk, &snapshot.chunk, 0, INT_MAX);
    reader.boolean(Key::Last, &snapshot.last);
    const QJsonValue records = json.value(Key::Records);
    if (!records.isArray())
        reader.fail(u"field 'records' must be an array"_s);
    if (reader.failed())
        return reader.failure();
    snapshot.records.reserve(records.toArray().size());
    for (const QJsonValue &value : records.toArray()) {
        SnapshotRecord record;
        Record wire;
        QString problem;
        if (!snapshotRecordFromJson(value, &record, &wire.fields, &problem)) {
            snapshot.skipped.append(problem);
            continue;
        }
        wire.id = record.id;
        wire.revision = record.revision;
        snapshot.records.append(std::move(wire));
    }
    return snapshot;
}

QJsonObject DeltaMessage::toJson() const
{
    QJsonArray changesJson;
    for (const RecordChange &change : changes)
        changesJson.append(Protocol::toJson(change));
    QJsonObject json { { Key::Type, Type::Delta }, { Key::Collection, collection }, { Key::PrevCursor, prevCursor },
        { Key::Cursor, cursor }, { Key::Changes, changesJson } };
    insertIfSet(json, Key::Subscription, subscription);
    if (!acks.isEmpty()) {
        QJsonArray acksJson;
        for (qint64 tx : acks)
            acksJson.append(tx);
        json.insert(Key::Acks, acksJson);
    }
    return json;
}

//! The optional acks of a delta: transaction numbers.
static void readAcks(Reader &reader, const QJsonValue &acks, QList<qint64> *out)
{
    if (acks.isUndefined() || acks.isNull())
        return;
    const QJsonArray array = acks.toArray();
    if (!acks.isArray() || std::any_of(array.begin(), array.end(), [](auto tx) { return !isInteger(tx, 1); }))
        return reader.fail(u"field 'acks' must be an array of integers ≥ 1"_s);
    out->reserve(array.size());
    for (const QJsonValue &tx : array)
        out->append(tx.toInteger());
}

Result<DeltaMessage> DeltaMessage::fromJson(const QJsonObject &json)
{
    DeltaMessage delta;
    Reader reader(json, Type::Delta);
    reader.string(Key::Collection, &delta.collection, true);
    readSubscription(reader, &delta.subscription);
    reader.string(Key::PrevCursor, &delta.prevCursor, false);
    reader.string(Key::Cursor, &delta.cursor, false);
    const QJsonValue changes = json.value(Key::Changes);
    if (!changes.isArray())
        reader.fail(u"field 'changes' must be an array"_s);
    readAcks(reader, json.value(Key::Acks), &delta.acks);
    if (reader.failed())
        return reader.failure();
    delta.changes.reserve(changes.toArray().size());
    for (const QJsonValue &value : changes.toArray()) {
        RecordChange change;
        QString problem;
        if (!recordChangeFromJson(value, &change, &problem))
            return Failure { problem };
        delta.changes.append(std::move(change));
    }
    return delta;
}

bool operator==(const DeltaMessage &a, const DeltaMessage &b)
{
    const auto same = [](const RecordChange &x, const RecordChange &y) {
        return x.kind == y.kind && x.id == y.id && x.fields == y.fields && x.revision == y.revision;
    };
    return a.collection == b.collection && a.subscription == b.subscription && a.prevCursor == b.prevCursor
        && a.cursor == b.cursor && a.acks == b.acks
        && std::equal(a.changes.begin(), a.changes.end(), b.changes.begin(), b.changes.end(), same);
}

QString DeltaMessage::frame(
    const QString &collection, qint64 prevCursor, qint64 cursor, const QJsonArray &changes, const QString &subscription)
{
    QJsonObject json { { Key::Type, Type::Delta }, { Key::Collection, collection },
        { Key::PrevCursor, QString::number(prevCursor) }, { Key::Cursor, QString::number(cursor) },
        { Key::Changes, changes } };
    insertIfSet(json, Key::Subscription, subscription);
    return encode(json);
}

QString DeltaMessage::withAcks(QStringView frame, const QJsonArray &acks)
{
    return frame.chopped(1) % u",\""_s % Key::Acks % u"\":"_s
        % QString::fromUtf8(QJsonDocument(acks).toJson(QJsonDocument::Compact)) % u"}"_s;
}

} // namespace Optimist::Protocol
