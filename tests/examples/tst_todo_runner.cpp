// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Runs the todo app's QML (the static TodoApp module) against real servers:
//
// * `serverUrl` — an embedded Optimist::ServerThread with the todo app's
//   config (examples/config/todo-app.json) and SQLite in a temporary directory;
// * `serverProcess.start()` — starts an optimist-server process on a free
//   port with the same config and returns its url;
// * `devTokens.mint(user)` — a development token for a user, signed with the
//   config's development secret (both servers accept it).

#include <optimist/developmenttokens.h>
#include <optimist/serverconfig.h>
#include <optimist/serverthread.h>

#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickControls2/QQuickStyle>
#include <QtQuickTest/quicktest.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(TodoAppPlugin)

using namespace Qt::StringLiterals;

//! An optimist-server process, started on demand from QML.
class ServerProcess : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~ServerProcess() override { stop(); }

    //! Starts the server on a free port and waits until it accepts
    //! connections. Returns its url, or an empty one (and a warning).
    Q_INVOKABLE QUrl start()
    {
        if (m_process.state() != QProcess::NotRunning)
            return m_url;
        QTcpServer probe;
        if (!m_dir.isValid() || !probe.listen(QHostAddress::LocalHost, 0))
            return {};
        const quint16 port = probe.serverPort();
        probe.close();
        m_process.setProgram(QStringLiteral(OPTIMIST_SERVER_EXE));
        m_process.setArguments({ u"--listen"_s, u"127.0.0.1:%1"_s.arg(port), u"--db"_s,
            m_dir.filePath(u"todos.sqlite"_s), u"--config"_s, QStringLiteral(OPTIMIST_TODO_CONFIG) });
        m_process.setProcessChannelMode(QProcess::ForwardedChannels);
        m_process.start();
        if (!m_process.waitForStarted()) {
            qWarning() << "optimist-server did not start:" << m_process.errorString();
            return {};
        }
        // Listening once a TCP connection gets through.
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            if (socket.waitForConnected(1000)) {
                m_url = QUrl(u"ws://127.0.0.1:%1"_s.arg(port));
                return m_url;
            }
            m_process.waitForFinished(50); // a short, bounded pause between attempts
        }
        qWarning() << "optimist-server is not listening on port" << port;
        stop();
        return {};
    }

    Q_INVOKABLE void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(30000))
            m_process.kill();
        m_url.clear();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QUrl m_url;
};

//! Development tokens for the config's secret, from QML.
class TokenMinter : public QObject {
    Q_OBJECT
public:
    explicit TokenMinter(const QByteArray &secret)
        : m_tokens(secret)
    {
    }
    Q_INVOKABLE QString mint(const QString &user) const { return m_tokens.mint(user); }

private:
    Optimist::DevelopmentTokens m_tokens;
};

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        // Client ids go to QSettings: keep them out of the user's settings.
        QStandardPaths::setTestModeEnabled(true);
        QQuickStyle::setStyle(u"Fusion"_s); // what optimist-todo uses
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        // The static TodoApp module is in the resources (Qt 6.4 does not
        // look there by itself).
        engine->addImportPath(u"qrc:/qt/qml"_s);
        if (!m_server) {
            QString error;
            const auto config = Optimist::ServerConfig::fromFile(QStringLiteral(OPTIMIST_TODO_CONFIG), &error);
            if (!error.isEmpty())
                qFatal("cannot read %s: %s", OPTIMIST_TODO_CONFIG, qPrintable(error));
            m_server = std::make_unique<Optimist::ServerThread>();
            m_server->setConfig(config);
            m_server->setDatabasePath(m_dir.filePath(u"todos.sqlite"_s));
            if (m_server->start().isEmpty())
                qFatal("the embedded server did not start: %s", qPrintable(m_server->errorString()));
            m_process = std::make_unique<ServerProcess>();
            m_tokens = std::make_unique<TokenMinter>(config.jwt().secret);
        }
        engine->rootContext()->setContextProperty(u"serverUrl"_s, m_server->url());
        engine->rootContext()->setContextProperty(u"serverProcess"_s, m_process.get());
        engine->rootContext()->setContextProperty(u"devTokens"_s, m_tokens.get());
    }

    void cleanupTestCase()
    {
        m_process.reset();
        m_server.reset();
        m_tokens.reset();
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Optimist::ServerThread> m_server;
    std::unique_ptr<ServerProcess> m_process;
    std::unique_ptr<TokenMinter> m_tokens;
};

QUICK_TEST_MAIN_WITH_SETUP(todoapp, Setup)

#include "tst_todo_runner.moc"
