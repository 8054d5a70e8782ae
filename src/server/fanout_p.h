// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "writepipeline_p.h"

#include <QtCore/QMap>
#include <QtCore/QSet>

#include <atomic>

namespace Optimist {

class Server;

//! Answers a processed batch: per collection, each subscription's view of
//! its changes (Subscription::view(): upserts of what it may see, removes
//! of what it saw leave), the delta of the subscriptions that see every
//! record encoded once, a pusher's copies gaining their acks; then each
//! transaction's ack or reject, then the sockets flushed. A subscriber
//! that cannot keep up is closed by Session::send() (maxQueuedBytes, the
//! output cap), never waited for.
class FanOut {
public:
    FanOut(ServerState *state, Server *q);

    //! WritePipeline's Deliver.
    void deliver(const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes);

    //! Transactions applied since listen().
    std::atomic<qint64> applied = 0;

    //! A collection's changes in one batch, and per pusher its acks.
    struct Merged : ChangeBatch {
        QHash<Session *, QJsonArray> acks;
    };
    //! The batch's changes merged per collection, in order, from the
    //! collection's cursor before the batch to its cursor after.
    static QMap<QString, Merged> merge(
        const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes);

private:
    //! The subscriptions that may see \a change: the one place a change
    //! finds its subscribers. Today every subscriber of \a c that does not
    //! see all records (those get the shared frame); a SubscriptionIndex can
    //! look them up by their equality predicates instead.
    QList<Subscription *> candidates(const Collection &c, const ChangeImages &change) const;
    //! What each subscription of \a c with a rule or filter gets of \a merged.
    QHash<Subscription *, QJsonArray> views(const Collection &c, const Merged &merged) const;
    //! Notes, on a pusher's subscriptions of \a name still loading their
    //! snapshot, the cursor its acks name (Subscription::ackedWhileLoading).
    static void noteAcksWhileLoading(const QString &name, const Merged &merged);
    //! Sends each merged delta to its collection's subscribers.
    void broadcast(const QMap<QString, Merged> &merged, QSet<Session *> *written);
    //! Each transaction's ack or reject, in order.
    void answer(const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes,
        const QMap<QString, Merged> &merged);

    ServerState *m_state;
    Server *q;
};

} // namespace Optimist
