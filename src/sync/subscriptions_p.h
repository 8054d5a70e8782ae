// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "messages_p.h"

#include <optimist/change.h>
#include <optimist/listmodel.h>

#include <QtCore/QHash>
#include <QtCore/QPointer>

#include <optional>

namespace Optimist {

//! A bound model and the state of its subscription.
struct Binding {
    QPointer<ListModel> model;
    QList<QMetaObject::Connection> connections;
    bool resubscribing = false; //!< waiting for the answer to a resubscribe
    QList<SnapshotRecord> snapshotRecords; //!< chunks received so far
    int nextChunk = 0;
    QString serverId; //!< the server the model's state came from (empty: none yet)
};

//! The bound models by collection, and what their subscriptions are
//! waiting for: the chunks of a snapshot in order (the records of a chunk
//! read only as far as the model needs them), and the answer to a
//! resubscribe after a gap. Plain data: it says what to send, the client
//! sends it.
class Subscriptions {
public:
    QHash<QString, Binding> bindings; //!< by collection

    //! The binding of \a collection's model, if one is bound.
    Binding *find(const QString &collection);
    //! What subscribes \a collection (from its model's cursor) when
    //! \a welcomed, or nothing. Starts its snapshot over; a model with no
    //! cursor is loading from here.
    std::optional<Protocol::SubscribeMessage> subscribe(const QString &collection, bool welcomed);

    enum class Chunk {
        Ignored, //!< no model of that collection
        OutOfOrder, //!< not the chunk expected: subscribe again
        Partial, //!< more chunks follow
        Last, //!< the snapshot is complete
    };
    //! Adds a snapshot chunk; at the Last one \a complete gets every record.
    Chunk addChunk(const Protocol::SnapshotMessage &chunk, QList<SnapshotRecord> *complete);
    //! A delta was applied to \a collection's model, or found a gap. Returns
    //! whether to subscribe again (a gap not being answered yet).
    bool deltaApplied(const QString &collection, bool applied);
    //! Every subscription ended with the connection.
    void connectionLost();
    //! A welcome from \a serverId: models whose state came from another
    //! server forget their cursors (and reload).
    void welcomedBy(const QString &serverId);
};

} // namespace Optimist
