// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QVariantMap>

namespace Optimist {

struct RecordChange {
    enum class Kind { Upsert, Remove };

    Kind kind = Kind::Upsert;
    QString id;
    QVariantMap fields;
    quint64 revision = 0;

    static RecordChange upsert(const QString &id, const QVariantMap &fields, quint64 revision = 0)
    {
        return { Kind::Upsert, id, fields, revision };
    }
    static RecordChange remove(const QString &id) { return { Kind::Remove, id, {}, 0 }; }
};

struct SnapshotRecord {
    QString id;
    quint64 revision = 0;
    QVariantMap fields;
};

struct Mutation {
    enum class Kind { Insert, Update, Remove };

    Kind kind = Kind::Update;
    QString collection;
    QString id;
    QVariantMap fields;
};

} // namespace Optimist
