// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// What one subscription may see: the read rule, its filter, the
// per-change rule of moves in and out.
#include "subscription_p.h"

#include "authorizer.h"
#include "messages_p.h"
#include "protocol_p.h"

#include <QtCore/QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Optimist {

void Subscription::prepare()
{
    const auto reads = [](const Expression &e) { return e.referencedFields().contains(u"id"_s); };
    m_readsId = reads(readRule) || reads(filter) || recordHook;
}

bool Subscription::visible(const QString &id, const QJsonObject &record) const
{
    if (seesAll())
        return true;
    Expression::Context context { {}, identity.claims, params, record };
    if (m_readsId)
        context.jsonRecord.insert(u"id"_s, id);
    // A record of no fields is read from the empty map: null everywhere.
    // The rule has no params; a rule with a `$name` never loads.
    return (readRule.isNull() || readRule.evaluate(context)) && (filter.isNull() || filter.evaluate(context))
        && (!recordHook || recordHook->canReadRecord(identity, collection, context.jsonRecord));
}

Subscription::View Subscription::view(const ChangeImages &change) const
{
    if (change.after && visible(change.id, *change.after))
        return View::Upsert;
    if (change.before && visible(change.id, *change.before))
        return View::Remove;
    return View::Nothing;
}

QList<NetChange> netChanges(const QList<ChangeImages> &images)
{
    QList<NetChange> net;
    QHash<QString, qsizetype> slot; // id → index in net
    for (qsizetype i = 0; i < images.size(); ++i) {
        const ChangeImages &image = images.at(i);
        if (const auto it = slot.constFind(image.id); it != slot.cend()) {
            NetChange &known = net[it.value()];
            known.images.after = image.after;
            known.last = i;
        } else {
            slot.insert(image.id, net.size());
            net.append({ image, i });
        }
    }
    std::sort(net.begin(), net.end(), [](const NetChange &a, const NetChange &b) { return a.last < b.last; });
    return net;
}

std::optional<QJsonArray> Subscription::changesOf(const ChangeBatch &batch) const
{
    if (seesAll())
        return batch.changes;
    QJsonArray changes;
    for (const NetChange &net : netChanges(batch.images)) {
        const ChangeImages &image = net.images;
        const qsizetype i = net.last;
        const View seen = view(image);
        // Without the before-image, a record it cannot see now may or may
        // not have been one it saw: neither a remove nor silence is right.
        if (seen != View::Upsert && !image.beforeKnown)
            return std::nullopt;
        if (seen == View::Upsert)
            changes.append(batch.changes.at(i));
        else if (seen == View::Remove)
            changes.append(Protocol::toJson(RecordChange::remove(image.id)));
    }
    return changes;
}

QString Subscription::deltaFrame(qint64 cursor, const QJsonArray &changes)
{
    const QString frame = Protocol::DeltaMessage::frame(collection, lastSent, cursor, changes, name);
    lastSent = cursor;
    return frame;
}

QString BatchFrames::frame(Subscription *subscription, const QJsonArray &changes, const QJsonArray &acks)
{
    if (!subscription->wants(changes, acks))
        return {};
    QString frame;
    if (subscription->seesAll()) {
        const std::pair key(subscription->name, subscription->lastSent);
        auto it = m_shared.constFind(key);
        if (it == m_shared.cend())
            it = m_shared.insert(key, subscription->deltaFrame(m_batch.cursor, changes));
        frame = it.value();
        subscription->lastSent = m_batch.cursor;
    } else {
        frame = subscription->deltaFrame(m_batch.cursor, changes);
    }
    return acks.isEmpty() ? frame : Protocol::DeltaMessage::withAcks(frame, acks);
}

static qsizetype codePoints(const QString &text)
{
    return text.size() - std::count_if(text.cbegin(), text.cend(), [](QChar c) { return c.isLowSurrogate(); });
}

Expression compileFilter(
    const QString &text, int maxLength, const Fields &fields, const QVariantMap &params, QString *error)
{
    if (text.isEmpty())
        return {};
    if (const qsizetype length = codePoints(text); length > maxLength) {
        *error = u"the filter is longer than %1 characters: got %2"_s.arg(maxLength).arg(length);
        return {};
    }
    Expression::ParseError problem;
    Expression filter = Expression::parse(text, &problem);
    if (filter.isNull() || !filter.validate(fields, &problem)) {
        *error = u"filter: "_s + problem.message;
        return {};
    }
    for (const QString &param : filter.referencedParams()) {
        if (!params.contains(param)) {
            *error = u"filter: parameter '$%1' is not in params"_s.arg(param);
            return {};
        }
    }
    return filter;
}

//! \a value and every value inside it, counted up to just past \a budget.
static qsizetype countValues(const QJsonValue &value, qsizetype budget)
{
    qsizetype count = 1;
    const auto countEach = [&](const auto &container) {
        for (auto it = container.begin(); it != container.end() && count <= budget; ++it)
            count += countValues(*it, budget - count);
    };
    if (value.isArray())
        countEach(value.toArray());
    else if (value.isObject())
        countEach(value.toObject());
    return count;
}

bool checkParams(const QJsonObject &params, int maxValues, int maxBytes, QString *error)
{
    // Each value costs memory per subscription and time per record (an
    // `in` over an array): bounded below what maxFrameBytes would allow.
    if (countValues(params, maxValues + 1) - 1 > maxValues) {
        *error = u"params hold more than %1 values"_s.arg(maxValues);
        return false;
    }
    if (const qsizetype bytes = QJsonDocument(params).toJson(QJsonDocument::Compact).size(); bytes > maxBytes) {
        *error = u"params are larger than %1 bytes as compact JSON: got %2"_s.arg(maxBytes).arg(bytes);
        return false;
    }
    return true;
}

} // namespace Optimist
