// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistserver_export.h>
#include <optimist/serverconfig.h>

#include <QtCore/QVariantMap>

#include <chrono>
#include <memory>

namespace Optimist {

class DevelopmentTokensPrivate;

//! DEVELOPMENT ONLY: mints HS256 tokens signed with a development secret,
//! so that a demo, an example or a test can sign in as any user of an
//! embedded server (docs/security.md, "Development tokens"). Whoever holds
//! the secret signs in as anyone: in production, tokens come from an
//! identity provider and the server holds only its public key.
//!
//! \code
//! Optimist::DevelopmentTokens tokens; // a random secret
//! config.setJwt(tokens.jwt());
//! client.setToken(tokens.mint(u"alice"_s));
//! \endcode
class OPTIMIST_SERVER_EXPORT DevelopmentTokens {
public:
    //! A random 32-byte secret, new for each instance: only a server given
    //! this instance's jwt() accepts its tokens.
    DevelopmentTokens();
    //! A given secret (at least 32 bytes, or the server refuses it), for a
    //! server in another process.
    explicit DevelopmentTokens(const QByteArray &secret);
    ~DevelopmentTokens();
    DevelopmentTokens(const DevelopmentTokens &) = delete;
    DevelopmentTokens &operator=(const DevelopmentTokens &) = delete;

    QByteArray secret() const;
    //! The settings of a server that accepts these tokens (ServerConfig::setJwt()):
    //! HS256 with the secret, issuer "optimist-development".
    ServerConfig::Jwt jwt() const;

    //! A token for \a userId (its `sub`) with \a claims besides, issued now
    //! and expiring after \a lifetime; empty if signing failed.
    QString mint(const QString &userId, const QVariantMap &claims = {},
        std::chrono::seconds lifetime = std::chrono::hours(1)) const;

private:
    std::unique_ptr<DevelopmentTokensPrivate> const d;
};

} // namespace Optimist
