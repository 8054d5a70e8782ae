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
    QString collection;
    QList<QMetaObject::Connection> connections;
    bool resubscribing = false; //!< waiting for the answer to a resubscribe
    //! The filter changed (or the server refused it): the next subscribe
    //! sends no cursor, and the deltas of the old subscription still on
    //! their way are ignored until the new one's snapshot.
    bool needsSnapshot = false;
    QList<SnapshotRecord> snapshotRecords; //!< chunks received so far
    int nextChunk = 0;
    QString serverId; //!< the server the model's state came from (empty: none yet)
    QString userId; //!< the user it came for
    //! The server refused the subscription with this code (empty: it did
    //! not); cleared when it is subscribed again.
    QString refusedCode;
};

//! The bound models by subscription key, and what their subscriptions
//! are waiting for: the chunks of a snapshot in order (the records of a
//! chunk read only as far as the model needs them), and the answer to a
//! resubscribe after a gap. Plain data: it says what to send, the client
//! sends it.
//!
//! Keys (docs/protocol.md, "subscribe"): the collection's name for the
//! first unfiltered model of a collection, else `<collection>#<n>`.
class Subscriptions {
public:
    QHash<QString, Binding> bindings; //!< by subscription key

    //! The key a newly bound \a model gets.
    QString keyFor(const ListModel *model) const;
    //! The key of \a model's binding, or empty.
    QString keyOf(const ListModel *model) const;
    //! The binding of \a key, if its model is alive.
    Binding *find(const QString &key);
    //! The binding a frame names: its subscription, else its collection's.
    Binding *route(const QString &subscription, const QString &collection)
    {
        return find(subscription.isEmpty() ? collection : subscription);
    }
    //! Whether \a model has a subscription that can bring it to an ack's
    //! cursor: bound, its filter usable, not refused by the server.
    bool isSubscribed(const ListModel *model) const;
    //! Why an edit through \a model is refused here, or empty: a model whose
    //! filter cannot be used (here or by the server) never confirms it.
    QString editRefusal(const ListModel *model) const;
    //! The live models of \a collection, in no particular order.
    QList<ListModel *> models(const QString &collection) const;
    //! What subscribes \a key (from its model's cursor, unless it needs a
    //! snapshot) when \a welcomed, or nothing (also for an invalid filter).
    //! Starts its snapshot over; a subscribe without a cursor is loading.
    std::optional<Protocol::SubscribeMessage> subscribe(const QString &key, bool welcomed);
    //! The model's filter or params changed: its next subscribe gets a
    //! fresh snapshot. Returns whether it can subscribe (a valid filter).
    bool filterChanged(const QString &key);
    //! Where \a binding's records are cached: the collection, and its filter
    //! and params when it has them (the same filter gives the same records,
    //! whichever subscription asked).
    static QString cacheName(const Binding &binding);

    enum class Chunk {
        Ignored, //!< no model of that subscription, or an old subscription's
        OutOfOrder, //!< not the chunk expected: subscribe again
        Partial, //!< more chunks follow
        Last, //!< the snapshot is complete
    };
    //! Adds a snapshot chunk; at the Last one \a complete gets every record.
    Chunk addChunk(const Protocol::SnapshotMessage &chunk, QList<SnapshotRecord> *complete);
    //! Whether a delta for \a key is to be applied: not while the binding
    //! waits for the snapshot of a new filter.
    bool takesDeltas(const QString &key);
    //! A delta was applied to \a key's model, or found a gap. Returns
    //! whether to subscribe again (a gap not being answered yet).
    bool deltaApplied(const QString &key, bool applied);
    //! Every subscription ended with the connection.
    void connectionLost();
    //! A welcome from \a serverId for \a userId: models whose state came
    //! from another server forget their cursors, and from another user
    //! their records too; every filter reads auth.sub = \a userId.
    void welcomedBy(const QString &serverId, const QString &userId);
    //! What a filter reads as `auth`: {"sub": userId}, or nothing.
    static QVariantMap authOf(const QString &userId);
};

} // namespace Optimist
