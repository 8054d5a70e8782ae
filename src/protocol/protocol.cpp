// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "protocol_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Optimist::Protocol {

QJsonValue toJson(const QVariant &value)
{
    if (value.metaType().id() == QMetaType::QDateTime) {
        const QDateTime dt = value.toDateTime();
        return dt.isValid() ? QJsonValue(dt.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
    }
    if (value.isNull())
        return QJsonValue::Null;
    return QJsonValue::fromVariant(value);
}

QJsonObject toJson(const QVariantMap &fields)
{
    QJsonObject object;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        object.insert(it.key(), toJson(it.value()));
    return object;
}

QString mutationKindName(Mutation::Kind kind)
{
    switch (kind) {
    case Mutation::Kind::Insert:
        return u"insert"_s;
    case Mutation::Kind::Update:
        return u"update"_s;
    case Mutation::Kind::Remove:
        return u"remove"_s;
    }
    return {};
}

bool mutationKindFromName(const QString &name, Mutation::Kind *kind)
{
    for (Mutation::Kind k : { Mutation::Kind::Insert, Mutation::Kind::Update, Mutation::Kind::Remove }) {
        if (mutationKindName(k) == name) {
            *kind = k;
            return true;
        }
    }
    return false;
}

QJsonObject toJson(const Mutation &mutation)
{
    QJsonObject object { { u"op"_s, mutationKindName(mutation.kind) }, { u"collection"_s, mutation.collection },
        { u"id"_s, mutation.id } };
    if (mutation.kind != Mutation::Kind::Remove)
        object.insert(u"fields"_s, toJson(mutation.fields));
    return object;
}

static bool requireString(const QJsonObject &object, QLatin1StringView key, QString *out, QString *error)
{
    const QJsonValue value = object.value(key);
    if (!value.isString() || value.toString().isEmpty()) {
        *error = u"field '%1' must be a non-empty string"_s.arg(key);
        return false;
    }
    *out = value.toString();
    return true;
}

bool mutationFromJson(const QJsonValue &json, Mutation *mutation, QString *error)
{
    if (!json.isObject()) {
        *error = u"a mutation must be an object"_s;
        return false;
    }
    const QJsonObject object = json.toObject();
    QString op;
    if (!requireString(object, "op"_L1, &op, error)
        || !requireString(object, "collection"_L1, &mutation->collection, error)
        || !requireString(object, "id"_L1, &mutation->id, error))
        return false;
    if (!mutationKindFromName(op, &mutation->kind)) {
        *error = u"unknown op '%1'"_s.arg(op);
        return false;
    }
    mutation->fields.clear();
    if (mutation->kind != Mutation::Kind::Remove) {
        const QJsonValue fields = object.value("fields"_L1);
        if (!fields.isObject()) {
            *error = u"field 'fields' must be an object"_s;
            return false;
        }
        mutation->fields = fields.toObject().toVariantMap();
    }
    return true;
}

QJsonObject toJson(const RecordChange &change)
{
    if (change.kind == RecordChange::Kind::Remove)
        return { { u"op"_s, u"remove"_s }, { u"id"_s, change.id } };
    return upsertToJson(change.id, change.revision, toJson(change.fields));
}

QJsonObject upsertToJson(const QString &id, quint64 revision, const QJsonObject &fields)
{
    QJsonObject object = snapshotRecordToJson(id, revision, fields);
    object.insert(u"op"_s, u"upsert"_s);
    return object;
}

QJsonObject snapshotRecordToJson(const QString &id, quint64 revision, const QJsonObject &fields)
{
    QJsonObject object { { u"id"_s, id }, { u"fields"_s, fields } };
    if (revision != 0)
        object.insert(u"rev"_s, qint64(revision));
    return object;
}

bool isInteger(const QJsonValue &value, double minimum, double maximum)
{
    const double number = value.toDouble();
    return value.isDouble() && std::trunc(number) == number && number >= minimum && number <= maximum;
}

//! Reads the optional "rev" of a record: a positive integer, or absent (0).
static bool readRevision(const QJsonObject &object, quint64 *revision, QString *error)
{
    const QJsonValue rev = object.value("rev"_L1);
    *revision = 0;
    if (rev.isUndefined() || rev.isNull())
        return true;
    if (!isInteger(rev, 1)) {
        *error = u"field 'rev' must be a positive integer"_s;
        return false;
    }
    *revision = quint64(rev.toInteger());
    return true;
}

bool snapshotRecordFromJson(const QJsonValue &json, SnapshotRecord *record, QJsonObject *fields, QString *error)
{
    if (!json.isObject()) {
        *error = u"a snapshot record must be an object"_s;
        return false;
    }
    const QJsonObject object = json.toObject();
    if (!requireString(object, "id"_L1, &record->id, error) || !readRevision(object, &record->revision, error))
        return false;
    const QJsonValue fieldsJson = object.value("fields"_L1);
    if (!fieldsJson.isObject()) {
        *error = u"a snapshot record is {id, rev, fields}"_s;
        return false;
    }
    *fields = fieldsJson.toObject();
    return true;
}

bool recordChangeFromJson(const QJsonValue &json, RecordChange *change, QString *error)
{
    if (!json.isObject()) {
        *error = u"a change must be an object"_s;
        return false;
    }
    const QJsonObject object = json.toObject();
    QString op;
    if (!requireString(object, "op"_L1, &op, error) || !requireString(object, "id"_L1, &change->id, error))
        return false;
    if (op == u"remove"_s) {
        change->kind = RecordChange::Kind::Remove;
        change->fields.clear();
        change->revision = 0;
        return true;
    }
    if (op != u"upsert"_s || !object.value("fields"_L1).isObject()) {
        *error = u"a change is {op: upsert, id, fields} or {op: remove, id}"_s;
        return false;
    }
    if (!readRevision(object, &change->revision, error))
        return false;
    change->kind = RecordChange::Kind::Upsert;
    change->fields = object.value("fields"_L1).toObject().toVariantMap();
    return true;
}

QString encode(const QJsonObject &message)
{
    return QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

bool decode(const QString &frame, QJsonObject *message, QString *error)
{
    return decode(frame.toUtf8(), message, error);
}

bool decode(const QByteArray &utf8, QJsonObject *message, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = u"not JSON: %1 at offset %2"_s.arg(parseError.errorString()).arg(parseError.offset);
        return false;
    }
    if (!doc.isObject()) {
        *error = u"a message must be a JSON object"_s;
        return false;
    }
    *message = doc.object();
    if (!message->value("type"_L1).isString()) {
        *error = u"a message needs a string field 'type'"_s;
        return false;
    }
    return true;
}

} // namespace Optimist::Protocol
