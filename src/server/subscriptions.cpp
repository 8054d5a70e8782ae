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

void Subscriptions::subscribe(Session *session, const QString &name, const QString &cursor)
{
    // A fresh answer to the new cursor.
    session->cancelSnapshot(name);
    const Collection &c = m_state->collections[name];
    bool numeric = false;
    const qint64 from = cursor.toLongLong(&numeric);
    // Only a cursor as the server writes it resumes ("01" or " 1" never came
    // from here): a replay's prevCursor must equal what the client sent.
    numeric = numeric && QString::number(from) == cursor;
    if (!numeric || from < m_state->storage->logFloor() || from > c.head)
        return startSnapshot(session, name);
    follow(session, name);
    replay(session, name, from);
}

void Subscriptions::follow(Session *session, const QString &name)
{
    if (!session->subscriptions().contains(name)) {
        session->subscriptions().insert(name);
        m_state->collections[name].subscribers.append(session);
    }
}

void Subscriptions::replay(Session *session, const QString &name, qint64 from)
{
    // The log reaches back to the client's cursor: replay what it missed.
    QStringList deltas;
    if (!logDeltas(name, from, m_state->collections[name].head, &deltas)) {
        qCWarning(lcServer) << "replaying" << name << "failed:" << m_state->storage->errorString();
        session->sendError(ErrorCode::Internal, u"cannot read the change log"_s, QString(Protocol::Type::Subscribe));
        return;
    }
    for (const QString &delta : std::as_const(deltas))
        session->send(delta);
}

void Subscriptions::startSnapshot(Session *session, const QString &name)
{
    // Live deltas wait until the snapshot is sent (none between its chunks);
    // then the log brings the client from the snapshot's cursor to the head.
    unsubscribe(session, name);
    std::unique_ptr<Storage::RecordStream> records = m_state->storage->openRecordStream(name);
    if (!records) {
        qCWarning(lcServer) << "reading" << name << "failed:" << m_state->storage->errorString();
        session->sendError(ErrorCode::Internal, u"cannot read the collection"_s, QString(Protocol::Type::Subscribe));
        return;
    }
    session->snapshots().push_back({ name, QString::number(m_state->collections[name].head), 0, std::move(records) });
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
    Protocol::SnapshotMessage message { snapshot.collection, snapshot.cursor, 0, false, {}, {} };
    const auto row = [&](const QString &id, qint64 revision, const QByteArray &data) {
        // Revision 0 (written before revisions existed) goes without one.
        message.records.append({ id, quint64(revision), QJsonDocument::fromJson(data).object() });
    };
    const QString name = snapshot.collection;
    if (!snapshot.records->read(m_state->config.limits().snapshotChunkRecords, row, &message.last)) {
        qCWarning(lcServer) << "reading" << name << "failed:" << snapshot.records->errorString();
        session->snapshots().pop_front();
        session->sendError(ErrorCode::Internal, u"cannot read the collection"_s, QString(Protocol::Type::Subscribe));
        return true;
    }
    const QString cursor = snapshot.cursor;
    const bool last = message.last;
    message.chunk = snapshot.chunk++;
    session->send(message.toJson());
    // Closed for being too slow: its snapshots are gone.
    if (session->isClosing())
        return false;
    session->flush();
    if (last) {
        session->snapshots().pop_front();
        finishSnapshot(session, name, cursor.toLongLong());
    }
    return true;
}

void Subscriptions::finishSnapshot(Session *session, const QString &name, qint64 cursor)
{
    if (session->isClosing())
        return;
    // What changed while the snapshot was sent follows as deltas, unless
    // the log no longer reaches back that far.
    if (cursor < m_state->storage->logFloor())
        return startSnapshot(session, name);
    follow(session, name);
    if (cursor != m_state->collections[name].head)
        replay(session, name, cursor);
}

void Subscriptions::unsubscribe(Session *session, const QString &name)
{
    session->cancelSnapshot(name);
    if (session->subscriptions().remove(name))
        m_state->collections[name].subscribers.removeOne(session);
}

void Subscriptions::removeSubscriber(Session *session)
{
    for (const QString &name : std::as_const(session->subscriptions())) {
        if (Collection *c = m_state->collection(name))
            c->subscribers.removeOne(session);
    }
}

} // namespace Optimist
