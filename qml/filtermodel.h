// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistqml_export.h>

#include <QtCore/QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace Optimist {

class FilterModelPrivate;

class OPTIMIST_QML_EXPORT FilterModel : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString filterRoleName READ filterRoleName WRITE setFilterRoleName NOTIFY filterChanged FINAL)
    Q_PROPERTY(QVariant filterValue READ filterValue WRITE setFilterValue NOTIFY filterChanged FINAL)
    Q_PROPERTY(QString sortRoleName READ sortRoleName WRITE setSortRoleName NOTIFY sortRoleNameChanged FINAL)
    Q_PROPERTY(int count READ count NOTIFY countChanged FINAL)

public:
    explicit FilterModel(QObject *parent = nullptr);
    ~FilterModel() override;

    QString filterRoleName() const;
    void setFilterRoleName(const QString &name);
    QVariant filterValue() const;
    void setFilterValue(const QVariant &value);
    QString sortRoleName() const;
    void setSortRoleName(const QString &name);
    int count() const;

    Q_INVOKABLE int sourceRow(int row) const;

Q_SIGNALS:
    void filterChanged();
    void sortRoleNameChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    friend class FilterModelPrivate;
    std::unique_ptr<FilterModelPrivate> const d;
};

} // namespace Optimist
