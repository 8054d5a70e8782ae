// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// What the client does when the server says its clientId belongs to another
// user (client_id_taken, close code 4009).
#include "logging_p.h"
#include "syncclient_p.h"

#include <optimist/errorcodes.h>

using namespace Qt::StringLiterals;

namespace Optimist {

bool SyncClientPrivate::renewClientId()
{
    // An id the app set is the app's choice: it decides what to do (the
    // error frame set errorString and errorOccurred(client_id_taken)).
    if (identity.source == ClientIdentity::Source::App || identity.source == ClientIdentity::Source::None) {
        stopForGood = true;
        if (errorString.isEmpty())
            setErrorString(u"the server refused the clientId: it is in use by another user"_s);
        return false;
    }
    // A new id every time a server refuses the last one would be a loop
    // against a server that refuses every id.
    if (++clientIdRenewals > 2) {
        stopForGood = true;
        setErrorString(
            u"the server refused %1 new clientIds in a row as in use by another user"_s.arg(clientIdRenewals - 1));
        Q_EMIT q->errorOccurred(ErrorCode::ClientIdTaken, errorString);
        return false;
    }
    const QString oldId = identity.renew();
    qCInfo(lcSync) << "client id" << oldId << "is another user's; now" << identity.id;
    // What the outbox holds was never accepted under the old id: the server
    // refused this hello before reading anything of the client, and it
    // binds an id for good to its first user, so it never welcomed this
    // user with it. (Edits another user made before a change of token are
    // rolled back at the next welcome, user_changed.) So they are sent as
    // the new id's, numbered from 1, and none can be applied twice. Only a
    // database from before the binding, which binds at the next hello,
    // could hold some under the old id.
    outbox.renumberFrom(1);
    if (storage.isOpen()) {
        if (const QString problem = storage.moveTo(oldId, identity.id, outbox); !problem.isEmpty())
            storageFailed(problem);
    }
    if (!identity.errorString.isEmpty())
        storageFailed(identity.errorString);
    Q_EMIT q->clientIdChanged();
    return true;
}

} // namespace Optimist
