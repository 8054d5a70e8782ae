// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Subscribing: resume from the change log, or a snapshot in chunks.
#include "subscriptions_p.h"

#include "logging_p.h"
#include "messages_p.h"
#include "protocol_p.h"
#include "session_p.h"
#include <optimist/errorcodes.h>

#include <QtCore/QJsonDocument>

using namespace Qt::StringLiterals;

namespace Optimist {

Subscriptions::Subscriptions(ServerState *state)
    : m_state(state)
{
}

void Subscriptions::subscribe(Session *session, const Protocol::SubscribeMessage &request)
{
    auto &held = session->subscriptions();
    const QString key = request.key();
    const ServerConfig::Limits limits = m_state->config.limits();
    if (!held.contains(key) && qsizetype(held.size()) >= limits.maxSubscriptionsPerConnection) {
        return session->sendSubscriptionError(ErrorCode::TooManySubscriptions,
            u"more than %1 subscriptions on one connection"_s.arg(limits.maxSubscriptionsPerConnection), key);
    }
    QString problem;
    if (!checkParams(request.params, limits.maxParamValues, limits.maxParamBytes, &problem))
        return session->sendSubscriptionError(ErrorCode::InvalidFilter, problem, key);
    const Collection &c = m_state->collections[request.collection];
    const QVariantMap params = request.params.toVariantMap();
    const Expression filter
        = compileFilter(request.filter, limits.maxFilterLength, c.schema.fields(), params, &problem);
    if (!problem.isEmpty())
        return session->sendSubscriptionError(ErrorCode::InvalidFilter, problem, key);

    // A fresh answer to the new cursor, filter and params.
    unsubscribe(session, key);
    auto made = std::make_unique<Subscription>();
    made->session = session;
    made->key = key;
    made->collection = request.collection;
    made->name = request.subscription;
    made->readRule = c.readRule;
    made->filter = filter;
    made->params = params;
    made->identity = session->identity();
    made->recordHook = m_state->customAuthorizer;
    made->dense = session->protocol() < 2;
    made->prepare();
    Subscription *subscription = held.emplace(key, std::move(made)).first->second.get();

    bool numeric = false;
    const qint64 from = request.cursor.toLongLong(&numeric);
    // Only a cursor as the server writes it resumes ("01" or " 1" never came
    // from here): a replay's prevCursor must equal what the client sent.
    numeric = numeric && QString::number(from) == request.cursor;
    if (!numeric || from < m_state->storage->logFloor() || from > c.head)
        return startSnapshot(subscription);
    subscription->lastSent = from;
    follow(subscription);
    replay(subscription, from);
}

void Subscriptions::follow(Subscription *subscription)
{
    if (subscription->live)
        return;
    Collection &c = m_state->collections[subscription->collection];
    c.subscribers.append(subscription);
    subscription->live = true;
    // Those that see every record get the batch's shared frame instead.
    if (!subscription->seesAll()) {
        c.index.add(subscription, { subscription->readRule, subscription->filter },
            { {}, subscription->identity.claims, subscription->params, {} });
    }
}

void Subscriptions::unfollow(Subscription *subscription)
{
    if (Collection *c = m_state->collection(subscription->collection); c && subscription->live) {
        c->subscribers.removeOne(subscription);
        c->index.remove(subscription);
    }
    subscription->live = false;
}

void Subscriptions::replay(Subscription *subscription, qint64 from)
{
    // The log reaches back to the client's cursor: replay what it missed,
    // as this subscription sees it.
    Session *session = subscription->session;
    QList<ChangeBatch> batches;
    if (!readLog(subscription->collection, from, m_state->collections[subscription->collection].head, &batches)) {
        qCWarning(lcServer) << "replaying" << subscription->collection << "failed:" << m_state->storage->errorString();
        session->sendSubscriptionError(ErrorCode::Internal, u"cannot read the change log"_s, subscription->key);
        return;
    }
    QStringList frames;
    for (const ChangeBatch &batch : std::as_const(batches)) {
        const std::optional<QJsonArray> changes = subscription->changesOf(batch);
        if (!changes)
            return startSnapshot(subscription);
        if (subscription->wants(*changes, {}) || subscription->ackedWhileLoading.contains(batch.cursor))
            frames.append(subscription->deltaFrame(batch.cursor, *changes));
    }
    subscription->ackedWhileLoading.clear();
    for (const QString &frame : std::as_const(frames))
        session->send(frame);
}

void Subscriptions::startSnapshot(Subscription *subscription)
{
    // Live deltas wait until the snapshot is sent (none between its chunks);
    // then the log brings the client from the snapshot's cursor to the head.
    Session *session = subscription->session;
    unfollow(subscription);
    session->cancelSnapshot(subscription);
    const QString &name = subscription->collection;
    std::unique_ptr<Storage::RecordStream> records = m_state->storage->openRecordStream(name);
    if (!records) {
        qCWarning(lcServer) << "reading" << name << "failed:" << m_state->storage->errorString();
        session->sendSubscriptionError(ErrorCode::Internal, u"cannot read the collection"_s, subscription->key);
        return;
    }
    session->snapshots().push_back(
        { subscription, QString::number(m_state->collections[name].head), 0, std::move(records) });
    pumpSnapshots(session);
}

void Subscriptions::pumpSnapshots(Session *session)
{
    // The next chunk is read and encoded only when the socket has taken
    // most of the previous ones: a client that does not read holds about
    // one chunk, not the whole collection.
    const qint64 lowWater = m_state->config.limits().maxQueuedBytes / 8;
    while (!session->snapshots().empty() && !session->isClosing() && session->queuedBytes() <= lowWater) {
        if (!sendChunk(session))
            return;
    }
}

bool Subscriptions::sendChunk(Session *session)
{
    Session::Snapshot &snapshot = session->snapshots().front();
    Subscription *subscription = snapshot.subscription;
    Protocol::SnapshotMessage message { subscription->collection, snapshot.cursor, 0, false, {}, {},
        subscription->name };
    // Only what this subscription may see; a chunk of none is not sent.
    const auto row = [&](const QString &id, qint64 revision, const QByteArray &data) {
        QJsonObject fields = QJsonDocument::fromJson(data).object();
        // Revision 0 (written before revisions existed) goes without one.
        if (subscription->visible(id, fields))
            message.records.append({ id, quint64(revision), std::move(fields) });
    };
    if (!snapshot.records->read(m_state->config.limits().snapshotChunkRecords, row, &message.last)) {
        qCWarning(lcServer) << "reading" << subscription->collection << "failed:" << snapshot.records->errorString();
        session->snapshots().pop_front();
        session->sendSubscriptionError(ErrorCode::Internal, u"cannot read the collection"_s, subscription->key);
        return true;
    }
    if (message.records.isEmpty() && !message.last)
        return true;
    const qint64 cursor = snapshot.cursor.toLongLong();
    const bool last = message.last;
    message.chunk = snapshot.chunk++;
    session->send(message.toJson());
    // Closed for being too slow: its snapshots are gone.
    if (session->isClosing())
        return false;
    session->flush();
    if (last) {
        session->snapshots().pop_front();
        finishSnapshot(subscription, cursor);
    }
    return true;
}

void Subscriptions::finishSnapshot(Subscription *subscription, qint64 cursor)
{
    if (subscription->session->isClosing())
        return;
    subscription->lastSent = cursor;
    // What changed while the snapshot was sent follows as deltas, unless
    // the log no longer reaches back that far.
    if (cursor < m_state->storage->logFloor())
        return startSnapshot(subscription);
    follow(subscription);
    if (cursor != m_state->collections[subscription->collection].head)
        replay(subscription, cursor);
}

void Subscriptions::unsubscribe(Session *session, const QString &key)
{
    auto &held = session->subscriptions();
    const auto it = held.find(key);
    if (it == held.end())
        return;
    session->cancelSnapshot(it->second.get());
    unfollow(it->second.get());
    held.erase(it);
}

void Subscriptions::removeSubscriber(Session *session)
{
    for (const auto &[key, subscription] : session->subscriptions())
        unfollow(subscription.get());
}

} // namespace Optimist
