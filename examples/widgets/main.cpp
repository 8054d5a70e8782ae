// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// optimist-widgets: the todo collection as a plain QAbstractItemModel in a
// QTableView. Embedded server by default; --server ws://host:port to join one.

#include "exampleserver.h"
#include "todowindow.h"

#include <QtWidgets/QApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    OptimistExample::allowHelpWithoutDisplay(argc, argv);
    QApplication app(argc, argv);
    app.setOrganizationName(u"Optimist"_s);
    app.setApplicationName(u"optimist-widgets"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"The Optimist todo list in a QTableView."_s);
    parser.addHelpOption();
    parser.addOptions({ OptimistExample::serverOption(), OptimistExample::dataDirOption() });
    parser.process(app);

    Optimist::ServerThread embedded;
    QString error;
    const QUrl url = OptimistExample::serverUrl(parser, embedded, u":/todo/todos.json"_s, &error);
    if (url.isEmpty()) {
        std::fprintf(stderr, "optimist-widgets: %s\n", qPrintable(error));
        return 1;
    }
    TodoWindow window(url, OptimistExample::dataDir(parser));
    window.show();
    return app.exec();
}
