// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "authorizer.h"

namespace Optimist {

Authorizer::Authorizer(const QStringList &acceptedTokens)
    : m_tokens(acceptedTokens)
{
}

Authorizer::~Authorizer() = default;

bool Authorizer::authenticate(const QString &, const QString &token)
{
    return m_tokens.isEmpty() || m_tokens.contains(token);
}

bool Authorizer::canRead(const QString &, const QString &)
{
    return true;
}

bool Authorizer::canWrite(const QString &, const Mutation &)
{
    return true;
}

QString Authorizer::validate(const Mutation &, const QVariantMap &)
{
    return {};
}

} // namespace Optimist
