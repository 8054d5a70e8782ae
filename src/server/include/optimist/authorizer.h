// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/optimistserver_export.h>

#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

#include <memory>

namespace Optimist {

class TokenAuthorizerPrivate;

//! The server's hooks for authentication, authorization and validation
//! beyond the schema: an interface. TokenAuthorizer is the default; derive
//! from it to override only some hooks.
//!
//! The server calls the hooks on its own thread (see ServerThread), one
//! call at a time per server.
class OPTIMIST_SERVER_EXPORT Authorizer {
public:
    virtual ~Authorizer();

    //! On hello. \a token is empty when the client sent none.
    virtual bool authenticate(const QString &clientId, const QString &token) = 0;
    //! On subscribe; false answers `error forbidden`.
    virtual bool canRead(const QString &clientId, const QString &collection) = 0;
    //! For each mutation of a pushed transaction; false rejects it `forbidden`.
    virtual bool canWrite(const QString &clientId, const Mutation &mutation) = 0;
    //! After the schema checks passed, for each mutation: \a currentRecord is
    //! the record's confirmed fields before the mutation (empty for an
    //! insert). A non-empty result rejects the transaction
    //! `validation_failed` with that message.
    virtual QString validate(const Mutation &mutation, const QVariantMap &currentRecord) = 0;

protected:
    Authorizer() = default;
    Authorizer(const Authorizer &) = delete;
    Authorizer &operator=(const Authorizer &) = delete;
};

//! The default Authorizer: accepts the tokens given to the constructor (any
//! token when none, see ServerConfig::tokens()) and allows everything else.
class OPTIMIST_SERVER_EXPORT TokenAuthorizer : public Authorizer {
public:
    explicit TokenAuthorizer(const QStringList &acceptedTokens = {});
    ~TokenAuthorizer() override;

    QStringList acceptedTokens() const;

    bool authenticate(const QString &clientId, const QString &token) override;
    bool canRead(const QString &clientId, const QString &collection) override;
    bool canWrite(const QString &clientId, const Mutation &mutation) override;
    QString validate(const Mutation &mutation, const QVariantMap &currentRecord) override;

private:
    std::unique_ptr<TokenAuthorizerPrivate> const d;
};

} // namespace Optimist
