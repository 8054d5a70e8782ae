// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "subscriptions_p.h"

#include "logging_p.h"

#include <optimist/errorcodes.h>
#include <optimist/listmodelfeed.h>

#include <QtCore/QJsonDocument>

using namespace Qt::StringLiterals;

namespace Optimist {

QString Subscriptions::keyFor(const ListModel *model) const
{
    const QString &collection = model->collection();
    const auto taken = [this](const QString &key) { return bindings.contains(key) && bindings[key].model; };
    if (model->filter().trimmed().isEmpty() && model->filterParams().isEmpty() && !taken(collection))
        return collection;
    for (int n = 1;; ++n) {
        const QString key = u"%1#%2"_s.arg(collection).arg(n);
        if (!taken(key))
            return key;
    }
}

QString Subscriptions::keyOf(const ListModel *model) const
{
    for (auto it = bindings.cbegin(); it != bindings.cend(); ++it) {
        if (it->model == model)
            return it.key();
    }
    return {};
}

Binding *Subscriptions::find(const QString &key)
{
    const auto it = bindings.find(key);
    return it == bindings.end() || !it->model ? nullptr : &*it;
}

bool Subscriptions::isSubscribed(const ListModel *model) const
{
    const auto it = bindings.constFind(keyOf(model));
    return it != bindings.cend() && it->refusedCode.isEmpty() && ListModelFeed(it->model).filterError().isEmpty();
}

QString Subscriptions::editRefusal(const ListModel *model) const
{
    const auto it = bindings.constFind(keyOf(model));
    if (it == bindings.cend())
        return {};
    if (const QString error = ListModelFeed(it->model).filterError(); !error.isEmpty())
        return u"the list's filter cannot be used, so it cannot show this edit: %1"_s.arg(error);
    if (it->refusedCode == QLatin1StringView(ErrorCode::InvalidFilter))
        return u"the server refused the list's filter, so it cannot show this edit: %1"_s.arg(model->errorString());
    return {};
}

QList<ListModel *> Subscriptions::models(const QString &collection) const
{
    QList<ListModel *> result;
    for (const Binding &binding : bindings) {
        if (binding.model && binding.collection == collection)
            result.append(binding.model);
    }
    return result;
}

std::optional<Protocol::SubscribeMessage> Subscriptions::subscribe(const QString &key, bool welcomed)
{
    Binding *binding = find(key);
    if (!welcomed || !binding)
        return std::nullopt;
    binding->snapshotRecords.clear();
    binding->nextChunk = 0;
    ListModel *model = binding->model;
    if (!ListModelFeed(model).filterError().isEmpty()) {
        // The server would refuse it; the model says why already.
        binding->needsSnapshot = true;
        ListModelFeed(model).setLoading(false);
        return std::nullopt;
    }
    binding->refusedCode.clear();
    const QString cursor = binding->needsSnapshot ? QString() : model->cursor();
    if (cursor.isEmpty())
        ListModelFeed(model).setLoading(true);
    // The collection's own key needs no name (and reads as protocol 1 did).
    const QString name = key == binding->collection ? QString() : key;
    return Protocol::SubscribeMessage { binding->collection, cursor, name, model->filter().trimmed(),
        QJsonObject::fromVariantMap(model->filterParams()) };
}

bool Subscriptions::filterChanged(const QString &key)
{
    Binding *binding = find(key);
    if (!binding)
        return false;
    binding->needsSnapshot = true;
    binding->resubscribing = false;
    return ListModelFeed(binding->model).filterError().isEmpty();
}

QString Subscriptions::cacheName(const Binding &binding)
{
    const QString filter = binding.model ? binding.model->filter().trimmed() : QString();
    const QVariantMap params = binding.model ? binding.model->filterParams() : QVariantMap();
    if (filter.isEmpty() && params.isEmpty())
        return binding.collection;
    // A unit separator cannot occur in a collection's name.
    const QByteArray json = QJsonDocument(QJsonObject::fromVariantMap(params)).toJson(QJsonDocument::Compact);
    return binding.collection + u'\x1f' + filter + u'\x1f' + QString::fromUtf8(json);
}

Subscriptions::Chunk Subscriptions::addChunk(const Protocol::SnapshotMessage &chunk, QList<SnapshotRecord> *complete)
{
    Binding *binding = route(chunk.subscription, chunk.collection);
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
    binding->needsSnapshot = false;
    return Chunk::Last;
}

bool Subscriptions::takesDeltas(const QString &key)
{
    const Binding *binding = find(key);
    return binding && !binding->needsSnapshot;
}

bool Subscriptions::deltaApplied(const QString &key, bool applied)
{
    Binding *binding = find(key);
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

QVariantMap Subscriptions::authOf(const QString &userId)
{
    return userId.isEmpty() ? QVariantMap() : QVariantMap { { u"sub"_s, userId } };
}

void Subscriptions::welcomedBy(const QString &serverId, const QString &userId)
{
    for (auto it = bindings.begin(); it != bindings.end(); ++it) {
        const bool hadState = it->model && !it->serverId.isEmpty();
        if (hadState && it->userId != userId) {
            // Another user's records are not this one's to see, even for a moment.
            qCInfo(lcSync) << it.key() << "holds another user's records; reloading it";
            ListModelFeed(it->model).forgetCursor();
            ListModelFeed(it->model).applySnapshot(QList<SnapshotRecord>(), QString());
        } else if (hadState && it->serverId != serverId) {
            // Another database: the cursors and revisions of the old one mean
            // nothing here (the same cursor may name another state).
            qCInfo(lcSync) << it.key() << "comes from another database than the server's; reloading it";
            ListModelFeed(it->model).forgetCursor();
        }
        it->serverId = serverId;
        it->userId = userId;
        if (it->model)
            ListModelFeed(it->model).setFilterAuth(authOf(userId));
    }
}

} // namespace Optimist
