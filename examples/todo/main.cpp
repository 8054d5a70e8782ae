// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// optimist-todo: a desktop todo list on Optimist, for several users. By
// default it starts the embedded server (on its own thread, SQLite in the
// app's data directory); --server ws://host:port joins an optimist-server
// started with examples/config/todo-app.json instead. It signs in as --user
// with a DEVELOPMENT token signed with that file's development secret.

#include "exampleserver.h"

#include <optimist/listmodel.h>
#include <optimist/syncclient.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickItem>
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
//! Gives up, saying why, as soon as the list cannot load: the server cannot
//! be reached (a second attempt failed), it refused the client or the list,
//! or \a timeoutSeconds passed.
class Screenshot : public QObject {
    Q_OBJECT
public:
    Screenshot(QQuickWindow *window, const QString &file, int timeoutSeconds)
        : m_window(window)
        , m_file(file)
    {
        QTimer::singleShot(timeoutSeconds * 1000, this, [this, timeoutSeconds] {
            QString why = m_todos && !m_todos->errorString().isEmpty() ? u": "_s + m_todos->errorString() : QString();
            giveUp(u"the list did not load within %1 s"_s.arg(timeoutSeconds) + (why.isEmpty() ? clientError() : why));
        });
    }
    int status = 1;

    void watch(Optimist::SyncClient *client, Optimist::ListModel *todos)
    {
        m_client = client;
        m_todos = todos;
        connect(client, &Optimist::SyncClient::nextRetryAtChanged, this, [this] {
            if (!loaded() && m_client->nextRetryAt().isValid() && ++m_failedAttempts >= 2)
                giveUp(u"Cannot reach the server at %1"_s.arg(m_client->url().toDisplayString()) + clientError());
        });
        connect(client, &Optimist::SyncClient::stateChanged, this, [this] {
            // Refused for good (an app's own close() is no refusal: --demo goes offline).
            if (!loaded() && m_client->state() == Optimist::SyncClient::Disconnected && m_client->isActive())
                giveUp(u"the server refused the client"_s + clientError());
        });
        connect(todos, &Optimist::ListModel::errorStringChanged, this, [this] {
            if (!loaded() && !m_todos->errorString().isEmpty())
                giveUp(u"the list cannot load: "_s + m_todos->errorString());
        });
    }

public Q_SLOTS:
    void take()
    {
        if (m_done)
            return;
        m_done = true;
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
    //! Once the list loaded, only the timeout gives up.
    bool loaded() const { return m_todos && !m_todos->cursor().isEmpty(); }
    //! ": " and what the client last said went wrong, or nothing.
    QString clientError() const
    {
        return m_client && !m_client->errorString().isEmpty() ? u": "_s + m_client->errorString() : QString();
    }
    void giveUp(const QString &message)
    {
        if (m_done)
            return;
        m_done = true;
        fail(message);
        QCoreApplication::quit();
    }

    QQuickWindow *m_window;
    QString m_file;
    QPointer<Optimist::SyncClient> m_client;
    QPointer<Optimist::ListModel> m_todos;
    int m_failedAttempts = 0;
    bool m_done = false;
};

//! The object named \a name in \a window (its items hold the QML's other objects).
template<typename T> static T *findInWindow(QQuickWindow *window, const QString &name)
{
    T *found = window->findChild<T *>(name);
    return found ? found : window->contentItem()->findChild<T *>(name);
}

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
    const QCommandLineOption screenshotOption(u"screenshot"_s,
        u"Render the window once the list has loaded, save it as a PNG and exit; exit with an error, saying why, "
        "if the list cannot load."_s,
        u"file"_s);
    const QCommandLineOption timeoutOption(
        u"timeout"_s, u"With --screenshot: give up after this many seconds (default: 30)."_s, u"seconds"_s, u"30"_s);
    const QCommandLineOption demoOption(
        u"demo"_s, u"Fill an empty list with sample todos and show a rejected and a pending edit."_s);
    const QCommandLineOption userOption(
        u"user"_s, u"Sign in as this user, with a development token (default: alice)."_s, u"name"_s, u"alice"_s);
    parser.addOptions({ OptimistExample::serverOption(), OptimistExample::dataDirOption(), userOption, screenshotOption,
        timeoutOption, demoOption });
    parser.process(app);

    bool timeoutValid = false;
    const int timeoutSeconds = parser.value(timeoutOption).toInt(&timeoutValid);
    if (!timeoutValid || timeoutSeconds < 1 || timeoutSeconds > 86400)
        return fail(
            u"--timeout expects a number of seconds from 1 to 86400, got '%1'"_s.arg(parser.value(timeoutOption)));

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
        Screenshot screenshot(window, parser.value(screenshotOption), timeoutSeconds);
        auto *client = findInWindow<Optimist::SyncClient>(window, u"sync"_s);
        auto *todos = findInWindow<Optimist::ListModel>(window, u"todos"_s);
        if (!client || !todos)
            return fail(u"the user interface has no sync client or todo list"_s);
        screenshot.watch(client, todos);
        QObject::connect(window, SIGNAL(ready()), &screenshot, SLOT(take()));
        app.exec();
        return screenshot.status;
    }
    return app.exec();
}

#include "main.moc"
