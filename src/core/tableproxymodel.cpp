// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "tableproxymodel.h"

#include "listmodel.h"

namespace Optimist {

TableProxyModel::TableProxyModel(QObject *parent)
    : QIdentityProxyModel(parent)
{
}

void TableProxyModel::setColumns(const QList<Column> &columns)
{
    beginResetModel();
    m_columns = columns;
    resolveRoles();
    endResetModel();
}

int TableProxyModel::roleOfColumn(int column) const
{
    return column >= 0 && column < m_roles.size() ? m_roles.at(column) : -1;
}

void TableProxyModel::resolveRoles()
{
    m_roles.clear();
    m_boolColumns.clear();
    const auto names = sourceModel() ? sourceModel()->roleNames() : QHash<int, QByteArray>();
    // An Optimist model says which fields are bools even while it is empty.
    const auto *list = qobject_cast<const ListModel *>(sourceModel());
    const Fields fields = list ? list->fields() : Fields();
    m_typedColumns = list;
    for (const Column &column : std::as_const(m_columns)) {
        m_roles.append(names.key(column.role, -1));
        const auto field = std::find_if(
            fields.cbegin(), fields.cend(), [&](const Field &f) { return f.name == QLatin1StringView(column.role); });
        m_boolColumns.append(field != fields.cend() && field->type == Field::Type::Bool);
    }
}

void TableProxyModel::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    if (m_dataChanged)
        disconnect(m_dataChanged);
    QIdentityProxyModel::setSourceModel(source);
    // QIdentityProxyModel maps a change of column 0 to column 0 only: widen
    // it to the columns whose roles changed.
    if (m_layoutAboutToBeChanged)
        disconnect(m_layoutAboutToBeChanged);
    if (m_layoutChanged)
        disconnect(m_layoutChanged);
    if (source) {
        disconnect(source, &QAbstractItemModel::dataChanged, this, nullptr);
        m_dataChanged = connect(source, &QAbstractItemModel::dataChanged, this, &TableProxyModel::forwardDataChanged);
        // The identity proxy would map every persistent index through column
        // 0 across a layout change (a re-sort), moving a view's current cell
        // in column 2 to column 0: keep the columns here.
        disconnect(source, &QAbstractItemModel::layoutAboutToBeChanged, this, nullptr);
        disconnect(source, &QAbstractItemModel::layoutChanged, this, nullptr);
        m_layoutAboutToBeChanged = connect(
            source, &QAbstractItemModel::layoutAboutToBeChanged, this, &TableProxyModel::sourceLayoutAboutToBeChanged);
        m_layoutChanged
            = connect(source, &QAbstractItemModel::layoutChanged, this, &TableProxyModel::sourceLayoutChanged);
    }
    resolveRoles();
    endResetModel();
}

QList<int> TableProxyModel::changedRolesOfCell(int column, const QList<int> &sourceRoles) const
{
    QList<int> roles;
    if (sourceRoles.contains(m_roles.at(column))) {
        // What data() serves from the column's role: a bool as a check box.
        if (m_boolColumns.at(column))
            roles = { Qt::EditRole, Qt::CheckStateRole };
        else if (m_typedColumns)
            roles = { Qt::DisplayRole, Qt::EditRole };
        else
            roles = { Qt::DisplayRole, Qt::EditRole, Qt::CheckStateRole };
    }
    // Roles from Qt::UserRole on are served as they are, in every column.
    for (int role : sourceRoles) {
        if (role >= Qt::UserRole)
            roles.append(role);
    }
    return roles;
}

void TableProxyModel::forwardDataChanged(
    const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles)
{
    const int columns = columnCount();
    if (columns == 0)
        return;
    if (roles.isEmpty()) {
        Q_EMIT dataChanged(index(topLeft.row(), 0), index(bottomRight.row(), columns - 1), {});
        return;
    }
    // One signal per run of adjacent columns whose cells changed the same roles.
    int first = 0;
    QList<int> runRoles = changedRolesOfCell(0, roles);
    for (int column = 1; column <= columns; ++column) {
        QList<int> cellRoles = column < columns ? changedRolesOfCell(column, roles) : QList<int>();
        if (column < columns && cellRoles == runRoles)
            continue;
        if (!runRoles.isEmpty())
            Q_EMIT dataChanged(index(topLeft.row(), first), index(bottomRight.row(), column - 1), runRoles);
        first = column;
        runRoles = std::move(cellRoles);
    }
}

void TableProxyModel::sourceLayoutAboutToBeChanged(
    const QList<QPersistentModelIndex> &, QAbstractItemModel::LayoutChangeHint hint)
{
    Q_EMIT layoutAboutToBeChanged({}, hint);
    m_layoutProxyIndexes = persistentIndexList();
    m_layoutSourceRows.clear();
    for (const QModelIndex &proxy : std::as_const(m_layoutProxyIndexes))
        m_layoutSourceRows.append(QPersistentModelIndex(mapToSource(proxy)));
}

void TableProxyModel::sourceLayoutChanged(
    const QList<QPersistentModelIndex> &, QAbstractItemModel::LayoutChangeHint hint)
{
    QModelIndexList moved;
    moved.reserve(m_layoutProxyIndexes.size());
    for (qsizetype i = 0; i < m_layoutProxyIndexes.size(); ++i) {
        const QPersistentModelIndex &row = m_layoutSourceRows.at(i);
        moved.append(row.isValid() ? index(row.row(), m_layoutProxyIndexes.at(i).column()) : QModelIndex());
    }
    changePersistentIndexList(m_layoutProxyIndexes, moved);
    m_layoutProxyIndexes.clear();
    m_layoutSourceRows.clear();
    Q_EMIT layoutChanged({}, hint);
}

int TableProxyModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : int(m_columns.size());
}

QModelIndex TableProxyModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column);
}

QModelIndex TableProxyModel::parent(const QModelIndex &) const
{
    return {};
}

QModelIndex TableProxyModel::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

QModelIndex TableProxyModel::buddy(const QModelIndex &index) const
{
    return index;
}

QModelIndex TableProxyModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel())
        return {};
    return sourceModel()->index(proxyIndex.row(), 0);
}

QModelIndex TableProxyModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid())
        return {};
    return index(sourceIndex.row(), 0);
}

bool TableProxyModel::isBoolCell(const QModelIndex &index) const
{
    if (m_boolColumns.value(index.column()))
        return true;
    // Another source: the cell's own value says.
    const int role = roleOfColumn(index.column());
    return role >= 0 && mapToSource(index).data(role).metaType().id() == QMetaType::Bool;
}

QVariant TableProxyModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    if (role >= Qt::UserRole)
        return mapToSource(index).data(role);
    const int sourceRole = roleOfColumn(index.column());
    if (sourceRole < 0)
        return {};
    const QVariant value = mapToSource(index).data(sourceRole);
    if (value.metaType().id() == QMetaType::Bool) {
        if (role == Qt::CheckStateRole)
            return value.toBool() ? Qt::Checked : Qt::Unchecked;
        return role == Qt::EditRole ? value : QVariant();
    }
    if (role == Qt::DisplayRole || role == Qt::EditRole)
        return value;
    return {};
}

bool TableProxyModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const int sourceRole = roleOfColumn(index.column());
    if (sourceRole < 0)
        return false;
    if (role == Qt::CheckStateRole)
        return sourceModel()->setData(mapToSource(index), value.toInt() == Qt::Checked, sourceRole);
    if (role != Qt::EditRole)
        return false;
    return sourceModel()->setData(mapToSource(index), value, sourceRole);
}

Qt::ItemFlags TableProxyModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = QIdentityProxyModel::flags(index) | Qt::ItemNeverHasChildren;
    const QByteArray role = m_columns.value(index.column()).role;
    const bool builtIn = role == "id" || role == "pending" || role == "syncState" || role == "lastError";
    if (builtIn)
        flags &= ~Qt::ItemIsEditable;
    else if (isBoolCell(index))
        flags = (flags & ~Qt::ItemIsEditable) | Qt::ItemIsUserCheckable;
    return flags;
}

QVariant TableProxyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < m_columns.size())
        return m_columns.at(section).title;
    return QIdentityProxyModel::headerData(section, orientation, role);
}

} // namespace Optimist
