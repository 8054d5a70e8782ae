// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// SubscriptionIndex: subscriptions filed by one equality predicate each, and
// the values of records as keys of the language's `==`. The conversions
// below mirror the evaluator's (expressionevaluator.cpp: fromVariant,
// fromJson, Evaluator::claim): a key that disagreed with `==` would lose
// deliveries, so tst_subscriptionindex checks them against evaluate().
#include "subscriptionindex_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonValue>

#include <cmath>
#include <optional>

namespace Optimist {

namespace {

using Value = SubscriptionIndex::Value;
//! No value: what equals nothing (arrays, objects, other types, NaN).
using MaybeValue = std::optional<Value>;

Value null()
{
    return {};
}

Value integer(qint64 n)
{
    Value v;
    v.kind = Value::Kind::Int;
    v.integer = n;
    return v;
}

// Numbers compare exactly across int and double, so a double with an
// integral value in qint64's range is keyed as that integer.
MaybeValue number(double d)
{
    if (std::isnan(d))
        return std::nullopt;
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d)
        return integer(qint64(d));
    Value v;
    v.kind = Value::Kind::Double;
    v.number = d;
    return v;
}

Value boolean(bool b)
{
    Value v;
    v.kind = Value::Kind::Bool;
    v.integer = b ? 1 : 0;
    return v;
}

Value string(QString text)
{
    Value v;
    v.kind = Value::Kind::String;
    v.text = std::move(text);
    return v;
}

MaybeValue fromJson(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Bool:
        return boolean(json.toBool());
    case QJsonValue::Double:
        // As the evaluator reads it: an integer beyond MaxInt as its double.
        if (const qint64 n = json.toInteger(); double(n) == json.toDouble() && std::abs(n) <= Field::MaxInt)
            return integer(n);
        return number(json.toDouble());
    case QJsonValue::String:
        return string(json.toString());
    case QJsonValue::Array:
    case QJsonValue::Object:
        return std::nullopt;
    default:
        return null();
    }
}

MaybeValue fromTypedVariant(const QVariant &variant)
{
    switch (variant.metaType().id()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        return null();
    case QMetaType::Bool:
        return boolean(variant.toBool());
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::Long:
    case QMetaType::Short:
    case QMetaType::UShort:
        return integer(variant.toLongLong());
    case QMetaType::ULong:
    case QMetaType::ULongLong:
        if (variant.toULongLong() > quint64(LLONG_MAX))
            return number(double(variant.toULongLong()));
        return integer(variant.toLongLong());
    case QMetaType::Double:
    case QMetaType::Float:
        return number(variant.toDouble());
    case QMetaType::QString:
    case QMetaType::QByteArray:
    case QMetaType::QChar:
        return string(variant.toString());
    case QMetaType::QDateTime: {
        // A datetime is its wire form: UTC with milliseconds and 'Z'.
        const QDateTime dt = variant.toDateTime();
        return dt.isValid() ? string(dt.toUTC().toString(Qt::ISODateWithMs)) : null();
    }
    case QMetaType::QJsonValue:
        return fromJson(variant.toJsonValue());
    default:
        return std::nullopt; // lists, maps and other types equal nothing
    }
}

MaybeValue fromVariant(const QVariant &variant)
{
    // A typed null (a null field coerced to its type) is null.
    if (variant.metaType().id() != QMetaType::QJsonValue && variant.isNull())
        return null();
    return fromTypedVariant(variant);
}

// auth.a.b.c as the evaluator reads it: maps walked in place, anything
// else through JSON; a missing member is null.
MaybeValue claim(const QVariantMap &auth, const QString &path)
{
    const QStringList members = path.split(u'.');
    const auto it = auth.constFind(members.first());
    if (it == auth.constEnd())
        return null();
    QVariant current = *it;
    qsizetype i = 1;
    for (; i < members.size() && current.metaType().id() == QMetaType::QVariantMap; ++i) {
        const QVariantMap map = current.toMap();
        const auto member = map.constFind(members[i]);
        if (member == map.constEnd())
            return null();
        current = *member;
    }
    if (i == members.size())
        return fromVariant(current);
    QJsonValue json = QJsonValue::fromVariant(current);
    for (; i < members.size(); ++i) {
        if (!json.isObject())
            return null();
        json = json.toObject().value(members[i]);
    }
    return fromJson(json);
}

MaybeValue resolve(const Expression::EqualityPredicate &predicate, const Expression::Context &context)
{
    using Source = Expression::EqualityPredicate::Source;
    if (predicate.source == Source::Claim)
        return claim(context.auth, predicate.name);
    return fromVariant(predicate.value(context));
}

} // namespace

void SubscriptionIndex::add(Key key, const QList<Expression> &conditions, const Expression::Context &context)
{
    remove(key);
    Entry entry;
    entry.placement = Placement::Unindexed;
    // Any conjunct no value equals makes the whole false: it sees nothing.
    // Of the others, a claim or parameter (usually one user, one list)
    // before a literal (`done == false` is shared by many), then the
    // smallest bucket.
    qsizetype best = -1;
    for (const Expression &condition : conditions) {
        for (const Expression::EqualityPredicate &predicate : condition.equalityPredicates()) {
            const MaybeValue value = resolve(predicate, context);
            if (!value) {
                entry.placement = Placement::Never;
                break;
            }
            const bool literal = predicate.source == Expression::EqualityPredicate::Source::Literal;
            const qsizetype score = m_buckets.value(predicate.field).value(*value).size() + (literal ? 1 << 30 : 0);
            if (best < 0 || score < best) {
                best = score;
                entry = { Placement::Bucket, predicate.field, *value };
            }
        }
        if (entry.placement == Placement::Never)
            break;
    }
    if (entry.placement == Placement::Bucket)
        m_buckets[entry.field][entry.value].insert(key);
    else if (entry.placement == Placement::Unindexed)
        m_unindexed.insert(key);
    m_entries.insert(key, entry);
}

void SubscriptionIndex::remove(Key key)
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend())
        return;
    unfile(key, *it);
    m_entries.erase(it);
}

void SubscriptionIndex::unfile(Key key, const Entry &entry)
{
    if (entry.placement == Placement::Unindexed) {
        m_unindexed.remove(key);
        return;
    }
    if (entry.placement != Placement::Bucket)
        return;
    // Empty buckets and fields go, so that candidates() looks up only
    // fields some subscription is filed by.
    auto field = m_buckets.find(entry.field);
    auto bucket = field->find(entry.value);
    bucket->remove(key);
    if (bucket->isEmpty())
        field->erase(bucket);
    if (field->isEmpty())
        m_buckets.erase(field);
}

SubscriptionIndex::Placement SubscriptionIndex::placement(Key key) const
{
    return m_entries.value(key).placement;
}

QList<SubscriptionIndex::Key> SubscriptionIndex::candidates(
    const QString &id, const QJsonObject *before, const QJsonObject *after) const
{
    // The value record.<field> reads in an image.
    const auto valueIn = [&id](const QJsonObject &image, const QString &field) -> MaybeValue {
        const auto it = image.constFind(field);
        if (it != image.constEnd())
            return fromJson(*it);
        return field == u"id" && !id.isEmpty() ? string(id) : null();
    };
    // A subscription is in one place only, and a field's two values name
    // one bucket or two disjoint ones: nothing is added twice.
    QList<Key> out(m_unindexed.cbegin(), m_unindexed.cend());
    for (auto field = m_buckets.cbegin(); field != m_buckets.cend(); ++field) {
        MaybeValue was;
        if (before && (was = valueIn(*before, field.key())))
            collect(*field, &*was, &out);
        if (!after)
            continue;
        if (const MaybeValue is = valueIn(*after, field.key()); is && is != was)
            collect(*field, &*is, &out);
    }
    return out;
}

void SubscriptionIndex::collect(const QHash<Value, QSet<Key>> &buckets, const Value *value, QList<Key> *out) const
{
    const auto bucket = buckets.constFind(*value);
    if (bucket == buckets.cend())
        return;
    for (const Key key : *bucket)
        out->append(key);
}

} // namespace Optimist
