// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Fan-out: a processed batch to its subscribers and pushers.
#include "fanout_p.h"

#include "messages_p.h"
#include "protocol_p.h"
#include "server.h"
#include "session_p.h"
#include <optimist/errorcodes.h>

using namespace Qt::StringLiterals;

namespace Optimist {

namespace {

//! The cursors an ack names. An ack follows the delta that contains it and
//! names the batch's cursor for each collection (a state that contains the
//! transaction). The transactions applied in one batch share those
//! cursors: each set of collections is encoded once.
class AckCursors {
public:
    explicit AckCursors(const QMap<QString, FanOut::Merged> &merged)
        : m_merged(merged)
    {
    }

    QString operator()(const TransactionOutcome &outcome)
    {
        if (outcome.kind == TransactionOutcome::Kind::AppliedBefore) {
            QJsonObject cursors = outcome.cursors;
            for (auto it = cursors.begin(); it != cursors.end(); ++it) {
                if (const auto m = m_merged.constFind(it.key()); m != m_merged.cend())
                    it.value() = QString::number(m->cursor);
            }
            return Protocol::encode(cursors);
        }
        QStringList names;
        names.reserve(outcome.deltas.size());
        for (const TransactionOutcome::Delta &delta : outcome.deltas)
            names.append(delta.collection);
        auto it = m_applied.constFind(names);
        if (it == m_applied.cend()) {
            QJsonObject cursors;
            for (const QString &name : std::as_const(names))
                cursors.insert(name, QString::number(m_merged.constFind(name)->cursor));
            it = m_applied.insert(names, Protocol::encode(cursors));
        }
        return it.value();
    }

private:
    const QMap<QString, FanOut::Merged> &m_merged;
    QHash<QStringList, QString> m_applied;
};

} // namespace

FanOut::FanOut(ServerState *state, Server *q)
    : m_state(state)
    , q(q)
{
}

void FanOut::deliver(const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes)
{
    // One delta per collection for the whole batch, and for each pusher the
    // acks of its transactions in it. Subscribers get one frame per batch
    // instead of one per transaction.
    const QMap<QString, Merged> merged = merge(batch, outcomes);
    // Every session this batch writes to.
    QSet<Session *> written;
    for (const QueuedTransaction &pending : batch) {
        if (pending.session) {
            pending.session->transactionDone();
            written.insert(pending.session);
        }
    }
    broadcast(merged, &written);
    answer(batch, outcomes, merged);

    // A QTcpSocket writes one block of its buffer per event-loop pass, and
    // under load a pass (processQueue()) is long: subscribers fell further
    // and further behind the acks. Write the batch's frames out now.
    for (Session *session : std::as_const(written))
        session->flush();
}

// A resent transaction, applied before: its acks ride on a delta at the
// collection's head like those of any push, so that each subscription of
// the pusher reaches the cursor its ack names even when, being sparse, it
// was sent nothing since (found by tst_multiuser).
void FanOut::mergeResend(
    QMap<QString, Merged> *merged, const QueuedTransaction &pending, const TransactionOutcome &outcome)
{
    for (auto it = outcome.cursors.begin(); it != outcome.cursors.end(); ++it) {
        Merged &m = (*merged)[it.key()];
        if (m.prevCursor < 0) {
            m.prevCursor = it.value().toString().toLongLong();
            m.cursor = m.prevCursor;
        }
        m.acks[pending.session].append(pending.tx);
    }
}

QMap<QString, FanOut::Merged> FanOut::merge(
    const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes)
{
    QMap<QString, Merged> merged;
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const QueuedTransaction &pending = batch.at(i);
        const TransactionOutcome &outcome = outcomes.at(i);
        if (outcome.kind == TransactionOutcome::Kind::AppliedBefore && pending.session)
            mergeResend(&merged, pending, outcome);
        for (const TransactionOutcome::Delta &delta : outcome.deltas) {
            Merged &m = merged[delta.collection];
            if (m.prevCursor < 0)
                m.prevCursor = delta.prevCursor;
            m.cursor = outcome.seq;
            for (qsizetype c = 0; c < delta.changes.size(); ++c)
                m.append(delta.changes.at(c), delta.images.at(c));
            if (pending.session)
                m.acks[pending.session].append(pending.tx);
        }
    }
    return merged;
}

QList<Subscription *> FanOut::candidates(const Collection &c, const ChangeImages &change) const
{
    QList<Subscription *> found;
    if (!change.beforeKnown) {
        // Any of them may have seen the record before: each decides.
        for (Subscription *subscriber : c.subscribers) {
            if (!subscriber->seesAll())
                found.append(subscriber);
        }
        return found;
    }
    const QList<SubscriptionIndex::Key> keys = c.index.candidates(
        change.id, change.before ? &*change.before : nullptr, change.after ? &*change.after : nullptr);
    found.reserve(keys.size());
    for (const SubscriptionIndex::Key key : keys)
        found.append(static_cast<Subscription *>(const_cast<void *>(key)));
    return found;
}

QHash<Subscription *, QJsonArray> FanOut::views(const Collection &c, const Merged &merged) const
{
    QHash<Subscription *, QJsonArray> seen;
    // Only indexed subscriptions (those that do not see everything) need
    // the per-record view: with none, the net changes are not worth making.
    if (c.index.size() == 0)
        return seen;
    for (const NetChange &net : netChanges(merged.images)) {
        const ChangeImages &change = net.images;
        for (Subscription *subscriber : candidates(c, change)) {
            switch (subscriber->view(change)) {
            case Subscription::View::Upsert:
                seen[subscriber].append(merged.changes.at(net.last));
                break;
            case Subscription::View::Remove:
                seen[subscriber].append(Protocol::toJson(RecordChange::remove(change.id)));
                break;
            case Subscription::View::Nothing:
                break;
            }
        }
    }
    return seen;
}

void FanOut::noteAcksWhileLoading(const QString &name, const Merged &merged)
{
    for (auto it = merged.acks.cbegin(); it != merged.acks.cend(); ++it) {
        for (const auto &[key, subscription] : it.key()->subscriptions()) {
            if (subscription->collection == name && !subscription->live)
                subscription->ackedWhileLoading.insert(merged.cursor);
        }
    }
}

void FanOut::broadcast(const QMap<QString, Merged> &merged, QSet<Session *> *written)
{
    for (auto it = merged.cbegin(); it != merged.cend(); ++it) {
        noteAcksWhileLoading(it.key(), *it);
        const Collection &c = m_state->collections[it.key()];
        if (c.subscribers.isEmpty())
            continue;
        const QHash<Subscription *, QJsonArray> seen = views(c, *it);
        // Encoded once for the subscribers that see everything; a pusher's
        // copy only gains acks, and reaches each of its subscriptions of
        // the collection even when they see none of the changes.
        BatchFrames frames(*it);
        for (Subscription *subscriber : c.subscribers) {
            const QJsonArray acks = it->acks.value(subscriber->session);
            const QString frame
                = frames.frame(subscriber, subscriber->seesAll() ? it->changes : seen.value(subscriber), acks);
            if (frame.isEmpty())
                continue;
            written->insert(subscriber->session);
            subscriber->session->send(frame);
        }
    }
}

void FanOut::answer(const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes,
    const QMap<QString, Merged> &merged)
{
    AckCursors ackCursors(merged);
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const QueuedTransaction &pending = batch.at(i);
        const TransactionOutcome &outcome = outcomes.at(i);
        if (outcome.kind == TransactionOutcome::Kind::Rejected) {
            if (pending.session) {
                pending.session->send(Protocol::RejectMessage { pending.tx, outcome.code, outcome.message,
                    ErrorCode::isRetryable(QLatin1StringView(outcome.code.toLatin1())) }
                                          .toJson());
            }
            Q_EMIT q->transactionRejected(pending.clientId, pending.tx, outcome.code);
            continue;
        }
        if (pending.session)
            pending.session->send(Protocol::AckMessage::frame(ackCursors(outcome), pending.tx));
        if (outcome.kind == TransactionOutcome::Kind::Applied) {
            ++applied;
            Q_EMIT q->transactionApplied(pending.clientId, pending.tx);
        }
    }
}

} // namespace Optimist
