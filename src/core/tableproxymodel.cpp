// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "tableproxymodel.h"

#include "listmodel.h"

namespace Optimist {

namespace {
//! What a column shows, and so which roles its cells serve.
enum class ColumnKind {
    Plain, //!< the value, as display and edit role (a bool of another source: a check box)
    Bool, //!< a bool field of an Optimist::ListModel: a check box
    SyncState, //!< ListModel's syncState: words, the value as edit role, the error as tooltip
    Pending, //!< ListModel's pending: a word, the value as edit role
};

ColumnKind kindOf(const QByteArray &role, const Fields &fields)
{
    if (role == "syncState")
        return ColumnKind::SyncState;
    if (role == "pending")
        return ColumnKind::Pending;
    const auto field = std::find_if(
        fields.cbegin(), fields.cend(), [&](const Field &f) { return f.name() == QLatin1StringView(role); });
    return field != fields.cend() && field->type() == Field::Type::Bool ? ColumnKind::Bool : ColumnKind::Plain;
}

QString syncStateText(int state)
{
    switch (state) {
    case ListModel::Synced:
        return TableProxyModel::tr("Synced");
    case ListModel::PendingInsert:
        return TableProxyModel::tr("Adding…");
    case ListModel::PendingUpdate:
        return TableProxyModel::tr("Saving…");
    case ListModel::PendingRemove:
        return TableProxyModel::tr("Removing…");
    case ListModel::Failed:
        return TableProxyModel::tr("Failed");
    }
    return QString::number(state);
}
} // namespace

class TableProxyModelPrivate {
public:
    explicit TableProxyModelPrivate(TableProxyModel *q)
        : q(q)
    {
    }

    void resolveRoles();
    //! The roles a change of \a sourceRoles changes in a cell of \a column.
    QList<int> changedRolesOfCell(int column, const QList<int> &sourceRoles) const;
    void forwardDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);
    bool isBoolCell(const QModelIndex &index) const;
    //! data() of a syncState or pending cell of an Optimist::ListModel.
    QVariant syncData(const QModelIndex &index, ColumnKind kind, int role) const;
    void sourceLayoutAboutToBeChanged(QAbstractItemModel::LayoutChangeHint hint);
    void sourceLayoutChanged(QAbstractItemModel::LayoutChangeHint hint);

    TableProxyModel *const q;
    QList<TableProxyModel::Column> columns;
    QList<int> roles; //!< source role per column
    QList<ColumnKind> kinds; //!< per column (all Plain unless the source is an Optimist::ListModel)
    bool typedColumns = false; //!< the source says which columns are bools (an Optimist::ListModel)
    QModelIndexList layoutProxyIndexes; //!< during a source layout change
    QList<QPersistentModelIndex> layoutSourceRows;
    QMetaObject::Connection layoutAboutToBeChangedConnection;
    QMetaObject::Connection layoutChangedConnection;
    QMetaObject::Connection dataChangedConnection;
};

/*!
    \class Optimist::TableProxyModel
    \inmodule Optimist
    \inheaderfile optimist/tableproxymodel.h
    \brief Shows the roles of a list model as the columns of a table, for
    QTableView and friends.

    \code
    Optimist::TableProxyModel table;
    table.setSourceModel(&todos);
    table.setColumns({{"title", tr("Title")}, {"done", tr("Done")}, {"syncState", tr("Sync")}});
    \endcode

    Column \e c shows role columns()[\e c] as Qt::DisplayRole and
    Qt::EditRole (a bool field as a check box, Qt::CheckStateRole), and
    setData() on it writes that role, so an Optimist::ListModel stays
    editable in place. Of an Optimist::ListModel, the \c syncState column
    shows words as Qt::DisplayRole ("Synced", "Adding...", "Saving...",
    "Removing...", "Failed"; translatable, context
    Optimist::TableProxyModel), the ListModel::SyncState value as
    Qt::EditRole (what a sort or a delegate may read), and the row's
    errorString as Qt::ToolTipRole of a \c Failed row; the \c pending
    column shows "Pending" or nothing, its bool as Qt::EditRole. Neither is
    editable.

    Roles from Qt::UserRole on (\c id, \c pending, \c syncState, the
    fields...) read the source row as they are, in any column. Row signals
    pass through unchanged. A source dataChanged() tells each cell exactly
    what changed in it: the display and edit (or check-state) roles in the
    columns that show a changed role, and the changed roles from
    Qt::UserRole on in every column (so an acknowledgement that only clears
    \c pending still reaches every cell).
*/

/*!
    \struct Optimist::TableProxyModel::Column
    \inmodule Optimist
    \brief One column of the table: the source role it shows and its header.
*/

/*!
    \variable Optimist::TableProxyModel::Column::role
    \brief The name of the role the column shows, from the source's
    roleNames() (\c title, \c done, \c syncState...).
*/

/*!
    \variable Optimist::TableProxyModel::Column::title
    \brief The column's header text (headerData()).
*/

/*!
    Constructs a proxy without columns, with the given \a parent.
*/
TableProxyModel::TableProxyModel(QObject *parent)
    : QIdentityProxyModel(parent)
    , d(std::make_unique<TableProxyModelPrivate>(this))
{
}

/*!
    Destroys the proxy.
*/
TableProxyModel::~TableProxyModel() = default;

/*!
    Returns the columns, in order.
*/
QList<TableProxyModel::Column> TableProxyModel::columns() const
{
    return d->columns;
}

/*!
    Sets the table's \a columns, resetting the proxy. A role the source does
    not name shows nothing.
*/
void TableProxyModel::setColumns(const QList<Column> &columns)
{
    beginResetModel();
    d->columns = columns;
    d->resolveRoles();
    endResetModel();
}

/*!
    Returns the source role that \a column shows, or -1 (no such column, or
    a role name the source does not have).
*/
int TableProxyModel::roleOfColumn(int column) const
{
    return column >= 0 && column < d->roles.size() ? d->roles.at(column) : -1;
}

void TableProxyModelPrivate::resolveRoles()
{
    roles.clear();
    kinds.clear();
    const auto names = q->sourceModel() ? q->sourceModel()->roleNames() : QHash<int, QByteArray>();
    // An Optimist model says which fields are bools even while it is empty.
    const auto *list = qobject_cast<const ListModel *>(q->sourceModel());
    const Fields fields = list ? list->fields() : Fields();
    typedColumns = list;
    for (const TableProxyModel::Column &column : std::as_const(columns)) {
        roles.append(names.key(column.role, -1));
        kinds.append(list ? kindOf(column.role, fields) : ColumnKind::Plain);
    }
}

/*!
    \reimp
*/
void TableProxyModel::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    if (d->dataChangedConnection)
        disconnect(d->dataChangedConnection);
    QIdentityProxyModel::setSourceModel(source);
    // QIdentityProxyModel maps a change of column 0 to column 0 only: widen
    // it to the columns whose roles changed.
    if (d->layoutAboutToBeChangedConnection)
        disconnect(d->layoutAboutToBeChangedConnection);
    if (d->layoutChangedConnection)
        disconnect(d->layoutChangedConnection);
    if (source) {
        disconnect(source, &QAbstractItemModel::dataChanged, this, nullptr);
        d->dataChangedConnection = connect(source, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
                d->forwardDataChanged(topLeft, bottomRight, roles);
            });
        // The identity proxy would map every persistent index through column
        // 0 across a layout change (a re-sort), moving a view's current cell
        // in column 2 to column 0: keep the columns here.
        disconnect(source, &QAbstractItemModel::layoutAboutToBeChanged, this, nullptr);
        disconnect(source, &QAbstractItemModel::layoutChanged, this, nullptr);
        d->layoutAboutToBeChangedConnection = connect(source, &QAbstractItemModel::layoutAboutToBeChanged, this,
            [this](const QList<QPersistentModelIndex> &, LayoutChangeHint hint) {
                d->sourceLayoutAboutToBeChanged(hint);
            });
        d->layoutChangedConnection = connect(source, &QAbstractItemModel::layoutChanged, this,
            [this](const QList<QPersistentModelIndex> &, LayoutChangeHint hint) { d->sourceLayoutChanged(hint); });
    }
    d->resolveRoles();
    endResetModel();
}

QList<int> TableProxyModelPrivate::changedRolesOfCell(int column, const QList<int> &sourceRoles) const
{
    QList<int> cellRoles;
    const ColumnKind kind = kinds.at(column);
    if (sourceRoles.contains(roles.at(column))) {
        // What data() serves from the column's role: a bool as a check box.
        if (kind == ColumnKind::Bool)
            cellRoles = { Qt::EditRole, Qt::CheckStateRole };
        else if (kind == ColumnKind::SyncState)
            cellRoles = { Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole };
        else if (typedColumns)
            cellRoles = { Qt::DisplayRole, Qt::EditRole };
        else
            cellRoles = { Qt::DisplayRole, Qt::EditRole, Qt::CheckStateRole };
    } else if (kind == ColumnKind::SyncState && sourceRoles.contains(ListModel::ErrorStringRole)) {
        cellRoles = { Qt::ToolTipRole };
    }
    // Roles from Qt::UserRole on are served as they are, in every column.
    for (int role : sourceRoles) {
        if (role >= Qt::UserRole)
            cellRoles.append(role);
    }
    return cellRoles;
}

void TableProxyModelPrivate::forwardDataChanged(
    const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &sourceRoles)
{
    const int columnCount = q->columnCount();
    if (columnCount == 0)
        return;
    if (sourceRoles.isEmpty()) {
        Q_EMIT q->dataChanged(q->index(topLeft.row(), 0), q->index(bottomRight.row(), columnCount - 1), {});
        return;
    }
    // One signal per run of adjacent columns whose cells changed the same roles.
    int first = 0;
    QList<int> runRoles = changedRolesOfCell(0, sourceRoles);
    for (int column = 1; column <= columnCount; ++column) {
        QList<int> cellRoles = column < columnCount ? changedRolesOfCell(column, sourceRoles) : QList<int>();
        if (column < columnCount && cellRoles == runRoles)
            continue;
        if (!runRoles.isEmpty())
            Q_EMIT q->dataChanged(q->index(topLeft.row(), first), q->index(bottomRight.row(), column - 1), runRoles);
        first = column;
        runRoles = std::move(cellRoles);
    }
}

void TableProxyModelPrivate::sourceLayoutAboutToBeChanged(QAbstractItemModel::LayoutChangeHint hint)
{
    Q_EMIT q->layoutAboutToBeChanged({}, hint);
    layoutProxyIndexes = q->persistentIndexList();
    layoutSourceRows.clear();
    for (const QModelIndex &proxy : std::as_const(layoutProxyIndexes))
        layoutSourceRows.append(QPersistentModelIndex(q->mapToSource(proxy)));
}

void TableProxyModelPrivate::sourceLayoutChanged(QAbstractItemModel::LayoutChangeHint hint)
{
    QModelIndexList moved;
    moved.reserve(layoutProxyIndexes.size());
    for (qsizetype i = 0; i < layoutProxyIndexes.size(); ++i) {
        const QPersistentModelIndex &row = layoutSourceRows.at(i);
        moved.append(row.isValid() ? q->index(row.row(), layoutProxyIndexes.at(i).column()) : QModelIndex());
    }
    q->changePersistentIndexList(layoutProxyIndexes, moved);
    layoutProxyIndexes.clear();
    layoutSourceRows.clear();
    Q_EMIT q->layoutChanged({}, hint);
}

/*!
    \reimp

    Returns the number of columns() for the root \a parent, else 0.
*/
int TableProxyModel::columnCount(const QModelIndex &parent) const
{
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() || !sourceModel() ? 0 : int(d->columns.size());
}

/*!
    \reimp
*/
QModelIndex TableProxyModel::index(int row, int column, const QModelIndex &parent) const
{
    Q_ASSERT(checkIndex(parent));
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column);
}

/*!
    \reimp
*/
QModelIndex TableProxyModel::parent(const QModelIndex &child) const
{
    Q_ASSERT(checkIndex(child, CheckIndexOption::DoNotUseParent));
    return {};
}

/*!
    \reimp
*/
QModelIndex TableProxyModel::sibling(int row, int column, const QModelIndex &idx) const
{
    Q_ASSERT(checkIndex(idx));
    return index(row, column);
}

/*!
    \reimp

    Every cell is its own buddy, \a index: the identity proxy would send
    them all to column 0, so a check box in column 2 would edit column 0.
*/
QModelIndex TableProxyModel::buddy(const QModelIndex &index) const
{
    Q_ASSERT(checkIndex(index));
    return index;
}

/*!
    \reimp
*/
QModelIndex TableProxyModel::mapToSource(const QModelIndex &proxyIndex) const
{
    Q_ASSERT(checkIndex(proxyIndex));
    if (!proxyIndex.isValid() || !sourceModel())
        return {};
    return sourceModel()->index(proxyIndex.row(), 0);
}

/*!
    \reimp
*/
QModelIndex TableProxyModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    Q_ASSERT(!sourceIndex.isValid() || sourceIndex.model() == sourceModel());
    if (!sourceIndex.isValid())
        return {};
    return index(sourceIndex.row(), 0);
}

bool TableProxyModelPrivate::isBoolCell(const QModelIndex &index) const
{
    const ColumnKind kind = kinds.value(index.column());
    if (kind != ColumnKind::Plain)
        return kind == ColumnKind::Bool;
    // Another source: the cell's own value says.
    const int role = q->roleOfColumn(index.column());
    return role >= 0 && q->mapToSource(index).data(role).metaType().id() == QMetaType::Bool;
}

/*!
    \reimp
*/
QVariant TableProxyModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    if (role >= Qt::UserRole)
        return mapToSource(index).data(role);
    const int sourceRole = roleOfColumn(index.column());
    if (sourceRole < 0)
        return {};
    if (const ColumnKind kind = d->kinds.at(index.column());
        kind == ColumnKind::SyncState || kind == ColumnKind::Pending)
        return d->syncData(index, kind, role);
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

QVariant TableProxyModelPrivate::syncData(const QModelIndex &index, ColumnKind kind, int role) const
{
    const QModelIndex source = q->mapToSource(index);
    if (role == Qt::EditRole)
        return source.data(roles.at(index.column()));
    if (kind == ColumnKind::Pending) {
        if (role != Qt::DisplayRole)
            return {};
        return source.data(ListModel::PendingRole).toBool() ? TableProxyModel::tr("Pending") : QString();
    }
    const int state = source.data(ListModel::SyncStateRole).toInt();
    if (role == Qt::DisplayRole)
        return syncStateText(state);
    if (role == Qt::ToolTipRole && state == ListModel::Failed)
        return source.data(ListModel::ErrorStringRole);
    return {};
}

/*!
    \reimp
*/
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

/*!
    \reimp
*/
Qt::ItemFlags TableProxyModel::flags(const QModelIndex &index) const
{
    Q_ASSERT(checkIndex(index));
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = QIdentityProxyModel::flags(index) | Qt::ItemNeverHasChildren;
    const QByteArray role = d->columns.value(index.column()).role;
    const bool builtIn = role == "id" || role == "pending" || role == "syncState" || role == "errorString";
    if (builtIn)
        flags &= ~Qt::ItemIsEditable;
    else if (d->isBoolCell(index))
        flags = (flags & ~Qt::ItemIsEditable) | Qt::ItemIsUserCheckable;
    return flags;
}

/*!
    \reimp

    Returns the title of column \a section for Qt::Horizontal headers.
*/
QVariant TableProxyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < d->columns.size())
        return d->columns.at(section).title;
    return QIdentityProxyModel::headerData(section, orientation, role);
}

} // namespace Optimist
