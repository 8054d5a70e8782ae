// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// optimist-server: the reference Optimist server as its own process.

#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QSocketNotifier>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

// SIGINT/SIGTERM write to a socket pair; the event loop reads it and quits.
static int signalFds[2];

static void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalFds[0], &byte, 1);
}

static bool parseListen(const QString &value, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = value.lastIndexOf(u':');
    if (colon < 0)
        return false;
    bool ok = false;
    const uint number = value.mid(colon + 1).toUInt(&ok);
    QString host = value.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (!ok || number > 65535 || !address->setAddress(host))
        return false;
    *port = quint16(number);
    return true;
}

// Every connection is a descriptor: the soft limit (often 1024) up to the
// hard one; the server refuses connections before it runs out (Listener).
static void raiseOpenFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// The command line: what --help shows.
struct Options {
    const QCommandLineOption listen { u"listen"_s,
        u"The address and port to listen on, e.g. 127.0.0.1:8787 or [::1]:8787; "
        "port 0 picks a free one (default: 127.0.0.1:8787)."_s,
        u"host:port"_s, u"127.0.0.1:8787"_s };
    const QCommandLineOption db { u"db"_s, u"The SQLite database file, created when missing (required)."_s, u"file"_s };
    const QCommandLineOption config { u"config"_s,
        u"The JSON config: collections, limits, tokens, auth.jwt (required; see examples/config/todos.json "
        "and docs/security.md)."_s,
        u"file"_s };
    const QCommandLineOption cert { u"cert"_s, u"Serve wss:// (TLS) with this PEM certificate (chain); needs --key."_s,
        u"file"_s };
    const QCommandLineOption key { u"key"_s, u"The PEM private key (RSA or EC, unencrypted) of --cert."_s, u"file"_s };
};

static void describe(QCommandLineParser *parser, const Options &options)
{
    parser->setApplicationDescription(
        u"The reference Optimist sync server (docs/protocol.md): serves the collections of a JSON config "
        "over WebSocket and stores them in a SQLite file. Logs go to stderr (QT_LOGGING_RULES, category "
        "optimist.server). Stops cleanly on SIGINT and SIGTERM."_s);
    parser->addHelpOption();
    parser->addVersionOption();
    parser->addOptions({ options.listen, options.db, options.config, options.cert, options.key });
}

// --cert and --key into \a tls; false with \a error naming the file.
static bool loadTls(const QString &certPath, const QString &keyPath, QSslConfiguration *tls, QString *error)
{
    const auto chain = QSslCertificate::fromPath(certPath, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = u"--cert %1: no PEM certificate there"_s.arg(certPath);
        return false;
    }
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = u"--key %1: %2"_s.arg(keyPath, keyFile.errorString());
        return false;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key(pem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec);
    if (key.isNull()) {
        *error = u"--key %1: not an unencrypted RSA or EC PEM key"_s.arg(keyPath);
        return false;
    }
    *tls = QSslConfiguration::defaultConfiguration();
    tls->setLocalCertificateChain(chain);
    tls->setPrivateKey(key);
    return true;
}

static void installSignalHandlers()
{
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int main(int argc, char *argv[])
{
    raiseOpenFileLimit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"optimist-server"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);

    const Options options;
    QCommandLineParser parser;
    describe(&parser, options);
    parser.process(app);

    auto fail = [](const QString &message) {
        std::fprintf(stderr, "optimist-server: %s\n", qPrintable(message));
        return 2;
    };
    QHostAddress address;
    quint16 port = 0;
    if (!parseListen(parser.value(options.listen), &address, &port))
        return fail(u"--listen expects host:port, got '%1'"_s.arg(parser.value(options.listen)));
    if (!parser.isSet(options.db) || !parser.isSet(options.config))
        return fail(u"--db and --config are required (see --help)"_s);
    QString error;
    const Optimist::ServerConfig config = Optimist::ServerConfig::fromFile(parser.value(options.config), &error);
    if (!error.isEmpty())
        return fail(u"config %1: %2"_s.arg(parser.value(options.config), error));

    QSslConfiguration tls;
    if (parser.isSet(options.cert) != parser.isSet(options.key))
        return fail(u"--cert and --key go together"_s);
    if (parser.isSet(options.cert) && !loadTls(parser.value(options.cert), parser.value(options.key), &tls, &error))
        return fail(error);

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalFds) != 0)
        return fail(u"cannot set up signal handling"_s);
    QSocketNotifier notifier(signalFds[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char byte;
        [[maybe_unused]] const auto got = ::read(signalFds[1], &byte, 1);
        std::fprintf(stderr, "optimist-server: shutting down\n");
        QCoreApplication::quit();
    });
    installSignalHandlers();

    Optimist::Server server;
    server.setConfig(config);
    server.setDatabasePath(parser.value(options.db));
    server.setSslConfiguration(tls);
    if (!server.listen(address, port))
        return fail(u"cannot listen on %1: %2"_s.arg(parser.value(options.listen), server.errorString()));
    const int status = QCoreApplication::exec();
    server.close();
    return status;
}
