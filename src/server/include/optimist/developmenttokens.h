// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistserver_export.h>
#include <optimist/serverconfig.h>

#include <QtCore/QVariantMap>

#include <chrono>
#include <memory>

namespace Optimist {

class DevelopmentTokensPrivate;

class OPTIMIST_SERVER_EXPORT DevelopmentTokens {
public:
    DevelopmentTokens();
    explicit DevelopmentTokens(const QByteArray &secret);
    ~DevelopmentTokens();
    DevelopmentTokens(const DevelopmentTokens &) = delete;
    DevelopmentTokens &operator=(const DevelopmentTokens &) = delete;

    QByteArray secret() const;
    ServerConfig::Jwt jwt() const;

    QString mint(const QString &userId, const QVariantMap &claims = {},
        std::chrono::seconds lifetime = std::chrono::hours(1)) const;

private:
    std::unique_ptr<DevelopmentTokensPrivate> const d;
};

} // namespace Optimist
