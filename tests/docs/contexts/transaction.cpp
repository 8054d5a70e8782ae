// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Around a C++ fragment that edits the model `todos` shown in `view`: it
// removes the records `firstId` and `secondId` in one transaction, which
// the fragment must commit (the records are gone once the model settles).
#include <optimist/listmodel.h>
#include <optimist/transaction.h>

#include <QtCore/QDebug>
#include <QtWidgets/QApplication>
#include <QtWidgets/QListView>

using Optimist::Field;

void edit(Optimist::ListModel &todos, QListView &view, const QString &firstId, const QString &secondId)
{
    // SNIPPET
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Optimist::ListModel todos;
    todos.setCollection(QStringLiteral("todos"));
    todos.setFields({ Field(QStringLiteral("title"), Field::Type::String, {}, true) });
    QListView view;
    view.setModel(&todos);
    const QString firstId
        = todos.insert({ { QStringLiteral("title"), QStringLiteral("one") } })->mutations().first().id;
    const QString secondId
        = todos.insert({ { QStringLiteral("title"), QStringLiteral("two") } })->mutations().first().id;
    edit(todos, view, firstId, secondId);
    return todos.count() == 0 ? 0 : 1;
}
