// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Sync over wss://: a real Server with TLS on 127.0.0.1 and real SyncClients.
#include "syncfixture.h"

#include <optimist/syncclient.h>

#include <QtCore/QFile>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Optimist;
using namespace OptimistTest;

namespace {

QSslCertificate testCertificate()
{
    return QSslCertificate::fromPath(QStringLiteral(OPTIMIST_TEST_DATA "/localhost.crt")).value(0);
}

QSslConfiguration serverTls()
{
    QFile keyFile(QStringLiteral(OPTIMIST_TEST_DATA "/localhost.key"));
    if (!keyFile.open(QIODevice::ReadOnly))
        return {};
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(testCertificate());
    tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
    return tls;
}

//! A client configuration that trusts the test certificate (and nothing else).
QSslConfiguration trustingTls()
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({ testCertificate() });
    return tls;
}

Peer makeTlsPeer(const QUrl &url, const QString &clientId, const QSslConfiguration &tls)
{
    Peer peer = makePeer({}, clientId);
    peer.client->setSslConfiguration(tls);
    peer.client->setUrl(url);
    return peer;
}

} // namespace

class tst_Tls : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QSslSocket::supportsSsl())
            QFAIL("this Qt has no TLS backend; install the OpenSSL runtime");
        QVERIFY(!testCertificate().isNull());
        QVERIFY(!serverTls().privateKey().isNull());
    }

    void init()
    {
        m_server = std::make_unique<TestServer>();
        m_server->server = std::make_unique<Server>();
        QString error;
        m_server->server->setConfig(ServerConfig::fromJson(todoServerConfig(), &error));
        m_server->server->setDatabasePath(m_server->databasePath());
        m_server->server->setSslConfiguration(serverTls());
        QVERIFY(m_server->server->listen(QHostAddress::LocalHost, 0));
    }

    void cleanup() { m_server.reset(); }

    void shouldSyncOverWss()
    {
        // Given a TLS server and two clients that trust its certificate
        const QUrl url = m_server->server->url();
        QCOMPARE(url.scheme(), u"wss"_s);
        Peer alice = makeTlsPeer(url, u"alice"_s, trustingTls());
        Peer bob = makeTlsPeer(url, u"bob"_s, trustingTls());
        QTRY_VERIFY(isLive(alice));
        QTRY_VERIFY(isLive(bob));
        // When Alice inserts, Bob sees it, and Alice's edit is confirmed
        alice.model->insert({ { u"id"_s, u"t1"_s }, { u"title"_s, u"over TLS"_s } });
        QTRY_COMPARE(bob.model->count(), 1);
        QCOMPARE(bob.model->get(u"t1"_s).value(u"title"_s).toString(), u"over TLS"_s);
        QTRY_COMPARE(alice.model->pendingCount(), 0);
        QCOMPARE(alice.client->errorString(), QString());
    }

    void shouldRefuseAnUntrustedCertificateAndServeOthers()
    {
        // Given a client that does not trust the self-signed certificate
        const QUrl url = m_server->server->url();
        Peer mallory = makeTlsPeer(url, u"mallory"_s, QSslConfiguration::defaultConfiguration());
        // Then it never connects, and says why
        QTRY_VERIFY2(mallory.client->errorString().startsWith(u"TLS: "_s), qPrintable(mallory.client->errorString()));
        QVERIFY(mallory.client->state() != SyncClient::Connected);
        // while its edits wait in the outbox, and a trusting client is served
        mallory.model->insert({ { u"id"_s, u"m1"_s }, { u"title"_s, u"waits"_s } });
        QCOMPARE(mallory.client->outboxCount(), 1);
        Peer alice = makeTlsPeer(url, u"alice"_s, trustingTls());
        QTRY_VERIFY(isLive(alice));
        QCOMPARE(m_server->server->appliedTransactionCount(), 0);
    }

    void shouldSurviveAPlainClient()
    {
        // Given a client speaking plain ws:// to the TLS port
        QUrl plain = m_server->server->url();
        plain.setScheme(u"ws"_s);
        Peer confused = makePeer(plain, u"confused"_s);
        // Then it does not get in, and the server goes on serving TLS clients
        QTRY_VERIFY(!confused.client->errorString().isEmpty());
        QVERIFY(confused.client->state() != SyncClient::Connected);
        Peer alice = makeTlsPeer(m_server->server->url(), u"alice"_s, trustingTls());
        QTRY_VERIFY(isLive(alice));
    }

private:
    std::unique_ptr<TestServer> m_server;
};

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"
