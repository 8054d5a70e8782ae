// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// JSON Web Tokens for the server tests, signed with libjwt (link
// PkgConfig::LIBJWT): any algorithm and key, and HS256 server settings.

#include <optimist/serverconfig.h>

#include <QtCore/QByteArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <jwt.h>

#include <cstdlib>

namespace JwtSigning {

//! A token of \a claims signed by libjwt with \a alg and \a key; empty on failure.
inline QString sign(jwt_alg_t alg, const QByteArray &key, const QJsonObject &claims)
{
    jwt_t *jwt = nullptr;
    if (jwt_new(&jwt) != 0)
        return {};
    const QByteArray json = QJsonDocument(claims).toJson(QJsonDocument::Compact);
    char *encoded = nullptr;
    if (jwt_add_grants_json(jwt, json.constData()) == 0
        && jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char *>(key.constData()), int(key.size())) == 0)
        encoded = jwt_encode_str(jwt);
    const QString token = encoded ? QString::fromLatin1(encoded) : QString();
    std::free(encoded);
    jwt_free(jwt);
    return token;
}

//! A server's settings to verify HS256 tokens signed with \a secret.
inline Optimist::ServerConfig::Jwt hs256(const QByteArray &secret)
{
    Optimist::ServerConfig::Jwt jwt;
    jwt.algorithm = Optimist::ServerConfig::Jwt::Algorithm::HS256;
    jwt.secret = secret;
    return jwt;
}

} // namespace JwtSigning
