// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// What both examples do at start: join --server, or start the embedded
// server on its own thread with the example's config (a resource) and a
// SQLite file in the app's data directory (so the UI never waits on the
// database).

#include <optimist/developmenttokens.h>
#include <optimist/serverconfig.h>
#include <optimist/serverthread.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtCore/QUrl>

namespace OptimistExample {

//! Call before the QGuiApplication: --help and --version print and exit
//! without a window, so they must work without a display too (with no
//! display the default platform plugin aborts before the parser runs).
inline void allowHelpWithoutDisplay(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "-?" || arg == "--help-all" || arg == "--version" || arg == "-v") {
            if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
                qputenv("QT_QPA_PLATFORM", "offscreen");
            return;
        }
    }
}

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

//! The example's server config, from the resource \a resource.
inline Optimist::ServerConfig config(const QString &resource, QString *error)
{
    using namespace Qt::StringLiterals;
    QFile configFile(resource);
    if (!configFile.open(QIODevice::ReadOnly)) {
        *error = u"%1 is missing from the resources"_s.arg(resource);
        return {};
    }
    return Optimist::ServerConfig::fromJson(configFile.readAll(), error);
}

//! DEVELOPMENT ONLY: a token for \a user, signed with the development
//! secret of the config in \a resource (which an optimist-server started
//! with the same file accepts too). Empty, and \a error, if it cannot be.
inline QString developmentToken(const QString &resource, const QString &user, QString *error)
{
    using namespace Qt::StringLiterals;
    const Optimist::ServerConfig serverConfig = config(resource, error);
    if (!error->isEmpty())
        return {};
    const QString token = Optimist::DevelopmentTokens(serverConfig.jwt().secret).mint(user, {}, std::chrono::hours(24));
    if (token.isEmpty())
        *error = u"cannot sign a development token for '%1'"_s.arg(user);
    return token;
}

//! The url to sync with, or an empty url and \a error. The embedded server
//! gets the config in the resource \a configResource.
inline QUrl serverUrl(
    const QCommandLineParser &parser, Optimist::ServerThread &embedded, const QString &configResource, QString *error)
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
    const Optimist::ServerConfig serverConfig = config(configResource, error);
    if (!error->isEmpty())
        return {};
    embedded.setConfig(serverConfig);
    embedded.setDatabasePath(QDir(dir).filePath(u"todos.sqlite"_s));
    const QUrl url = embedded.start();
    if (url.isEmpty())
        *error = u"the embedded server did not start: %1"_s.arg(embedded.errorString());
    return url;
}

} // namespace OptimistExample
