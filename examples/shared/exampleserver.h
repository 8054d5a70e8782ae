// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// What both examples do at start: join --server, or start the embedded
// server on its own thread with the todo schema and a SQLite file in the
// app's data directory (so the UI never waits on the database).

#include <optimist/serverconfig.h>
#include <optimist/serverthread.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtCore/QUrl>

namespace OptimistExample {

inline const QCommandLineOption &serverOption()
{
    static const QCommandLineOption option(QStringLiteral("server"),
        QStringLiteral("Join a running optimist-server instead of the embedded one."),
        QStringLiteral("ws://host:port"));
    return option;
}

inline const QCommandLineOption &dataDirOption()
{
    static const QCommandLineOption option(QStringLiteral("data-dir"),
        QStringLiteral("Where the embedded server keeps its database and the client its unsent edits (default: "
                       "the app's data directory)."),
        QStringLiteral("dir"));
    return option;
}

//! --data-dir, or the app's data directory; created. Empty if it cannot be.
inline QString dataDir(const QCommandLineParser &parser)
{
    const QString dir = parser.isSet(dataDirOption())
        ? parser.value(dataDirOption())
        : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir().mkpath(dir) ? dir : QString();
}

//! The url to sync with, or an empty url and \a error.
inline QUrl serverUrl(const QCommandLineParser &parser, Optimist::ServerThread &embedded, QString *error)
{
    using namespace Qt::StringLiterals;
    if (parser.isSet(serverOption())) {
        const QUrl url(parser.value(serverOption()));
        if (!url.isValid() || (url.scheme() != u"ws"_s && url.scheme() != u"wss"_s)) {
            *error = u"--server wants a ws:// or wss:// url, not '%1'"_s.arg(parser.value(serverOption()));
            return {};
        }
        return url;
    }
    const QString dir = dataDir(parser);
    if (dir.isEmpty()) {
        *error = u"cannot create the data directory"_s;
        return {};
    }
    QFile configFile(u":/todo/todos.json"_s);
    if (!configFile.open(QIODevice::ReadOnly)) {
        *error = u"the todo schema is missing from the resources"_s;
        return {};
    }
    const auto config = Optimist::ServerConfig::fromJson(configFile.readAll(), error);
    if (!error->isEmpty())
        return {};
    embedded.setConfig(config);
    embedded.setDatabasePath(QDir(dir).filePath(u"todos.sqlite"_s));
    const QUrl url = embedded.start();
    if (url.isEmpty())
        *error = u"the embedded server did not start: %1"_s.arg(embedded.errorString());
    return url;
}

} // namespace OptimistExample
