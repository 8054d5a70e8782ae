// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Per-collection rules (docs/security.md, "Rules"): the config's "rules",
// the start-up errors a bad rule gives (Server::listen() and the
// optimist-server process), and writes a real server on loopback applies or
// refuses `forbidden`, asserted on the raw frames a client receives. Users
// sign in with JSON Web Tokens signed here with libjwt (HS256).

#include "rawclient.h"

#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QFile>
#include <QtCore/QLoggingCategory>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <jwt.h>

#include <cstdlib>
#include <memory>

using namespace Optimist;

namespace {

const QByteArray Secret = "a-shared-secret-of-at-least-32-bytes-for-rules";

//! The todos of the rule tests: an owner, a shared flag and a team.
QByteArray todosConfig(const QByteArray &rules)
{
    return R"({"collections": {"todos": {"fields": [
        {"name": "title", "type": "string"},
        {"name": "owner", "type": "string"},
        {"name": "team", "type": "string"},
        {"name": "shared", "type": "bool", "default": false}])"
        + (rules.isEmpty() ? QByteArray() : ", \"rules\": " + rules) + "}}}";
}

ServerConfig::Jwt hs256()
{
    ServerConfig::Jwt jwt;
    jwt.algorithm = ServerConfig::Jwt::Algorithm::HS256;
    jwt.secret = Secret;
    return jwt;
}

//! An HS256 token of \a claims, valid for an hour.
QString token(QJsonObject claims)
{
    claims.insert(u"exp"_s, QDateTime::currentSecsSinceEpoch() + 3600);
    jwt_t *jwt = nullptr;
    if (jwt_new(&jwt) != 0)
        return {};
    const QByteArray json = QJsonDocument(claims).toJson(QJsonDocument::Compact);
    char *encoded = nullptr;
    if (jwt_add_grants_json(jwt, json.constData()) == 0
        && jwt_set_alg(
               jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char *>(Secret.constData()), int(Secret.size()))
            == 0)
        encoded = jwt_encode_str(jwt);
    const QString result = encoded ? QString::fromLatin1(encoded) : QString();
    std::free(encoded);
    jwt_free(jwt);
    return result;
}

} // namespace

class tst_Rules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void configShouldReadRules();
    void configShouldRefuseBadRules_data();
    void configShouldRefuseBadRules();
    void listenShouldRefuseBadRules_data();
    void listenShouldRefuseBadRules();
    void listenShouldAcceptGoodRules_data();
    void listenShouldAcceptGoodRules();
    void serverProcessShouldExitOnBadRules_data();
    void serverProcessShouldExitOnBadRules();

private:
    //! Starts a server with \a config; false (and the error) if it does not.
    bool start(const ServerConfig &config, QString *error = nullptr);

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
};

void tst_Rules::initTestCase()
{
    QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s);
    QVERIFY(m_dir.isValid());
}

void tst_Rules::cleanup()
{
    m_server.reset();
    QFile::remove(m_dir.filePath(u"rules.sqlite"_s));
}

bool tst_Rules::start(const ServerConfig &config, QString *error)
{
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(m_dir.filePath(u"rules.sqlite"_s));
    const bool listening = m_server->listen(QHostAddress::LocalHost, 0);
    if (error)
        *error = m_server->errorString();
    return listening;
}

void tst_Rules::configShouldReadRules()
{
    QString error;
    const ServerConfig config = ServerConfig::fromJson(
        todosConfig(R"({"read": "record.owner == auth.sub || record.shared", "write": "record.owner == auth.sub"})"),
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const ServerConfig::CollectionRules rules = config.collectionRules(u"todos"_s);
    QCOMPARE(rules.read, u"record.owner == auth.sub || record.shared"_s);
    QCOMPARE(rules.write, u"record.owner == auth.sub"_s);
    QCOMPARE(config.collectionsWithRules(), QStringList { u"todos"_s });

    // Only a read rule; and none: a collection without rules.
    const ServerConfig readOnly = ServerConfig::fromJson(todosConfig(R"({"read": "record.shared"})"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(readOnly.collectionRules(u"todos"_s).write, QString());
    const ServerConfig none = ServerConfig::fromJson(todosConfig({}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(none.collectionRules(u"todos"_s).isEmpty());
    QVERIFY(none.collectionsWithRules().isEmpty());

    // The rules are part of the config's value.
    QVERIFY(!(config == readOnly));
    ServerConfig copy = readOnly;
    copy.setCollectionRules(u"todos"_s, rules);
    QVERIFY(copy == config);
    copy.setCollectionRules(u"todos"_s, {});
    QVERIFY(copy == none);
    QVERIFY(readOnly.collectionRules(u"todos"_s).write.isEmpty());
}

void tst_Rules::configShouldRefuseBadRules_data()
{
    QTest::addColumn<QByteArray>("rules");
    QTest::addColumn<QString>("error");

    const QString notAnObject = u"collection 'todos': 'rules' must be an object with 'read' and/or 'write' strings"_s;
    QTest::newRow("a string") << QByteArray(R"("record.shared")") << notAnObject;
    QTest::newRow("an array") << QByteArray(R"(["record.shared"])") << notAnObject;
    QTest::newRow("null") << QByteArray("null") << notAnObject;
    QTest::newRow("read a number") << QByteArray(R"({"read": 1})")
                                   << u"collection 'todos': rules.read must be a non-empty string"_s;
    QTest::newRow("write a bool") << QByteArray(R"({"write": true})")
                                  << u"collection 'todos': rules.write must be a non-empty string"_s;
    QTest::newRow("write null") << QByteArray(R"({"write": null})")
                                << u"collection 'todos': rules.write must be a non-empty string"_s;
    QTest::newRow("read empty") << QByteArray(R"({"read": ""})")
                                << u"collection 'todos': rules.read must be a non-empty string"_s;
    QTest::newRow("write blank") << QByteArray(R"({"write": "  "})")
                                 << u"collection 'todos': rules.write must be a non-empty string"_s;
    // A misspelt rule would allow everything without it.
    QTest::newRow("misspelt") << QByteArray(R"({"raed": "record.shared"})")
                              << u"collection 'todos': unknown rule 'raed' (expected 'read' or 'write')"_s;
}

void tst_Rules::configShouldRefuseBadRules()
{
    QFETCH(QByteArray, rules);
    QFETCH(QString, error);
    QString problem;
    const ServerConfig config = ServerConfig::fromJson(todosConfig(rules), &problem);
    QCOMPARE(problem, error);
    QVERIFY(config.collections().isEmpty());
}

void tst_Rules::listenShouldRefuseBadRules_data()
{
    QTest::addColumn<QString>("read");
    QTest::addColumn<QString>("write");
    QTest::addColumn<QString>("error");

    QTest::newRow("read: syntax") << u"(record.owner == auth.sub"_s << QString()
                                  << u"collection 'todos', read rule: expected ')', found the end at 25"_s;
    QTest::newRow("write: syntax") << QString() << u"record.owner == == auth.sub"_s
                                   << u"collection 'todos', write rule: expected an expression, found '==' at 16"_s;
    QTest::newRow("read: unknown field") << u"record.ownr == auth.sub"_s << u"record.owner == auth.sub"_s
                                         << u"collection 'todos', read rule: unknown field 'ownr' at 0"_s;
    QTest::newRow("write: unknown field") << u"record.shared"_s << u"record.shared || record.onwer == auth.sub"_s
                                          << u"collection 'todos', write rule: unknown field 'onwer' at 17"_s;
    QTest::newRow("read: $param") << u"record.owner == $me"_s << QString()
                                  << u"collection 'todos', read rule: parameter '$me' at 16: only subscription "
                                     "filters have parameters"_s;
    QTest::newRow("write: $param after a '$' in a string")
        << QString() << u"record.title != \"a \\\"$x\" && record.owner == $me"_s
        << u"collection 'todos', write rule: parameter '$me' at 44: only subscription filters have parameters"_s;
}

void tst_Rules::listenShouldRefuseBadRules()
{
    QFETCH(QString, read);
    QFETCH(QString, write);
    QFETCH(QString, error);
    ServerConfig config = ServerConfig::fromJson(todosConfig({}));
    config.setCollectionRules(u"todos"_s, { read, write });
    QString problem;
    QVERIFY(!start(config, &problem));
    QCOMPARE(problem, error);
    QVERIFY(!m_server->isListening());
    // Nothing of it stays: the same server starts once the rule is fixed.
    config.setCollectionRules(u"todos"_s, {});
    m_server->setConfig(config);
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0), qPrintable(m_server->errorString()));
}

void tst_Rules::listenShouldAcceptGoodRules_data()
{
    QTest::addColumn<QString>("read");
    QTest::addColumn<QString>("write");

    QTest::newRow("owner") << u"record.owner == auth.sub || record.shared == true"_s << u"record.owner == auth.sub"_s;
    QTest::newRow("record.id") << u"record.id != \"secret\""_s << u"record.id in auth.ids"_s;
    QTest::newRow("a '$' in a string") << u"record.title != \"$x\""_s << QString();
    QTest::newRow("nested claim") << QString() << u"record.team == auth.org.team && !(record.owner == null)"_s;
}

void tst_Rules::listenShouldAcceptGoodRules()
{
    QFETCH(QString, read);
    QFETCH(QString, write);
    ServerConfig config = ServerConfig::fromJson(todosConfig({}));
    config.setCollectionRules(u"todos"_s, { read, write });
    QString problem;
    QVERIFY2(start(config, &problem), qPrintable(problem));
}

void tst_Rules::serverProcessShouldExitOnBadRules_data()
{
    QTest::addColumn<QByteArray>("rules");
    QTest::addColumn<QString>("error");

    QTest::newRow("read: syntax") << QByteArray(R"({"read": "record.owner == (auth.sub"})")
                                  << u"collection 'todos', read rule: expected ')', found the end at 25"_s;
    QTest::newRow("write: unknown field") << QByteArray(R"({"write": "record.ownr == auth.sub"})")
                                          << u"collection 'todos', write rule: unknown field 'ownr' at 0"_s;
    QTest::newRow("read: $param") << QByteArray(R"({"read": "record.owner == $user"})")
                                  << u"collection 'todos', read rule: parameter '$user' at 16"_s;
    QTest::newRow("write: wrong type") << QByteArray(R"({"write": ["record.shared"]})")
                                       << u"collection 'todos': rules.write must be a non-empty string"_s;
}

void tst_Rules::serverProcessShouldExitOnBadRules()
{
    QFETCH(QByteArray, rules);
    QFETCH(QString, error);
    QFile config(m_dir.filePath(u"todos.json"_s));
    QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
    config.write(todosConfig(rules));
    config.close();

    QProcess server;
    server.start(QStringLiteral(OPTIMIST_SERVER_EXE),
        { u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, m_dir.filePath(u"process.sqlite"_s), u"--config"_s,
            config.fileName() });
    QVERIFY(server.waitForFinished(30000));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QVERIFY(server.exitCode() != 0);
    const QString printed = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(printed.contains(error), qPrintable(printed));
}

QTEST_GUILESS_MAIN(tst_Rules)
#include "tst_rules.moc"
