// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "todowindow.h"

#include <optimist/transaction.h>

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>

using namespace Qt::StringLiterals;
using Optimist::Field;
using Optimist::ListModel;

TodoWindow::TodoWindow(const QUrl &serverUrl, const QString &storageDirectory, QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Optimist Todos (widgets)"));
    resize(560, 480);

    m_todos.setCollection(u"todos"_s);
    m_todos.setFields({ Field(u"title"_s, Field::Type::String, {}, true), Field(u"done"_s, Field::Type::Bool, false),
        Field(u"created"_s, Field::Type::DateTime) });
    m_todos.setSortField(u"created"_s);
    m_todos.setClient(&m_client);
    m_client.setStorageDirectory(storageDirectory);
    m_client.setUrl(serverUrl);

    m_table.setSourceModel(&m_todos);
    // The Sync column shows words ("Saving…", "Failed" with the reason as tooltip).
    m_table.setColumns({ { "title", tr("Title") }, { "done", tr("Done") }, { "syncState", tr("Sync") } });
    m_sorted.setSourceModel(&m_table);

    m_view = new QTableView;
    m_view->setModel(&m_sorted);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // creation order until a header is clicked
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_view->verticalHeader()->hide();

    m_newTitle = new QLineEdit;
    m_newTitle->setPlaceholderText(tr("What needs to be done?"));
    auto *add = new QPushButton(tr("Add"));
    auto *remove = new QPushButton(tr("Delete"));
    connect(m_newTitle, &QLineEdit::returnPressed, this, &TodoWindow::addTodo);
    connect(add, &QPushButton::clicked, this, &TodoWindow::addTodo);
    connect(remove, &QPushButton::clicked, this, &TodoWindow::removeSelected);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    auto *row = new QHBoxLayout;
    row->addWidget(m_newTitle);
    row->addWidget(add);
    row->addWidget(remove);
    layout->addLayout(row);
    layout->addWidget(m_view);
    setCentralWidget(central);

    m_status = new QLabel;
    statusBar()->addWidget(m_status, 1);
    for (auto signal : { &Optimist::SyncClient::stateChanged, &Optimist::SyncClient::outboxCountChanged,
             &Optimist::SyncClient::nextRetryAtChanged })
        connect(&m_client, signal, this, &TodoWindow::updateStatus);
    connect(&m_todos, &ListModel::rolledBack, this, &TodoWindow::showRollback);
    updateStatus();
}

void TodoWindow::showRollback(const QString &id, const QString &, const QString &message, const QVariantMap &record)
{
    // A refused insert leaves no row: its title goes back into the field,
    // to edit and add again.
    const bool insertRefused = m_todos.get(id).isEmpty() && !record.isEmpty();
    if (insertRefused && m_newTitle->text().isEmpty())
        m_newTitle->setText(record.value(u"title"_s).toString());
    statusBar()->showMessage(insertRefused ? tr("Not added: %1. The title is back in the field above.").arg(message)
                                           : tr("Not saved: %1").arg(message),
        insertRefused ? 10000 : 5000);
}

void TodoWindow::addTodo()
{
    const QString title = m_newTitle->text().trimmed();
    if (title.isEmpty())
        return;
    m_todos.insert({ { u"title"_s, title }, { u"created"_s, QDateTime::currentDateTimeUtc() } });
    m_newTitle->clear();
}

void TodoWindow::removeSelected()
{
    QStringList ids;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        ids.append(index.data(ListModel::IdRole).toString());
    if (ids.isEmpty())
        return;
    // One transaction: the selection goes as a whole, or not at all. It must
    // outlive this function until the server settles it (a transaction
    // destroyed unsettled rolls back), so it deletes itself when finished.
    auto *tx = new Optimist::Transaction(&m_todos);
    tx->setAutoDelete(true);
    tx->run([&] {
        for (const QString &id : std::as_const(ids))
            m_todos.remove(id);
    });
}

void TodoWindow::updateStatus()
{
    const int queued = m_client.outboxCount();
    switch (m_client.state()) {
    case Optimist::SyncClient::Connected:
        m_status->setText(queued ? tr("Syncing %n edit(s)…", nullptr, queued) : tr("Synced"));
        break;
    case Optimist::SyncClient::Connecting:
        m_status->setText(tr("Connecting…"));
        break;
    case Optimist::SyncClient::Reconnecting:
        m_status->setText(
            tr("Reconnecting at %1 · %n edit(s) queued", nullptr, queued)
                .arg(QLocale().toString(m_client.nextRetryAt().toLocalTime().time(), QLocale::ShortFormat)));
        break;
    case Optimist::SyncClient::Disconnected:
        m_status->setText(tr("Offline · %n edit(s) queued", nullptr, queued));
        break;
    }
}
