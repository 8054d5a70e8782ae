// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "serverstate_p.h"

namespace Optimist {

void ServerState::loadCollections()
{
    const QHash<QString, qint64> heads = storage->loggedHeads();
    collections.clear();
    const QMap<QString, Fields> configured = config.collections();
    for (auto it = configured.cbegin(); it != configured.cend(); ++it) {
        Collection &c = collections[it.key()];
        c.schema = Schema(it.value(), it.key());
        // A collection whose changes were all trimmed is at the log's floor.
        c.head = heads.value(it.key(), storage->logFloor());
    }
}

} // namespace Optimist
