// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistcore_export.h>

#include <QtCore/QIdentityProxyModel>

#include <memory>

namespace Optimist {

class TableProxyModelPrivate;

class OPTIMIST_CORE_EXPORT TableProxyModel : public QIdentityProxyModel {
    Q_OBJECT
public:
    struct Column {
        QByteArray role;
        QString title;
    };

    explicit TableProxyModel(QObject *parent = nullptr);
    ~TableProxyModel() override;

    QList<Column> columns() const;
    void setColumns(const QList<Column> &columns);
    int roleOfColumn(int column) const;

    void setSourceModel(QAbstractItemModel *sourceModel) override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
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
