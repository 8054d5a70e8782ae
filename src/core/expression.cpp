// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Optimist::Expression: parsing entry point, what an expression references,
// its equality predicates, and printing.
#include "expression_p.h"

#include <QtCore/QJsonValue>

using namespace Qt::StringLiterals;

namespace Optimist {

using namespace ExpressionDetail;

namespace {

QVariant literalValue(const Literal &literal)
{
    switch (literal.type) {
    case Literal::Type::Null:
        return {};
    case Literal::Type::Bool:
        return literal.boolean;
    case Literal::Type::Int:
        return QVariant::fromValue(literal.integer);
    case Literal::Type::Double:
        return literal.number;
    case Literal::Type::String:
        return literal.string;
    }
    return {};
}

QString claimPath(const Node &node)
{
    return node.members.isEmpty() ? node.name : node.name + u'.' + node.members.join(u'.');
}

QStringList referenced(const Tree &tree, NodeKind kind)
{
    QStringList names;
    for (const Node &node : tree.nodes) {
        if (node.kind != kind)
            continue;
        const QString name = kind == NodeKind::Claim ? claimPath(node) : node.name;
        if (!names.contains(name))
            names.append(name);
    }
    return names;
}

bool sameNode(const Tree &a, int i, const Tree &b, int j)
{
    const Node &x = a.nodes[i];
    const Node &y = b.nodes[j];
    if (x.kind != y.kind || x.op != y.op || x.bracketed != y.bracketed || x.count != y.count || x.name != y.name
        || x.members != y.members || !(x.literal == y.literal))
        return false;
    for (int k = 0; k < x.count; ++k) {
        if (!sameNode(a, a.children[x.first + k], b, b.children[y.first + k]))
            return false;
    }
    return true;
}

// A conjunct record.f == x (either way round) with x a literal, claim or
// parameter, as a predicate.
bool equalityPredicate(const Tree &tree, const Node &node, Expression::EqualityPredicate *out)
{
    if (node.kind != NodeKind::Compare || node.op != CompareOp::Eq)
        return false;
    const Node *field = &tree.nodes[tree.children[node.first]];
    const Node *other = &tree.nodes[tree.children[node.first + 1]];
    if (field->kind != NodeKind::Record)
        std::swap(field, other);
    if (field->kind != NodeKind::Record)
        return false;
    using Source = Expression::EqualityPredicate::Source;
    out->field = field->name;
    switch (other->kind) {
    case NodeKind::Literal:
        out->source = Source::Literal;
        out->literal = literalValue(other->literal);
        return true;
    case NodeKind::Claim:
        out->source = Source::Claim;
        out->name = claimPath(*other);
        return true;
    case NodeKind::Param:
        out->source = Source::Param;
        out->name = other->name;
        return true;
    default:
        return false;
    }
}

} // namespace

Expression::Expression() = default;
Expression::~Expression() = default;
Expression::Expression(const Expression &) = default;
Expression &Expression::operator=(const Expression &) = default;
Expression::Expression(Expression &&) noexcept = default;
Expression &Expression::operator=(Expression &&) noexcept = default;

Expression::Expression(std::shared_ptr<const ExpressionPrivate> d)
    : d(std::move(d))
{
}

Expression Expression::parse(const QString &text, ParseError *error)
{
    auto p = std::make_shared<ExpressionPrivate>();
    p->text = text;
    QList<Token> tokens;
    qsizetype errorAt = 0;
    QString message;
    if (tokenize(text, &tokens, &errorAt, &message) && parseTokens(tokens, &p->tree, &errorAt, &message))
        return Expression(std::move(p));
    if (error) {
        error->position = codePointPosition(text, errorAt);
        error->message = u"%1 at %2"_s.arg(message).arg(error->position);
    }
    return {};
}

bool Expression::isNull() const
{
    return !d;
}

bool Expression::evaluate(const Context &context) const
{
    return d && evaluateTree(d->tree, context);
}

bool Expression::validate(const Fields &schema, ParseError *error) const
{
    if (!d)
        return true;
    for (const Node &node : d->tree.nodes) {
        if (node.kind != NodeKind::Record)
            continue;
        const bool known
            = std::any_of(schema.begin(), schema.end(), [&](const Field &field) { return field.name() == node.name; });
        // Every record has an id, though no schema lists it.
        if (known || node.name == u"id")
            continue;
        if (error) {
            error->position = codePointPosition(d->text, node.start);
            error->message = u"unknown field '%1' at %2"_s.arg(node.name).arg(error->position);
        }
        return false;
    }
    return true;
}

QStringList Expression::referencedFields() const
{
    return d ? referenced(d->tree, NodeKind::Record) : QStringList();
}

QStringList Expression::referencedClaims() const
{
    return d ? referenced(d->tree, NodeKind::Claim) : QStringList();
}

QStringList Expression::referencedParams() const
{
    return d ? referenced(d->tree, NodeKind::Param) : QStringList();
}

QList<Expression::EqualityPredicate> Expression::equalityPredicates() const
{
    QList<EqualityPredicate> predicates;
    if (!d)
        return predicates;
    const Tree &tree = d->tree;
    const Node &root = tree.nodes[tree.root];
    const auto consider = [&](const Node &node) {
        EqualityPredicate predicate;
        if (equalityPredicate(tree, node, &predicate))
            predicates.append(std::move(predicate));
    };
    if (root.kind != NodeKind::And)
        consider(root);
    for (int i = 0; root.kind == NodeKind::And && i < root.count; ++i)
        consider(tree.nodes[tree.children[root.first + i]]);
    return predicates;
}

QVariant Expression::EqualityPredicate::value(const Context &context) const
{
    switch (source) {
    case Source::Literal:
        return literal;
    case Source::Param:
        return context.params.value(name);
    case Source::Claim:
        break;
    }
    const QStringList path = name.split(u'.');
    QVariant value = context.auth.value(path.first());
    if (path.size() == 1)
        return value;
    QJsonValue json = QJsonValue::fromVariant(value);
    for (qsizetype i = 1; i < path.size(); ++i)
        json = json.isObject() ? json.toObject().value(path[i]) : QJsonValue(QJsonValue::Undefined);
    return json.toVariant();
}

QString Expression::toString() const
{
    return d ? printTree(d->tree) : QString();
}

QString Expression::text() const
{
    return d ? d->text : QString();
}

bool operator==(const Expression &a, const Expression &b)
{
    if (!a.d || !b.d)
        return !a.d && !b.d;
    return sameNode(a.d->tree, a.d->tree.root, b.d->tree, b.d->tree.root);
}

} // namespace Optimist
