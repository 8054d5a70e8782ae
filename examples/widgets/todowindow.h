// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/listmodel.h>
#include <optimist/syncclient.h>
#include <optimist/tableproxymodel.h>

#include <QtCore/QSortFilterProxyModel>
#include <QtWidgets/QMainWindow>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QTableView;
QT_END_NAMESPACE

//! The todo collection in a QTableView: title, done and sync state columns,
//! sortable, editable in place, with the connection in the status bar.
class TodoWindow : public QMainWindow {
    Q_OBJECT
public:
    //! Syncs with \a serverUrl; unsent edits are kept in \a storageDirectory
    //! across restarts (empty: in memory only).
    explicit TodoWindow(const QUrl &serverUrl, const QString &storageDirectory = {}, QWidget *parent = nullptr);

    Optimist::ListModel *todos() { return &m_todos; }
    QTableView *view() const { return m_view; }

private:
    //! Says why an edit was refused; a refused insert's title goes back
    //! into the field.
    void showRollback(const QString &id, const QString &code, const QString &message, const QVariantMap &record);
    void addTodo();
    void removeSelected();
    void updateStatus();

    Optimist::SyncClient m_client;
    Optimist::ListModel m_todos;
    Optimist::TableProxyModel m_table;
    QSortFilterProxyModel m_sorted;
    QTableView *m_view = nullptr;
    QLineEdit *m_newTitle = nullptr;
    QLabel *m_status = nullptr;
};
