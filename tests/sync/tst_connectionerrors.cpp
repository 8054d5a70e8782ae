// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// When the client cannot get through, the app can tell its user why:
// nothing listening, wss:// to a plain server, ws:// to a TLS server. For
// each: the state, errorString and errorOccurred tell one story, and the
// client keeps retrying (bounded waits, no timing assertions).

#include "syncfixture.h"

#include <optimist/errorcodes.h>
#include <optimist/syncclient.h>

#include <QtCore/QFile>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Optimist;
using namespace OptimistTest;

namespace {

QSslConfiguration serverTls()
{
    QFile keyFile(QStringLiteral(OPTIMIST_TEST_DATA "/localhost.key"));
    if (!keyFile.open(QIODevice::ReadOnly))
        return {};
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate::fromPath(QStringLiteral(OPTIMIST_TEST_DATA "/localhost.crt")).value(0));
    tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
    return tls;
}

//! A port on 127.0.0.1 that nothing listens on (bound, then closed).
quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

class tst_ConnectionErrors : public QObject {
    Q_OBJECT

private:
    //! Connects a client to \a url and waits for its first failure; checks
    //! that the state, errorString and errorOccurred agree and contain \a expected.
    static void expectFailure(const QUrl &url, const QString &expected)
    {
        Peer peer = makePeer({}, u"carol"_s);
        QSignalSpy errors(peer.client.get(), &SyncClient::errorOccurred);
        peer.client->setUrl(url);
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 30000);
        const QString code = errors.first().at(0).toString();
        const QString message = errors.first().at(1).toString();
        QCOMPARE(code, QString(ErrorCode::ConnectionFailed));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QCOMPARE(peer.client->errorString(), message);
        // Still trying: a server that comes up later is joined.
        QTRY_VERIFY(peer.client->state() == SyncClient::Reconnecting || peer.client->state() == SyncClient::Connecting);
        QVERIFY(peer.model->cursor().isEmpty());
    }

private Q_SLOTS:
    void nothingListening()
    {
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        expectFailure(QUrl(u"ws://127.0.0.1:%1"_s.arg(port)), u"refused"_s);
    }

    void wssToAPlainServer()
    {
        TestServer server;
        QVERIFY(server.start());
        QUrl url = server.server->url();
        url.setScheme(u"wss"_s);
        expectFailure(url, u"TLS: "_s);
    }

    void wsToATlsServer()
    {
        TestServer server;
        server.server = std::make_unique<Optimist::Server>();
        QString error;
        server.server->setConfig(Optimist::ServerConfig::fromJson(todoServerConfig(), &error));
        server.server->setSslConfiguration(serverTls());
        server.server->setDatabasePath(server.databasePath());
        QVERIFY(server.server->listen(QHostAddress::LocalHost, 0));
        QUrl url = server.server->url();
        url.setScheme(u"ws"_s);
        expectFailure(url, u"wss://"_s);
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionErrors)

#include "tst_connectionerrors.moc"
