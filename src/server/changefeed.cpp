// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The change log to subscribers: reading it as batches of changes, and the
// change feed (Storage::changesCommitted()) from other processes.
#include "subscriptions_p.h"

#include "logging_p.h"
#include "messages_p.h"
#include "protocol_p.h"
#include "session_p.h"

#include <QtCore/QJsonDocument>

using namespace Qt::StringLiterals;

namespace Optimist {

bool Subscriptions::readLog(const QString &name, qint64 from, qint64 upTo, QList<ChangeBatch> *batches)
{
    const auto row
        = [&](qint64 seq, const QString &id, const QByteArray &data, const std::optional<QByteArray> &before) {
              if (batches->isEmpty() || batches->constLast().cursor != seq) {
                  ChangeBatch batch;
                  batch.prevCursor = batches->isEmpty() ? from : batches->constLast().cursor;
                  batch.cursor = seq;
                  batches->append(batch);
              }
              // A change logged without its before-image (by an older version)
              // has it unknown; one logged with an empty one had no record before.
              ChangeImages image { id, {}, {}, before.has_value() };
              if (before && !before->isEmpty())
                  image.before = QJsonDocument::fromJson(*before).object();
              if (data.isEmpty()) {
                  batches->last().append(Protocol::toJson(RecordChange::remove(id)), image);
                  return;
              }
              image.after = QJsonDocument::fromJson(data).object();
              batches->last().append(Protocol::upsertToJson(id, quint64(seq), *image.after), image);
          };
    return m_state->storage->forEachChange(name, from, upTo, row);
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
        for (Subscription *subscriber : QList(c->subscribers))
            startSnapshot(subscriber);
        return;
    }
    // From the collection's own head, not from the announcement's start:
    // nothing the server has not sent is skipped.
    QList<ChangeBatch> batches;
    if (!readLog(name, c->head, toSeq, &batches)) {
        qCWarning(lcServer) << "reading the change log of" << name << "failed:" << m_state->storage->errorString();
        return;
    }
    if (batches.isEmpty())
        return;
    // Another process wrote these records: read them again when needed.
    c->cache.clear();
    c->head = batches.constLast().cursor;
    sendLogged(c, batches);
}

void Subscriptions::sendLogged(Collection *c, const QList<ChangeBatch> &batches)
{
    // Each subscriber's view of each batch, by the same per-change rule as
    // the fan-out's; frames are sent once each subscriber's are all known.
    QHash<Subscription *, QStringList> frames;
    QSet<Subscription *> lost;
    for (const ChangeBatch &batch : batches) {
        BatchFrames shared(batch);
        for (Subscription *subscriber : std::as_const(c->subscribers)) {
            if (lost.contains(subscriber))
                continue;
            const std::optional<QJsonArray> changes = subscriber->changesOf(batch);
            if (!changes)
                lost.insert(subscriber);
            else if (const QString frame = shared.frame(subscriber, *changes, {}); !frame.isEmpty())
                frames[subscriber].append(frame);
        }
    }
    for (Subscription *subscriber : QList(c->subscribers)) {
        if (lost.contains(subscriber)) {
            startSnapshot(subscriber);
            continue;
        }
        for (const QString &frame : frames.value(subscriber))
            subscriber->session->send(frame);
        subscriber->session->flush();
    }
}

} // namespace Optimist
