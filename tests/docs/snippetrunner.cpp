// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// The parts of the documentation snippet check (check_snippets.cmake) that
// need Optimist itself:
//
//   snippetrunner free-port
//   snippetrunner config <file.json>
//   snippetrunner qml <file.qml> --import <dir> --server-config <json> [--sync]
//   snippetrunner run --server-config <json> --port <n> --until connected|applied|exit -- <program> [args]
//
// `qml` and `run` start an Optimist::Server on 127.0.0.1 for the snippet to
// talk to: the documentation's "ws://127.0.0.1:8787" (the server of the
// guide's step 4) is replaced by its url. Every wait is bounded.

#include <optimist/field.h>
#include <optimist/listmodel.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>
#include <optimist/syncclient.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtGui/QGuiApplication>
#include <QtNetwork/QTcpServer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickWindow>

#include <cstdio>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QString documentedServer = u"ws://127.0.0.1:8787"_s;
constexpr int waitMs = 60000; // generous: the check runs under ASan on loaded machines

int fail(const QString &message)
{
    std::fprintf(stderr, "snippetrunner: %s\n", qPrintable(message));
    return 1;
}

// Runs the event loop until \a done, at most waitMs.
bool waitFor(const std::function<bool()> &done)
{
    const QDeadlineTimer deadline(waitMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// A server with \a configPath and a fresh SQLite file in \a dir.
std::unique_ptr<Optimist::Server> startServer(
    const QString &configPath, const QTemporaryDir &dir, quint16 port, QString *error)
{
    const Optimist::ServerConfig config = Optimist::ServerConfig::fromFile(configPath, error);
    if (!error->isEmpty())
        return nullptr;
    auto server = std::make_unique<Optimist::Server>();
    server->setConfig(config);
    server->setDatabasePath(dir.filePath(u"snippets.sqlite"_s));
    if (!server->listen(QHostAddress::LocalHost, port)) {
        *error = u"the test server cannot listen: "_s + server->errorString();
        return nullptr;
    }
    return server;
}

// Every client of the snippet connected, every model bound to one loaded.
bool synced(const QObject *root, QString *why)
{
    const auto clients = root->findChildren<Optimist::SyncClient *>();
    const auto models = root->findChildren<Optimist::ListModel *>();
    if (clients.isEmpty()) {
        *why = u"the snippet has no SyncClient to sync"_s;
        return false;
    }
    for (const Optimist::SyncClient *client : clients) {
        if (client->state() != Optimist::SyncClient::Connected) {
            *why = u"a SyncClient is not connected: "_s + client->errorString();
            return false;
        }
    }
    for (const Optimist::ListModel *model : models) {
        if (model->client() && (model->isLoading() || model->cursor().isEmpty())) {
            *why = u"the model of '%1' has not loaded: %2"_s.arg(model->collection(), model->errorString());
            return false;
        }
    }
    // A client with a storage directory keeps a copy of what it loaded there.
    for (const Optimist::SyncClient *client : clients) {
        const QString dir = client->storageDirectory();
        if (!dir.isEmpty() && QDir(dir).entryList({ u"cache-*.sqlite"_s }, QDir::Files).isEmpty()) {
            *why = u"no copy of the records in the storage directory "_s + dir;
            return false;
        }
    }
    return true;
}

// One todo on the server (examples/config/todos.json), so that the
// snippet's views create a delegate and its bindings are checked.
bool seed(const Optimist::Server &server)
{
    using Optimist::Field;
    Optimist::SyncClient client;
    client.setClientId(u"snippet-seed"_s);
    client.setUrl(server.url());
    Optimist::ListModel todos;
    todos.setCollection(u"todos"_s);
    todos.setFields({ Field(u"title"_s, Field::Type::String, {}, true), Field(u"done"_s, Field::Type::Bool, false),
        Field(u"created"_s, Field::Type::DateTime) });
    todos.setClient(&client);
    todos.insert(
        { { u"title"_s, u"Seeded by the snippet test"_s }, { u"created"_s, QDateTime::currentDateTimeUtc() } });
    return waitFor([&] { return server.appliedTransactionCount() > 0; });
}

int loadQml(const QString &path, const QString &importDir, const QString &configPath, bool sync)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(path + u": "_s + file.errorString());
    QTemporaryDir dir;
    QString error;
    const auto server = startServer(configPath, dir, 0, &error);
    if (!server)
        return fail(error);
    if (sync && !seed(*server))
        return fail(u"cannot seed the test server"_s);
    const QByteArray source = file.readAll().replace(documentedServer.toUtf8(), server->url().toString().toUtf8());

    QQmlEngine engine;
    engine.addImportPath(importDir);
    QStringList warnings;
    QObject::connect(&engine, &QQmlEngine::warnings, &engine, [&warnings](const QList<QQmlError> &errors) {
        for (const QQmlError &e : errors)
            warnings.append(e.toString());
    });
    QQmlComponent component(&engine);
    component.setData(source, QUrl::fromLocalFile(path));
    std::unique_ptr<QObject> root(component.create());
    if (!root)
        return fail(u"the QML does not create:\n"_s + component.errorString());
    QString why;
    if (sync && !waitFor([&] { return synced(root.get(), &why); }))
        return fail(u"the QML did not sync with the test server: "_s + why);
    // Lays out and draws a window once, so that views create their delegates.
    if (auto *window = qobject_cast<QQuickWindow *>(root.get()))
        window->grabWindow();
    if (!warnings.isEmpty())
        return fail(u"the QML warned:\n"_s + warnings.join(u'\n'));
    std::printf("QML created%s\n", sync ? " and synced with the test server" : "");
    return 0;
}

int runToTheEnd(QProcess &process)
{
    if (!waitFor([&] { return process.state() == QProcess::NotRunning; }))
        return fail(process.program() + u" did not finish"_s);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return fail(u"%1 failed (exit code %2)"_s.arg(process.program()).arg(process.exitCode()));
    std::printf("%s ran and succeeded\n", qPrintable(process.program()));
    return 0;
}

// Runs \a program against a server on \a port until it has connected, or
// until the server applied a transaction of it, then kills it; or, with
// "exit", until it exits, which it must with 0.
int runProgram(const QStringList &program, const QString &configPath, quint16 port, const QString &until)
{
    QTemporaryDir dir;
    QString error;
    const auto server = startServer(configPath, dir, port, &error);
    if (!server)
        return fail(error);
    QProcess process;
    process.setProgram(program.first());
    process.setArguments(program.mid(1));
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start();
    if (until == u"exit")
        return runToTheEnd(process);
    const bool applied = until == u"applied";
    const bool done = waitFor([&] {
        return process.state() == QProcess::NotRunning
            || (applied ? server->appliedTransactionCount() > 0 : server->connectionCount() > 0);
    });
    if (process.state() == QProcess::NotRunning)
        return fail(u"%1 exited (%2) before it %3"_s.arg(program.first()).arg(process.exitCode()).arg(until));
    process.kill();
    process.waitForFinished();
    if (!done)
        return fail(u"%1 never %2 (the test server on port %3)"_s.arg(program.first(), until).arg(port));
    std::printf("%s ran and %s\n", qPrintable(program.first()),
        applied ? "the test server applied its edit" : "connected to the test server");
    return 0;
}

int freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return fail(u"no free port: "_s + probe.errorString());
    std::printf("%d\n", int(probe.serverPort()));
    return 0;
}

int checkConfig(const QString &path)
{
    QString error;
    Optimist::ServerConfig::fromFile(path, &error);
    if (!error.isEmpty())
        return fail(u"not a valid server config: "_s + error);
    std::printf("a valid server config\n");
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt wants one for the platform plugin; a private one keeps the output quiet.
    const QTemporaryDir runtimeDir;
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR"))
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtimeDir.path()));
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption importOption(u"import"_s, u"QML import path"_s, u"dir"_s);
    const QCommandLineOption configOption(u"server-config"_s, u"The test server's config"_s, u"file"_s);
    const QCommandLineOption syncOption(u"sync"_s, u"Wait until the QML's clients and models synced"_s);
    const QCommandLineOption portOption(u"port"_s, u"The test server's port"_s, u"n"_s);
    const QCommandLineOption untilOption(u"until"_s, u"connected, applied or exit"_s, u"what"_s);
    parser.addOptions({ importOption, configOption, syncOption, portOption, untilOption });
    parser.addPositionalArgument(u"mode"_s, u"free-port, config, qml or run"_s);
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    const QString mode = args.value(0);
    if (mode == u"free-port")
        return freePort();
    if (mode == u"config" && args.size() == 2)
        return checkConfig(args.at(1));
    if (mode == u"qml" && args.size() == 2)
        return loadQml(args.at(1), parser.value(importOption), parser.value(configOption), parser.isSet(syncOption));
    if (mode == u"run" && args.size() >= 2)
        return runProgram(args.mid(1), parser.value(configOption), quint16(parser.value(portOption).toUInt()),
            parser.value(untilOption));
    return fail(u"usage: see the top of tests/docs/snippetrunner.cpp"_s);
}
