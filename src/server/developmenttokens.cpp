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

DevelopmentTokens::DevelopmentTokens()
    : DevelopmentTokens(randomSecret())
{
}

DevelopmentTokens::DevelopmentTokens(const QByteArray &secret)
    : d(std::make_unique<DevelopmentTokensPrivate>(DevelopmentTokensPrivate { secret }))
{
}

DevelopmentTokens::~DevelopmentTokens() = default;

QByteArray DevelopmentTokens::secret() const
{
    return d->secret;
}

ServerConfig::Jwt DevelopmentTokens::jwt() const
{
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm::HS256;
    jwt.secret = d->secret;
    jwt.issuer = Issuer;
    return jwt;
}

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
