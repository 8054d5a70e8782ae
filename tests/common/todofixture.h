// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// The schema and small helpers the core tests share.

#include <optimist/field.h>
#include <optimist/listmodel.h>

#include <QtCore/QList>
#include <QtCore/QVariantMap>

namespace OptimistTest {

//! title: required string (max 20), done: bool (default false),
//! rank: int (nullable), due: datetime (nullable).
inline Optimist::Fields todoFields()
{
    using Optimist::Field;
    Field title(QStringLiteral("title"), Field::Type::String, {}, true);
    title.setMaxLength(20);
    return { title, Field(QStringLiteral("done"), Field::Type::Bool, false),
        Field(QStringLiteral("rank"), Field::Type::Int), Field(QStringLiteral("due"), Field::Type::DateTime) };
}

enum TodoRole {
    TitleRole = Optimist::ListModel::FirstFieldRole,
    DoneRole,
    RankRole,
    DueRole,
};

inline QVariantMap todo(const QString &id, const QString &title, const QVariant &rank = {}, bool done = false)
{
    QVariantMap map { { QStringLiteral("id"), id }, { QStringLiteral("title"), title },
        { QStringLiteral("done"), done } };
    if (rank.isValid())
        map.insert(QStringLiteral("rank"), rank);
    return map;
}

//! The ids of the model's rows, top to bottom.
inline QStringList ids(const Optimist::ListModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.data(model.index(row), Optimist::ListModel::IdRole).toString());
    return result;
}

//! The value of \a role on the row of \a id.
inline QVariant value(const Optimist::ListModel &model, const QString &id, int role)
{
    const int row = model.indexOf(id);
    return row < 0 ? QVariant() : model.data(model.index(row), role);
}

} // namespace OptimistTest
