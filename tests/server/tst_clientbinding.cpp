// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// A clientId belongs to the user who first said hello with it (docs/security.md,
// "What a client can and cannot learn"): an outside tester took over another
// user's clientId, its lastTx and its recorded rejections. Raw clients on a
// real server with development JWTs, and a database of the schema before
// owners, made by hand.

#include "rawclient.h"

#include <optimist/developmenttokens.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QLoggingCategory>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

#include <memory>

using namespace Optimist;

namespace {

const auto StaticToken = u"static-dev-token"_s;
const auto Victim = u"client-of-alice"_s;

QString typeOf(const QJsonObject &message)
{
    return message.value(u"type"_s).toString();
}

} // namespace

class tst_ClientBinding : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void shouldRefuseAnotherUsersClientId();
    void shouldBindToTheFirstIdentity_data();
    void shouldBindToTheFirstIdentity();
    void shouldBindClientsOfAnOldDatabase();

private:
    bool start();
    //! A new connection's answer to hello with \a clientId and \a token.
    QJsonObject hello(RawClient *client, const QString &clientId, const QString &token);
    //! A token for \a user; a static (anonymous) one for an empty name.
    QString tokenOf(const QString &user) const { return user.isEmpty() ? StaticToken : m_tokens.mint(user); }
    QString databasePath() const { return m_dir.filePath(u"optimist.sqlite"_s); }

    QTemporaryDir m_dir;
    DevelopmentTokens m_tokens;
    std::unique_ptr<Server> m_server;
};

void tst_ClientBinding::initTestCase()
{
    QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s);
    QVERIFY(m_dir.isValid());
}

void tst_ClientBinding::cleanup()
{
    m_server.reset();
    QFile::remove(databasePath());
}

bool tst_ClientBinding::start()
{
    ServerConfig config
        = ServerConfig::fromJson(R"({"collections": {"todos": {"fields": [{"name": "title", "type": "string"}]}}})");
    config.setJwt(m_tokens.jwt());
    config.setTokens({ StaticToken });
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(databasePath());
    if (!m_server->listen()) {
        qWarning() << "server did not start:" << m_server->errorString();
        return false;
    }
    return true;
}

QJsonObject tst_ClientBinding::hello(RawClient *client, const QString &clientId, const QString &token)
{
    if (!client->open(m_server->url()))
        return { { u"type"_s, u"not connected"_s } };
    return client->hello(clientId, token, 2);
}

void tst_ClientBinding::shouldRefuseAnotherUsersClientId()
{
    QVERIFY(start());
    RawClient alice;
    QCOMPARE(typeOf(hello(&alice, Victim, tokenOf(u"alice"_s))), u"welcome"_s);
    alice.push(1, { insertTodo(u"a1"_s, u"Alice's"_s) });
    alice.push(2, { insertTodo(u"a1"_s, u"again: a conflict"_s) });
    const QList<QJsonObject> answers { alice.take(), alice.take() };
    QCOMPARE(typeOf(answers.at(0)), u"ack"_s);
    QCOMPARE(typeOf(answers.at(1)), u"reject"_s);

    // Bob knows Alice's clientId: refused, and nothing of hers reaches him.
    RawClient bob;
    const QJsonObject refusal = hello(&bob, Victim, tokenOf(u"bob"_s));
    QCOMPARE(typeOf(refusal), u"error"_s);
    QCOMPARE(refusal.value(u"code"_s).toString(), u"client_id_taken"_s);
    QCOMPARE(refusal.value(u"ref"_s).toString(), u"hello"_s);
    QVERIFY(!refusal.contains(u"lastTx"_s));
    QVERIFY(!refusal.value(u"message"_s).toString().contains(u"alice"_s));
    QTRY_COMPARE_WITH_TIMEOUT(bob.closeCode, 4009, 10000);
    QCOMPARE(bob.frames.size(), 1);

    // Alice was not replaced; her next transaction is applied and acked.
    alice.push(3, { insertTodo(u"a3"_s, u"still Alice's"_s) });
    const QJsonObject ack = alice.take();
    QCOMPARE(typeOf(ack), u"ack"_s);
    QCOMPARE(ack.value(u"tx"_s).toInteger(), 3);
    QVERIFY(alice.sync().isEmpty());
    QCOMPARE(alice.closeCode, -1);
    RawClient reader;
    QCOMPARE(typeOf(hello(&reader, u"reader"_s, tokenOf(u"carol"_s))), u"welcome"_s);
    const QJsonArray records = reader.snapshot(u"todos"_s);
    QCOMPARE(records.size(), 2);
    QCOMPARE(records.at(1).toObject().value(u"id"_s).toString(), u"a3"_s);

    // Alice on a second connection resumes: her lastTx, her outcomes.
    RawClient again;
    const QJsonObject welcome = hello(&again, Victim, tokenOf(u"alice"_s));
    QCOMPARE(typeOf(welcome), u"welcome"_s);
    QCOMPARE(welcome.value(u"lastTx"_s).toInteger(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(alice.closeCode, 4005, 10000);
    again.push(2, { insertTodo(u"a1"_s, u"again: a conflict"_s) });
    QCOMPARE(again.take(), answers.at(1));
}

void tst_ClientBinding::shouldBindToTheFirstIdentity_data()
{
    // An empty user is a session without one (a static token): "anonymous".
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::addColumn<QString>("answer");
    QTest::newRow("same user") << u"alice"_s << u"alice"_s << u"welcome"_s;
    QTest::newRow("another user") << u"alice"_s << u"bob"_s << u"error"_s;
    QTest::newRow("a user's, anonymous") << u"alice"_s << QString() << u"error"_s;
    QTest::newRow("anonymous, then a user") << QString() << u"alice"_s << u"error"_s;
    QTest::newRow("anonymous twice") << QString() << QString() << u"welcome"_s;
    QTest::newRow("a user named like nobody") << QString() << u"anonymous"_s << u"error"_s;
}

void tst_ClientBinding::shouldBindToTheFirstIdentity()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QFETCH(QString, answer);
    QVERIFY(start());
    RawClient one;
    QCOMPARE(typeOf(hello(&one, Victim, tokenOf(first))), u"welcome"_s);
    // Bound at hello, before any push; and kept across a restart.
    one.socket.close();
    QTRY_VERIFY_WITH_TIMEOUT(one.closeCode != -1, 10000);
    m_server.reset();
    QVERIFY(start());
    RawClient two;
    const QJsonObject reply = hello(&two, Victim, tokenOf(second));
    QCOMPARE(typeOf(reply), answer);
    if (answer == u"error"_s)
        QCOMPARE(reply.value(u"code"_s).toString(), u"client_id_taken"_s);
}

void tst_ClientBinding::shouldBindClientsOfAnOldDatabase()
{
    {
        // The clients table as it was before owners, with a client that has
        // taken 5 transactions and has one rejection recorded.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
        db.setDatabaseName(databasePath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (const QString &sql :
            { u"CREATE TABLE clients (client_id TEXT PRIMARY KEY, last_tx INTEGER NOT NULL) WITHOUT ROWID"_s,
                u"CREATE TABLE rejections (client_id TEXT NOT NULL, tx INTEGER NOT NULL, code TEXT NOT NULL,"
                " message TEXT NOT NULL, PRIMARY KEY (client_id, tx)) WITHOUT ROWID"_s,
                u"INSERT INTO clients VALUES ('client-of-alice', 5)"_s,
                u"INSERT INTO rejections VALUES ('client-of-alice', 5, 'conflict', 'recorded before')"_s })
            QVERIFY2(query.exec(sql), qPrintable(query.lastError().text()));
    }
    QSqlDatabase::removeDatabase(u"old"_s);

    QVERIFY(start());
    RawClient alice;
    const QJsonObject welcome = hello(&alice, Victim, tokenOf(u"alice"_s));
    QCOMPARE(typeOf(welcome), u"welcome"_s);
    QCOMPARE(welcome.value(u"lastTx"_s).toInteger(), 5);
    alice.push(5, { insertTodo(u"x"_s, u"resent"_s) });
    alice.push(6, { insertTodo(u"a6"_s, u"new"_s) });
    const QJsonObject reject = alice.take(); // no subscription: the reject, the ack
    QCOMPARE(typeOf(reject), u"reject"_s);
    QCOMPARE(reject.value(u"message"_s).toString(), u"recorded before"_s);
    QCOMPARE(typeOf(alice.take()), u"ack"_s);

    // Writing lastTx 6 kept the owner, across a restart too.
    m_server.reset();
    QVERIFY(start());
    RawClient bob;
    QCOMPARE(hello(&bob, Victim, tokenOf(u"bob"_s)).value(u"code"_s).toString(), u"client_id_taken"_s);
    RawClient aliceAgain;
    QCOMPARE(hello(&aliceAgain, Victim, tokenOf(u"alice"_s)).value(u"lastTx"_s).toInteger(), 6);
}

QTEST_GUILESS_MAIN(tst_ClientBinding)
#include "tst_clientbinding.moc"
