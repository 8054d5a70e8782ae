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

/*!
    \class Optimist::FilterModel
    \inmodule Optimist
    \inheaderfile optimist/filtermodel.h
    \brief A QSortFilterProxyModel that filters and sorts by role name, for
    QML (Qt 6.4 has none).

    Part of the QML module's library (Optimist::Qml); in QML it is
    \l [QML] {FilterModel}. Rows whose role filterRoleName equals
    filterValue pass; an undefined (invalid) filterValue, or a role the
    source does not have, lets every row pass. Being a proxy, it forwards the
    source's minimal row signals, so views keep their state.
*/

/*!
    \qmltype FilterModel
    \inqmlmodule Optimist
    \instantiates Optimist::FilterModel
    \brief Shows the rows of a model whose role has a given value, sorted by
    a role.

    To show part of a model without a new subscription:

    \qml
    FilterModel {
        id: activeTodos
        sourceModel: todos            // an OptimisticListModel
        filterRoleName: "done"
        filterValue: false
        sortRoleName: "title"
    }
    \endqml

    Rows whose role \l filterRoleName equals \l filterValue pass; an
    undefined filterValue lets every row pass. Being a proxy model, it
    forwards the source's row signals, so views keep their state, and its
    delegates see the source's roles (\c id, the fields, \c pending,
    \c syncState, \c errorString). Set \c sourceModel (from
    QSortFilterProxyModel) to the model to filter. For a filter the server
    applies, use OptimisticListModel::filter instead.
*/

/*!
    \qmlproperty string FilterModel::filterRoleName
    The name of the role rows are filtered by, e.g. \c "done". Empty (the
    default): every row passes.
*/

/*!
    \qmlproperty var FilterModel::filterValue
    The value the role must equal for a row to pass. \c undefined (the
    default): every row passes.
*/

/*!
    \qmlproperty string FilterModel::sortRoleName
    The name of the role rows are sorted by, in \c sortOrder. Empty (the
    default): the source's order.
*/

/*!
    \qmlproperty int FilterModel::count
    \readonly
    The number of rows that pass.
*/

/*!
    \qmlmethod int FilterModel::sourceRow(int row)
    Returns the row in the source model of this model's \a row, or -1; for
    calling the source's functions, e.g.
    \c {todos.remove(todos.at(activeTodos.sourceRow(index)).id)}.
*/

/*!
    Constructs a filter model without a source, with the given \a parent.
*/
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

/*!
    Destroys the filter model.
*/
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

/*!
    \property Optimist::FilterModel::filterRoleName
    \brief The name of the role rows are filtered by; empty (the default):
    every row passes. Notified by filterChanged().
*/
QString FilterModel::filterRoleName() const
{
    return d->filterRoleName;
}

/*!
    \property Optimist::FilterModel::filterValue
    \brief The value the role must equal for a row to pass; an invalid
    QVariant (the default) lets every row pass. Notified by filterChanged().
*/
QVariant FilterModel::filterValue() const
{
    return d->filterValue;
}

/*!
    \property Optimist::FilterModel::sortRoleName
    \brief The name of the role rows are sorted by, in sortOrder(); empty
    (the default): the source's order.
*/
QString FilterModel::sortRoleName() const
{
    return d->sortRoleName;
}

/*!
    \property Optimist::FilterModel::count
    \brief The number of rows that pass (rowCount()).
*/
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

/*!
    Returns the source row of this model's \a row, or -1 if \a row is out
    of range.
*/
int FilterModel::sourceRow(int row) const
{
    const QModelIndex proxy = index(row, 0);
    Q_ASSERT(checkIndex(proxy));
    return mapToSource(proxy).row();
}

/*!
    \reimp
*/
bool FilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex source = sourceModel()->index(sourceRow, 0, sourceParent);
    Q_ASSERT(sourceModel()->checkIndex(source, CheckIndexOption::IndexIsValid));
    if (d->filterRole < 0 || !d->filterValue.isValid())
        return true;
    return source.data(d->filterRole) == d->filterValue;
}

} // namespace Optimist
