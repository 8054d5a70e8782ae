// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "field.h"
#include "listmodel.h"

#include <QtCore/QDateTime>
#include <QtCore/QVariant>

#include <algorithm>

// How the model compares field values. Inline: these run for every value of
// every snapshot record and in every row lookup.

namespace Optimist {

//! QVariant::isNull() without its out-of-line call and pointer-type check:
//! field values are never pointers, and this runs for every value of every
//! snapshot record and in every comparison.
inline bool isNullValue(const QVariant &v)
{
    return v.data_ptr().is_null || !v.metaType().isValid();
}

template<typename T> int threeWay(const QVariant &x, const QVariant &y)
{
    const T &a = *static_cast<const T *>(x.constData());
    const T &b = *static_cast<const T *>(y.constData());
    return a < b ? -1 : (b < a ? 1 : 0);
}

//! Orders two values of one field, nulls first. Sorting and every row lookup
//! go through here, so values of the field's own type are compared directly
//! rather than through QVariant::compare's metatype dispatch.
inline int compareValues(Field::Type type, const QVariant &x, const QVariant &y)
{
    const bool xNull = isNullValue(x);
    const bool yNull = isNullValue(y);
    if (xNull || yNull)
        return xNull == yNull ? 0 : (xNull ? -1 : 1);
    if (x.metaType() == y.metaType()) {
        switch (type) {
        case Field::Type::String:
            if (x.metaType() == QMetaType::fromType<QString>())
                return static_cast<const QString *>(x.constData())
                    ->compare(*static_cast<const QString *>(y.constData()));
            break;
        case Field::Type::Int:
            if (x.metaType() == QMetaType::fromType<qint64>())
                return threeWay<qint64>(x, y);
            break;
        case Field::Type::Double:
            if (x.metaType() == QMetaType::fromType<double>())
                return threeWay<double>(x, y);
            break;
        case Field::Type::Bool:
            if (x.metaType() == QMetaType::fromType<bool>())
                return threeWay<bool>(x, y);
            break;
        case Field::Type::DateTime:
            if (x.metaType() == QMetaType::fromType<QDateTime>())
                return threeWay<QDateTime>(x, y);
            break;
        case Field::Type::Json:
            break;
        }
    }
    const QPartialOrdering order = QVariant::compare(x, y);
    if (order == QPartialOrdering::Less)
        return -1;
    if (order == QPartialOrdering::Greater)
        return 1;
    return 0;
}

//! QVariant's operator== calls a null int equal to 0 and a null string equal
//! to "": for a record those are different values.
inline bool sameValue(const QVariant &x, const QVariant &y)
{
    const bool xNull = isNullValue(x);
    const bool yNull = isNullValue(y);
    if (xNull || yNull)
        return xNull == yNull;
    // The common cases without QVariant::operator=='s metatype dispatch.
    if (x.metaType() == y.metaType()) {
        switch (x.metaType().id()) {
        case QMetaType::QString:
            return *static_cast<const QString *>(x.constData()) == *static_cast<const QString *>(y.constData());
        case QMetaType::LongLong:
            return *static_cast<const qint64 *>(x.constData()) == *static_cast<const qint64 *>(y.constData());
        case QMetaType::Bool:
            return *static_cast<const bool *>(x.constData()) == *static_cast<const bool *>(y.constData());
        default:
            break;
        }
    }
    return x == y;
}

inline bool sameValues(const QVariantList &x, const QVariantList &y)
{
    return x.size() == y.size() && std::equal(x.cbegin(), x.cend(), y.cbegin(), sameValue);
}

inline bool isPendingState(ListModel::SyncState state)
{
    return state == ListModel::PendingInsert || state == ListModel::PendingUpdate || state == ListModel::PendingRemove;
}

} // namespace Optimist
