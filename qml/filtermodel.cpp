// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "filtermodel.h"

namespace Optimist {

class FilterModelPrivate {
public:
    explicit FilterModelPrivate(FilterModel *q)
        : q(q)
    {
    }

    int roleOf(const QString &name) const;
    void updateRoles();

    FilterModel *const q;
    QString filterRoleName;
    QVariant filterValue;
    QString sortRoleName;
    int filterRole = -1;
};

FilterModel::FilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
    , d(std::make_unique<FilterModelPrivate>(this))
{
    // Roles are only known once a source model is set.
    connect(this, &QAbstractProxyModel::sourceModelChanged, this, [this] { d->updateRoles(); });
    for (auto signal : { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(this, signal, this, &FilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &FilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &FilterModel::countChanged);
}

FilterModel::~FilterModel() = default;

int FilterModelPrivate::roleOf(const QString &name) const
{
    if (!q->sourceModel() || name.isEmpty())
        return -1;
    return q->sourceModel()->roleNames().key(name.toUtf8(), -1);
}

void FilterModelPrivate::updateRoles()
{
    filterRole = roleOf(filterRoleName);
    const int sortRoleValue = roleOf(sortRoleName);
    if (sortRoleValue >= 0) {
        q->setSortRole(sortRoleValue);
        q->sort(0, q->sortOrder());
    }
    q->invalidateFilter();
    Q_EMIT q->countChanged();
}

QString FilterModel::filterRoleName() const
{
    return d->filterRoleName;
}

QVariant FilterModel::filterValue() const
{
    return d->filterValue;
}

QString FilterModel::sortRoleName() const
{
    return d->sortRoleName;
}

int FilterModel::count() const
{
    return rowCount();
}

void FilterModel::setFilterRoleName(const QString &name)
{
    if (d->filterRoleName == name)
        return;
    d->filterRoleName = name;
    d->updateRoles();
    Q_EMIT filterChanged();
}

void FilterModel::setFilterValue(const QVariant &value)
{
    if (d->filterValue == value && d->filterValue.isValid() == value.isValid())
        return;
    d->filterValue = value;
    invalidateFilter();
    Q_EMIT filterChanged();
    Q_EMIT countChanged();
}

void FilterModel::setSortRoleName(const QString &name)
{
    if (d->sortRoleName == name)
        return;
    d->sortRoleName = name;
    d->updateRoles();
    Q_EMIT sortRoleNameChanged();
}

int FilterModel::sourceRow(int row) const
{
    const QModelIndex proxy = index(row, 0);
    Q_ASSERT(checkIndex(proxy));
    return mapToSource(proxy).row();
}

bool FilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex source = sourceModel()->index(sourceRow, 0, sourceParent);
    Q_ASSERT(sourceModel()->checkIndex(source, CheckIndexOption::IndexIsValid));
    if (d->filterRole < 0 || !d->filterValue.isValid())
        return true;
    return source.data(d->filterRole) == d->filterValue;
}

} // namespace Optimist
