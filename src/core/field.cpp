// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "field.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Optimist {

class FieldData : public QSharedData {
public:
    QString name;
    Field::Type type = Field::Type::String;
    QVariant defaultValue;
    bool required = false;
    int maxLength = 0;
};

/*!
    Constructs a field with an empty name (not usable in a schema) of type
    String.
*/
Field::Field()
    : d(new FieldData)
{
}

/*!
    Constructs a field called \a name of type \a type. \a defaultValue is
    what a record that leaves the field out holds (a null of the type if not
    given); \a required says whether a record must hold a value other than
    null.
*/
Field::Field(const QString &name, Type type, const QVariant &defaultValue, bool required)
    : d(new FieldData)
{
    d->name = name;
    d->type = type;
    d->required = required;
    setDefaultValue(defaultValue);
}

Field::Field(const Field &other) = default;
Field::Field(Field &&other) noexcept = default;
Field &Field::operator=(const Field &other) = default;
Field &Field::operator=(Field &&other) noexcept = default;
Field::~Field() = default;

/*!
    Returns the field's name: its role name in a model and its key in a
    record. Never \c id.
*/
QString Field::name() const
{
    return d->name;
}

/*!
    Sets the field's name to \a name.
*/
void Field::setName(const QString &name)
{
    d->name = name;
}

/*!
    Returns the field's type.
*/
Field::Type Field::type() const
{
    return d->type;
}

/*!
    Sets the field's type to \a type.
*/
void Field::setType(Type type)
{
    d->type = type;
}

/*!
    Returns what a record that leaves the field out holds. It is held as the
    field's own type once it coerces to it (a null default as a typed null).
*/
QVariant Field::defaultValue() const
{
    return d->defaultValue;
}

/*!
    Sets the default to \a value, as given; it is coerced to the field's
    type if it can be.
*/
void Field::setDefaultValue(const QVariant &value)
{
    // Hold the default as the field's own type (a null default as a typed
    // null), as fromVariantMap() does: the model compares defaults with
    // coerced values.
    QVariant coerced;
    d->defaultValue = coerce(value, &coerced) ? coerced : value;
}

/*!
    Returns whether a record must hold a value other than null in this
    field. False by default.
*/
bool Field::isRequired() const
{
    return d->required;
}

/*!
    Sets whether a record must hold a value other than null to \a required.
*/
void Field::setRequired(bool required)
{
    d->required = required;
}

/*!
    For strings: returns the longest value accepted, in characters, i.e.
    Unicode code points (characterCount()). 0 (the default): no limit.
*/
int Field::maxLength() const
{
    return d->maxLength;
}

/*!
    Sets the longest string accepted to \a maxLength characters (0: no
    limit).
*/
void Field::setMaxLength(int maxLength)
{
    d->maxLength = maxLength;
}

bool operator==(const Field &a, const Field &b)
{
    return a.d == b.d
        || (a.d->name == b.d->name && a.d->type == b.d->type && a.d->defaultValue == b.d->defaultValue
            && a.d->required == b.d->required && a.d->maxLength == b.d->maxLength);
}

/*!
    Returns the QVariant metatype a value of this field has once coerced:
    QString, qint64, double, bool, QDateTime, or QVariant for Json.
*/
QMetaType Field::metaType() const
{
    switch (d->type) {
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

namespace {

bool isNumber(const QVariant &v)
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

bool isFloating(const QVariant &v)
{
    return v.metaType().id() == QMetaType::Double || v.metaType().id() == QMetaType::Float;
}

bool isUnsigned(const QVariant &v)
{
    switch (v.metaType().id()) {
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::ULong:
    case QMetaType::UShort:
        return true;
    default:
        return false;
    }
}

// A QJsonValue or QJsonDocument as the QVariant of what it holds, without
// converting containers: they may be nested too deeply to convert safely.
QVariant unwrapJson(const QVariant &value)
{
    const int id = value.metaType().id();
    if (id == QMetaType::QJsonValue) {
        const QJsonValue json = value.toJsonValue();
        if (json.isArray())
            return json.toArray();
        if (json.isObject())
            return json.toObject();
        return json.toVariant(); // undefined becomes an invalid QVariant: null
    }
    if (id == QMetaType::QJsonDocument) {
        const QJsonDocument doc = value.toJsonDocument();
        return doc.isArray() ? QVariant(doc.array()) : doc.isObject() ? QVariant(doc.object()) : QVariant();
    }
    return value;
}

bool isNull(const QVariant &v)
{
    return !v.isValid() || v.isNull();
}

// What a value is, in JSON's words, for error messages.
QString describe(const QVariant &v)
{
    if (isNull(v))
        return u"null"_s;
    if (isNumber(v)) {
        const double d = v.toDouble();
        if (std::isnan(d))
            return u"NaN"_s;
        if (std::isinf(d))
            return u"an infinite number"_s;
        return isFloating(v) && std::trunc(d) != d ? u"a number with a fraction"_s : u"a number"_s;
    }
    switch (v.metaType().id()) {
    case QMetaType::Bool:
        return u"a bool"_s;
    case QMetaType::QString:
    case QMetaType::QByteArray:
    case QMetaType::QChar:
        return u"a string"_s;
    case QMetaType::QVariantList:
    case QMetaType::QStringList:
    case QMetaType::QJsonArray:
        return u"an array"_s;
    case QMetaType::QVariantMap:
    case QMetaType::QVariantHash:
    case QMetaType::QJsonObject:
        return u"an object"_s;
    case QMetaType::QDateTime:
        return u"a datetime"_s;
    default:
        return u"a %1, which is not a JSON value"_s.arg(QString::fromLatin1(v.typeName()));
    }
}

QString unpairedSurrogate()
{
    return u"a string with an unpaired UTF-16 surrogate"_s;
}

QString outOfIntRange(const QString &number)
{
    return u"%1, outside the int range of -2^53 to 2^53"_s.arg(number);
}

// Each toX returns why the value is not a valid X (empty when it is, and
// then sets out); out is the value coerced.
QString toInt(const QVariant &v, QVariant *out)
{
    if (!isNumber(v) || !std::isfinite(v.toDouble()))
        return describe(v);
    qint64 n = 0;
    if (isFloating(v)) {
        const double d = v.toDouble();
        if (std::trunc(d) != d)
            return describe(v);
        if (std::fabs(d) > double(Field::MaxInt))
            return outOfIntRange(QString::number(d, 'g', 17));
        n = qint64(d);
    } else if (isUnsigned(v)) {
        if (v.toULongLong() > quint64(Field::MaxInt))
            return outOfIntRange(QString::number(v.toULongLong()));
        n = qint64(v.toULongLong());
    } else {
        n = v.toLongLong();
        if (n < -Field::MaxInt || n > Field::MaxInt)
            return outOfIntRange(QString::number(n));
    }
    *out = QVariant::fromValue(n);
    return {};
}

QString toDouble(const QVariant &v, QVariant *out)
{
    // JSON has no infinities or NaN, and NaN would break the sort order.
    if (!isNumber(v) || !std::isfinite(v.toDouble()))
        return describe(v);
    *out = v.toDouble();
    return {};
}

QString toString(const QVariant &v, QVariant *out)
{
    const int id = v.metaType().id();
    if (id != QMetaType::QString && id != QMetaType::QByteArray && id != QMetaType::QChar)
        return describe(v);
    QString text = v.toString();
    // An unpaired surrogate is no Unicode text: UTF-8 on the wire cannot carry it.
    if (!QStringView(text).isValidUtf16())
        return unpairedSurrogate();
    *out = std::move(text);
    return {};
}

QString toDateTime(const QVariant &v, QVariant *out)
{
    QDateTime dt;
    if (v.metaType().id() == QMetaType::QDateTime) {
        dt = v.toDateTime(); // any time spec: the instant is what counts
        if (!dt.isValid())
            return u"an invalid datetime"_s;
    } else if (v.metaType().id() == QMetaType::QString) {
        dt = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
        if (!dt.isValid())
            return u"a string that is not an ISO 8601 date and time"_s;
        // Without an offset the instant depends on where it is read.
        if (dt.timeSpec() == Qt::LocalTime)
            return u"a date and time without a UTC offset or 'Z'"_s;
    } else {
        return describe(v);
    }
    dt = dt.toUTC();
    // The wire's ISO 8601 form has a four-digit year.
    if (dt.date().year() < 1 || dt.date().year() > 9999)
        return u"a datetime outside the years 0001 to 9999 (UTC)"_s;
    *out = dt;
    return {};
}

QVariant asVariant(const QVariant &v)
{
    return v;
}

QVariant asVariant(const QString &v)
{
    return v;
}

QVariant asVariant(const QJsonValue &v)
{
    return QVariant(v);
}

// Why a json value cannot be stored: nested deeper than MaxJsonDepth, or a
// leaf JSON has no form for. Descends at most MaxJsonDepth + 1 levels, so
// the stack stays small however deep the value is.
QString checkJson(const QVariant &value, int depth)
{
    const QVariant v = unwrapJson(value);
    const auto enter = [depth] {
        return depth < Field::MaxJsonDepth ? QString()
                                           : u"an array or object nested more than %1 deep"_s.arg(Field::MaxJsonDepth);
    };
    const auto each = [&](const auto &container) {
        QString problem = enter();
        for (auto it = container.begin(); problem.isEmpty() && it != container.end(); ++it) {
            if constexpr (requires { it.key(); }) {
                if (!QStringView(it.key()).isValidUtf16())
                    return unpairedSurrogate();
            }
            problem = checkJson(asVariant(*it), depth + 1);
        }
        return problem;
    };
    switch (v.metaType().id()) {
    case QMetaType::QVariantList:
        return each(*static_cast<const QVariantList *>(v.constData()));
    case QMetaType::QVariantMap:
        return each(*static_cast<const QVariantMap *>(v.constData()));
    case QMetaType::QVariantHash:
        return each(*static_cast<const QVariantHash *>(v.constData()));
    case QMetaType::QJsonArray:
        return each(*static_cast<const QJsonArray *>(v.constData()));
    case QMetaType::QJsonObject:
        return each(*static_cast<const QJsonObject *>(v.constData()));
    case QMetaType::QStringList:
        return each(*static_cast<const QStringList *>(v.constData()));
    case QMetaType::Bool:
        return {};
    case QMetaType::QString:
    case QMetaType::QByteArray:
    case QMetaType::QChar: {
        QVariant text;
        return toString(v, &text);
    }
    default:
        if (isNull(v) || (isNumber(v) && std::isfinite(v.toDouble())))
            return {};
        return describe(v);
    }
}

QString toJson(const QVariant &v, QVariant *out)
{
    if (QString problem = checkJson(v, 0); !problem.isEmpty())
        return problem;
    *out = QJsonValue::fromVariant(unwrapJson(v)).toVariant();
    return {};
}

QString article(Field::Type type)
{
    switch (type) {
    case Field::Type::Int:
        return u"an int"_s;
    case Field::Type::Json:
        return u"json"_s;
    default:
        return u"a "_s + Field::typeName(type);
    }
}

// The one definition of each type's valid values, for the model and the
// server alike: returns why value is not one (empty when it is, and then
// sets out).
QString convert(Field::Type type, const QVariant &input, QVariant *out, const QMetaType &metaType)
{
    const QVariant value = unwrapJson(input);
    if (isNull(value)) {
        *out = type == Field::Type::Json ? QVariant() : QVariant(metaType);
        return {};
    }
    switch (type) {
    case Field::Type::String:
        return toString(value, out);
    case Field::Type::Int:
        return toInt(value, out);
    case Field::Type::Double:
        return toDouble(value, out);
    case Field::Type::Bool:
        if (value.metaType().id() != QMetaType::Bool)
            return describe(value);
        *out = value.toBool();
        return {};
    case Field::Type::DateTime:
        return toDateTime(value, out);
    case Field::Type::Json:
        return toJson(value, out);
    }
    return describe(value);
}

} // namespace

/*!
    Converts \a value to this field's type into \a out. Returns false,
    leaving \a out untouched, when the value is not one of the type's valid
    values (docs/protocol.md, "Values"): it is never rounded or clamped into
    one. A null value coerces to a null QVariant of the field's type; a
    datetime to UTC.
*/
bool Field::coerce(const QVariant &value, QVariant *out) const
{
    QVariant coerced;
    if (!convert(d->type, value, &coerced, metaType()).isEmpty())
        return false;
    *out = std::move(coerced);
    return true;
}

/*!
    Coerces \a value and checks the field's constraints (required,
    maxLength). Returns why the value is refused, in the schema's and JSON's
    words ("field 'done' expects a bool, got a string"), or an empty string,
    having set \a out to the coerced value, when it is fine.
*/
QString Field::checkValue(const QVariant &value, QVariant *out) const
{
    QVariant coerced;
    if (const QString problem = convert(d->type, value, &coerced, metaType()); !problem.isEmpty())
        return u"field '%1' expects %2, got %3"_s.arg(d->name, article(d->type), problem);
    if (d->required && coerced.isNull())
        return u"field '%1' is required, got null"_s.arg(d->name);
    if (d->type == Type::String && d->maxLength > 0) {
        const qsizetype length = characterCount(coerced.toString());
        if (length > d->maxLength)
            return u"field '%1' is longer than %2 characters: got %3"_s.arg(d->name).arg(d->maxLength).arg(length);
    }
    *out = std::move(coerced);
    return {};
}

qsizetype Field::characterCount(QStringView text)
{
    qsizetype count = text.size();
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text[i].isHighSurrogate() && text[i + 1].isLowSurrogate()) {
            --count; // a pair is one code point
            ++i;
        }
    }
    return count;
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
    field.d->name = map.value(u"name"_s).toString();
    if (field.d->name.isEmpty() || field.d->name == u"id"_s)
        return fail(u"a field needs a name other than 'id'"_s);
    const QString typeName = map.value(u"type"_s, u"string"_s).toString();
    if (!typeFromName(typeName, &field.d->type))
        return fail(u"field '%1': unknown type '%2'"_s.arg(field.d->name, typeName));
    field.d->required = map.value(u"required"_s).toBool();
    field.d->maxLength = map.value(u"maxLength"_s).toInt();
    if (map.contains(u"default"_s)) {
        if (!field.coerce(map.value(u"default"_s), &field.d->defaultValue))
            return fail(u"field '%1': default is not a %2"_s.arg(field.d->name, typeName));
    } else {
        field.coerce({}, &field.d->defaultValue);
    }
    return field;
}

/*!
    Returns the description fromVariantMap() reads: \c name and \c type,
    plus \c required, \c maxLength and \c default when they are set.
*/
QVariantMap Field::toVariantMap() const
{
    QVariantMap map { { u"name"_s, d->name }, { u"type"_s, typeName(d->type) } };
    if (d->required)
        map.insert(u"required"_s, true);
    if (d->maxLength > 0)
        map.insert(u"maxLength"_s, d->maxLength);
    if (!d->defaultValue.isNull())
        map.insert(u"default"_s, d->defaultValue);
    return map;
}

} // namespace Optimist
