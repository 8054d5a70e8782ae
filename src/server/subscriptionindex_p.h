// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/expression.h>

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QSet>
#include <QtCore/QString>

namespace Optimist {

//! The subscriptions of one collection, found for a change by lookup rather
//! than by evaluating each one (issue 11, item 4; ElectricSQL's shape index).
//!
//! A subscription is registered with what decides what it sees: the
//! expressions that must all pass (the collection's read rule, its filter)
//! and the context they are read in (auth claims, params). Their top-level
//! equality conjuncts (Expression::equalityPredicates()), resolved in that
//! context, are necessary conditions: `record.owner == auth.sub` with sub
//! "alice" becomes (owner, "alice"). One of them files the subscription in
//! the bucket (field, value); one with none is unindexed; one with a
//! conjunct that no value can equal (an array, an object) sees nothing and
//! is never a candidate.
//!
//! candidates() is a superset of the subscriptions a change concerns, not
//! the answer: the caller still evaluates the whole visibility on each. It
//! is socket-free and knows no sessions: keys are opaque.
class SubscriptionIndex {
public:
    using Key = const void *;

    //! Where add() filed a subscription.
    enum class Placement { Absent, Bucket, Unindexed, Never };

    //! Registers \a key (again: as update()) with the expressions that must
    //! all pass for it to see a record, read in \a context (its auth and
    //! params; record and jsonRecord are ignored). Null expressions (no rule,
    //! no filter) are skipped.
    void add(Key key, const QList<Expression> &conditions, const Expression::Context &context);
    //! New conditions or context for \a key (a restarted subscription).
    void update(Key key, const QList<Expression> &conditions, const Expression::Context &context)
    {
        add(key, conditions, context);
    }
    void remove(Key key);

    //! The subscriptions that may see a change of record \a id from
    //! \a before to \a after (null: no record; an insert has no before, a
    //! remove no after), each once: every unindexed one, and those whose
    //! bucket's value equals (as the language's `==`) the before's or the
    //! after's value of its field, so that a record moving out is found as
    //! well as one moving in. An image without "id" reads record.id as
    //! \a id (the server's stored JSON has none).
    QList<Key> candidates(const QString &id, const QJsonObject *before, const QJsonObject *after) const;
    //! The same with images that hold their "id"; an empty one is no record.
    QList<Key> candidates(const QJsonObject &before, const QJsonObject &after) const
    {
        return candidates({}, before.isEmpty() ? nullptr : &before, after.isEmpty() ? nullptr : &after);
    }

    Placement placement(Key key) const;
    qsizetype size() const { return m_entries.size(); }
    qsizetype unindexedCount() const { return m_unindexed.size(); }

    //! A value as a hash key, one per equality class of the language's
    //! `==`: numbers by their exact value (1 and 1.0 are one key), strings
    //! by text, bools, and null (which a missing field reads as).
    struct Value {
        enum class Kind : quint8 { Null, Bool, Int, Double, String };
        Kind kind = Kind::Null;
        //! Bool (0 or 1) and Int; a double with an integral value that fits
        //! is an Int, so Double holds only the others.
        qint64 integer = 0;
        double number = 0;
        QString text;

        friend bool operator==(const Value &, const Value &) = default;
        friend size_t qHash(const Value &value, size_t seed = 0)
        {
            switch (value.kind) {
            case Kind::Null:
                return seed;
            case Kind::Bool:
            case Kind::Int:
                return qHashMulti(seed, int(value.kind), value.integer);
            case Kind::Double:
                return qHashMulti(seed, int(value.kind), value.number);
            case Kind::String:
                return qHashMulti(seed, int(value.kind), value.text);
            }
            return seed;
        }
    };

private:
    struct Entry {
        Placement placement = Placement::Absent;
        QString field;
        Value value;
    };

    void unfile(Key key, const Entry &entry);
    //! Appends the subscriptions of \a value's bucket, if any, to \a out.
    void collect(const QHash<Value, QSet<Key>> &buckets, const Value *value, QList<Key> *out) const;

    QHash<Key, Entry> m_entries;
    //! field → value → subscriptions.
    QHash<QString, QHash<Value, QSet<Key>>> m_buckets;
    QSet<Key> m_unindexed;
};

} // namespace Optimist
