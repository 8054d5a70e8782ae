// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "authorizer.h"
#include "serverconfig.h"
#include "storage.h"
#include "subscription_p.h"

#include <optimist/expression.h>
#include <optimist/schema.h>

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QList>

#include <memory>

namespace Optimist {

class Session;

//! A configured collection as the server's parts see it.
struct Collection {
    //! What a mutation of it may hold: the model's own rules.
    Schema schema;
    //! The configured rules (docs/security.md, "Rules"); null: none, all
    //! allowed. See RecordRules.
    Expression readRule;
    Expression writeRule;
    //! The cursor of the latest change.
    qint64 head = 0;
    //! The subscriptions following its live deltas (their snapshots sent).
    QList<Subscription *> subscribers;
    //! Records read or written since listen(), so that an update needs
    //! neither a SELECT nor a JSON parse. Only what is in the database
    //! (or in the open batch); dropped whenever a rollback could make it
    //! disagree.
    QHash<QString, QJsonObject> cache;
};

//! What the server's parts (subscriptions, write pipeline, fan-out) share:
//! the config, the storage opened by listen(), the collections, the
//! authorizer. ServerPrivate is one; a test can make its own.
struct ServerState {
    Collection *collection(const QString &name)
    {
        const auto it = collections.find(name);
        return it == collections.end() ? nullptr : &it.value();
    }
    Authorizer *authorizer() const { return customAuthorizer ? customAuthorizer : defaultAuthorizer.get(); }
    //! Makes the configured collections, each at its head in \a storage,
    //! with their rules; false (and \a error) when a rule is bad.
    bool loadCollections(QString *error = nullptr);

    ServerConfig config;
    //! The storage opened by listen(); null while closed.
    Storage *storage = nullptr;
    QHash<QString, Collection> collections;
    Authorizer *customAuthorizer = nullptr;
    std::unique_ptr<Authorizer> defaultAuthorizer;
};

} // namespace Optimist
