// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Per-collection rules (docs/security.md, "Rules"): the config's "rules",
// the start-up errors a bad rule gives (Server::listen() and the
// optimist-server process), and writes a real server on loopback applies or
// refuses `forbidden`, asserted on the raw frames a client receives. Users
// sign in with JSON Web Tokens signed here with libjwt (HS256).

#include "jwtsigning.h"
#include "rawclient.h"

#include <optimist/authorizer.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QFile>
#include <QtCore/QLoggingCategory>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

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
        {"name": "shared", "type": "bool", "default": false},
        {"name": "members", "type": "json"}])"
        + (rules.isEmpty() ? QByteArray() : ", \"rules\": " + rules) + "}}}";
}

ServerConfig::Jwt hs256()
{
    return JwtSigning::hs256(Secret);
}

//! An HS256 token of \a claims, valid for an hour.
QString token(QJsonObject claims)
{
    claims.insert(u"exp"_s, QDateTime::currentSecsSinceEpoch() + 3600);
    return JwtSigning::sign(JWT_ALG_HS256, Secret, claims);
}

// The users of the write tests, by name: their token's claims.
QJsonObject claimsOf(const QString &user)
{
    if (user == u"alice")
        return { { u"sub"_s, u"u-alice"_s }, { u"team"_s, u"team-red"_s }, { u"ids"_s, QJsonArray { u"a1"_s } } };
    if (user == u"bob")
        return { { u"sub"_s, u"u-bob"_s }, { u"team"_s, u"team-blue"_s } };
    return { { u"sub"_s, u"u-carol"_s }, { u"team"_s, u"team-red"_s }, { u"role"_s, u"viewer"_s } };
}

//! What every write test starts from: a1 is Alice's (team red), b1 Bob's
//! (team blue), s1 Bob's and shared.
const QList<std::pair<QString, QJsonObject>> &seedRecords()
{
    static const QList<std::pair<QString, QJsonObject>> records {
        { u"a1"_s,
            { { u"title"_s, u"alice's secret"_s }, { u"owner"_s, u"u-alice"_s }, { u"team"_s, u"team-red"_s } } },
        { u"b1"_s, { { u"title"_s, u"bob's secret"_s }, { u"owner"_s, u"u-bob"_s }, { u"team"_s, u"team-blue"_s } } },
        { u"s1"_s,
            { { u"title"_s, u"bob's shared plan"_s }, { u"owner"_s, u"u-bob"_s }, { u"team"_s, u"team-blue"_s },
                { u"shared"_s, true }, { u"members"_s, QJsonArray { u"u-carol"_s } } } },
    };
    return records;
}

//! The rule sets of the write tests: {read, write}.
ServerConfig::CollectionRules ruleSet(const QString &name)
{
    if (name == u"private")
        return { u"record.owner == auth.sub || record.shared == true"_s, u"record.owner == auth.sub"_s };
    if (name == u"shared writable")
        return { u"record.owner == auth.sub || record.shared == true"_s,
            u"record.owner == auth.sub || record.shared == true"_s };
    if (name == u"team")
        return { u"record.team == auth.team"_s, u"record.team == auth.team && auth.role != \"viewer\""_s };
    if (name == u"members") {
        const QString members = u"record.owner == auth.sub || auth.sub in record.members"_s;
        return { members, members };
    }
    if (name == u"write by id")
        return { {}, u"record.id in auth.ids"_s };
    return {};
}

QJsonObject mutation(const QString &op, const QString &id, const QJsonObject &fields = {})
{
    QJsonObject m { { u"op"_s, op }, { u"collection"_s, u"todos"_s }, { u"id"_s, id } };
    if (op != u"remove")
        m.insert(u"fields"_s, fields);
    return m;
}

//! A raw client that also keeps each frame's text as received.
struct Client {
    Client()
    {
        QObject::connect(&raw.socket, &QWebSocket::textMessageReceived, &raw,
            [this](const QString &frame) { frames.append(frame); });
    }
    //! Pushes \a mutations as transaction \a tx; the answer's text.
    QString push(qint64 tx, const QJsonArray &mutations)
    {
        const qsizetype before = frames.size();
        raw.push(tx, mutations);
        const QJsonObject answer = raw.take();
        return answer.isEmpty() || frames.size() <= before ? QString() : frames.at(before);
    }
    RawClient raw;
    QStringList frames;
};

//! "applied", or "<code>" of a reject frame's text.
QString outcome(const QString &frame)
{
    const QJsonObject answer = QJsonDocument::fromJson(frame.toUtf8()).object();
    if (answer.value(u"type"_s) == u"ack"_s)
        return u"applied"_s;
    if (answer.value(u"type"_s) == u"reject"_s)
        return answer.value(u"code"_s).toString();
    return u"unexpected: "_s + frame;
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

    void writesShouldFollowTheRules_data();
    void writesShouldFollowTheRules();
    void unreadableShouldAnswerAsMissing_data();
    void unreadableShouldAnswerAsMissing();
    void hooksShouldSeeTheRecordsAndDecideToo();
    void aCollectionWithoutRulesShouldAllowAll();

private:
    //! Starts a server with \a config; false (and the error) if it does not.
    bool start(const ServerConfig &config, QString *error = nullptr);
    //! Writes seedRecords() (through a server without rules), then starts
    //! a server on them with \a rules, HS256 tokens, and \a authorizer.
    bool startSeeded(const ServerConfig::CollectionRules &rules, Authorizer *authorizer = nullptr);
    //! A client signed in as \a user (claimsOf()).
    std::unique_ptr<Client> signIn(const QString &user, const QString &clientId);
    //! The stored record \a id ("missing" when there is none).
    QByteArray stored(const QString &id);

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

bool tst_Rules::startSeeded(const ServerConfig::CollectionRules &rules, Authorizer *authorizer)
{
    if (!start(ServerConfig::fromJson(todosConfig({}))))
        return false;
    RawClient seeder;
    if (!seeder.open(m_server->url()) || seeder.hello(u"seeder"_s).value(u"type"_s) != u"welcome"_s)
        return false;
    QJsonArray inserts;
    for (const auto &[id, fields] : seedRecords())
        inserts.append(mutation(u"insert"_s, id, fields));
    seeder.push(1, inserts);
    if (seeder.take().value(u"type"_s) != u"ack"_s)
        return false;
    m_server.reset();

    ServerConfig config = ServerConfig::fromJson(todosConfig({}));
    config.setCollectionRules(u"todos"_s, rules);
    config.setJwt(hs256());
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(m_dir.filePath(u"rules.sqlite"_s));
    m_server->setAuthorizer(authorizer);
    return m_server->listen(QHostAddress::LocalHost, 0);
}

std::unique_ptr<Client> tst_Rules::signIn(const QString &user, const QString &clientId)
{
    auto client = std::make_unique<Client>();
    if (!client->raw.open(m_server->url())
        || client->raw.hello(clientId, token(claimsOf(user))).value(u"type"_s) != u"welcome"_s)
        return {};
    client->frames.clear();
    return client;
}

QByteArray tst_Rules::stored(const QString &id)
{
    // Read beside the server, from its database file.
    QByteArray data = "missing";
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(m_dir.filePath(u"rules.sqlite"_s));
        if (!db.open())
            return "cannot open";
        QSqlQuery query(db);
        query.prepare(u"SELECT data FROM records WHERE collection = 'todos' AND id = ?"_s);
        query.addBindValue(id);
        if (query.exec() && query.next())
            data = query.value(0).toByteArray();
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    return data;
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
    m_server->close();

    // Rules for a collection the config does not have (from C++).
    config.setCollectionRules(u"notes"_s, { u"record.id != null"_s, {} });
    m_server->setConfig(config);
    QVERIFY(!m_server->listen(QHostAddress::LocalHost, 0));
    QCOMPARE(m_server->errorString(), u"rules for collection 'notes', which is not configured"_s);
    config.setCollectionRules(u"notes"_s, {});
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

void tst_Rules::writesShouldFollowTheRules_data()
{
    QTest::addColumn<QString>("rules");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QJsonObject>("write");
    QTest::addColumn<QString>("expected");

    const auto mine = [](const QString &owner) {
        return QJsonObject { { u"title"_s, u"new"_s }, { u"owner"_s, owner }, { u"team"_s, u"team-red"_s } };
    };
    const QJsonObject title { { u"title"_s, u"edited"_s } };
    const auto insert = [](const QString &id, const QJsonObject &fields) { return mutation(u"insert"_s, id, fields); };
    const auto update = [](const QString &id, const QJsonObject &fields) { return mutation(u"update"_s, id, fields); };
    const auto remove = [](const QString &id) { return mutation(u"remove"_s, id); };

    // Private records, readable when shared, written by their owner only.
    QTest::newRow("private: insert own") << u"private"_s << u"alice"_s << insert(u"n1"_s, mine(u"u-alice"_s))
                                         << u"applied"_s;
    QTest::newRow("private: insert for another")
        << u"private"_s << u"alice"_s << insert(u"n1"_s, mine(u"u-bob"_s)) << u"forbidden"_s;
    QTest::newRow("private: insert without owner")
        << u"private"_s << u"alice"_s << insert(u"n1"_s, { { u"title"_s, u"x"_s } }) << u"forbidden"_s;
    QTest::newRow("private: update own") << u"private"_s << u"alice"_s << update(u"a1"_s, title) << u"applied"_s;
    QTest::newRow("private: update moves owner away")
        << u"private"_s << u"alice"_s << update(u"a1"_s, { { u"owner"_s, u"u-bob"_s } }) << u"forbidden"_s;
    QTest::newRow("private: update moves owner to nobody")
        << u"private"_s << u"alice"_s << update(u"a1"_s, { { u"owner"_s, QJsonValue::Null } }) << u"forbidden"_s;
    QTest::newRow("private: update another's")
        << u"private"_s << u"alice"_s << update(u"b1"_s, title) << u"forbidden"_s;
    QTest::newRow("private: update takes another's")
        << u"private"_s << u"alice"_s << update(u"b1"_s, { { u"owner"_s, u"u-alice"_s } }) << u"forbidden"_s;
    QTest::newRow("private: update shared, not own")
        << u"private"_s << u"alice"_s << update(u"s1"_s, title) << u"forbidden"_s;
    QTest::newRow("private: update missing") << u"private"_s << u"alice"_s << update(u"zz"_s, title) << u"forbidden"_s;
    QTest::newRow("private: remove own") << u"private"_s << u"alice"_s << remove(u"a1"_s) << u"applied"_s;
    QTest::newRow("private: remove another's") << u"private"_s << u"alice"_s << remove(u"b1"_s) << u"forbidden"_s;
    QTest::newRow("private: remove shared") << u"private"_s << u"alice"_s << remove(u"s1"_s) << u"forbidden"_s;
    QTest::newRow("private: remove missing") << u"private"_s << u"alice"_s << remove(u"zz"_s) << u"forbidden"_s;
    QTest::newRow("private: owner removes shared") << u"private"_s << u"bob"_s << remove(u"s1"_s) << u"applied"_s;
    // An insert's rules come first; a taken id (a conflict) is all it learns.
    QTest::newRow("private: insert over own")
        << u"private"_s << u"alice"_s << insert(u"a1"_s, mine(u"u-alice"_s)) << u"conflict"_s;
    QTest::newRow("private: insert over another's, as own")
        << u"private"_s << u"alice"_s << insert(u"b1"_s, mine(u"u-alice"_s)) << u"conflict"_s;
    QTest::newRow("private: insert over another's, as theirs")
        << u"private"_s << u"alice"_s << insert(u"b1"_s, mine(u"u-bob"_s)) << u"forbidden"_s;

    // A shared record anyone may edit, but only while it stays shared.
    QTest::newRow("shared writable: update shared")
        << u"shared writable"_s << u"alice"_s << update(u"s1"_s, title) << u"applied"_s;
    QTest::newRow("shared writable: unshare another's")
        << u"shared writable"_s << u"alice"_s << update(u"s1"_s, { { u"shared"_s, false } }) << u"forbidden"_s;
    QTest::newRow("shared writable: share own")
        << u"shared writable"_s << u"alice"_s << update(u"a1"_s, { { u"shared"_s, true } }) << u"applied"_s;
    QTest::newRow("shared writable: hand own over while shared")
        << u"shared writable"_s << u"alice"_s << update(u"a1"_s, { { u"shared"_s, true }, { u"owner"_s, u"u-bob"_s } })
        << u"applied"_s;

    // A team through a claim; viewers read only.
    QTest::newRow("team: member updates") << u"team"_s << u"alice"_s << update(u"a1"_s, title) << u"applied"_s;
    QTest::newRow("team: viewer updates") << u"team"_s << u"carol"_s << update(u"a1"_s, title) << u"forbidden"_s;
    QTest::newRow("team: viewer inserts")
        << u"team"_s << u"carol"_s << insert(u"n1"_s, mine(u"u-carol"_s)) << u"forbidden"_s;
    QTest::newRow("team: member moves to another team")
        << u"team"_s << u"alice"_s << update(u"a1"_s, { { u"team"_s, u"team-blue"_s } }) << u"forbidden"_s;
    QTest::newRow("team: other team updates") << u"team"_s << u"bob"_s << update(u"a1"_s, title) << u"forbidden"_s;
    QTest::newRow("team: other team removes") << u"team"_s << u"bob"_s << remove(u"a1"_s) << u"forbidden"_s;
    QTest::newRow("team: member inserts")
        << u"team"_s << u"alice"_s << insert(u"n1"_s, mine(u"u-alice"_s)) << u"applied"_s;

    // A list shared with the users a field names.
    QTest::newRow("members: member updates") << u"members"_s << u"carol"_s << update(u"s1"_s, title) << u"applied"_s;
    QTest::newRow("members: member drops themself")
        << u"members"_s << u"carol"_s << update(u"s1"_s, { { u"members"_s, QJsonArray() } }) << u"forbidden"_s;
    QTest::newRow("members: non-member updates")
        << u"members"_s << u"alice"_s << update(u"s1"_s, title) << u"forbidden"_s;
    QTest::newRow("members: owner adds a member")
        << u"members"_s << u"bob"_s << update(u"s1"_s, { { u"members"_s, QJsonArray { u"u-carol"_s, u"u-alice"_s } } })
        << u"applied"_s;

    // record.id in a rule; no read rule, so a missing id is a conflict.
    QTest::newRow("by id: listed") << u"write by id"_s << u"alice"_s << update(u"a1"_s, title) << u"applied"_s;
    QTest::newRow("by id: not listed") << u"write by id"_s << u"alice"_s << update(u"b1"_s, title) << u"forbidden"_s;
    QTest::newRow("by id: insert not listed")
        << u"write by id"_s << u"alice"_s << insert(u"n1"_s, mine(u"u-alice"_s)) << u"forbidden"_s;
    QTest::newRow("by id: remove missing") << u"write by id"_s << u"alice"_s << remove(u"zz"_s) << u"conflict"_s;
    QTest::newRow("by id: no ids claim") << u"write by id"_s << u"bob"_s << remove(u"a1"_s) << u"forbidden"_s;

    // No rules: as before.
    QTest::newRow("none: update another's") << u"none"_s << u"alice"_s << update(u"b1"_s, title) << u"applied"_s;
    QTest::newRow("none: remove missing") << u"none"_s << u"alice"_s << remove(u"zz"_s) << u"conflict"_s;
}

void tst_Rules::writesShouldFollowTheRules()
{
    QFETCH(QString, rules);
    QFETCH(QString, user);
    QFETCH(QJsonObject, write);
    QFETCH(QString, expected);
    QVERIFY2(startSeeded(ruleSet(rules)), qPrintable(m_server->errorString()));
    const auto client = signIn(user, u"writer"_s);
    QVERIFY(client);
    const QString id = write.value(u"id"_s).toString();
    const QByteArray before = stored(id);

    // A transaction of one mutation, and one where it follows an allowed
    // one: a refusal undoes the whole transaction.
    const QString frame = client->push(1, { write });
    QCOMPARE(outcome(frame), expected);
    if (expected == u"applied")
        QVERIFY(stored(id) != before);
    else
        QCOMPARE(stored(id), before);
    if (expected != u"applied") {
        const QJsonObject allowed = mutation(u"insert"_s, u"ok"_s,
            { { u"owner"_s, claimsOf(user).value(u"sub"_s) }, { u"team"_s, claimsOf(user).value(u"team"_s) },
                { u"shared"_s, true } });
        const QString second = client->push(2, { rules == u"write by id" ? write : allowed, write });
        QCOMPARE(outcome(second), expected);
        QCOMPARE(stored(u"ok"_s), QByteArray("missing"));
        QCOMPARE(stored(id), before);
    }

    // No answer carries a value of a stored record, nor another's owner.
    for (const QString &text : std::as_const(client->frames)) {
        for (const auto &[seedId, fields] : seedRecords()) {
            QVERIFY2(!text.contains(fields.value(u"title"_s).toString()), qPrintable(text));
            if (fields.value(u"owner"_s) != claimsOf(user).value(u"sub"_s))
                QVERIFY2(!text.contains(fields.value(u"owner"_s).toString()), qPrintable(text));
            QVERIFY2(!text.contains(u"team-"_s), qPrintable(text));
        }
    }
}

void tst_Rules::unreadableShouldAnswerAsMissing_data()
{
    QTest::addColumn<QString>("rules");
    QTest::addColumn<QJsonObject>("write");
    QTest::addColumn<QString>("code");

    const QJsonObject title { { u"title"_s, u"edited"_s } };
    QTest::newRow("private: update") << u"private"_s << mutation(u"update"_s, u"b1"_s, title) << u"forbidden"_s;
    QTest::newRow("private: update taking it")
        << u"private"_s << mutation(u"update"_s, u"b1"_s, { { u"owner"_s, u"u-alice"_s } }) << u"forbidden"_s;
    QTest::newRow("private: remove") << u"private"_s << mutation(u"remove"_s, u"b1"_s) << u"forbidden"_s;
    QTest::newRow("team: update") << u"team"_s << mutation(u"update"_s, u"b1"_s, title) << u"forbidden"_s;
    QTest::newRow("team: remove") << u"team"_s << mutation(u"remove"_s, u"b1"_s) << u"forbidden"_s;
}

void tst_Rules::unreadableShouldAnswerAsMissing()
{
    QFETCH(QString, rules);
    QFETCH(QJsonObject, write);
    QFETCH(QString, code);
    QVERIFY2(startSeeded(ruleSet(rules)), qPrintable(m_server->errorString()));

    // Alice writes b1, which she cannot read,
    const auto alice = signIn(u"alice"_s, u"alice-1"_s);
    QVERIFY(alice);
    const QString unreadable = alice->push(1, { write });
    QCOMPARE(outcome(unreadable), code);

    // then, once Bob removed it, the id that no longer exists.
    const auto bob = signIn(u"bob"_s, u"bob-1"_s);
    QVERIFY(bob);
    QCOMPARE(outcome(bob->push(1, { mutation(u"remove"_s, u"b1"_s) })), u"applied"_s);
    QCOMPARE(stored(u"b1"_s), QByteArray("missing"));
    const auto again = signIn(u"alice"_s, u"alice-2"_s);
    QVERIFY(again);
    const QString missing = again->push(1, { write });

    // The two answers are the same bytes.
    QCOMPARE(missing, unreadable);
}

namespace {

//! Per-record hooks: records whose title starts with "hidden" are unreadable,
//! a title "frozen" is never written, and what the hooks saw is kept.
class HookAuthorizer : public TokenAuthorizer {
public:
    HookAuthorizer()
        : TokenAuthorizer({}, hs256())
    {
    }
    bool canReadRecord(const Identity &identity, const QString &collection, const QJsonObject &record) override
    {
        reads.append({ identity.userId, collection, record });
        return !record.value(u"title"_s).toString().startsWith(u"hidden"_s);
    }
    bool canWriteRecord(const Identity &identity, const Mutation &mutation, const QJsonObject &before,
        const QJsonObject &after) override
    {
        writes.append({ identity.userId, mutation.id, before, after });
        return after.value(u"title"_s) != u"frozen"_s && before.value(u"title"_s) != u"frozen"_s;
    }

    struct Read {
        QString userId;
        QString collection;
        QJsonObject record;
    };
    struct Write {
        QString userId;
        QString id;
        QJsonObject before;
        QJsonObject after;
    };
    QList<Read> reads;
    QList<Write> writes;
};

} // namespace

void tst_Rules::hooksShouldSeeTheRecordsAndDecideToo()
{
    HookAuthorizer hooks;
    QVERIFY2(startSeeded({}, &hooks), qPrintable(m_server->errorString()));
    const auto alice = signIn(u"alice"_s, u"alice-1"_s);
    QVERIFY(alice);

    // An update: the record before (with its id) is read, then written.
    QCOMPARE(
        outcome(alice->push(1, { mutation(u"update"_s, u"b1"_s, { { u"title"_s, u"hidden b"_s } }) })), u"applied"_s);
    QCOMPARE(hooks.reads.size(), 1);
    QCOMPARE(hooks.reads.at(0).userId, u"u-alice"_s);
    QCOMPARE(hooks.reads.at(0).collection, u"todos"_s);
    QCOMPARE(hooks.reads.at(0).record.value(u"id"_s), u"b1"_s);
    QCOMPARE(hooks.reads.at(0).record.value(u"owner"_s), u"u-bob"_s);
    QCOMPARE(hooks.writes.size(), 1);
    QCOMPARE(hooks.writes.at(0).before.value(u"title"_s), u"bob's secret"_s);
    QCOMPARE(hooks.writes.at(0).after.value(u"title"_s), u"hidden b"_s);
    QCOMPARE(hooks.writes.at(0).after.value(u"id"_s), u"b1"_s);

    // Now hidden: without a read rule its answer is a missing id's (conflict).
    const QString hidden = alice->push(2, { mutation(u"remove"_s, u"b1"_s) });
    QCOMPARE(outcome(hidden), u"conflict"_s);
    QVERIFY(!hidden.contains(u"hidden"_s));
    const auto withoutTx = [](const QString &frame) {
        QJsonObject answer = QJsonDocument::fromJson(frame.toUtf8()).object();
        answer.remove(u"tx"_s);
        return answer;
    };
    QCOMPARE(withoutTx(alice->push(3, { mutation(u"remove"_s, u"zz"_s) })).value(u"code"_s), u"conflict"_s);
    QCOMPARE(withoutTx(alice->push(4, { mutation(u"remove"_s, u"b1"_s) })), withoutTx(hidden));

    // canWriteRecord refuses an insert (empty before) and an update.
    hooks.writes.clear();
    QCOMPARE(
        outcome(alice->push(5, { mutation(u"insert"_s, u"f1"_s, { { u"title"_s, u"frozen"_s } }) })), u"forbidden"_s);
    QCOMPARE(hooks.writes.size(), 1);
    QVERIFY(hooks.writes.at(0).before.isEmpty());
    QCOMPARE(hooks.writes.at(0).after.value(u"id"_s), u"f1"_s);
    QCOMPARE(
        outcome(alice->push(6, { mutation(u"update"_s, u"a1"_s, { { u"title"_s, u"frozen"_s } }) })), u"forbidden"_s);
    QCOMPARE(stored(u"f1"_s), QByteArray("missing"));
    // A remove has no after.
    QCOMPARE(outcome(alice->push(7, { mutation(u"remove"_s, u"a1"_s) })), u"applied"_s);
    QVERIFY(hooks.writes.constLast().after.isEmpty());
    QCOMPARE(hooks.writes.constLast().before.value(u"id"_s), u"a1"_s);
}

void tst_Rules::aCollectionWithoutRulesShouldAllowAll()
{
    QVERIFY2(startSeeded({}), qPrintable(m_server->errorString()));
    const auto bob = signIn(u"bob"_s, u"bob-1"_s);
    QVERIFY(bob);
    QCOMPARE(outcome(bob->push(1, { mutation(u"update"_s, u"a1"_s, { { u"owner"_s, u"u-bob"_s } }) })), u"applied"_s);
    QCOMPARE(outcome(bob->push(2, { mutation(u"remove"_s, u"a1"_s) })), u"applied"_s);
    // A missing id is a conflict, saying so.
    const QString missing = bob->push(3, { mutation(u"remove"_s, u"a1"_s) });
    QCOMPARE(outcome(missing), u"conflict"_s);
    QVERIFY2(missing.contains(u"no record 'a1' in 'todos'"_s), qPrintable(missing));
}

QTEST_GUILESS_MAIN(tst_Rules)
#include "tst_rules.moc"
