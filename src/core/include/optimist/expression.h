// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/field.h>
#include <optimist/optimistcore_export.h>

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

#include <memory>

namespace Optimist {

class ExpressionPrivate;

//! A rule or filter in Optimist's expression language (docs/security.md,
//! "The rule and filter language"): `record.owner == auth.sub && !record.done`.
//!
//! Parsed once, evaluated many times: evaluate() never parses, never throws
//! and is safe to call from several threads at once. An Expression is an
//! immutable value, cheap to copy (it shares its parsed form).
class OPTIMIST_CORE_EXPORT Expression {
public:
    //! Why a text is no expression, or why an expression does not fit a
    //! schema. position counts Unicode code points from 0; message is plain
    //! English and ends with the position: "expected ')' at 14".
    struct ParseError {
        int position = -1;
        QString message;
    };

    //! What an expression reads: the record's fields, the user's claims
    //! (auth) and the subscription's or caller's parameters ($name). A
    //! missing key reads as null. The server holds records as JSON: when
    //! jsonRecord is not empty it is read instead of record.
    struct Context {
        QVariantMap record;
        QVariantMap auth;
        QVariantMap params;
        QJsonObject jsonRecord;
    };

    //! A top-level conjunct `record.<field> == <operand>`, the form a
    //! subscription index can look up instead of evaluating.
    struct EqualityPredicate {
        enum class Source { Literal, Claim, Param };
        QString field;
        Source source = Source::Literal;
        //! The claim's path ("sub", "org.id") or the parameter's name.
        QString name;
        //! The literal (for Source::Literal).
        QVariant literal;
        //! The value record.<field> must equal in \a context: the literal,
        //! the claim or the parameter (an invalid QVariant for a missing one).
        QVariant value(const Context &context) const;
        friend bool operator==(const EqualityPredicate &, const EqualityPredicate &) = default;
    };

    //! How deeply parentheses, `!` and brackets may nest: a filter comes
    //! from a client, and neither parsing nor evaluation may recurse
    //! without bound.
    static constexpr int MaxDepth = 64;

    //! A null expression: isNull() is true and evaluate() returns false.
    Expression();
    ~Expression();
    Expression(const Expression &);
    Expression &operator=(const Expression &);
    Expression(Expression &&) noexcept;
    Expression &operator=(Expression &&) noexcept;

    //! Parses \a text. On failure returns a null expression and, when
    //! \a error is given, sets it.
    static Expression parse(const QString &text, ParseError *error = nullptr);

    bool isNull() const;

    //! True only when the expression's value in \a context is the bool true.
    //! Total: every expression has a value in every context.
    bool evaluate(const Context &context) const;

    //! Checks that every `record.<field>` names a field of \a schema. On the
    //! first unknown one returns false and sets \a error ("unknown field
    //! 'ownr' at 7"). A null expression is valid.
    bool validate(const Fields &schema, ParseError *error = nullptr) const;

    //! The fields, claims (dotted paths) and parameters the expression
    //! reads, each once, in the order they first appear.
    QStringList referencedFields() const;
    QStringList referencedClaims() const;
    QStringList referencedParams() const;

    QList<EqualityPredicate> equalityPredicates() const;

    //! The expression in canonical form, with only the parentheses it
    //! needs: parse(toString()) gives an equal expression. Empty when null.
    QString toString() const;

    //! The text parse() was given.
    QString text() const;

    //! Same structure (not same text): `a==1` equals `(a == 1)`.
    friend OPTIMIST_CORE_EXPORT bool operator==(const Expression &, const Expression &);

private:
    explicit Expression(std::shared_ptr<const ExpressionPrivate> d);
    std::shared_ptr<const ExpressionPrivate> d;
};

} // namespace Optimist
