// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "serverstate_p.h"

#include "recordrules_p.h"

using namespace Qt::StringLiterals;

namespace Optimist {

bool ServerState::loadCollections(QString *error)
{
    QString problem;
    const QMap<QString, Fields> configured = config.collections();
    for (const QString &name : config.collectionsWithRules()) {
        if (!configured.contains(name)) {
            problem = u"rules for collection '%1', which is not configured"_s.arg(name);
            break;
        }
    }
    const QHash<QString, qint64> heads = storage->loggedHeads();
    collections.clear();
    for (auto it = configured.cbegin(); it != configured.cend() && problem.isEmpty(); ++it) {
        Collection &c = collections[it.key()];
        c.schema = Schema(it.value(), it.key());
        RecordRules::load(it.key(), config.collectionRules(it.key()), it.value(), &c.readRule, &c.writeRule, &problem);
        // A collection whose changes were all trimmed is at the log's floor.
        c.head = heads.value(it.key(), storage->logFloor());
    }
    if (problem.isEmpty())
        return true;
    collections.clear();
    if (error)
        *error = problem;
    return false;
}

} // namespace Optimist
