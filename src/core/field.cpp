// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "field.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace Optimist {

Field::Field(const QString &name, Type type, const QVariant &defaultValue, bool required)
    : name(name)
    , type(type)
    , defaultValue(defaultValue)
    , required(required)
{
    // Hold the default as the field's own type (a null default as a typed
    // null), as fromVariantMap() does: the model compares defaults with
    // coerced values.
    QVariant coerced;
    if (coerce(defaultValue, &coerced))
        this->defaultValue = coerced;
}

QMetaType Field::metaType() const
{
    switch (type) {
    case Type::String:
        return QMetaType::fromType<QString>();
    case Type::Int:
        return QMetaType::fromType<qint64>();
    case Type::Double:
        return QMetaType::fromType<double>();
    case Type::Bool:
        return QMetaType::fromType<bool>();
    case Type::DateTime:
        return QMetaType::fromType<QDateTime>();
    case Type::Json:
        return QMetaType::fromType<QVariant>();
    }
    return {};
}

static bool isNumber(const QVariant &v)
{
    switch (v.metaType().id()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

static QVariant jsonToVariant(const QVariant &value)
{
    // QJsonValue & co. arrive from parsers; keep plain QVariant containers.
    const int id = value.metaType().id();
    if (id == QMetaType::QJsonValue)
        return value.toJsonValue().toVariant();
    if (id == QMetaType::QJsonObject)
        return value.toJsonObject().toVariantMap();
    if (id == QMetaType::QJsonArray)
        return value.toJsonArray().toVariantList();
    if (id == QMetaType::QJsonDocument)
        return value.toJsonDocument().toVariant();
    return value;
}

bool Field::coerce(const QVariant &input, QVariant *out) const
{
    const QVariant value = jsonToVariant(input);
    if (!value.isValid() || value.isNull()) {
        *out = type == Type::Json ? QVariant() : QVariant(metaType());
        return true;
    }
    const int id = value.metaType().id();
    switch (type) {
    case Type::String:
        if (id == QMetaType::QString || id == QMetaType::QByteArray || id == QMetaType::QChar) {
            *out = value.toString();
            return true;
        }
        return false;
    case Type::Int: {
        if (!isNumber(value))
            return false;
        const double d = value.toDouble();
        if (id == QMetaType::Double || id == QMetaType::Float) {
            if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9007199254740992.0)
                return false;
            *out = QVariant::fromValue(qint64(d));
            return true;
        }
        if ((id == QMetaType::ULongLong || id == QMetaType::ULong)
            && value.toULongLong() > quint64(std::numeric_limits<qint64>::max()))
            return false; // would wrap around
        *out = QVariant::fromValue(value.toLongLong());
        return true;
    }
    case Type::Double:
        // JSON has no infinities or NaN, and NaN would break the sort order.
        if (!isNumber(value) || !std::isfinite(value.toDouble()))
            return false;
        *out = value.toDouble();
        return true;
    case Type::Bool:
        if (id != QMetaType::Bool)
            return false;
        *out = value.toBool();
        return true;
    case Type::DateTime: {
        QDateTime dt;
        if (id == QMetaType::QDateTime)
            dt = value.toDateTime();
        else if (id == QMetaType::QString)
            dt = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        else
            return false;
        if (!dt.isValid())
            return false;
        *out = dt;
        return true;
    }
    case Type::Json: {
        // Anything JSON can carry.
        const QJsonValue json = QJsonValue::fromVariant(value);
        if (json.isUndefined() || (json.isNull() && !value.isNull()))
            return false;
        *out = json.toVariant();
        return true;
    }
    }
    return false;
}

QString Field::checkValue(const QVariant &value, QVariant *out) const
{
    if (!coerce(value, out)) {
        return u"field '%1' expects %2, got %3"_s.arg(
            name, typeName(type), QString::fromLatin1(value.typeName() ? value.typeName() : "null"));
    }
    if (required && out->isNull())
        return u"field '%1' is required"_s.arg(name);
    if (type == Type::String && maxLength > 0 && out->toString().size() > maxLength)
        return u"field '%1' is longer than %2 characters"_s.arg(name).arg(maxLength);
    return {};
}

QString Field::typeName(Type type)
{
    switch (type) {
    case Type::String:
        return u"string"_s;
    case Type::Int:
        return u"int"_s;
    case Type::Double:
        return u"double"_s;
    case Type::Bool:
        return u"bool"_s;
    case Type::DateTime:
        return u"datetime"_s;
    case Type::Json:
        return u"json"_s;
    }
    return {};
}

bool Field::typeFromName(const QString &name, Type *type)
{
    for (Type t : { Type::String, Type::Int, Type::Double, Type::Bool, Type::DateTime, Type::Json }) {
        if (typeName(t) == name) {
            *type = t;
            return true;
        }
    }
    return false;
}

Field Field::fromVariantMap(const QVariantMap &map, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return Field();
    };
    Field field;
    field.name = map.value(u"name"_s).toString();
    if (field.name.isEmpty() || field.name == u"id"_s)
        return fail(u"a field needs a name other than 'id'"_s);
    const QString typeName = map.value(u"type"_s, u"string"_s).toString();
    if (!typeFromName(typeName, &field.type))
        return fail(u"field '%1': unknown type '%2'"_s.arg(field.name, typeName));
    field.required = map.value(u"required"_s).toBool();
    field.maxLength = map.value(u"maxLength"_s).toInt();
    if (map.contains(u"default"_s)) {
        if (!field.coerce(map.value(u"default"_s), &field.defaultValue))
            return fail(u"field '%1': default is not a %2"_s.arg(field.name, typeName));
    } else {
        field.coerce({}, &field.defaultValue);
    }
    return field;
}

QVariantMap Field::toVariantMap() const
{
    QVariantMap map { { u"name"_s, name }, { u"type"_s, typeName(type) } };
    if (required)
        map.insert(u"required"_s, true);
    if (maxLength > 0)
        map.insert(u"maxLength"_s, maxLength);
    if (!defaultValue.isNull())
        map.insert(u"default"_s, defaultValue);
    return map;
}

} // namespace Optimist
