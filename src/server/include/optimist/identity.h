// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistserver_export.h>

#include <QtCore/QDateTime>
#include <QtCore/QVariantMap>

namespace Optimist {

struct Identity {
    QString userId;
    QVariantMap claims;
    QDateTime expiresAt;

    friend bool operator==(const Identity &, const Identity &) = default;
};

struct Authentication {
    enum class Result {
        Accepted,
        Refused,
        Expired,
    };

    Result result = Result::Refused;
    Identity identity;
    QString message;

    static Authentication accepted(const Identity &identity = {}) { return { Result::Accepted, identity, {} }; }
    static Authentication refused(const QString &message) { return { Result::Refused, {}, message }; }
    static Authentication expired() { return { Result::Expired, {}, QStringLiteral("token expired") }; }
    bool isAccepted() const { return result == Result::Accepted; }
};

} // namespace Optimist
