// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "developmenttokens.h"

#include "jwtverifier_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QRandomGenerator>

using namespace Qt::StringLiterals;

namespace Optimist {

static constexpr auto Issuer = "optimist-development"_L1;

class DevelopmentTokensPrivate {
public:
    QByteArray secret;
};

static QByteArray randomSecret()
{
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(secret.data()), secret.size() / 4);
    return secret;
}

/*!
    \class Optimist::DevelopmentTokens
    \inmodule Optimist
    \brief DEVELOPMENT ONLY: mints HS256 JSON Web Tokens signed with a
    development secret.

    So that a demo, an example or a test can sign in as any user of an
    embedded server (docs/security.md, "Development tokens"). Whoever holds
    the secret signs in as anyone: in production, tokens come from an
    identity provider and the server holds only its public key.

    \code
    Optimist::DevelopmentTokens tokens; // a random secret
    config.setJwt(tokens.jwt());
    client.setToken(tokens.mint(u"alice"_s));
    \endcode

    Not copyable.
*/

/*!
    Constructs a minter with a random 32-byte secret, new for each instance
    (from the system's random generator): only a server given this
    instance's jwt() accepts its tokens.
*/
DevelopmentTokens::DevelopmentTokens()
    : DevelopmentTokens(randomSecret())
{
}

/*!
    Constructs a minter with the given \a secret, to share it with a server
    in another process. It must be at least 32 bytes, or the server's
    listen() fails ("auth.jwt: an HS256 secret needs at least 32 bytes");
    it is not checked here.
*/
DevelopmentTokens::DevelopmentTokens(const QByteArray &secret)
    : d(std::make_unique<DevelopmentTokensPrivate>(DevelopmentTokensPrivate { secret }))
{
}

/*!
    Destroys the minter.
*/
DevelopmentTokens::~DevelopmentTokens() = default;

/*!
    Returns the secret tokens are signed with.
*/
QByteArray DevelopmentTokens::secret() const
{
    return d->secret;
}

/*!
    Returns the settings of a server that accepts these tokens
    (ServerConfig::setJwt()): HS256 with the secret, issuer
    \c optimist-development, no audience, the default leeway.
*/
ServerConfig::Jwt DevelopmentTokens::jwt() const
{
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm::HS256;
    jwt.secret = d->secret;
    jwt.issuer = Issuer;
    return jwt;
}

/*!
    Returns a token for \a userId (its \c sub claim), with \a claims besides,
    issued now and expiring after \a lifetime (one hour by default). The
    token's \c sub, \c iss (\c optimist-development), \c iat and \c exp
    replace claims of those names in \a claims; the others (JSON values,
    e.g. \c org or \c roles) reach the server's rules as
    \c{auth.<claim>}. Returns an empty string if signing failed.
*/
QString DevelopmentTokens::mint(const QString &userId, const QVariantMap &claims, std::chrono::seconds lifetime) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QVariantMap all = claims;
    all.insert(u"sub"_s, userId);
    all.insert(u"iss"_s, QString(Issuer));
    all.insert(u"iat"_s, now);
    all.insert(u"exp"_s, now + lifetime.count());
    return JwtVerifier::signHs256(d->secret, all);
}

} // namespace Optimist
