// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "identity.h"

#include <optimist/expression.h>

#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QVariantMap>

#include <optional>

namespace Optimist {

class Authorizer;
class Session;

//! One change of one record: the record before it and after it (an insert
//! has no before, a remove no after). Who sees what of a change is decided
//! from these two alone (docs/protocol.md, "delta").
struct ChangeImages {
    QString id;
    std::optional<QJsonObject> before;
    std::optional<QJsonObject> after;
    //! False for a change logged by a version that kept no before-images:
    //! \c before is then unknown, not absent.
    bool beforeKnown = true;
};

//! A record's change over several changes: its image before the first and
//! after the last, at the place (index) of the last.
struct NetChange {
    ChangeImages images;
    qsizetype last = 0;
};

//! One NetChange per record of \a images, in the order of their last
//! changes. What a subscription sees of a batch is decided from these, so
//! that no state that existed only in between reaches it: one transaction
//! may share a private record and take it back (found by an outside tester).
QList<NetChange> netChanges(const QList<ChangeImages> &images);

//! A collection's changes from one of its cursors to the next: one batch of
//! the write pipeline, or one seq of the change log.
struct ChangeBatch {
    qint64 prevCursor = -1;
    qint64 cursor = 0;
    //! As the wire has them: an upsert carries the after-image.
    QJsonArray changes;
    //! Per change, in the same order.
    QList<ChangeImages> images;

    void append(const QJsonValue &change, const ChangeImages &image)
    {
        changes.append(change);
        images.append(image);
    }
};

//! One subscription of one connection: which records of a collection it
//! may see (the collection's read rule and its filter, both with the
//! client's claims as `auth`, and a custom authorizer's canReadRecord()),
//! and the cursor its client is at.
struct Subscription {
    enum class View { Nothing, Upsert, Remove };

    Session *session = nullptr;
    //! Its key on the connection: the subscribe's subscription, or the collection.
    QString key;
    QString collection;
    //! The subscribe's subscription, written on its snapshot chunks and
    //! deltas; empty (left out) when it named none.
    QString name;
    //! The collection's read rule (null: none).
    Expression readRule;
    //! The subscribe's filter (null: none).
    Expression filter;
    QVariantMap params;
    //! Who the client is: its claims are `auth` for the rule and the filter.
    Identity identity;
    //! A custom authorizer, asked canReadRecord() for each record; null
    //! for the default one, which allows every record.
    Authorizer *recordHook = nullptr;
    //! The cursor of the last frame (snapshot or delta) sent to it: the
    //! prevCursor of its next delta.
    qint64 lastSent = -1;
    //! Protocol 1: a delta for every batch that touches the collection,
    //! however few of its changes it may see, so its client sees no gap.
    bool dense = false;
    //! Following live deltas (its snapshot, if any, sent).
    bool live = false;
    //! Cursors of batches with its connection's transactions that were
    //! acked while its snapshot was under way: the replay after the
    //! snapshot sends a delta at each, changes or not, so the cursor an
    //! ack names is reached (sparse deltas would skip it).
    QSet<qint64> ackedWhileLoading;

    //! Sees every record (no rule, no filter, no hook): its deltas are the
    //! collection's, encoded once for all such subscribers.
    bool seesAll() const { return readRule.isNull() && filter.isNull() && !recordHook; }
    bool visible(const QString &id, const QJsonObject &record) const;
    //! What it gets of \a change: the record as an upsert when it may see
    //! the after-image, a remove when it may see only the before-image.
    View view(const ChangeImages &change) const;
    //! Its view of \a batch; nullopt when a change's before-image is unknown
    //! and matters (then only a snapshot is right).
    std::optional<QJsonArray> changesOf(const ChangeBatch &batch) const;
    //! Whether a batch with \a changes and \a acks for it gives it a delta:
    //! dense always; sparse only with something in it.
    bool wants(const QJsonArray &changes, const QJsonArray &acks) const
    {
        return dense || !changes.isEmpty() || !acks.isEmpty();
    }
    //! The delta of \a changes up to \a cursor, from lastSent; moves lastSent.
    QString deltaFrame(qint64 cursor, const QJsonArray &changes);
    //! Call once the rule and the filter are set.
    void prepare();

private:
    //! The rule, the filter or the hook reads record.id, which the stored
    //! JSON lacks.
    bool m_readsId = false;
};

//! The delta frames of one batch for its subscribers. The frame of the
//! subscribers that see all of it is encoded once (per name and
//! prevCursor); a pusher's copy only gains its acks.
class BatchFrames {
public:
    explicit BatchFrames(const ChangeBatch &batch)
        : m_batch(batch)
    {
    }
    //! \a subscription's delta with \a changes (its view of the batch) and
    //! \a acks; empty when it gets none. Moves its lastSent.
    QString frame(Subscription *subscription, const QJsonArray &changes, const QJsonArray &acks);

private:
    const ChangeBatch &m_batch;
    QHash<std::pair<QString, qint64>, QString> m_shared;
};

//! The filter of a subscribe, checked against \a fields and \a params:
//! the expression, or (in \a error) why it is refused (invalid_filter).
Expression compileFilter(
    const QString &text, int maxLength, const Fields &fields, const QVariantMap &params, QString *error);
//! Whether a subscribe's \a params hold at most \a maxValues JSON values
//! (each parameter's, and every element and member inside) and at most
//! \a maxBytes as compact JSON; else the reason in \a error.
bool checkParams(const QJsonObject &params, int maxValues, int maxBytes, QString *error);

} // namespace Optimist
