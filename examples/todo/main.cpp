// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// optimist-todo: a desktop todo list on Optimist, for several users. By
// default it starts the embedded server (on its own thread, SQLite in the
// app's data directory); --server ws://host:port joins an optimist-server
// started with examples/config/todo-app.json instead. It signs in as --user
// with a DEVELOPMENT token signed with that file's development secret.

#include "exampleserver.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(TodoAppPlugin)

using namespace Qt::StringLiterals;

static int fail(const QString &message)
{
    std::fprintf(stderr, "optimist-todo: %s\n", qPrintable(message));
    return 1;
}

//! Grabs the window while the scene graph still runs (after the event loop
//! has ended, a threaded GL renderer may not render any more), then quits.
class Screenshot : public QObject {
    Q_OBJECT
public:
    Screenshot(QQuickWindow *window, const QString &file)
        : m_window(window)
        , m_file(file)
    {
    }
    int status = 1;

public Q_SLOTS:
    void take()
    {
        const QImage image = m_window->grabWindow();
        if (image.isNull() || !image.save(m_file)) {
            fail(u"could not write %1"_s.arg(m_file));
        } else {
            std::printf("optimist-todo: wrote %s (%dx%d)\n", qPrintable(m_file), image.width(), image.height());
            status = 0;
        }
        QCoreApplication::quit();
    }

private:
    QQuickWindow *m_window;
    QString m_file;
};

//! Where \a user's unsent edits are kept: one directory per user, so two
//! windows signed in as two users never share an outbox. Empty: in memory.
static QString userDirectory(const QString &dataDir, const QString &user)
{
    if (dataDir.isEmpty())
        return {};
    const QString dir = QDir(dataDir).filePath(u"users/"_s + QString::fromLatin1(QUrl::toPercentEncoding(user)));
    return QDir().mkpath(dir) ? dir : QString();
}

int main(int argc, char *argv[])
{
    OptimistExample::allowHelpWithoutDisplay(argc, argv);
    QGuiApplication app(argc, argv);
    app.setOrganizationName(u"Optimist"_s);
    app.setApplicationName(u"optimist-todo"_s);
    app.setApplicationVersion(u"0.1"_s);
    QQuickStyle::setStyle(u"Fusion"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"A todo list that syncs live through Optimist."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshotOption(
        u"screenshot"_s, u"Render the window once the list has loaded, save it as a PNG and exit."_s, u"file"_s);
    const QCommandLineOption demoOption(
        u"demo"_s, u"Fill an empty list with sample todos and show a rejected and a pending edit."_s);
    const QCommandLineOption userOption(
        u"user"_s, u"Sign in as this user, with a development token (default: alice)."_s, u"name"_s, u"alice"_s);
    parser.addOptions({ OptimistExample::serverOption(), OptimistExample::dataDirOption(), userOption, screenshotOption,
        demoOption });
    parser.process(app);

    const QString configResource = u":/todo/todo-app.json"_s;
    const QString user = parser.value(userOption);
    QString error;
    const QString token = OptimistExample::developmentToken(configResource, user, &error);
    if (token.isEmpty())
        return fail(error);
    Optimist::ServerThread embedded;
    const QUrl serverUrl = OptimistExample::serverUrl(parser, embedded, configResource, &error);
    if (serverUrl.isEmpty())
        return fail(error);

    QQmlApplicationEngine engine;
    // `import Optimist` next to the program, installed or in the build tree.
    for (const QString &relative : QStringLiteral(OPTIMIST_QML_DIRS).split(u':')) {
        const QDir dir(QCoreApplication::applicationDirPath() + u'/' + relative);
        if (dir.exists(u"Optimist/qmldir"_s))
            engine.addImportPath(dir.absolutePath());
    }
    engine.setInitialProperties(
        { { u"serverUrl"_s, serverUrl }, { u"embedded"_s, !parser.isSet(OptimistExample::serverOption()) },
            { u"demo"_s, parser.isSet(demoOption) }, { u"user"_s, user }, { u"token"_s, token },
            { u"storageDirectory"_s, userDirectory(OptimistExample::dataDir(parser), user) } });
    engine.load(QUrl(u"qrc:/qt/qml/TodoApp/Main.qml"_s));
    if (engine.rootObjects().isEmpty())
        return fail(u"the user interface did not load"_s);
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());

    if (parser.isSet(screenshotOption)) {
        // Main.qml says ready() once the list has loaded (and, with --demo,
        // once the demo states are on screen).
        Screenshot screenshot(window, parser.value(screenshotOption));
        QObject::connect(window, SIGNAL(ready()), &screenshot, SLOT(take()));
        QTimer::singleShot(30000, &app, [] { std::exit(fail(u"the list did not load within 30 s"_s)); });
        app.exec();
        return screenshot.status;
    }
    return app.exec();
}

#include "main.moc"
