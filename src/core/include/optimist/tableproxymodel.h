// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistcore_export.h>

#include <QtCore/QIdentityProxyModel>

#include <memory>

namespace Optimist {

class TableProxyModelPrivate;

//! Shows the roles of a list model as the columns of a table, for
//! QTableView and friends:
//!
//!     TableProxyModel table;
//!     table.setSourceModel(&todos);
//!     table.setColumns({{"title", tr("Title")}, {"done", tr("Done")}, {"syncState", tr("Sync")}});
//!
//! Column c shows role columns()[c] as Qt::DisplayRole/EditRole (a bool
//! role as a check box), and setData() on it writes that role, so an
//! Optimist::ListModel stays editable in place. Of an Optimist::ListModel,
//! the `syncState` column shows words as Qt::DisplayRole ("Synced",
//! "Adding…", "Saving…", "Removing…", "Failed"; translatable, context
//! Optimist::TableProxyModel), the ListModel::SyncState value as
//! Qt::EditRole (what a sort or a delegate may read), and the row's
//! errorString as Qt::ToolTipRole of a Failed row; the `pending` column
//! shows "Pending" or nothing, its bool as Qt::EditRole; neither is
//! editable. Roles from Qt::UserRole on
//! (id, pending, syncState, the fields…) read the source row as they are,
//! in any column. Row signals pass through unchanged. A source dataChanged
//! tells each cell exactly what changed in it: the display/edit (or
//! check-state) roles in the columns that show a changed role, and the
//! changed roles from Qt::UserRole on in every column (so an ack that only
//! clears `pending` still reaches every cell).
class OPTIMIST_CORE_EXPORT TableProxyModel : public QIdentityProxyModel {
    Q_OBJECT
public:
    struct Column {
        QByteArray role; //!< a name from the source's roleNames()
        QString title;
    };

    explicit TableProxyModel(QObject *parent = nullptr);
    ~TableProxyModel() override;

    QList<Column> columns() const;
    void setColumns(const QList<Column> &columns);
    //! The source role of \a column, or -1.
    int roleOfColumn(int column) const;

    void setSourceModel(QAbstractItemModel *sourceModel) override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
    //! Every cell is its own buddy (the identity proxy would send them all
    //! to column 0, so a check box in column 2 would edit column 0).
    QModelIndex buddy(const QModelIndex &index) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    friend class TableProxyModelPrivate;
    std::unique_ptr<TableProxyModelPrivate> const d;
};

} // namespace Optimist
