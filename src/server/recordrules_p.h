// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "identity.h"
#include "serverconfig.h"
#include "serverstate_p.h"

#include <optimist/expression.h>

#include <QtCore/QJsonObject>

namespace Optimist {

//! A collection's rules (docs/security.md, "Rules") as the server's parts
//! evaluate them.
namespace RecordRules {

//! Parses \a rules and checks them against \a fields: a `$param` or an
//! unknown field is an error too. On failure returns false and sets
//! \a error to e.g. "collection 'todos', read rule: expected ')' at 14".
bool load(const QString &collection, const ServerConfig::CollectionRules &rules, const Fields &fields, Expression *read,
    Expression *write, QString *error);

//! The record as a rule reads it: \a record (as stored, without its id)
//! with its \a id, so that `record.id` works. Make it once per record and
//! evaluate every rule and identity on it.
QJsonObject ruleRecord(const QString &id, QJsonObject record);

//! Whether \a rule lets \a identity have \a ruleRecord (from ruleRecord()).
//! A null rule (none configured) allows everything.
bool allows(const Expression &rule, const Identity &identity, const QJsonObject &ruleRecord);

//! Whether \a identity may read \a ruleRecord (from ruleRecord()) of
//! collection \a name: its read rule and, with a custom authorizer,
//! Authorizer::canReadRecord().
bool canRead(const ServerState &state, const QString &name, const Collection &collection, const Identity &identity,
    const QJsonObject &ruleRecord);

} // namespace RecordRules

} // namespace Optimist
