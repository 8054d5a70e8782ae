// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "authorizer.h"

namespace Optimist {

Authorizer::~Authorizer() = default;

class TokenAuthorizerPrivate {
public:
    QStringList tokens;
};

TokenAuthorizer::TokenAuthorizer(const QStringList &acceptedTokens)
    : d(std::make_unique<TokenAuthorizerPrivate>(TokenAuthorizerPrivate { acceptedTokens }))
{
}

TokenAuthorizer::~TokenAuthorizer() = default;

QStringList TokenAuthorizer::acceptedTokens() const
{
    return d->tokens;
}

bool TokenAuthorizer::authenticate(const QString &, const QString &token)
{
    return d->tokens.isEmpty() || d->tokens.contains(token);
}

bool TokenAuthorizer::canRead(const QString &, const QString &)
{
    return true;
}

bool TokenAuthorizer::canWrite(const QString &, const Mutation &)
{
    return true;
}

QString TokenAuthorizer::validate(const Mutation &, const QVariantMap &)
{
    return {};
}

} // namespace Optimist
