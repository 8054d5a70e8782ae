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

//! The server's hooks for authentication, authorization and validation
//! beyond the schema: an interface. TokenAuthorizer is the default; derive
//! from it to override only some hooks.
//!
//! The server calls the hooks on its own thread (see ServerThread), one
//! call at a time per server.
class OPTIMIST_SERVER_EXPORT Authorizer {
public:
    virtual ~Authorizer();

    //! On hello: whether \a token (empty when the client sent none) lets
    //! the client in, and as whom. The session keeps the identity; it ends
    //! at Identity::expiresAt.
    virtual Authentication authenticate(const QString &clientId, const QString &token) = 0;
    //! On subscribe; false answers `error forbidden`.
    virtual bool canRead(const QString &clientId, const QString &collection) = 0;
    //! For each mutation of a pushed transaction; false rejects it `forbidden`.
    virtual bool canWrite(const QString &clientId, const Mutation &mutation) = 0;
    //! After the schema checks passed, for each mutation: \a currentRecord is
    //! the record's confirmed fields before the mutation (empty for an
    //! insert). A non-empty result rejects the transaction
    //! `validation_failed` with that message.
    virtual QString validate(const Mutation &mutation, const QVariantMap &currentRecord) = 0;

    //! Per-record hooks for what the rule language cannot say
    //! (docs/security.md, "Rules"). A record must pass both its
    //! collection's rule and the hook. Records are as stored (JSON values
    //! as on the wire) plus their "id". The default implementations allow
    //! everything; the server spares the calls unless a custom authorizer
    //! is set (Server::setAuthorizer()). Called on the server's thread like
    //! the other hooks, often (once per record and subscriber on a
    //! delta): keep them fast, and never block.

    //! Whether \a identity may read \a record of \a collection, after the
    //! collection's read rule allowed it: for each record a snapshot,
    //! resume or delta would send (before and after a change), and for the
    //! record an update or remove would change. false hides it: a write to
    //! it is refused exactly as a write to an id that does not exist.
    virtual bool canReadRecord(const Identity &identity, const QString &collection, const QJsonObject &record);
    //! Whether \a identity may make \a mutation, after the collection's
    //! write rule allowed it: \a before is the record before (empty for an
    //! insert), \a after the record it would become (empty for a remove).
    //! Called for each mutation of a pushed transaction, before validate();
    //! false rejects the transaction `forbidden`.
    virtual bool canWriteRecord(
        const Identity &identity, const Mutation &mutation, const QJsonObject &before, const QJsonObject &after);

protected:
    Authorizer() = default;
    Authorizer(const Authorizer &) = delete;
    Authorizer &operator=(const Authorizer &) = delete;
};

//! The default Authorizer: accepts the static tokens given to the
//! constructor (development; with no user id) and, when \a jwt is enabled,
//! JSON Web Tokens it verifies (docs/security.md, "Identity and tokens");
//! any token when neither is given (see ServerConfig::tokens() and
//! ServerConfig::jwt()). Allows everything else.
//!
//! An authorizer deriving from it passes the server config's tokens() and
//! jwt() to its constructor; Server::listen() fails with its errorString().
class OPTIMIST_SERVER_EXPORT TokenAuthorizer : public Authorizer {
public:
    explicit TokenAuthorizer(const QStringList &acceptedTokens = {}, const ServerConfig::Jwt &jwt = {});
    ~TokenAuthorizer() override;

    QStringList acceptedTokens() const;
    ServerConfig::Jwt jwt() const;
    //! Why the JWT settings cannot be used (a key file that cannot be read,
    //! a short secret); empty when they can.
    QString errorString() const;

    Authentication authenticate(const QString &clientId, const QString &token) override;
    bool canRead(const QString &clientId, const QString &collection) override;
    bool canWrite(const QString &clientId, const Mutation &mutation) override;
    QString validate(const Mutation &mutation, const QVariantMap &currentRecord) override;

protected:
    //! The time tokens are checked against: the system clock, in UTC.
    //! Tests override it. (The server ends a session at
    //! Identity::expiresAt by the system clock.)
    virtual QDateTime currentTime() const;

private:
    std::unique_ptr<TokenAuthorizerPrivate> const d;
};

} // namespace Optimist
