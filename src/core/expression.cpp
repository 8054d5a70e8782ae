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

/*!
    \class Optimist::Expression
    \inmodule Optimist
    \inheaderfile optimist/expression.h
    \brief A rule or filter in Optimist's expression language.

    The language is described in docs/security.md, "The rule and filter
    language": \c {record.owner == auth.sub && !record.done}. A
    ListModel::filter is one; the server's read and write rules are others.

    Parsed once, evaluated many times: evaluate() never parses, never throws
    and is safe to call from several threads at once. An Expression is an
    immutable value, cheap to copy (it shares its parsed form).

    \code
    Optimist::Expression::ParseError error;
    const auto rule = Optimist::Expression::parse(u"record.owner == auth.sub"_s, &error);
    if (rule.isNull())
        qWarning() << error.message; // e.g. "expected ')' at 14"
    const bool mine = rule.evaluate({ record, { { u"sub"_s, userId } }, {}, {} });
    \endcode
*/

/*!
    \struct Optimist::Expression::ParseError
    \inmodule Optimist
    \brief Why a text is no expression, or why an expression does not fit a
    schema.
*/

/*!
    \variable Optimist::Expression::ParseError::position
    \brief Where the problem is, in Unicode code points from 0; -1 if
    unknown.
*/

/*!
    \variable Optimist::Expression::ParseError::message
    \brief What is wrong, in plain English, ending with the position:
    "expected ')' at 14".
*/

/*!
    \struct Optimist::Expression::Context
    \inmodule Optimist
    \brief What an expression reads.

    A missing key reads as null.
*/

/*!
    \variable Optimist::Expression::Context::record
    \brief The record's fields by name (and \c id): \c {record.<field>}.
*/

/*!
    \variable Optimist::Expression::Context::auth
    \brief The user's claims: \c {auth.<claim>}, dotted paths reading into
    nested maps (\c auth.org.id).
*/

/*!
    \variable Optimist::Expression::Context::params
    \brief The subscription's or caller's parameters by name: \c {$name}.
*/

/*!
    \variable Optimist::Expression::Context::jsonRecord
    \brief The record as JSON, read instead of record when not empty (the
    server holds records as JSON).
*/

/*!
    \struct Optimist::Expression::EqualityPredicate
    \inmodule Optimist
    \brief A top-level conjunct \c {record.<field> == <operand>}: the form a
    subscription index can look up instead of evaluating.
*/

/*!
    \enum Optimist::Expression::EqualityPredicate::Source

    Where the value the field must equal comes from.

    \value Literal A literal in the expression (literal).
    \value Claim A claim of the user: \c {auth.<name>}.
    \value Param A parameter: \c {$name}.
*/

/*!
    \variable Optimist::Expression::EqualityPredicate::field
    \brief The field the predicate compares.
*/

/*!
    \variable Optimist::Expression::EqualityPredicate::source
    \brief Where the compared value comes from; Literal by default.
*/

/*!
    \variable Optimist::Expression::EqualityPredicate::name
    \brief The claim's path ("sub", "org.id") or the parameter's name; empty
    for a literal.
*/

/*!
    \variable Optimist::Expression::EqualityPredicate::literal
    \brief The literal, for Source::Literal.
*/

/*!
    \fn bool Optimist::Expression::EqualityPredicate::operator==(const Optimist::Expression::EqualityPredicate &a, const
   Optimist::Expression::EqualityPredicate &b)

    Returns whether \a a and \a b compare the same field with the same
    operand.
*/

/*!
    \variable Optimist::Expression::MaxDepth
    \brief How deeply parentheses, \c ! and brackets may nest: 64.

    A filter comes from a client, and neither parsing nor evaluation may
    recurse without bound; deeper text does not parse.
*/

/*!
    \fn bool Optimist::Expression::operator==(const Optimist::Expression &a, const Optimist::Expression &b)

    Returns whether \a a and \a b have the same structure (not the same
    text): \c {a==1} equals \c {(a == 1)}.
*/

/*!
    \fn Optimist::Expression::Expression()

    Constructs a null expression: isNull() is true and evaluate() returns
    false.
*/

/*!
    \fn Optimist::Expression::~Expression()

    Destroys the expression.
*/

/*!
    \fn Optimist::Expression::Expression(const Optimist::Expression &other)

    Constructs a copy of \a other (cheap: the parsed form is shared).
*/

/*!
    \fn Optimist::Expression &Optimist::Expression::operator=(const Optimist::Expression &other)

    Assigns \a other to this expression.
*/

/*!
    \fn Optimist::Expression::Expression(Optimist::Expression &&other)

    Move-constructs an expression from \a other.
*/

/*!
    \fn Optimist::Expression &Optimist::Expression::operator=(Optimist::Expression &&other)

    Move-assigns \a other to this expression.
*/
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

/*!
    Parses \a text. On failure returns a null expression and, when \a error
    is given, sets it.
*/
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

/*!
    Returns whether the expression is null: default-constructed, or what a
    failed parse() returned.
*/
bool Expression::isNull() const
{
    return !d;
}

/*!
    Returns true only when the expression's value in \a context is the bool
    true. Total: every expression has a value in every context (a missing
    key reads as null).
*/
bool Expression::evaluate(const Context &context) const
{
    return d && evaluateTree(d->tree, context);
}

/*!
    Checks that every \c {record.<field>} names a field of \a schema. On the
    first unknown one returns false and sets \a error, if given ("unknown
    field 'ownr' at 7"). A null expression is valid.
*/
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

/*!
    Returns the fields the expression reads (\c {record.<field>}), each
    once, in the order they first appear.
*/
QStringList Expression::referencedFields() const
{
    return d ? referenced(d->tree, NodeKind::Record) : QStringList();
}

/*!
    Returns the claims the expression reads (\c {auth.<claim>}), as dotted
    paths, each once, in the order they first appear.
*/
QStringList Expression::referencedClaims() const
{
    return d ? referenced(d->tree, NodeKind::Claim) : QStringList();
}

/*!
    Returns the parameters the expression reads (\c {$name}), without the
    \c $, each once, in the order they first appear.
*/
QStringList Expression::referencedParams() const
{
    return d ? referenced(d->tree, NodeKind::Param) : QStringList();
}

/*!
    Returns the top-level conjuncts of the form \c {record.<field> ==
    <operand>}, in order; empty for a null expression.
*/
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

/*!
    Returns the value \c {record.<field>} must equal in \a context: the
    literal, the claim or the parameter (an invalid QVariant for a missing
    one).
*/
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

/*!
    Returns the expression in canonical form, with only the parentheses it
    needs: parse(toString()) gives an equal expression. Empty when null.
*/
QString Expression::toString() const
{
    return d ? printTree(d->tree) : QString();
}

/*!
    Returns the text parse() was given.
*/
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
