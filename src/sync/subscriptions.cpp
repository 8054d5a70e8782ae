// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "subscriptions_p.h"

#include "logging_p.h"

#include <optimist/listmodelfeed.h>

namespace Optimist {

Binding *Subscriptions::find(const QString &collection)
{
    const auto it = bindings.find(collection);
    return it == bindings.end() || !it->model ? nullptr : &*it;
}

std::optional<Protocol::SubscribeMessage> Subscriptions::subscribe(const QString &collection, bool welcomed)
{
    Binding &binding = bindings[collection];
    if (!welcomed || !binding.model)
        return std::nullopt;
    binding.snapshotRecords.clear();
    binding.nextChunk = 0;
    const QString cursor = binding.model->cursor();
    if (cursor.isEmpty())
        ListModelFeed(binding.model).setLoading(true);
    return Protocol::SubscribeMessage { collection, cursor };
}

Subscriptions::Chunk Subscriptions::addChunk(const Protocol::SnapshotMessage &chunk, QList<SnapshotRecord> *complete)
{
    Binding *binding = find(chunk.collection);
    if (!binding)
        return Chunk::Ignored;
    if (chunk.chunk != binding->nextChunk) {
        qCWarning(lcSync) << chunk.collection << "snapshot chunk out of order; resubscribing";
        return Chunk::OutOfOrder;
    }
    ++binding->nextChunk;
    for (const QString &problem : chunk.skipped)
        qCWarning(lcSync) << chunk.collection << "ignoring a malformed snapshot record:" << problem;
    for (const Protocol::SnapshotMessage::Record &wire : chunk.records) {
        SnapshotRecord record;
        record.id = wire.id;
        record.revision = wire.revision;
        // The model skips a record it holds at this revision unread, so
        // spare the conversion: most of a resync's records are unchanged.
        if (record.revision == 0 || ListModelFeed(binding->model).confirmedRevision(record.id) != record.revision)
            record.fields = wire.fields.toVariantMap();
        binding->snapshotRecords.append(std::move(record));
    }
    if (!chunk.last)
        return Chunk::Partial;
    *complete = std::exchange(binding->snapshotRecords, {});
    binding->nextChunk = 0;
    binding->resubscribing = false;
    return Chunk::Last;
}

bool Subscriptions::deltaApplied(const QString &collection, bool applied)
{
    Binding *binding = find(collection);
    if (!binding || applied) {
        if (binding)
            binding->resubscribing = false;
        return false;
    }
    if (binding->resubscribing)
        return false;
    // A gap: ask again from what we have. Deltas already on their way
    // will not fit either; they are ignored until the answer arrives.
    binding->resubscribing = true;
    return true;
}

void Subscriptions::connectionLost()
{
    for (Binding &binding : bindings) {
        binding.resubscribing = false;
        binding.snapshotRecords.clear();
        binding.nextChunk = 0;
    }
}

void Subscriptions::welcomedBy(const QString &serverId)
{
    // Another database: the cursors and revisions of the old one mean
    // nothing here (the same cursor may name another state).
    for (auto it = bindings.begin(); it != bindings.end(); ++it) {
        if (it->model && !it->serverId.isEmpty() && it->serverId != serverId) {
            qCInfo(lcSync) << it.key() << "comes from another database than the server's; reloading it";
            ListModelFeed(it->model).forgetCursor();
        }
        it->serverId = serverId;
    }
}

} // namespace Optimist
