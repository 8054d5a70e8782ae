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

    static RecordChange upsert(const QString &id, const QVariantMap &fields) { return { Kind::Upsert, id, fields }; }
    static RecordChange remove(const QString &id) { return { Kind::Remove, id, {} }; }
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
