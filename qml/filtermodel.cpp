// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "filtermodel.h"

namespace Optimist {

FilterModel::FilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Roles are only known once a source model is set.
    connect(this, &QAbstractProxyModel::sourceModelChanged, this, &FilterModel::updateRoles);
    for (auto signal : { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(this, signal, this, &FilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &FilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &FilterModel::countChanged);
}

int FilterModel::roleOf(const QString &name) const
{
    if (!sourceModel() || name.isEmpty())
        return -1;
    return sourceModel()->roleNames().key(name.toUtf8(), -1);
}

void FilterModel::updateRoles()
{
    m_filterRole = roleOf(m_filterRoleName);
    const int sortRoleValue = roleOf(m_sortRoleName);
    if (sortRoleValue >= 0) {
        setSortRole(sortRoleValue);
        sort(0, sortOrder());
    }
    invalidateFilter();
    Q_EMIT countChanged();
}

void FilterModel::setFilterRoleName(const QString &name)
{
    if (m_filterRoleName == name)
        return;
    m_filterRoleName = name;
    updateRoles();
    Q_EMIT filterChanged();
}

void FilterModel::setFilterValue(const QVariant &value)
{
    if (m_filterValue == value && m_filterValue.isValid() == value.isValid())
        return;
    m_filterValue = value;
    invalidateFilter();
    Q_EMIT filterChanged();
    Q_EMIT countChanged();
}

void FilterModel::setSortRoleName(const QString &name)
{
    if (m_sortRoleName == name)
        return;
    m_sortRoleName = name;
    updateRoles();
    Q_EMIT sortRoleNameChanged();
}

int FilterModel::sourceRow(int row) const
{
    return mapToSource(index(row, 0)).row();
}

bool FilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterRole < 0 || !m_filterValue.isValid())
        return true;
    return sourceModel()->index(sourceRow, 0, sourceParent).data(m_filterRole) == m_filterValue;
}

} // namespace Optimist
