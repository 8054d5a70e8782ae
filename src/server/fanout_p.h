// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "writepipeline_p.h"

#include <QtCore/QMap>
#include <QtCore/QSet>

#include <atomic>

namespace Optimist {

class Server;

//! Answers a processed batch: one delta per collection, encoded once and
//! sent to every subscriber (a pusher's copy gains its acks), then each
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

    //! A collection's changes in one batch.
    struct Merged {
        qint64 prevCursor = -1;
        qint64 cursor = 0;
        QJsonArray changes;
        QHash<Session *, QJsonArray> acks;
    };
    //! The batch's changes merged per collection, in order, from the
    //! collection's cursor before the batch to its cursor after.
    static QMap<QString, Merged> merge(
        const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes);

private:
    //! Sends each merged delta to its collection's subscribers.
    void broadcast(const QMap<QString, Merged> &merged, QSet<Session *> *written);
    //! Each transaction's ack or reject, in order.
    void answer(const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes,
        const QMap<QString, Merged> &merged);

    ServerState *m_state;
    Server *q;
};

} // namespace Optimist
