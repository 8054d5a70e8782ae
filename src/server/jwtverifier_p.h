// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "identity.h"
#include "serverconfig.h"

#include <optional>

namespace Optimist {

//! Verifies a hello's JSON Web Token with libjwt (signature) and checks its
//! claims (libjwt 1.10 checks none): docs/security.md, "Identity and tokens".
class JwtVerifier {
public:
    //! Reads the key or secret \a settings name; false, with \a error
    //! naming the setting, when they cannot be used.
    bool load(const ServerConfig::Jwt &settings, QString *error);
    bool isEnabled() const { return m_settings.isEnabled(); }

    //! \a token checked at \a now.
    Authentication verify(const QString &token, const QDateTime &now) const;

    //! An HS256 token of \a claims signed with \a secret (DevelopmentTokens);
    //! empty if libjwt fails.
    static QString signHs256(const QByteArray &secret, const QVariantMap &claims);

private:
    //! Why \a token cannot be handed to libjwt: not three base64url parts,
    //! a header or claims that are not JSON objects, another algorithm than the configured one,
    //! critical extensions.
    std::optional<QString> checkHeader(const QByteArray &token) const;
    //! iss, aud, sub, nbf, exp of a token whose signature verified.
    Authentication checkClaims(const QVariantMap &claims, const QDateTime &now) const;

    ServerConfig::Jwt m_settings;
    //! The HS256 secret or the PEM public key.
    QByteArray m_key;
};

} // namespace Optimist
