// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistqml_export.h>

#include <QtCore/QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace Optimist {

//! A QSortFilterProxyModel for QML, by role name (Qt 6.4 has none):
//!
//!     FilterModel { sourceModel: todos; filterRoleName: "done"; filterValue: false }
//!
//! Rows whose role equals filterValue pass (an undefined filterValue lets
//! every row pass). Being a proxy, it forwards the source's minimal row
//! signals, so views keep their state.
class OPTIMIST_QML_EXPORT FilterModel : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString filterRoleName READ filterRoleName WRITE setFilterRoleName NOTIFY filterChanged)
    Q_PROPERTY(QVariant filterValue READ filterValue WRITE setFilterValue NOTIFY filterChanged)
    Q_PROPERTY(QString sortRoleName READ sortRoleName WRITE setSortRoleName NOTIFY sortRoleNameChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit FilterModel(QObject *parent = nullptr);

    QString filterRoleName() const { return m_filterRoleName; }
    void setFilterRoleName(const QString &name);
    QVariant filterValue() const { return m_filterValue; }
    void setFilterValue(const QVariant &value);
    QString sortRoleName() const { return m_sortRoleName; }
    void setSortRoleName(const QString &name);
    int count() const { return rowCount(); }

    //! The source row of proxy row \a row, or -1.
    Q_INVOKABLE int sourceRow(int row) const;

Q_SIGNALS:
    void filterChanged();
    void sortRoleNameChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int roleOf(const QString &name) const;
    void updateRoles();

    QString m_filterRoleName;
    QVariant m_filterValue;
    QString m_sortRoleName;
    int m_filterRole = -1;
};

} // namespace Optimist
