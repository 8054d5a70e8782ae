// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Identity from signed tokens (docs/security.md, "Identity and tokens"):
// a real server on loopback with JWT verification, raw clients asserting on
// the frames they receive, and a SyncClient across a token's expiry. Tokens
// are signed here with libjwt and the keys in tests/data (made with the
// openssl CLI); the refused kinds (`alg: none`, ...) are crafted by hand.

#include "../sync/syncfixture.h"
#include "jwtsigning.h"
#include "rawclient.h"

#include <optimist/authorizer.h>
#include <optimist/developmenttokens.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QFile>
#include <QtCore/QLoggingCategory>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Optimist;

namespace {

const auto Issuer = u"https://idp.example"_s;
const auto Audience = u"optimist-tests"_s;
constexpr int Leeway = 30;

QByteArray testData(const QString &name)
{
    QFile file(QStringLiteral(OPTIMIST_TEST_DATA "/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString testDataPath(const QString &name)
{
    return QStringLiteral(OPTIMIST_TEST_DATA "/") + name;
}

QByteArray hsSecret()
{
    return "a-shared-secret-of-at-least-32-bytes-for-HS256";
}

//! The server's clock in the refusal tests: a day ahead of the system clock,
//! so that no session accepted at it ends (by the system clock) meanwhile.
qint64 pinnedNow()
{
    static const qint64 now = QDateTime::currentSecsSinceEpoch() + 86400;
    return now;
}

using JwtSigning::sign;

QString base64url(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

//! A token put together by hand: header, claims and signature as given.
QString craft(const QJsonObject &header, const QJsonObject &claims, const QString &signature)
{
    return base64url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + u'.'
        + base64url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + u'.' + signature;
}

//! Valid claims at the pinned clock, with \a changes applied (a null value
//! removes the claim).
QJsonObject claimsWith(const QJsonObject &changes = {})
{
    QJsonObject claims { { u"sub"_s, u"alice"_s }, { u"iss"_s, Issuer }, { u"aud"_s, Audience },
        { u"exp"_s, pinnedNow() + 3600 }, { u"org"_s, u"acme"_s } };
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().isNull())
            claims.remove(it.key());
        else
            claims.insert(it.key(), it.value());
    }
    return claims;
}

QString rs256(const QJsonObject &claims)
{
    return sign(JWT_ALG_RS256, testData(u"jwt-rs256.key"_s), claims);
}

ServerConfig::Jwt rs256Settings()
{
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm::RS256;
    jwt.publicKeyFile = testDataPath(u"jwt-rs256.pub"_s);
    jwt.issuer = Issuer;
    jwt.audience = Audience;
    jwt.leewaySeconds = Leeway;
    return jwt;
}

//! The default authorizer with its clock pinned (pinnedNow()).
class PinnedClockAuthorizer : public TokenAuthorizer {
public:
    using TokenAuthorizer::TokenAuthorizer;

protected:
    QDateTime currentTime() const override { return QDateTime::fromSecsSinceEpoch(pinnedNow(), Qt::UTC); }
};

ServerConfig todoConfig()
{
    return ServerConfig::fromJson(OptimistTest::todoServerConfig());
}

} // namespace

class tst_Identity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void shouldAcceptSignedTokens_data();
    void shouldAcceptSignedTokens();
    void shouldRefuseTokens_data();
    void shouldRefuseTokens();
    void shouldEndTheSessionWhenTheTokenExpires();
    void syncClientShouldKeepEditsUntilAFreshToken();
    void syncClientShouldAskForAFreshTokenAtHello_data();
    void syncClientShouldAskForAFreshTokenAtHello();
    void shouldAcceptDevelopmentTokens();
    void configShouldReadTheAuthSection();
    void configShouldRefuseABadAuthSection_data();
    void configShouldRefuseABadAuthSection();
    void listenShouldRefuseUnusableKeys_data();
    void listenShouldRefuseUnusableKeys();

private:
    //! Starts a server with \a config (and \a authorizer, if given).
    bool start(const ServerConfig &config, Authorizer *authorizer = nullptr);
    //! Says hello with \a token on a new connection and returns the answer.
    QJsonObject hello(RawClient *client, const QString &token);

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
};

void tst_Identity::initTestCase()
{
    QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s);
    QVERIFY(m_dir.isValid());
    QVERIFY(!testData(u"jwt-rs256.key"_s).isEmpty());
}

void tst_Identity::cleanup()
{
    m_server.reset();
    QFile::remove(m_dir.filePath(u"optimist.sqlite"_s));
}

bool tst_Identity::start(const ServerConfig &config, Authorizer *authorizer)
{
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(m_dir.filePath(u"optimist.sqlite"_s));
    m_server->setAuthorizer(authorizer);
    if (!m_server->listen()) {
        qWarning() << "server did not start:" << m_server->errorString();
        return false;
    }
    return true;
}

QJsonObject tst_Identity::hello(RawClient *client, const QString &token)
{
    if (!client->open(m_server->url()))
        return { { u"type"_s, u"not connected"_s } };
    return client->hello(u"client-1"_s, token);
}

void tst_Identity::shouldAcceptSignedTokens_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::addColumn<QString>("token");

    const QJsonObject claims { { u"sub"_s, u"alice"_s }, { u"iss"_s, Issuer }, { u"aud"_s, Audience },
        { u"exp"_s, QDateTime::currentSecsSinceEpoch() + 3600 } };
    const QByteArray issuer = R"("issuer": "https://idp.example", "audience": "optimist-tests")";
    QTest::newRow("HS256, inline secret") << R"({"algorithm": "HS256", "secret": ")" + hsSecret() + "\", " + issuer
            + "}" << sign(JWT_ALG_HS256, hsSecret(), claims);
    QTest::newRow("HS256, secret file (its newline dropped)") << R"({"algorithm": "HS256", "secretFile": ")"
            + testDataPath(u"jwt-hs256.secret"_s).toUtf8() + "\", " + issuer
            + "}" << sign(JWT_ALG_HS256, testData(u"jwt-hs256.secret"_s).trimmed(), claims);
    QTest::newRow("RS256") << R"({"algorithm": "RS256", "publicKeyFile": ")" + testDataPath(u"jwt-rs256.pub"_s).toUtf8()
            + "\", " + issuer
            + "}" << sign(JWT_ALG_RS256, testData(u"jwt-rs256.key"_s), claims);
    QTest::newRow("ES256") << R"({"algorithm": "ES256", "publicKeyFile": ")" + testDataPath(u"jwt-es256.pub"_s).toUtf8()
            + "\", " + issuer
            + "}" << sign(JWT_ALG_ES256, testData(u"jwt-es256.key"_s), claims);
    QTest::newRow("no issuer or audience configured")
        << R"({"algorithm": "HS256", "secret": ")" + hsSecret() + "\"}"
        << sign(JWT_ALG_HS256, hsSecret(), { { u"sub"_s, u"bob"_s }, { u"exp"_s, claims.value(u"exp"_s) } });
}

void tst_Identity::shouldAcceptSignedTokens()
{
    QFETCH(QByteArray, auth);
    QFETCH(QString, token);
    QVERIFY(!token.isEmpty());
    QString error;
    const ServerConfig config = ServerConfig::fromJson(
        R"({"collections": {"todos": {"fields": [{"name": "title", "type": "string"}]}}, "auth": {"jwt": )" + auth
            + "}}",
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(config.jwt().isEnabled());
    QVERIFY(start(config));

    RawClient client;
    const QJsonObject welcome = hello(&client, token);
    QCOMPARE(welcome.value(u"type"_s).toString(), u"welcome"_s);
    QCOMPARE(client.snapshot(u"todos"_s), QJsonArray());
    QCOMPARE(client.closeCode, -1);
}

void tst_Identity::shouldRefuseTokens_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("message"); //!< empty: accepted
    QTest::addColumn<QString>("reason");

    const QString unauthorized = u"unauthorized"_s;
    const qint64 now = pinnedNow();
    const QString valid = rs256(claimsWith());
    const QStringList parts = valid.split(u'.');

    QTest::newRow("valid") << valid << QString() << QString();
    // exp and nbf at the leeway, one second past it, far past it
    QTest::newRow("exp: at the leeway") << rs256(claimsWith({ { u"exp"_s, now - Leeway } })) << QString() << QString();
    QTest::newRow("exp: one second past the leeway")
        << rs256(claimsWith({ { u"exp"_s, now - Leeway - 1 } })) << u"token expired"_s << u"token_expired"_s;
    QTest::newRow("exp: a day ago") << rs256(claimsWith({ { u"exp"_s, now - 86400 } })) << u"token expired"_s
                                    << u"token_expired"_s;
    QTest::newRow("nbf: at the leeway") << rs256(claimsWith({ { u"nbf"_s, now + Leeway } })) << QString() << QString();
    QTest::newRow("nbf: one second before the leeway")
        << rs256(claimsWith({ { u"nbf"_s, now + Leeway + 1 } })) << u"token not yet valid"_s << unauthorized;
    QTest::newRow("nbf: tomorrow") << rs256(claimsWith({ { u"nbf"_s, now + 86400 } })) << u"token not yet valid"_s
                                   << unauthorized;
    // signatures and keys
    QTest::newRow("wrong signature: claims changed") << parts.at(0) + u'.'
            + base64url(QJsonDocument(claimsWith({ { u"sub"_s, u"mallory"_s } })).toJson()) + u'.' + parts.at(2)
                                                     << u"the token's signature does not verify"_s << unauthorized;
    QTest::newRow("wrong signature: cut short")
        << valid.chopped(4) << u"the token's signature does not verify"_s << unauthorized;
    QTest::newRow("unknown key") << sign(JWT_ALG_RS256, testData(u"jwt-other-rs256.key"_s), claimsWith())
                                 << u"the token's signature does not verify"_s << unauthorized;
    QTest::newRow("alg none, no signature")
        << craft({ { u"alg"_s, u"none"_s }, { u"typ"_s, u"JWT"_s } }, claimsWith(), {})
        << u"the token's algorithm is not accepted"_s << unauthorized;
    QTest::newRow("alg none, a signature kept") << craft({ { u"alg"_s, u"none"_s } }, claimsWith(), parts.at(2))
                                                << u"the token's algorithm is not accepted"_s << unauthorized;
    QTest::newRow("alg confusion: HS256 keyed with the RS256 public key")
        << sign(JWT_ALG_HS256, testData(u"jwt-rs256.pub"_s), claimsWith()) << u"the token's algorithm is not accepted"_s
        << unauthorized;
    QTest::newRow("ES256 token to an RS256 server") << sign(JWT_ALG_ES256, testData(u"jwt-es256.key"_s), claimsWith())
                                                    << u"the token's algorithm is not accepted"_s << unauthorized;
    QTest::newRow("crit header") << craft(
        { { u"alg"_s, u"RS256"_s }, { u"crit"_s, QJsonArray { u"x"_s } } }, claimsWith(), parts.at(2))
                                 << u"the token has critical header parameters"_s << unauthorized;
    // claims
    QTest::newRow("wrong issuer") << rs256(claimsWith({ { u"iss"_s, u"https://evil.example"_s } }))
                                  << u"the token's issuer is not accepted"_s << unauthorized;
    QTest::newRow("no issuer") << rs256(claimsWith({ { u"iss"_s, QJsonValue::Null } }))
                               << u"the token's issuer is not accepted"_s << unauthorized;
    QTest::newRow("wrong audience") << rs256(claimsWith({ { u"aud"_s, u"another-app"_s } }))
                                    << u"the token's audience is not accepted"_s << unauthorized;
    QTest::newRow("audience list without ours") << rs256(claimsWith({ { u"aud"_s, QJsonArray { u"a"_s, u"b"_s } } }))
                                                << u"the token's audience is not accepted"_s << unauthorized;
    QTest::newRow("audience list with ours")
        << rs256(claimsWith({ { u"aud"_s, QJsonArray { u"a"_s, Audience } } })) << QString() << QString();
    QTest::newRow("no sub") << rs256(claimsWith({ { u"sub"_s, QJsonValue::Null } })) << u"the token has no sub"_s
                            << unauthorized;
    QTest::newRow("sub not a string") << rs256(claimsWith({ { u"sub"_s, 42 } })) << u"the token has no sub"_s
                                      << unauthorized;
    QTest::newRow("no exp") << rs256(claimsWith({ { u"exp"_s, QJsonValue::Null } })) << u"the token has no exp"_s
                            << unauthorized;
    QTest::newRow("exp not a number") << rs256(claimsWith({ { u"exp"_s, u"tomorrow"_s } }))
                                      << u"the token's exp is not a number"_s << unauthorized;
    // malformed
    QTest::newRow("no token") << QString() << u"a token is required"_s << unauthorized;
    QTest::newRow("not a token") << u"let-me-in"_s << u"malformed token"_s << unauthorized;
    QTest::newRow("two parts") << parts.at(0) + u'.' + parts.at(1) << u"malformed token"_s << unauthorized;
    QTest::newRow("four parts") << valid + u".x"_s << u"malformed token"_s << unauthorized;
    QTest::newRow("header not JSON") << base64url("not json") + u'.' + parts.at(1) + u'.' + parts.at(2)
                                     << u"malformed token"_s << unauthorized;
    QTest::newRow("not base64url") << valid + u"=="_s << u"malformed token"_s << unauthorized;
    QTest::newRow("payload not JSON") << parts.at(0) + u'.' + base64url("[1, 2") + u'.' + parts.at(2)
                                      << u"malformed token"_s << unauthorized;
}

void tst_Identity::shouldRefuseTokens()
{
    QFETCH(QString, token);
    QFETCH(QString, message);
    QFETCH(QString, reason);
    PinnedClockAuthorizer authorizer({}, rs256Settings());
    QCOMPARE(authorizer.errorString(), QString());
    QVERIFY(start(todoConfig(), &authorizer));

    RawClient client;
    const QJsonObject answer = hello(&client, token);
    if (message.isEmpty()) {
        QCOMPARE(answer.value(u"type"_s).toString(), u"welcome"_s);
        QCOMPARE(client.sync(), QList<QJsonObject>());
        QCOMPARE(client.closeCode, -1);
        return;
    }
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(answer.value(u"code"_s).toString(), u"unauthorized"_s);
    QCOMPARE(answer.value(u"ref"_s).toString(), u"hello"_s);
    QCOMPARE(answer.value(u"message"_s).toString(), message);
    QTRY_COMPARE_WITH_TIMEOUT(client.closeCode, 4001, 10000);
    QCOMPARE(client.socket.closeReason(), reason);
    QCOMPARE(client.received, QList<QJsonObject>());
}

void tst_Identity::shouldEndTheSessionWhenTheTokenExpires()
{
    ServerConfig config = todoConfig();
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm::HS256;
    jwt.secret = hsSecret();
    jwt.leewaySeconds = 0;
    config.setJwt(jwt);
    QVERIFY(start(config));

    // Valid for one or two seconds of the system clock.
    const qint64 exp = QDateTime::currentSecsSinceEpoch() + 2;
    RawClient client;
    const QJsonObject welcome
        = hello(&client, sign(JWT_ALG_HS256, hsSecret(), { { u"sub"_s, u"alice"_s }, { u"exp"_s, exp } }));
    QCOMPARE(welcome.value(u"type"_s).toString(), u"welcome"_s);
    QCOMPARE(client.snapshot(u"todos"_s), QJsonArray());

    const QJsonObject error = client.take();
    QVERIFY2(QDateTime::currentMSecsSinceEpoch() > exp * 1000, "the session ended before its token expired");
    QCOMPARE(error.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(error.value(u"code"_s).toString(), u"unauthorized"_s);
    QCOMPARE(error.value(u"message"_s).toString(), u"token expired"_s);
    QTRY_COMPARE_WITH_TIMEOUT(client.closeCode, 4001, 10000);
    QCOMPARE(client.socket.closeReason(), u"token_expired"_s);
    QCOMPARE(client.received, QList<QJsonObject>());
}

void tst_Identity::syncClientShouldKeepEditsUntilAFreshToken()
{
    ServerConfig config = todoConfig();
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm::HS256;
    jwt.secret = hsSecret();
    jwt.leewaySeconds = 0;
    config.setJwt(jwt);
    QVERIFY(start(config));
    const auto token = [](qint64 lifetime) {
        return sign(JWT_ALG_HS256, hsSecret(),
            { { u"sub"_s, u"alice"_s }, { u"exp"_s, QDateTime::currentSecsSinceEpoch() + lifetime } });
    };

    OptimistTest::Peer peer = OptimistTest::makePeer(m_server->url(), u"alice-laptop"_s);
    QSignalSpy expired(peer.client.get(), &SyncClient::tokenExpired);
    peer.client->setToken(token(2));
    QTRY_VERIFY_WITH_TIMEOUT(OptimistTest::isLive(peer), 10000);
    peer.model->insert({ { u"id"_s, u"before"_s }, { u"title"_s, u"written in time"_s } });
    QTRY_COMPARE_WITH_TIMEOUT(peer.model->pendingCount(), 0, 10000);

    QVERIFY(expired.wait(10000));
    QCOMPARE(expired.size(), 1);
    QCOMPARE(peer.client->state(), SyncClient::Disconnected);
    QVERIFY(!peer.client->nextRetryAt().isValid());

    // Edits go on offline and wait; the client does not knock again.
    peer.model->insert({ { u"id"_s, u"after"_s }, { u"title"_s, u"written offline"_s } });
    peer.model->update(u"before"_s, { { u"title"_s, u"edited offline"_s } });
    QCOMPARE(peer.model->pendingCount(), 2);
    QCOMPARE(peer.client->outboxCount(), 2);
    QTest::qWait(10 * peer.client->maxBackoffMs());
    QCOMPARE(m_server->connectionCount(), 0);
    QCOMPARE(peer.client->state(), SyncClient::Disconnected);
    QCOMPARE(peer.model->pendingCount(), 2);

    peer.client->setToken(token(3600));
    QTRY_COMPARE_WITH_TIMEOUT(peer.client->state(), SyncClient::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(peer.client->outboxCount(), 0, 10000);
    QCOMPARE(peer.model->pendingCount(), 0);
    QCOMPARE(expired.size(), 1);

    // The server has both edits: a raw client's snapshot shows them.
    RawClient raw;
    QCOMPARE(hello(&raw, token(3600)).value(u"type"_s).toString(), u"welcome"_s);
    QMap<QString, QString> titles;
    for (const QJsonValue &record : raw.snapshot(u"todos"_s)) {
        titles.insert(record[u"id"_s].toString(), record[u"fields"_s][u"title"_s].toString());
    }
    const QMap<QString, QString> expected { { u"before"_s, u"edited offline"_s },
        { u"after"_s, u"written offline"_s } };
    QCOMPARE(titles, expected);
}

void tst_Identity::syncClientShouldAskForAFreshTokenAtHello_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("expired"); //!< else refused for another reason

    const auto hs = [](qint64 exp) {
        return sign(JWT_ALG_HS256, hsSecret(), { { u"sub"_s, u"alice"_s }, { u"exp"_s, exp } });
    };
    QTest::newRow("expired") << hs(QDateTime::currentSecsSinceEpoch() - 60) << true;
    QTest::newRow("signed with another secret") << sign(JWT_ALG_HS256, hsSecret() + "-not",
        { { u"sub"_s, u"alice"_s }, { u"exp"_s, QDateTime::currentSecsSinceEpoch() + 3600 } })
                                                << false;
}

void tst_Identity::syncClientShouldAskForAFreshTokenAtHello()
{
    QFETCH(QString, token);
    QFETCH(bool, expired);
    ServerConfig config = todoConfig();
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm::HS256;
    jwt.secret = hsSecret();
    jwt.leewaySeconds = 0;
    config.setJwt(jwt);
    QVERIFY(start(config));

    const QString fresh = sign(JWT_ALG_HS256, hsSecret(),
        { { u"sub"_s, u"alice"_s }, { u"exp"_s, QDateTime::currentSecsSinceEpoch() + 3600 } });

    OptimistTest::Peer peer = OptimistTest::makePeer(m_server->url(), u"alice-phone"_s);
    QSignalSpy expiredSpy(peer.client.get(), &SyncClient::tokenExpired);
    QSignalSpy errors(peer.client.get(), &SyncClient::errorOccurred);
    // The app's answer: a fresh token from the slot.
    connect(peer.client.get(), &SyncClient::tokenExpired, peer.client.get(), [&] { peer.client->setToken(fresh); });
    peer.client->setToken(token);
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 10000);
    QCOMPARE(errors.at(0).at(0).toString(), u"unauthorized"_s);
    if (!expired) {
        // Refused for good: no signal, no retry, until the app changes the token.
        QTRY_COMPARE_WITH_TIMEOUT(peer.client->state(), SyncClient::Disconnected, 10000);
        QCOMPARE(expiredSpy.size(), 0);
        QVERIFY(!peer.client->nextRetryAt().isValid());
        peer.client->setToken(fresh);
    }
    QTRY_VERIFY_WITH_TIMEOUT(OptimistTest::isLive(peer), 10000);
    QCOMPARE(expiredSpy.size(), expired ? 1 : 0);
    QCOMPARE(errors.size(), 1);
}

void tst_Identity::shouldAcceptDevelopmentTokens()
{
    DevelopmentTokens tokens;
    QCOMPARE(tokens.secret().size(), 32);
    ServerConfig config = todoConfig();
    config.setJwt(tokens.jwt());
    config.setTokens({ u"static-dev-token"_s });
    QVERIFY(start(config));

    RawClient alice;
    QCOMPARE(
        hello(&alice, tokens.mint(u"alice"_s, { { u"team"_s, u"red"_s } })).value(u"type"_s).toString(), u"welcome"_s);
    // The static list still works beside the JWTs (development).
    RawClient tool;
    QCOMPARE(tool.open(m_server->url()), true);
    QCOMPARE(tool.hello(u"tool"_s, u"static-dev-token"_s).value(u"type"_s).toString(), u"welcome"_s);

    // Another instance's secret is another key; a lifetime in the past is expired.
    DevelopmentTokens other;
    QVERIFY(other.secret() != tokens.secret());
    RawClient intruder;
    QCOMPARE(hello(&intruder, other.mint(u"alice"_s)).value(u"message"_s).toString(),
        u"the token's signature does not verify"_s);
    RawClient late;
    QCOMPARE(hello(&late, tokens.mint(u"alice"_s, {}, std::chrono::seconds(-120))).value(u"message"_s).toString(),
        u"token expired"_s);

    // A given secret mints the same way, for a server in another process.
    DevelopmentTokens shared(hsSecret());
    QCOMPARE(shared.jwt().secret, hsSecret());
    QCOMPARE(shared.jwt().issuer, u"optimist-development"_s);
}

void tst_Identity::configShouldReadTheAuthSection()
{
    QString error = u"not cleared"_s;
    const ServerConfig config = ServerConfig::fromJson(R"({"collections": {}, "auth": {"jwt": {
        "algorithm": "RS256", "publicKeyFile": "/etc/optimist/idp.pem", "issuer": "https://idp.example",
        "audience": "optimist", "leewaySeconds": 5}}})",
        &error);
    QCOMPARE(error, QString());
    ServerConfig::Jwt expected;
    expected.algorithm = ServerConfig::Jwt::Algorithm::RS256;
    expected.publicKeyFile = u"/etc/optimist/idp.pem"_s;
    expected.issuer = u"https://idp.example"_s;
    expected.audience = u"optimist"_s;
    expected.leewaySeconds = 5;
    QVERIFY(config.jwt() == expected);
    QVERIFY(!ServerConfig::fromJson(R"({"collections": {}})").jwt().isEnabled());

    // fromFile(): key files are found beside the config.
    QFile file(m_dir.filePath(u"server.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"collections": {}, "auth": {"jwt": {"algorithm": "HS256", "secretFile": "keys/secret"}}})");
    file.close();
    const ServerConfig fromFile = ServerConfig::fromFile(file.fileName(), &error);
    QCOMPARE(error, QString());
    QCOMPARE(fromFile.jwt().secretFile, m_dir.filePath(u"keys/secret"_s));
    QCOMPARE(fromFile.jwt().leewaySeconds, 30);
}

void tst_Identity::configShouldRefuseABadAuthSection_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::addColumn<QString>("error");

    const QString algorithm = u"auth.jwt.algorithm must be \"HS256\", \"RS256\" or \"ES256\""_s;
    QTest::newRow("not an object") << QByteArray("[]") << u"'auth' must be an object with a 'jwt' object"_s;
    QTest::newRow("no jwt") << QByteArray("{}") << u"'auth' must be an object with a 'jwt' object"_s;
    QTest::newRow("no algorithm") << QByteArray(R"({"jwt": {}})") << algorithm;
    QTest::newRow("alg none") << QByteArray(R"({"jwt": {"algorithm": "none"}})") << algorithm;
    QTest::newRow("HS512") << QByteArray(R"({"jwt": {"algorithm": "HS512"}})") << algorithm;
    QTest::newRow("lower case") << QByteArray(R"({"jwt": {"algorithm": "rs256"}})") << algorithm;
    QTest::newRow("secret not a string") << QByteArray(R"({"jwt": {"algorithm": "HS256", "secret": 1}})")
                                         << u"auth.jwt.secret must be a string"_s;
    QTest::newRow("leeway negative") << QByteArray(R"({"jwt": {"algorithm": "HS256", "leewaySeconds": -1}})")
                                     << u"auth.jwt.leewaySeconds must be an integer ≥ 0"_s;
    QTest::newRow("leeway fraction") << QByteArray(R"({"jwt": {"algorithm": "HS256", "leewaySeconds": 1.5}})")
                                     << u"auth.jwt.leewaySeconds must be an integer ≥ 0"_s;
}

void tst_Identity::configShouldRefuseABadAuthSection()
{
    QFETCH(QByteArray, auth);
    QFETCH(QString, error);
    QString problem;
    const ServerConfig config = ServerConfig::fromJson(R"({"collections": {}, "auth": )" + auth + "}", &problem);
    QCOMPARE(problem, error);
    QVERIFY(config == ServerConfig());
}

void tst_Identity::listenShouldRefuseUnusableKeys_data()
{
    using Algorithm = ServerConfig::Jwt::Algorithm;
    QTest::addColumn<int>("algorithm");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QString>("secretFile");
    QTest::addColumn<QString>("publicKeyFile");
    QTest::addColumn<QString>("error"); //!< the start of the errorString()

    const int hs = int(Algorithm::HS256);
    const int rs = int(Algorithm::RS256);
    const int es = int(Algorithm::ES256);
    const QString pub = testDataPath(u"jwt-rs256.pub"_s);
    QTest::newRow("HS256: 31 bytes") << hs << QByteArray(31, 'x') << QString() << QString()
                                     << u"auth.jwt: an HS256 secret needs at least 32 bytes"_s;
    QTest::newRow("HS256: 32 bytes") << hs << QByteArray(32, 'x') << QString() << QString() << QString();
    QTest::newRow("HS256: nothing") << hs << QByteArray() << QString() << QString()
                                    << u"auth.jwt: HS256 needs either a secret or a secretFile"_s;
    QTest::newRow("HS256: secret and file") << hs << hsSecret() << testDataPath(u"jwt-hs256.secret"_s) << QString()
                                            << u"auth.jwt: HS256 needs either a secret or a secretFile"_s;
    QTest::newRow("HS256: missing file") << hs << QByteArray() << testDataPath(u"missing"_s) << QString()
                                         << u"auth.jwt.secretFile: cannot read"_s;
    QTest::newRow("HS256: a public key") << hs << QByteArray() << QString() << pub
                                         << u"auth.jwt.publicKeyFile is for RS256 and ES256"_s;
    QTest::newRow("RS256: no key") << rs << QByteArray() << QString() << QString()
                                   << u"auth.jwt: RS256 and ES256 take a publicKeyFile"_s;
    QTest::newRow("RS256: and a secret") << rs << hsSecret() << QString() << pub
                                         << u"auth.jwt: RS256 and ES256 take a publicKeyFile"_s;
    QTest::newRow("RS256: missing file") << rs << QByteArray() << QString() << testDataPath(u"missing.pub"_s)
                                         << u"auth.jwt.publicKeyFile: cannot read"_s;
    QTest::newRow("RS256: the private key")
        << rs << QByteArray() << QString() << testDataPath(u"jwt-rs256.key"_s) << u"auth.jwt.publicKeyFile "_s;
    QTest::newRow("RS256: an EC key") << rs << QByteArray() << QString() << testDataPath(u"jwt-es256.pub"_s)
                                      << u"auth.jwt.publicKeyFile "_s;
    QTest::newRow("ES256: an RSA key") << es << QByteArray() << QString() << pub << u"auth.jwt.publicKeyFile "_s;
    QTest::newRow("RS256: a certificate")
        << rs << QByteArray() << QString() << testDataPath(u"localhost.crt"_s) << u"auth.jwt.publicKeyFile "_s;
}

void tst_Identity::listenShouldRefuseUnusableKeys()
{
    QFETCH(int, algorithm);
    QFETCH(QByteArray, secret);
    QFETCH(QString, secretFile);
    QFETCH(QString, publicKeyFile);
    QFETCH(QString, error);
    ServerConfig config = todoConfig();
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm(algorithm);
    jwt.secret = secret;
    jwt.secretFile = secretFile;
    jwt.publicKeyFile = publicKeyFile;
    config.setJwt(jwt);
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(m_dir.filePath(u"optimist.sqlite"_s));
    const bool listening = m_server->listen();
    QCOMPARE(listening, error.isEmpty());
    QVERIFY2(m_server->errorString().startsWith(error), qPrintable(m_server->errorString()));
    // A custom authorizer deriving from TokenAuthorizer is checked the same way.
    m_server.reset();
    PinnedClockAuthorizer authorizer({}, jwt);
    QCOMPARE(authorizer.errorString().isEmpty(), error.isEmpty());
    QCOMPARE(start(ServerConfig(), &authorizer), error.isEmpty());
}

QTEST_GUILESS_MAIN(tst_Identity)
#include "tst_identity.moc"
