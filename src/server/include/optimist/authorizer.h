// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/optimistserver_export.h>

#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

namespace Optimist {

//! The server's hooks for authentication, authorization and validation
//! beyond the schema. Subclass and override what you need; the defaults
//! accept the tokens given to the constructor (any token when none) and
//! allow everything.
//!
//! The server calls the hooks on its own thread (see ServerThread), one
//! call at a time per server.
class OPTIMIST_SERVER_EXPORT Authorizer {
public:
    explicit Authorizer(const QStringList &acceptedTokens = {});
    virtual ~Authorizer();

    QStringList acceptedTokens() const { return m_tokens; }

    //! On hello. \a token is empty when the client sent none.
    virtual bool authenticate(const QString &clientId, const QString &token);
    //! On subscribe; false answers `error forbidden`.
    virtual bool canRead(const QString &clientId, const QString &collection);
    //! For each mutation of a pushed transaction; false rejects it `forbidden`.
    virtual bool canWrite(const QString &clientId, const Mutation &mutation);
    //! After the schema checks passed, for each mutation: \a currentRecord is
    //! the record's confirmed fields before the mutation (empty for an
    //! insert). A non-empty result rejects the transaction
    //! `validation_failed` with that message.
    virtual QString validate(const Mutation &mutation, const QVariantMap &currentRecord);

private:
    QStringList m_tokens;
};

} // namespace Optimist
