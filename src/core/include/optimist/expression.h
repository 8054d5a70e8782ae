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

class OPTIMIST_CORE_EXPORT Expression {
public:
    struct ParseError {
        int position = -1;
        QString message;
    };

    struct Context {
        QVariantMap record;
        QVariantMap auth;
        QVariantMap params;
        QJsonObject jsonRecord;
    };

    struct EqualityPredicate {
        enum class Source { Literal, Claim, Param };
        QString field;
        Source source = Source::Literal;
        QString name;
        QVariant literal;
        QVariant value(const Context &context) const;
        friend bool operator==(const EqualityPredicate &, const EqualityPredicate &) = default;
    };

    static constexpr int MaxDepth = 64;

    Expression();
    ~Expression();
    Expression(const Expression &);
    Expression &operator=(const Expression &);
    Expression(Expression &&) noexcept;
    Expression &operator=(Expression &&) noexcept;

    static Expression parse(const QString &text, ParseError *error = nullptr);

    bool isNull() const;

    bool evaluate(const Context &context) const;

    bool validate(const Fields &schema, ParseError *error = nullptr) const;

    QStringList referencedFields() const;
    QStringList referencedClaims() const;
    QStringList referencedParams() const;

    QList<EqualityPredicate> equalityPredicates() const;

    QString toString() const;

    QString text() const;

    friend OPTIMIST_CORE_EXPORT bool operator==(const Expression &, const Expression &);

private:
    explicit Expression(std::shared_ptr<const ExpressionPrivate> d);
    std::shared_ptr<const ExpressionPrivate> d;
};

} // namespace Optimist
