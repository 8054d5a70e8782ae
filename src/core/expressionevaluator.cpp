// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The expression language's evaluator: a parsed tree against a context,
// JSON-like and total. Values are read in place (strings are borrowed, not
// copied) so that a typical rule allocates nothing per evaluation.
#include "expression_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonValue>

#include <cmath>
#include <compare>

namespace Optimist::ExpressionDetail {

namespace {

// A value as the language sees it. Strings point at their storage when they
// have one (a QString in a QVariant, a literal) and are owned otherwise (a
// datetime's text, a JSON string).
struct Value {
    enum class Kind : quint8 { Null, Bool, Int, Double, String, Array, Other };
    Kind kind = Kind::Null;
    bool boolean = false;
    qint64 integer = 0;
    double number = 0;
    const QString *borrowed = nullptr;
    QString owned;
    const QVariant *variantArray = nullptr;
    QJsonArray jsonArray;

    QStringView text() const { return borrowed ? QStringView(*borrowed) : QStringView(owned); }
    bool isNumber() const { return kind == Kind::Int || kind == Kind::Double; }
    double toDouble() const { return kind == Kind::Int ? double(integer) : number; }
};

Value boolean(bool b)
{
    Value v;
    v.kind = Value::Kind::Bool;
    v.boolean = b;
    return v;
}

Value fromJson(const QJsonValue &json);

void setInteger(const QVariant &variant, Value *v)
{
    const int id = variant.metaType().id();
    if ((id == QMetaType::ULongLong || id == QMetaType::ULong) && variant.toULongLong() > quint64(LLONG_MAX)) {
        v->kind = Value::Kind::Double;
        v->number = double(variant.toULongLong());
    } else {
        v->kind = Value::Kind::Int;
        v->integer = variant.toLongLong();
    }
}

Value fromVariant(const QVariant &variant)
{
    Value v;
    switch (variant.metaType().id()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        return v;
    case QMetaType::Bool:
        return boolean(variant.toBool());
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::Long:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
        setInteger(variant, &v);
        break;
    case QMetaType::Double:
    case QMetaType::Float:
        v.kind = Value::Kind::Double;
        v.number = variant.toDouble();
        break;
    case QMetaType::QString:
        v.kind = Value::Kind::String;
        v.borrowed = static_cast<const QString *>(variant.constData());
        break;
    case QMetaType::QByteArray:
    case QMetaType::QChar:
        v.kind = Value::Kind::String;
        v.owned = variant.toString();
        break;
    case QMetaType::QDateTime:
        // A datetime is its wire form: UTC with milliseconds and 'Z'.
        if (const QDateTime dt = variant.toDateTime(); dt.isValid()) {
            v.kind = Value::Kind::String;
            v.owned = dt.toUTC().toString(Qt::ISODateWithMs);
        }
        break;
    case QMetaType::QVariantList:
    case QMetaType::QStringList:
        v.kind = Value::Kind::Array;
        v.variantArray = &variant;
        break;
    case QMetaType::QJsonValue:
        return fromJson(variant.toJsonValue());
    case QMetaType::QJsonArray:
        v.kind = Value::Kind::Array;
        v.jsonArray = variant.toJsonArray();
        break;
    default:
        v.kind = Value::Kind::Other;
        break;
    }
    // A typed null (a null field coerced to its type) is null.
    if (variant.isNull())
        return Value();
    return v;
}

Value fromJson(const QJsonValue &json)
{
    Value v;
    switch (json.type()) {
    case QJsonValue::Bool:
        return boolean(json.toBool());
    case QJsonValue::Double:
        if (const qint64 n = json.toInteger(); double(n) == json.toDouble() && std::abs(n) <= Field::MaxInt) {
            v.kind = Value::Kind::Int;
            v.integer = n;
        } else {
            v.kind = Value::Kind::Double;
            v.number = json.toDouble();
        }
        return v;
    case QJsonValue::String:
        v.kind = Value::Kind::String;
        v.owned = json.toString();
        return v;
    case QJsonValue::Array:
        v.kind = Value::Kind::Array;
        v.jsonArray = json.toArray();
        return v;
    case QJsonValue::Object:
        v.kind = Value::Kind::Other;
        return v;
    default:
        return v;
    }
}

// Numbers compare exactly across int and double: an integer beyond 2^53 is
// not rounded into equality with a double next to it.
std::partial_ordering compareNumbers(const Value &a, const Value &b)
{
    if (a.kind == Value::Kind::Int && b.kind == Value::Kind::Int)
        return a.integer <=> b.integer;
    if (a.kind == Value::Kind::Double && b.kind == Value::Kind::Double)
        return a.number <=> b.number;
    const bool flipped = a.kind == Value::Kind::Double;
    const qint64 i = flipped ? b.integer : a.integer;
    const double d = flipped ? a.number : b.number;
    std::partial_ordering order = double(i) <=> d;
    if (order == 0 && d < 9223372036854775808.0)
        order = i <=> qint64(d); // equal as doubles: d is integral
    else if (order == 0)
        order = std::partial_ordering::less;
    if (!flipped)
        return order;
    return order == std::partial_ordering::less   ? std::partial_ordering::greater
        : order == std::partial_ordering::greater ? std::partial_ordering::less
                                                  : order;
}

// Code point order (the order of UTF-8 bytes, as SQLite's BINARY), not
// UTF-16 unit order: they differ for surrogates against U+E000..U+FFFF.
std::strong_ordering compareStrings(QStringView a, QStringView b)
{
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        char16_t x = a[i].unicode();
        char16_t y = b[i].unicode();
        if (x == y)
            continue;
        if (x >= 0xD800 && y >= 0xD800) {
            x += x < 0xE000 ? 0x2000 : -0x800;
            y += y < 0xE000 ? 0x2000 : -0x800;
        }
        return x <=> y;
    }
    return a.size() <=> b.size();
}

bool equal(const Value &a, const Value &b)
{
    if (a.isNumber() && b.isNumber())
        return compareNumbers(a, b) == 0;
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case Value::Kind::Null:
        return true;
    case Value::Kind::Bool:
        return a.boolean == b.boolean;
    case Value::Kind::String:
        return a.text() == b.text();
    default:
        return false; // arrays and objects equal nothing
    }
}

bool ordered(const Value &a, const Value &b, CompareOp op)
{
    std::partial_ordering order = std::partial_ordering::unordered;
    if (a.isNumber() && b.isNumber())
        order = compareNumbers(a, b);
    else if (a.kind == Value::Kind::String && b.kind == Value::Kind::String)
        order = compareStrings(a.text(), b.text());
    switch (op) {
    case CompareOp::Lt:
        return order < 0;
    case CompareOp::Le:
        return order <= 0;
    case CompareOp::Gt:
        return order > 0;
    case CompareOp::Ge:
        return order >= 0;
    default:
        return false;
    }
}

bool contains(const Value &list, const Value &item)
{
    if (list.kind != Value::Kind::Array)
        return false;
    if (list.variantArray) {
        if (list.variantArray->metaType().id() == QMetaType::QStringList) {
            const auto *strings = static_cast<const QStringList *>(list.variantArray->constData());
            return item.kind == Value::Kind::String && strings->contains(item.text());
        }
        const auto *variants = static_cast<const QVariantList *>(list.variantArray->constData());
        return std::any_of(variants->begin(), variants->end(),
            [&](const QVariant &element) { return equal(fromVariant(element), item); });
    }
    return std::any_of(list.jsonArray.begin(), list.jsonArray.end(),
        [&](const QJsonValue &element) { return equal(fromJson(element), item); });
}

class Evaluator {
public:
    Evaluator(const Tree &tree, const Expression::Context &context)
        : tree(tree)
        , context(context)
    {
    }

    Value value(int index) const;

private:
    int child(const Node &node, int i) const { return tree.children[node.first + i]; }
    Value literal(const Node &node) const;
    Value record(const Node &node) const;
    Value claim(const Node &node) const;
    Value logic(const Node &node) const;
    Value membership(const Node &node) const;

    const Tree &tree;
    const Expression::Context &context;
};

Value Evaluator::value(int index) const
{
    const Node &node = tree.nodes[index];
    switch (node.kind) {
    case NodeKind::Literal:
        return literal(node);
    case NodeKind::Record:
        return record(node);
    case NodeKind::Claim:
        return claim(node);
    case NodeKind::Param: {
        const auto it = context.params.constFind(node.name);
        return it == context.params.constEnd() ? Value() : fromVariant(*it);
    }
    case NodeKind::Compare: {
        const Value a = value(child(node, 0));
        const Value b = value(child(node, 1));
        if (node.op == CompareOp::Eq || node.op == CompareOp::Ne)
            return boolean(equal(a, b) == (node.op == CompareOp::Eq));
        return boolean(ordered(a, b, node.op));
    }
    case NodeKind::In:
        return membership(node);
    case NodeKind::Not:
    case NodeKind::And:
    case NodeKind::Or:
        return logic(node);
    }
    return Value();
}

Value Evaluator::literal(const Node &node) const
{
    const Literal &literal = node.literal;
    Value v;
    switch (literal.type) {
    case Literal::Type::Null:
        break;
    case Literal::Type::Bool:
        return boolean(literal.boolean);
    case Literal::Type::Int:
        v.kind = Value::Kind::Int;
        v.integer = literal.integer;
        break;
    case Literal::Type::Double:
        v.kind = Value::Kind::Double;
        v.number = literal.number;
        break;
    case Literal::Type::String:
        v.kind = Value::Kind::String;
        v.borrowed = &literal.string;
        break;
    }
    return v;
}

Value Evaluator::record(const Node &node) const
{
    if (!context.jsonRecord.isEmpty()) {
        const auto it = context.jsonRecord.constFind(node.name);
        return it == context.jsonRecord.constEnd() ? Value() : fromJson(*it);
    }
    const auto it = context.record.constFind(node.name);
    return it == context.record.constEnd() ? Value() : fromVariant(*it);
}

// auth.a.b.c: each further key is looked up in the object the previous one
// names; anything else on the way reads as null. Maps are walked in place;
// an object held as JSON is converted once.
Value Evaluator::claim(const Node &node) const
{
    const auto it = context.auth.constFind(node.name);
    if (it == context.auth.constEnd())
        return Value();
    const QVariant *current = &*it;
    qsizetype i = 0;
    for (; i < node.members.size() && current->metaType().id() == QMetaType::QVariantMap; ++i) {
        const auto *map = static_cast<const QVariantMap *>(current->constData());
        const auto member = map->constFind(node.members[i]);
        if (member == map->constEnd())
            return Value();
        current = &*member;
    }
    if (i == node.members.size())
        return fromVariant(*current);
    QJsonValue json = QJsonValue::fromVariant(*current);
    for (; i < node.members.size(); ++i) {
        if (!json.isObject())
            return Value();
        json = json.toObject().value(node.members[i]);
    }
    return fromJson(json);
}

// A non-bool where a bool is needed counts as false; ! of a non-bool is null.
Value Evaluator::logic(const Node &node) const
{
    if (node.kind == NodeKind::Not) {
        const Value v = value(child(node, 0));
        return v.kind == Value::Kind::Bool ? boolean(!v.boolean) : Value();
    }
    const bool any = node.kind == NodeKind::Or;
    for (int i = 0; i < node.count; ++i) {
        const Value v = value(child(node, i));
        if ((v.kind == Value::Kind::Bool && v.boolean) == any)
            return boolean(any);
    }
    return boolean(!any);
}

Value Evaluator::membership(const Node &node) const
{
    const Value item = value(child(node, 0));
    if (!node.bracketed)
        return boolean(contains(value(child(node, 1)), item));
    for (int i = 1; i < node.count; ++i) {
        if (equal(value(child(node, i)), item))
            return boolean(true);
    }
    return boolean(false);
}

} // namespace

bool evaluateTree(const Tree &tree, const Expression::Context &context)
{
    if (tree.root < 0)
        return false;
    const Value v = Evaluator(tree, context).value(tree.root);
    return v.kind == Value::Kind::Bool && v.boolean;
}

} // namespace Optimist::ExpressionDetail
