// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistserver_export.h>

#include <QtCore/QDateTime>
#include <QtCore/QVariantMap>

namespace Optimist {

//! Who a connected client is, as its hello's token says
//! (docs/security.md, "Identity and tokens"). The server keeps one per
//! session.
struct Identity {
    //! The token's `sub` claim; empty for a static development token.
    QString userId;
    //! Every claim of the token (`sub`, `exp`, `iss`, custom ones) as JSON
    //! values; rules read them as `auth.<claim>`.
    QVariantMap claims;
    //! When the server ends the session (close code 4001, reason
    //! "token_expired"): the token's `exp` plus the leeway. Invalid: never.
    QDateTime expiresAt;

    friend bool operator==(const Identity &, const Identity &) = default;
};

//! Authorizer::authenticate()'s answer to a hello's token.
struct Authentication {
    enum class Result {
        Accepted,
        //! `error unauthorized` with message(), close code 4001 "unauthorized".
        Refused,
        //! `error unauthorized` "token expired", close code 4001
        //! "token_expired": a fresh token lets the client in again.
        Expired,
    };

    Result result = Result::Refused;
    //! Who the client is, when accepted.
    Identity identity;
    //! Why the token was refused, for the client's error frame: say nothing
    //! a client must not learn.
    QString message;

    static Authentication accepted(const Identity &identity = {}) { return { Result::Accepted, identity, {} }; }
    static Authentication refused(const QString &message) { return { Result::Refused, {}, message }; }
    static Authentication expired() { return { Result::Expired, {}, QStringLiteral("token expired") }; }
    bool isAccepted() const { return result == Result::Accepted; }
};

} // namespace Optimist
