// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/identity.h>
#include <optimist/optimistserver_export.h>
#include <optimist/serverconfig.h>

#include <QtCore/QJsonObject>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

#include <memory>

namespace Optimist {

class TokenAuthorizerPrivate;

class OPTIMIST_SERVER_EXPORT Authorizer {
public:
    virtual ~Authorizer();

    virtual Authentication authenticate(const QString &clientId, const QString &token) = 0;
    virtual bool canRead(const QString &clientId, const QString &collection) = 0;
    virtual bool canWrite(const QString &clientId, const Mutation &mutation) = 0;
    virtual QString validate(const Mutation &mutation, const QVariantMap &currentRecord) = 0;

    virtual bool canReadRecord(const Identity &identity, const QString &collection, const QJsonObject &record);
    virtual bool canWriteRecord(
        const Identity &identity, const Mutation &mutation, const QJsonObject &before, const QJsonObject &after);

protected:
    Authorizer() = default;
    Authorizer(const Authorizer &) = delete;
    Authorizer &operator=(const Authorizer &) = delete;
};

class OPTIMIST_SERVER_EXPORT TokenAuthorizer : public Authorizer {
public:
    explicit TokenAuthorizer(const QStringList &acceptedTokens = {}, const ServerConfig::Jwt &jwt = {});
    ~TokenAuthorizer() override;

    QStringList acceptedTokens() const;
    ServerConfig::Jwt jwt() const;
    QString errorString() const;

    Authentication authenticate(const QString &clientId, const QString &token) override;
    bool canRead(const QString &clientId, const QString &collection) override;
    bool canWrite(const QString &clientId, const Mutation &mutation) override;
    QString validate(const Mutation &mutation, const QVariantMap &currentRecord) override;

protected:
    virtual QDateTime currentTime() const;

private:
    std::unique_ptr<TokenAuthorizerPrivate> const d;
};

} // namespace Optimist
