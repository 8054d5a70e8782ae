// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "authorizer.h"

#include "jwtverifier_p.h"

using namespace Qt::StringLiterals;

namespace Optimist {

Authorizer::~Authorizer() = default;

bool Authorizer::canReadRecord(const Identity &, const QString &, const QJsonObject &)
{
    return true;
}

bool Authorizer::canWriteRecord(const Identity &, const Mutation &, const QJsonObject &, const QJsonObject &)
{
    return true;
}

class TokenAuthorizerPrivate {
public:
    QStringList tokens;
    ServerConfig::Jwt settings;
    JwtVerifier jwt;
    QString error;
};

TokenAuthorizer::TokenAuthorizer(const QStringList &acceptedTokens, const ServerConfig::Jwt &jwt)
    : d(std::make_unique<TokenAuthorizerPrivate>())
{
    d->tokens = acceptedTokens;
    d->settings = jwt;
    if (!d->jwt.load(jwt, &d->error))
        d->jwt = JwtVerifier(); // no JWT gets in; Server::listen() fails anyway
}

TokenAuthorizer::~TokenAuthorizer() = default;

QStringList TokenAuthorizer::acceptedTokens() const
{
    return d->tokens;
}

ServerConfig::Jwt TokenAuthorizer::jwt() const
{
    return d->settings;
}

QString TokenAuthorizer::errorString() const
{
    return d->error;
}

QDateTime TokenAuthorizer::currentTime() const
{
    return QDateTime::currentDateTimeUtc();
}

Authentication TokenAuthorizer::authenticate(const QString &, const QString &token)
{
    // A static token first: development tools keep working next to an
    // identity provider.
    if (!token.isEmpty() && d->tokens.contains(token))
        return Authentication::accepted();
    if (d->jwt.isEnabled())
        return d->jwt.verify(token, currentTime());
    if (d->tokens.isEmpty() && d->error.isEmpty())
        return Authentication::accepted();
    return Authentication::refused(u"the token was refused"_s);
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
