// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// The real optimist-todo process, on its embedded server, renders its demo
// state and writes a screenshot: what tools/make-screenshot and the README
// rely on. On a server given with --server it writes one too, and when the
// list cannot load it gives up at once (or after --timeout), saying why.

#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtNetwork/QTcpServer>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

//! examples/config/todo-app.json, its "todos" collection renamed to \a collection.
QByteArray todoAppConfig(const QString &collection = u"todos"_s)
{
    QFile file(QStringLiteral(OPTIMIST_TODO_CONFIG));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QJsonObject config = QJsonDocument::fromJson(file.readAll()).object();
    QJsonObject collections = config.value(u"collections"_s).toObject();
    collections.insert(collection, collections.take(u"todos"_s));
    config.insert(u"collections"_s, collections);
    return QJsonDocument(config).toJson();
}

//! An optimist-todo process taking a screenshot of \a dir's data into \a file.
void startTodo(QProcess &todo, const QTemporaryDir &dir, const QStringList &arguments)
{
    todo.setProgram(QStringLiteral(OPTIMIST_TODO_EXE));
    todo.setArguments(QStringList { u"--data-dir"_s, dir.path() } + arguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s)); // its settings (client id) too
    todo.setProcessEnvironment(environment);
    todo.start();
}

} // namespace

class tst_TodoScreenshot : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpShouldWorkWithoutADisplay_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("--help") << u"--help"_s << "--user"_ba;
        QTest::newRow("-h") << u"-h"_s << "--screenshot"_ba;
        QTest::newRow("--version") << u"--version"_s << "optimist-todo"_ba;
    }

    void helpShouldWorkWithoutADisplay()
    {
        QFETCH(QString, option);
        QFETCH(QByteArray, expected);
        // No display, no platform chosen: what a terminal over ssh has.
        QProcess todo;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &name : { u"QT_QPA_PLATFORM"_s, u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s })
            environment.remove(name);
        todo.setProcessEnvironment(environment);
        todo.start(QStringLiteral(OPTIMIST_TODO_EXE), { option });
        QVERIFY2(todo.waitForStarted(), qPrintable(todo.errorString()));
        QVERIFY(todo.waitForFinished(60000));
        const QByteArray output = todo.readAllStandardOutput();
        QCOMPARE(todo.exitStatus(), QProcess::NormalExit);
        QVERIFY2(todo.exitCode() == 0, todo.readAllStandardError().constData());
        QVERIFY2(output.contains(expected), output.constData());
    }

    void shouldSayWhyTheListCannotLoad_data()
    {
        QTest::addColumn<QString>("server"); // closed, silent, unknown: the server given with --server
        QTest::addColumn<QString>("timeout");
        QTest::addColumn<QStringList>("expected"); // in stderr
        QTest::newRow("nothing listening")
            << u"closed"_s << u"60"_s << QStringList { u"Cannot reach the server at ws://127.0.0.1:"_s, u"refused"_s };
        QTest::newRow("a server that never answers, one second")
            << u"silent"_s << u"1"_s << QStringList { u"the list did not load within 1 s"_s };
        QTest::newRow("a server without todos")
            << u"unknown"_s << u"60"_s << QStringList { u"the list cannot load: "_s, u"todos"_s };
        QTest::newRow("a timeout of zero")
            << u"closed"_s << u"0"_s << QStringList { u"--timeout expects a number of seconds"_s };
        QTest::newRow("a timeout that is no number")
            << u"closed"_s << u"soon"_s << QStringList { u"--timeout expects a number of seconds"_s, u"'soon'"_s };
    }

    void shouldSayWhyTheListCannotLoad()
    {
        QFETCH(QString, server);
        QFETCH(QString, timeout);
        QFETCH(QStringList, expected);
        // Given a server that cannot serve the list
        QTcpServer tcp; // closed: listened on, then closed; silent: accepts and never answers
        QVERIFY(tcp.listen(QHostAddress::LocalHost, 0));
        QUrl url(u"ws://127.0.0.1:%1"_s.arg(tcp.serverPort()));
        if (server == u"closed"_s)
            tcp.close();
        std::unique_ptr<Optimist::Server> optimist;
        QTemporaryDir db;
        if (server == u"unknown"_s) {
            QString error;
            optimist = std::make_unique<Optimist::Server>();
            optimist->setConfig(Optimist::ServerConfig::fromJson(todoAppConfig(u"notes"_s), &error));
            QVERIFY2(error.isEmpty(), qPrintable(error));
            optimist->setDatabasePath(db.filePath(u"server.sqlite"_s));
            QVERIFY(optimist->listen(QHostAddress::LocalHost, 0));
            url = optimist->url();
        }
        QTemporaryDir dir;
        const QString file = dir.filePath(u"todo.png"_s);

        // When the app is asked for a screenshot of it
        QProcess todo;
        startTodo(todo, dir, { u"--server"_s, url.toString(), u"--screenshot"_s, file, u"--timeout"_s, timeout });
        QVERIFY2(todo.waitForStarted(), qPrintable(todo.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(todo.state(), QProcess::NotRunning, 90000);

        // Then it gives up, with an error and the reason, and writes nothing
        const QString errors = QString::fromUtf8(todo.readAllStandardError());
        QCOMPARE(todo.exitStatus(), QProcess::NormalExit);
        QVERIFY2(todo.exitCode() != 0, qPrintable(errors));
        for (const QString &part : std::as_const(expected))
            QVERIFY2(errors.contains(part), qPrintable(errors));
        QVERIFY(!QFile::exists(file));
    }

    void shouldWriteAScreenshotOfAServersList()
    {
        // Given a server of the todo app's config
        QString error;
        Optimist::Server server;
        server.setConfig(Optimist::ServerConfig::fromJson(todoAppConfig(), &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTemporaryDir dir;
        server.setDatabasePath(dir.filePath(u"server.sqlite"_s));
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const QString file = dir.filePath(u"todo.png"_s);

        // When the app takes a screenshot of its list, with a short timeout
        QProcess todo;
        startTodo(
            todo, dir, { u"--server"_s, server.url().toString(), u"--screenshot"_s, file, u"--timeout"_s, u"60"_s });
        QVERIFY2(todo.waitForStarted(), qPrintable(todo.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(todo.state(), QProcess::NotRunning, 90000);

        // Then it writes it and exits cleanly
        QCOMPARE(todo.exitStatus(), QProcess::NormalExit);
        QVERIFY2(todo.exitCode() == 0, todo.readAllStandardError().constData());
        QVERIFY2(todo.readAllStandardOutput().contains("wrote"), "no 'wrote' in the output");
        QVERIFY(!QImage(file).isNull());
    }

    void shouldWriteAScreenshotOfTheDemoList()
    {
        // Given an empty data directory for the embedded server
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"todo.png"_s);

        // When the app runs its demo and takes a screenshot
        QProcess todo;
        todo.setProgram(QStringLiteral(OPTIMIST_TODO_EXE));
        todo.setArguments({ u"--data-dir"_s, dir.path(), u"--demo"_s, u"--screenshot"_s, file });
        todo.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s)); // its settings (client id) too
        todo.setProcessEnvironment(environment);
        todo.start();
        QVERIFY2(todo.waitForStarted(), qPrintable(todo.errorString()));
        QVERIFY(todo.waitForFinished(120000));
        const QByteArray output = todo.readAllStandardOutput();

        // Then it exits cleanly, having written the window's image
        QCOMPARE(todo.exitStatus(), QProcess::NormalExit);
        QCOMPARE(todo.exitCode(), 0);
        QVERIFY2(output.contains("wrote"), output.constData());
        QVERIFY(QFile::exists(dir.filePath(u"todos.sqlite"_s)));
        const QImage image(file);
        QVERIFY2(!image.isNull(), qPrintable(file));
        QCOMPARE(image.size(), QSize(520, 640));

        // and the image shows something: many colours (text is antialiased),
        // and no colour covers (almost) all of it.
        QHash<QRgb, int> histogram;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x)
                ++histogram[image.pixel(x, y)];
        }
        QVERIFY2(histogram.size() > 100, qPrintable(u"only %1 colours"_s.arg(histogram.size())));
        const int pixels = image.width() * image.height();
        int mostCommon = 0;
        for (const int count : std::as_const(histogram))
            mostCommon = std::max(mostCommon, count);
        QVERIFY2(mostCommon < pixels * 95 / 100,
            qPrintable(u"one colour covers %1 of %2 pixels"_s.arg(mostCommon).arg(pixels)));
    }
};

QTEST_MAIN(tst_TodoScreenshot)

#include "tst_todoscreenshot.moc"
