// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The change log to subscribers: reading it as delta frames, and the change
// feed (Storage::changesCommitted()) from other processes.
#include "subscriptions_p.h"

#include "logging_p.h"
#include "messages_p.h"
#include "protocol_p.h"
#include "session_p.h"

#include <QtCore/QJsonDocument>

using namespace Qt::StringLiterals;

namespace Optimist {

bool Subscriptions::logDeltas(const QString &name, qint64 from, qint64 upTo, QStringList *deltas, qint64 *cursor)
{
    QJsonArray changes;
    qint64 prevCursor = from;
    qint64 seq = 0;
    auto flush = [&] {
        deltas->append(Protocol::DeltaMessage::frame(name, prevCursor, seq, changes));
        if (cursor)
            *cursor = seq;
        prevCursor = seq;
        changes = {};
    };
    const auto row = [&](qint64 rowSeq, const QString &id, const QByteArray &data) {
        if (rowSeq != seq && !changes.isEmpty())
            flush();
        seq = rowSeq;
        if (data.isEmpty())
            changes.append(Protocol::toJson(RecordChange::remove(id)));
        else
            changes.append(Protocol::upsertToJson(id, quint64(rowSeq), QJsonDocument::fromJson(data).object()));
    };
    if (!m_state->storage->forEachChange(name, from, upTo, row))
        return false;
    if (!changes.isEmpty())
        flush();
    return true;
}

void Subscriptions::catchUp(qint64 toSeq)
{
    // Every collection, whatever lastSeq says: what a collection's log holds
    // above its head, this server has not sent.
    for (auto it = m_state->collections.begin(); it != m_state->collections.end(); ++it)
        catchUp(it.key(), &it.value(), toSeq);
}

void Subscriptions::catchUp(const QString &name, Collection *c, qint64 toSeq)
{
    if (c->head < m_state->storage->logFloor()) {
        // Trimmed past what this server sent: its subscribers start again.
        c->cache.clear();
        // At or above the floor, or each new snapshot would be too old again.
        c->head = std::max({ c->head, toSeq, m_state->storage->logFloor() });
        for (Session *subscriber : QList(c->subscribers))
            startSnapshot(subscriber, name);
        return;
    }
    // From the collection's own head, not from the announcement's start:
    // nothing the server has not sent is skipped.
    QStringList deltas;
    qint64 cursor = 0;
    if (!logDeltas(name, c->head, toSeq, &deltas, &cursor)) {
        qCWarning(lcServer) << "reading the change log of" << name << "failed:" << m_state->storage->errorString();
        return;
    }
    if (deltas.isEmpty())
        return;
    // Another process wrote these records: read them again when needed.
    c->cache.clear();
    c->head = cursor;
    for (const QString &frame : std::as_const(deltas)) {
        for (Session *subscriber : std::as_const(c->subscribers))
            subscriber->send(frame);
    }
    for (Session *subscriber : std::as_const(c->subscribers))
        subscriber->flush();
}

} // namespace Optimist
