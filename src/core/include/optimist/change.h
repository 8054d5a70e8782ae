// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QVariantMap>

namespace Optimist {

//! One change to a collection's confirmed state, as a server sends it in a
//! delta: a record written whole (insert or replace) or a record removed.
struct RecordChange {
    enum class Kind { Upsert, Remove };

    Kind kind = Kind::Upsert;
    QString id;
    //! All of the record's fields for an Upsert (missing ones take their
    //! default); empty for a Remove.
    QVariantMap fields;
    //! Upsert: the record's revision after this change (see
    //! SnapshotRecord::revision), or 0 if the server does not tell.
    quint64 revision = 0;

    static RecordChange upsert(const QString &id, const QVariantMap &fields, quint64 revision = 0)
    {
        return { Kind::Upsert, id, fields, revision };
    }
    static RecordChange remove(const QString &id) { return { Kind::Remove, id, {}, 0 }; }
};

//! One record of a server snapshot.
struct SnapshotRecord {
    QString id;
    //! The server's revision of the record: a number that changes whenever
    //! the record does, the same for the same content from the same server.
    //! A model that already holds this revision of the record skips it
    //! without reading \a fields (they may be left empty then). 0: unknown;
    //! the fields are compared instead.
    quint64 revision = 0;
    //! All of the record's fields; missing ones take their default.
    QVariantMap fields;
};

//! One local edit inside a Transaction, as the transport sends it.
struct Mutation {
    enum class Kind { Insert, Update, Remove };

    Kind kind = Kind::Update;
    QString collection;
    QString id;
    //! Insert: every field (defaults filled in). Update: only the fields
    //! that change. Remove: empty.
    QVariantMap fields;
};

} // namespace Optimist
