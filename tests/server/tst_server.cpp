// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "rawclient.h"

#include <optimist/authorizer.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>
#include <optimist/serverthread.h>

#include <QtCore/QLoggingCategory>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpSocket>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

#include <memory>

using namespace Optimist;

class tst_Server : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s); }
    void init();
    void cleanup();

    void configShouldParseTheExampleAndRefuseBadInput();
    void shouldWelcomeAHello();
    void shouldRefuseAWrongToken();
    void shouldSendAnEmptyCollectionAsOneChunk();
    void shouldSendSnapshotsInChunks();
    void shouldSendDeltaWithAcksThenAckAndFanOut();
    void shouldResumeFromACursorWithOnlyTheMissedDeltas();
    void shouldSendASnapshotForACursorOlderThanTheLog();
    void shouldApplyATransactionExactlyOnce();
    void shouldRejectAResentRejectedTransactionAgain();
    void shouldKeepRejectionsUntilTheClientSettlesThem();
    void shouldRefuseANumberThatSkipsOnes();
    void shouldTakeEveryOneOfABurstExactlyOnce_data();
    void shouldTakeEveryOneOfABurstExactlyOnce();
    void shouldAnswerAResentRejectionAfterAJump();
    void shouldTakeWhatFitsOfALargePush_data();
    void shouldTakeWhatFitsOfALargePush();
    void shouldCloseTheOlderConnectionOfAClientId();
    void shouldKeepRecordsCursorsAndLastTxAcrossRestart();
    void shouldGiveEveryRecordTheRevisionOfItsLastWrite();
    void shouldOpenADatabaseFromBeforeRevisions();
    void shouldAnswerBadInputWithDocumentedError_data();
    void shouldAnswerBadInputWithDocumentedError();
    void shouldAnswerEachValueAsTheSchemaSays_data();
    void shouldAnswerEachValueAsTheSchemaSays();
    void shouldCloseAFrameFarOverTheLimit();
    void shouldCloseConnectionsOverTheLimit();
    void shouldCloseSilentConnections();
    void shouldStreamASnapshotLargerThanTheQueueCap();
    void shouldCloseSubscribersThatStopReading();
    void shouldAskTheAuthorizer();
    void shouldRunOnItsOwnThread();

private:
    ServerConfig config() const;
    bool startServer(const ServerConfig &config);
    std::unique_ptr<RawClient> connectClient(const QString &clientId = u"client-a"_s);
    QString dbPath() const { return m_dir->filePath(u"server.sqlite"_s); }
    int rejectionCount() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Server> m_server;
};

ServerConfig tst_Server::config() const
{
    Field title(u"title"_s, Field::Type::String, {}, true);
    title.setMaxLength(20);
    ServerConfig config;
    config.addCollection(
        u"todos"_s, { title, Field(u"done"_s, Field::Type::Bool, false), Field(u"created"_s, Field::Type::DateTime) });
    config.addCollection(u"notes"_s, { Field(u"text"_s, Field::Type::String) });
    ServerConfig::Limits limits;
    limits.maxFrameBytes = 4096;
    limits.maxMutationsPerTransaction = 3;
    config.setLimits(limits);
    return config;
}

void tst_Server::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_Server::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

bool tst_Server::startServer(const ServerConfig &config)
{
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(dbPath());
    if (!m_server->listen(QHostAddress::LocalHost, 0)) {
        qWarning() << m_server->errorString();
        return false;
    }
    return true;
}

int tst_Server::rejectionCount() const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
    db.setDatabaseName(dbPath());
    int count = -1;
    if (db.open()) {
        QSqlQuery query(u"SELECT COUNT(*) FROM rejections"_s, db);
        if (query.next())
            count = query.value(0).toInt();
    }
    db = {};
    QSqlDatabase::removeDatabase(u"peek"_s);
    return count;
}

// A push of one insert ("r<tx>") per number.
static QJsonObject pushOf(const QList<qint64> &txs, const QJsonValue &settledTx = QJsonValue::Undefined)
{
    QJsonArray transactions;
    for (qint64 tx : txs) {
        transactions.append(
            QJsonObject { { u"tx"_s, tx }, { u"mutations"_s, QJsonArray { insertTodo(u"r%1"_s.arg(tx), u"t"_s) } } });
    }
    QJsonObject push { { u"type"_s, u"push"_s }, { u"transactions"_s, transactions } };
    if (!settledTx.isUndefined())
        push.insert(u"settledTx"_s, settledTx);
    return push;
}

static QList<qint64> range(qint64 first, qint64 last)
{
    QList<qint64> numbers;
    for (qint64 tx = first; tx <= last; ++tx)
        numbers.append(tx);
    return numbers;
}

// Exactly \a count messages, and then nothing else.
static QList<QJsonObject> takeAnswers(RawClient *client, qsizetype count)
{
    QList<QJsonObject> answers;
    while (answers.size() < count) {
        const QJsonObject message = client->take();
        if (message.isEmpty())
            break;
        answers.append(message);
    }
    if (!client->sync().isEmpty())
        answers.append({ { u"type"_s, u"unexpected"_s } });
    return answers;
}

static bool isPushError(const QJsonObject &message, const QString &code, qint64 expectedTx)
{
    return message.value(u"type"_s) == u"error"_s && message.value(u"code"_s) == code
        && message.value(u"ref"_s) == u"push"_s && message.value(u"expectedTx"_s).toInteger(-1) == expectedTx;
}

std::unique_ptr<RawClient> tst_Server::connectClient(const QString &clientId)
{
    auto client = std::make_unique<RawClient>();
    if (!client->open(m_server->url()))
        return {};
    if (!clientId.isEmpty() && client->hello(clientId).value(u"type"_s) != u"welcome"_s)
        return {};
    return client;
}

void tst_Server::configShouldParseTheExampleAndRefuseBadInput()
{
    QString error;
    const ServerConfig example = ServerConfig::fromFile(QStringLiteral(OPTIMIST_EXAMPLE_CONFIG), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Fields todos = example.collections().value(u"todos"_s);
    QCOMPARE(todos.size(), 3);
    QCOMPARE(todos.at(0).name(), u"title"_s);
    QVERIFY(todos.at(0).isRequired());
    QCOMPARE(todos.at(0).maxLength(), 200);
    QCOMPARE(todos.at(1).defaultValue(), QVariant(false));
    QCOMPARE(todos.at(2).type(), Field::Type::DateTime);
    QCOMPARE(example.limits(), ServerConfig::Limits());

    const ServerConfig custom = ServerConfig::fromJson(
        R"({"collections": {"a": {"fields": []}}, "limits": {"heartbeatMs": 500, "maxQueuedBytes": 1024,
            "helloTimeoutMs": 700, "failedSignInDelayMs": 0, "maxPartialFrameBytes": 4096}, "tokens": ["t"]})",
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(custom.limits().heartbeatMs, 500);
    QCOMPARE(custom.limits().maxQueuedBytes, 1024);
    QCOMPARE(custom.limits().helloTimeoutMs, 700);
    QCOMPARE(custom.limits().failedSignInDelayMs, 0);
    QCOMPARE(custom.limits().maxPartialFrameBytes, 4096);
    QCOMPARE(ServerConfig::Limits().maxQueuedBytes, 8 * 1024 * 1024);
    QCOMPARE(custom.tokens(), QStringList { u"t"_s });

    for (const char *bad : { "[", "[]", R"({"collections": 1})", R"({"collections": {"a": {}}})",
             R"({"collections": {"a": {"fields": [{"name": "x", "type": "float"}]}}})",
             R"({"collections": {}, "limits": {"maxFrameBytes": "big"}})",
             R"({"collections": {}, "limits": {"maxQueuedBytes": 1023}})", R"({"collections": {}, "tokens": [1]})",
             R"({"collections": {}, "limits": {"helloTimeoutMs": 9}})",
             R"({"collections": {}, "limits": {"maxPendingConnections": 0}})" }) {
        error.clear();
        ServerConfig::fromJson(bad, &error);
        QVERIFY2(!error.isEmpty(), bad);
    }
}

void tst_Server::shouldWelcomeAHello()
{
    QVERIFY(startServer(config()));
    RawClient client;
    QVERIFY(client.open(m_server->url()));
    QTRY_COMPARE(m_server->connectionCount(), 1);
    const QJsonObject welcome = client.hello(u"client-a"_s);
    QCOMPARE(welcome.value(u"type"_s).toString(), u"welcome"_s);
    QCOMPARE(welcome.value(u"protocol"_s).toInt(), 1);
    QCOMPARE(welcome.value(u"clientId"_s).toString(), u"client-a"_s);
    QVERIFY(!welcome.value(u"serverId"_s).toString().isEmpty());
    QCOMPARE(welcome.value(u"heartbeatMs"_s).toInt(), 15000);
    QCOMPARE(welcome.value(u"lastTx"_s).toInteger(-1), 0);
    const QJsonObject limits = welcome.value(u"limits"_s).toObject();
    QCOMPARE(limits.value(u"maxFrameBytes"_s).toInt(), 4096);
    QCOMPARE(limits.value(u"maxMutationsPerTransaction"_s).toInt(), 3);
    QCOMPARE(limits.value(u"maxPendingPushes"_s).toInt(), 256);
    QVERIFY(client.sync().isEmpty());
}

void tst_Server::shouldRefuseAWrongToken()
{
    ServerConfig withTokens = config();
    withTokens.setTokens({ u"secret"_s });
    QVERIFY(startServer(withTokens));

    RawClient refused;
    QVERIFY(refused.open(m_server->url()));
    const QJsonObject error = refused.hello(u"client-a"_s, u"guess"_s);
    QCOMPARE(error.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(error.value(u"code"_s).toString(), u"unauthorized"_s);
    QTRY_COMPARE(refused.closeCode, 4001);

    RawClient accepted;
    QVERIFY(accepted.open(m_server->url()));
    QCOMPARE(accepted.hello(u"client-a"_s, u"secret"_s).value(u"type"_s).toString(), u"welcome"_s);
}

void tst_Server::shouldSendAnEmptyCollectionAsOneChunk()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, QJsonValue() } });
    const QJsonObject snapshot = client->take();
    QCOMPARE(snapshot.value(u"type"_s).toString(), u"snapshot"_s);
    QCOMPARE(snapshot.value(u"collection"_s).toString(), u"todos"_s);
    QCOMPARE(snapshot.value(u"chunk"_s).toInt(-1), 0);
    QCOMPARE(snapshot.value(u"last"_s).toBool(), true);
    QCOMPARE(snapshot.value(u"records"_s).toArray(), QJsonArray());
    QVERIFY(!snapshot.value(u"cursor"_s).toString().isEmpty());
}

void tst_Server::shouldSendSnapshotsInChunks()
{
    ServerConfig small = config();
    ServerConfig::Limits limits = small.limits();
    limits.snapshotChunkRecords = 2;
    small.setLimits(limits);
    QVERIFY(startServer(small));
    auto writer = connectClient(u"writer"_s);
    QVERIFY(writer);
    writer->push(1, { insertTodo(u"e"_s, u"five"_s), insertTodo(u"a"_s, u"one"_s), insertTodo(u"c"_s, u"three"_s) });
    writer->push(2, { insertTodo(u"b"_s, u"two"_s), insertTodo(u"d"_s, u"four"_s) });
    QCOMPARE(writer->take().value(u"type"_s).toString(), u"ack"_s);
    const QJsonObject ack = writer->take();
    QCOMPARE(ack.value(u"tx"_s).toInt(), 2);

    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s } });
    QStringList ids;
    const QString cursor = ack.value(u"cursors"_s).toObject().value(u"todos"_s).toString();
    for (int chunk = 0; chunk < 3; ++chunk) {
        const QJsonObject message = reader->take();
        QCOMPARE(message.value(u"type"_s).toString(), u"snapshot"_s);
        QCOMPARE(message.value(u"chunk"_s).toInt(-1), chunk);
        QCOMPARE(message.value(u"cursor"_s).toString(), cursor);
        QCOMPARE(message.value(u"last"_s).toBool(), chunk == 2);
        const QJsonArray records = message.value(u"records"_s).toArray();
        QCOMPARE(records.size(), chunk == 2 ? 1 : 2);
        for (const QJsonValue &record : records)
            ids.append(record.toObject().value(u"id"_s).toString());
    }
    QCOMPARE(ids, QStringList({ u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s }));
    QVERIFY(reader->sync().isEmpty());
}

void tst_Server::shouldSendDeltaWithAcksThenAckAndFanOut()
{
    QVERIFY(startServer(config()));
    auto pusher = connectClient(u"pusher"_s);
    auto watcher = connectClient(u"watcher"_s);
    QVERIFY(pusher && watcher);
    QString cursor;
    QCOMPARE(pusher->snapshot(u"todos"_s, &cursor), QJsonArray());
    QCOMPARE(watcher->snapshot(u"todos"_s), QJsonArray());

    pusher->push(1, { insertTodo(u"a1"_s, u"Buy milk"_s) });
    const QJsonObject delta = pusher->take();
    QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(delta.value(u"collection"_s).toString(), u"todos"_s);
    QCOMPARE(delta.value(u"prevCursor"_s).toString(), cursor);
    const QString newCursor = delta.value(u"cursor"_s).toString();
    QVERIFY(!newCursor.isEmpty() && newCursor != cursor);
    QCOMPARE(delta.value(u"acks"_s).toArray(), QJsonArray { 1 });
    const QJsonObject expectedChange { { u"op"_s, u"upsert"_s }, { u"id"_s, u"a1"_s },
        { u"rev"_s, newCursor.toLongLong() },
        { u"fields"_s,
            QJsonObject { { u"title"_s, u"Buy milk"_s }, { u"done"_s, false }, { u"created"_s, QJsonValue() } } } };
    QCOMPARE(delta.value(u"changes"_s).toArray(), QJsonArray { expectedChange });

    const QJsonObject ack = pusher->take();
    QCOMPARE(ack.value(u"type"_s).toString(), u"ack"_s);
    QCOMPARE(ack.value(u"tx"_s).toInt(), 1);
    QCOMPARE(ack.value(u"cursors"_s).toObject(), QJsonObject({ { u"todos"_s, newCursor } }));
    QCOMPARE(m_server->appliedTransactionCount(), 1);

    const QJsonObject seen = watcher->take();
    QCOMPARE(seen.value(u"type"_s).toString(), u"delta"_s);
    QVERIFY(!seen.contains(u"acks"_s));
    QCOMPARE(seen.value(u"changes"_s), delta.value(u"changes"_s));
    QCOMPARE(seen.value(u"cursor"_s).toString(), newCursor);

    // An update sends the whole record; a datetime comes back as UTC ISO 8601.
    pusher->push(2,
        { updateTodo(u"a1"_s, { { u"done"_s, true }, { u"created"_s, u"2026-11-21T11:15:00+01:00"_s } }),
            removeTodo(u"a1"_s) });
    const QJsonArray changes = watcher->take().value(u"changes"_s).toArray();
    QCOMPARE(changes.size(), 2);
    const QJsonObject updated = changes.at(0).toObject().value(u"fields"_s).toObject();
    QCOMPARE(updated.value(u"title"_s).toString(), u"Buy milk"_s);
    QCOMPARE(updated.value(u"done"_s).toBool(), true);
    QCOMPARE(updated.value(u"created"_s).toString(), u"2026-11-21T10:15:00.000Z"_s);
    QCOMPARE(changes.at(1).toObject(), QJsonObject({ { u"op"_s, u"remove"_s }, { u"id"_s, u"a1"_s } }));
    // Other collections' subscribers hear nothing.
    QVERIFY(watcher->sync().isEmpty());
}

void tst_Server::shouldResumeFromACursorWithOnlyTheMissedDeltas()
{
    QVERIFY(startServer(config()));
    auto writer = connectClient(u"writer"_s);
    QVERIFY(writer);
    // One transaction at a time, so that each has a cursor of its own (pushes
    // that arrive together share one batch, one delta and one cursor).
    QStringList cursors;
    const QList<QJsonArray> pushes {
        { insertTodo(u"a"_s, u"one"_s) },
        { QJsonObject { { u"op"_s, u"insert"_s }, { u"collection"_s, u"notes"_s }, { u"id"_s, u"n"_s },
            { u"fields"_s, QJsonObject { { u"text"_s, u"x"_s } } } } },
        { insertTodo(u"b"_s, u"two"_s) },
        { updateTodo(u"a"_s, { { u"done"_s, true } }), insertTodo(u"c"_s, u"three"_s) },
    };
    for (int tx = 1; tx <= 4; ++tx) {
        writer->push(tx, pushes.at(tx - 1));
        const QJsonObject ack = writer->take();
        QCOMPARE(ack.value(u"tx"_s).toInt(), tx);
        cursors.append(ack.value(u"cursors"_s).toObject().value(tx == 2 ? u"notes"_s : u"todos"_s).toString());
    }

    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursors.at(0) } });
    const QList<QJsonObject> deltas = reader->sync();
    QCOMPARE(deltas.size(), 2);
    QCOMPARE(deltas.at(0).value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(deltas.at(0).value(u"prevCursor"_s).toString(), cursors.at(0));
    QCOMPARE(deltas.at(0).value(u"cursor"_s).toString(), cursors.at(2));
    QCOMPARE(deltas.at(0).value(u"changes"_s).toArray().size(), 1);
    QCOMPARE(deltas.at(1).value(u"prevCursor"_s).toString(), cursors.at(2));
    QCOMPARE(deltas.at(1).value(u"cursor"_s).toString(), cursors.at(3));
    QCOMPARE(deltas.at(1).value(u"changes"_s).toArray().size(), 2);
    QVERIFY(!deltas.at(1).contains(u"acks"_s));

    // At the head: nothing to send, but live deltas follow.
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursors.at(3) } });
    QVERIFY(reader->sync().isEmpty());
    writer->push(5, { removeTodo(u"b"_s) });
    const QJsonObject live = reader->take();
    QCOMPARE(live.value(u"prevCursor"_s).toString(), cursors.at(3));

    // A cursor this server never issued gets a snapshot.
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, u"99999"_s } });
    QCOMPARE(reader->take().value(u"type"_s).toString(), u"snapshot"_s);
}

void tst_Server::shouldSendASnapshotForACursorOlderThanTheLog()
{
    ServerConfig shortLog = config();
    ServerConfig::Limits limits = shortLog.limits();
    limits.changeLogRetention = 2;
    shortLog.setLimits(limits);
    QVERIFY(startServer(shortLog));
    auto writer = connectClient(u"writer"_s);
    QVERIFY(writer);
    QStringList cursors;
    for (int tx = 1; tx <= 6; ++tx) {
        writer->push(tx, { insertTodo(QString::number(tx), u"todo"_s) });
        cursors.append(writer->take().value(u"cursors"_s).toObject().value(u"todos"_s).toString());
    }
    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursors.at(0) } });
    const QJsonObject snapshot = reader->take();
    QCOMPARE(snapshot.value(u"type"_s).toString(), u"snapshot"_s);
    QCOMPARE(snapshot.value(u"cursor"_s).toString(), cursors.at(5));
    QCOMPARE(snapshot.value(u"records"_s).toArray().size(), 6);

    // The retained tail still resumes.
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursors.at(4) } });
    const QList<QJsonObject> deltas = reader->sync();
    QCOMPARE(deltas.size(), 1);
    QCOMPARE(deltas.at(0).value(u"cursor"_s).toString(), cursors.at(5));
}

void tst_Server::shouldApplyATransactionExactlyOnce()
{
    QVERIFY(startServer(config()));
    auto client = connectClient(u"once"_s);
    QVERIFY(client);
    client->push(1, { insertTodo(u"a"_s, u"one"_s) });
    client->push(1, { insertTodo(u"a"_s, u"one"_s) });
    const QJsonObject first = client->take();
    QCOMPARE(first.value(u"type"_s).toString(), u"ack"_s);
    const QJsonObject second = client->take();
    QCOMPARE(second.value(u"type"_s).toString(), u"ack"_s);
    QCOMPARE(second.value(u"tx"_s).toInt(), 1);
    QCOMPARE(second.value(u"cursors"_s), first.value(u"cursors"_s));

    auto again = connectClient({});
    QVERIFY(again);
    QCOMPARE(again->hello(u"once"_s).value(u"lastTx"_s).toInt(), 1);
    again->push(1, { insertTodo(u"a"_s, u"one"_s) });
    const QJsonObject third = again->take();
    QCOMPARE(third.value(u"type"_s).toString(), u"ack"_s);
    QCOMPARE(third.value(u"tx"_s).toInt(), 1);
    QCOMPARE(m_server->appliedTransactionCount(), 1);
    QCOMPARE(again->snapshot(u"todos"_s).size(), 1);
}

void tst_Server::shouldRejectAResentRejectedTransactionAgain()
{
    QVERIFY(startServer(config()));
    auto client = connectClient(u"rejected"_s);
    QVERIFY(client);
    client->push(1, { insertTodo(u"a"_s, u"a title far too long for the schema"_s) });
    const QJsonObject reject = client->take();
    QCOMPARE(reject.value(u"type"_s).toString(), u"reject"_s);
    QCOMPARE(reject.value(u"tx"_s).toInt(), 1);
    QCOMPARE(reject.value(u"code"_s).toString(), u"validation_failed"_s);
    QCOMPARE(reject.value(u"retryable"_s).toBool(true), false);

    // Resent with content that would now pass: still the original answer.
    client->push(1, { insertTodo(u"a"_s, u"short"_s) });
    QCOMPARE(client->take(), reject);
    auto again = connectClient({});
    QVERIFY(again);
    QCOMPARE(again->hello(u"rejected"_s).value(u"lastTx"_s).toInt(), 1);
    again->push(1, { insertTodo(u"a"_s, u"short"_s) });
    QCOMPARE(again->take(), reject);
    QCOMPARE(m_server->appliedTransactionCount(), 0);
    QCOMPARE(again->snapshot(u"todos"_s), QJsonArray());
}

void tst_Server::shouldKeepRejectionsUntilTheClientSettlesThem()
{
    // Given a small window, which no longer decides how long rejections stay
    ServerConfig small = config();
    ServerConfig::Limits limits = small.limits();
    limits.maxPendingPushes = 4;
    small.setLimits(limits);
    QVERIFY(startServer(small));
    auto client = connectClient(u"mover"_s);
    QVERIFY(client);
    client->push(1, { removeTodo(u"nothing"_s) });
    const QJsonObject reject = client->take();
    QCOMPARE(reject.value(u"code"_s).toString(), u"conflict"_s);

    // When the client moves on far without settling it
    for (qint64 tx = 2; tx <= 40; ++tx) {
        client->send(pushOf({ tx }));
        QCOMPARE(client->take().value(u"tx"_s).toInteger(), tx);
    }
    // Then the rejection is still answered, after a reconnect too
    QCOMPARE(rejectionCount(), 1);
    client->push(1, { insertTodo(u"late"_s, u"would pass now"_s) });
    QCOMPARE(client->take(), reject);
    client = connectClient(u"mover"_s);
    QVERIFY(client);
    client->push(1, { insertTodo(u"late"_s, u"would pass now"_s) });
    QCOMPARE(client->take(), reject);

    // Settling below it keeps it; settling it drops it (with the next batch)
    client->send(pushOf({ 41 }, 0));
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 41);
    QCOMPARE(rejectionCount(), 1);
    client->send(pushOf({ 42 }, 1));
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 42);
    QCOMPARE(rejectionCount(), 0);

    // A settledTx past what was processed drops nothing that comes later
    client->send(pushOf({ 43, 44 }, 1000));
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 43);
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 44);
    client->push(45, { removeTodo(u"nothing"_s) });
    const QJsonObject later = client->take();
    QCOMPARE(later.value(u"code"_s).toString(), u"conflict"_s);
    client->send(pushOf({ 46 }));
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 46);
    QCOMPARE(rejectionCount(), 1);
    client->push(45, {});
    QCOMPARE(client->take(), later);
}

void tst_Server::shouldRefuseANumberThatSkipsOnes()
{
    QVERIFY(startServer(config()));
    auto client = connectClient(u"skipper"_s);
    QVERIFY(client);
    // A first number above 1 skips 1.
    client->send(pushOf({ 2 }));
    QVERIFY(isPushError(client->take(), u"out_of_order"_s, 1));
    client->send(pushOf({ 1, 2 }));
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 1);
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 2);

    // tx 2 then tx 10: 10 is refused and never applied.
    client->send(pushOf({ 10 }));
    QVERIFY(isPushError(client->take(), u"out_of_order"_s, 3));
    QVERIFY(client->sync().isEmpty());

    // A new connection pushing 6 (never sent before): refused, nothing written.
    client = connectClient({});
    QVERIFY(client);
    QCOMPARE(client->hello(u"skipper"_s).value(u"lastTx"_s).toInt(), 2);
    client->send(pushOf({ 6 }));
    QVERIFY(isPushError(client->take(), u"out_of_order"_s, 3));
    QVERIFY(client->sync().isEmpty());
    QCOMPARE(m_server->appliedTransactionCount(), 2);
    QCOMPARE(client->snapshot(u"todos"_s).size(), 2);

    // The expected number is taken; a resend below it is answered again.
    client->send(pushOf({ 2, 3 }));
    QCOMPARE(client->take().value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 2);
    QCOMPARE(client->take().value(u"tx"_s).toInt(), 3);
    QCOMPARE(m_server->appliedTransactionCount(), 3);
}

void tst_Server::shouldTakeEveryOneOfABurstExactlyOnce_data()
{
    QTest::addColumn<int>("maxPendingPushes");
    QTest::newRow("default window") << 256;
    // How many the server takes between reads depends on timing; a small
    // window refuses most of the burst.
    QTest::newRow("window of 16") << 16;
}

void tst_Server::shouldTakeEveryOneOfABurstExactlyOnce()
{
    // 3,000 one-transaction pushes back to back, recovering as
    // docs/protocol.md says: after an error answering a push, resend
    // everything from its expectedTx.
    QFETCH(int, maxPendingPushes);
    ServerConfig limited = config();
    ServerConfig::Limits limits = limited.limits();
    limits.maxPendingPushes = maxPendingPushes;
    // 3,000 messages at once are over the default maxMessagesPerSecond
    // (docs/security.md); this test is about the push window.
    limits.maxMessagesPerSecond = 1000000;
    limited.setLimits(limits);
    QVERIFY(startServer(limited));
    auto client = connectClient(u"burst"_s);
    QVERIFY(client);
    constexpr qint64 Count = 3000;
    QSet<qint64> acked;
    qint64 next = 1;
    int rounds = 0;
    while (next <= Count) {
        ++rounds;
        // The whole burst first; then, resuming, at most a window in flight.
        const qint64 last = rounds == 1 ? Count : std::min(Count, next + maxPendingPushes - 1);
        for (qint64 tx = next; tx <= last; ++tx)
            client->send(pushOf({ tx }));
        // Each push is answered once: an ack, or an error saying where to resume.
        const QList<QJsonObject> answers = takeAnswers(client.get(), last - next + 1);
        qint64 resume = last + 1;
        for (const QJsonObject &answer : answers) {
            if (answer.value(u"type"_s) == u"ack"_s) {
                const qint64 tx = answer.value(u"tx"_s).toInteger();
                QVERIFY2(!acked.contains(tx), qPrintable(u"tx %1 acknowledged twice"_s.arg(tx)));
                acked.insert(tx);
                continue;
            }
            QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
            QCOMPARE(answer.value(u"ref"_s).toString(), u"push"_s);
            const QString code = answer.value(u"code"_s).toString();
            QVERIFY2(code == u"rate_limited"_s || code == u"out_of_order"_s, qPrintable(code));
            QVERIFY(answer.contains(u"expectedTx"_s));
            resume = std::min(resume, answer.value(u"expectedTx"_s).toInteger());
        }
        // Everything below the resume point was acknowledged, nothing above.
        QCOMPARE(acked.size(), resume - 1);
        QVERIFY(resume > next);
        next = resume;
    }
    QCOMPARE(m_server->appliedTransactionCount(), Count);
    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    const QJsonArray records = reader->snapshot(u"todos"_s);
    QCOMPARE(records.size(), Count);
    QSet<QString> ids;
    for (const QJsonValue &record : records)
        ids.insert(record.toObject().value(u"id"_s).toString());
    QCOMPARE(ids.size(), Count);
}

void tst_Server::shouldAnswerAResentRejectionAfterAJump()
{
    QVERIFY(startServer(config()));
    auto client = connectClient(u"jumper"_s);
    QVERIFY(client);
    client->send(pushOf({ 1 }));
    QCOMPARE(client->take().value(u"type"_s).toString(), u"ack"_s);
    client->push(2, { removeTodo(u"nothing"_s) });
    const QJsonObject reject = client->take();
    QCOMPARE(reject.value(u"type"_s).toString(), u"reject"_s);

    // The jump to 3000 is refused; the resend of 2 gets the original reject.
    client->send(pushOf({ 3000 }));
    QVERIFY(isPushError(client->take(), u"out_of_order"_s, 3));
    client->send(pushOf({ 2 }));
    QCOMPARE(client->take(), reject);
    client = connectClient(u"jumper"_s);
    QVERIFY(client);
    client->send(pushOf({ 3000 }));
    QVERIFY(isPushError(client->take(), u"out_of_order"_s, 3));
    client->send(pushOf({ 2 }));
    QCOMPARE(client->take(), reject);
    QCOMPARE(m_server->appliedTransactionCount(), 1);
    QCOMPARE(client->snapshot(u"todos"_s).size(), 1);
}

void tst_Server::shouldTakeWhatFitsOfALargePush_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("at the limit") << 4;
    QTest::newRow("one past") << 5;
    QTest::newRow("far past") << 41;
}

void tst_Server::shouldTakeWhatFitsOfALargePush()
{
    QFETCH(int, count);
    ServerConfig limited = config();
    ServerConfig::Limits limits = limited.limits();
    limits.maxPendingPushes = 4;
    limits.maxFrameBytes = 65536;
    limited.setLimits(limits);
    QVERIFY(startServer(limited));
    auto client = connectClient(u"large"_s);
    QVERIFY(client);

    // One push of all of them; then, after each refusal, the rest from expectedTx.
    QList<qint64> acks;
    qint64 next = 1;
    while (next <= count) {
        const qint64 last = std::min<qint64>(count, next + 3 * limits.maxPendingPushes);
        client->send(pushOf(range(next, last)));
        const qint64 taken = std::min<qint64>(last - next + 1, limits.maxPendingPushes);
        const QList<QJsonObject> answers = takeAnswers(client.get(), taken + (taken <= last - next ? 1 : 0));
        // The refusal comes first: it is sent when the push is read.
        qsizetype i = 0;
        if (taken <= last - next) {
            QVERIFY2(isPushError(answers.value(i), u"rate_limited"_s, next + taken),
                QJsonDocument(answers.value(i)).toJson().constData());
            QVERIFY(answers.value(i++).value(u"retryAfterMs"_s).toInt() > 0);
        }
        QCOMPARE(answers.size(), i + taken);
        for (; i < answers.size(); ++i)
            acks.append(answers.at(i).value(u"tx"_s).toInteger());
        next += taken;
    }
    QCOMPARE(acks, range(1, count));
    QCOMPARE(m_server->appliedTransactionCount(), count);
    QCOMPARE(client->snapshot(u"todos"_s).size(), count);
}

void tst_Server::shouldCloseTheOlderConnectionOfAClientId()
{
    QVERIFY(startServer(config()));
    auto older = connectClient(u"twice"_s);
    QVERIFY(older);
    auto newer = connectClient(u"twice"_s);
    QVERIFY(newer);
    QTRY_COMPARE(older->closeCode, 4005);
    newer->send(pushOf({ 1 }));
    QCOMPARE(newer->take().value(u"tx"_s).toInt(), 1);
    QTRY_COMPARE(m_server->connectionCount(), 1);
    // Another clientId is not affected.
    auto other = connectClient(u"other"_s);
    QVERIFY(other);
    QVERIFY(newer->sync().isEmpty());
    QCOMPARE(newer->closeCode, -1);
}

void tst_Server::shouldKeepRecordsCursorsAndLastTxAcrossRestart()
{
    QVERIFY(startServer(config()));
    QString serverId;
    QString cursor;
    QJsonArray records;
    {
        auto client = connectClient({});
        QVERIFY(client);
        serverId = client->hello(u"keeper"_s).value(u"serverId"_s).toString();
        client->push(1, { insertTodo(u"a"_s, u"one"_s), insertTodo(u"b"_s, u"two"_s) });
        client->push(2, { removeTodo(u"nope"_s) });
        QCOMPARE(client->take().value(u"type"_s).toString(), u"ack"_s);
        QCOMPARE(client->take().value(u"type"_s).toString(), u"reject"_s);
        records = client->snapshot(u"todos"_s, &cursor);
        QCOMPARE(records.size(), 2);
    }
    m_server.reset();
    QVERIFY(startServer(config()));

    auto client = connectClient({});
    QVERIFY(client);
    const QJsonObject welcome = client->hello(u"keeper"_s);
    QCOMPARE(welcome.value(u"serverId"_s).toString(), serverId);
    QCOMPARE(welcome.value(u"lastTx"_s).toInt(), 2);
    client->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursor } });
    QVERIFY(client->sync().isEmpty());
    client->push(2, { removeTodo(u"nope"_s) });
    QCOMPARE(client->take().value(u"code"_s).toString(), u"conflict"_s);
    client->push(3, { removeTodo(u"a"_s) });
    const QJsonObject delta = client->take();
    QCOMPARE(delta.value(u"prevCursor"_s).toString(), cursor);
    QVERIFY(delta.value(u"cursor"_s).toString().toLongLong() > cursor.toLongLong());

    RawClient fresh;
    QVERIFY(fresh.open(m_server->url()));
    fresh.hello(u"fresh"_s);
    QCOMPARE(fresh.snapshot(u"todos"_s), QJsonArray { records.at(1) });
}

void tst_Server::shouldGiveEveryRecordTheRevisionOfItsLastWrite()
{
    // Given two records written by two transactions
    QVERIFY(startServer(config()));
    auto pusher = connectClient(u"pusher"_s);
    QVERIFY(pusher);
    pusher->push(1, { insertTodo(u"a"_s, u"one"_s) });
    const QString first = pusher->take().value(u"cursors"_s).toObject().value(u"todos"_s).toString();
    pusher->push(2, { insertTodo(u"b"_s, u"two"_s) });
    QVERIFY(!pusher->take().isEmpty());
    QString cursor;
    const QJsonArray before = pusher->snapshot(u"todos"_s, &cursor);
    // Then each record's rev is the cursor of its transaction, beside its fields
    QCOMPARE(before.size(), 2);
    QCOMPARE(before.at(0).toObject().value(u"rev"_s).toInteger(), first.toLongLong());
    QCOMPARE(before.at(0).toObject().value(u"fields"_s).toObject().value(u"title"_s).toString(), u"one"_s);
    QCOMPARE(before.at(1).toObject().value(u"rev"_s).toInteger(), cursor.toLongLong());

    // When a is updated
    pusher->push(3, { updateTodo(u"a"_s, { { u"done"_s, true } }) });
    const QJsonObject delta = pusher->take();
    QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
    const qint64 updated = delta.value(u"cursor"_s).toString().toLongLong();
    // Then the delta and the next snapshot carry its new rev; b keeps its own
    QCOMPARE(delta.value(u"changes"_s).toArray().at(0).toObject().value(u"rev"_s).toInteger(), updated);
    RawClient reader;
    QVERIFY(reader.open(m_server->url()));
    reader.hello(u"reader"_s);
    const QJsonArray after = reader.snapshot(u"todos"_s);
    QCOMPARE(after.at(0).toObject().value(u"rev"_s).toInteger(), updated);
    QCOMPARE(after.at(1), before.at(1));
    // And a replayed delta carries the rev too
    reader.send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursor } });
    const QJsonObject replayed = reader.take();
    QCOMPARE(replayed.value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(replayed.value(u"changes"_s).toArray().at(0).toObject().value(u"rev"_s).toInteger(), updated);
}

void tst_Server::shouldOpenADatabaseFromBeforeRevisions()
{
    // Given a database written before records had a revision
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
        db.setDatabaseName(dbPath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"CREATE TABLE records (collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,"
                           " PRIMARY KEY (collection, id)) WITHOUT ROWID"_s));
        QVERIFY(query.exec(u"INSERT INTO records VALUES ('todos', 'old', '{\"title\":\"kept\",\"done\":false}')"_s));
    }
    QSqlDatabase::removeDatabase(u"old"_s);
    // When the server opens it
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    // Then the old record has no rev (clients compare its fields), and a new write gets one
    const QJsonArray records = client->snapshot(u"todos"_s);
    QCOMPARE(records.size(), 1);
    QVERIFY(!records.at(0).toObject().contains(u"rev"_s));
    QCOMPARE(records.at(0).toObject().value(u"fields"_s).toObject().value(u"title"_s).toString(), u"kept"_s);
    client->push(1, { updateTodo(u"old"_s, { { u"done"_s, true } }) });
    const QJsonObject delta = client->take();
    QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
    QVERIFY(delta.value(u"changes"_s).toArray().at(0).toObject().value(u"rev"_s).toInteger() > 0);
}

void tst_Server::shouldAnswerBadInputWithDocumentedError_data()
{
    QTest::addColumn<bool>("greet");
    QTest::addColumn<QString>("frame");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("closeCode");

    auto push = [](const QJsonArray &mutations) {
        const QJsonObject transaction { { u"tx"_s, 1 }, { u"mutations"_s, mutations } };
        return QString::fromUtf8(
            QJsonDocument(QJsonObject { { u"type"_s, u"push"_s }, { u"transactions"_s, QJsonArray { transaction } } })
                .toJson());
    };
    auto todo = [](const QJsonObject &fields) {
        return QJsonObject { { u"op"_s, u"insert"_s }, { u"collection"_s, u"todos"_s }, { u"id"_s, u"new"_s },
            { u"fields"_s, fields } };
    };
    const QString error = u"error"_s;
    const QString reject = u"reject"_s;

    QTest::newRow("not JSON") << true << u"{\"type\": "_s << error << u"invalid_message"_s << 0;
    QTest::newRow("JSON array") << true << u"[{\"type\": \"ping\"}]"_s << error << u"invalid_message"_s << 0;
    QTest::newRow("no type") << true << u"{\"collection\": \"todos\"}"_s << error << u"invalid_message"_s << 0;
    QTest::newRow("type not a string") << true << u"{\"type\": 3}"_s << error << u"invalid_message"_s << 0;
    QTest::newRow("unknown type") << true << u"{\"type\": \"frobnicate\"}"_s << error << u"invalid_message"_s << 0;
    QTest::newRow("collection not a string")
        << true << u"{\"type\": \"subscribe\", \"collection\": 5}"_s << error << u"invalid_message"_s << 0;
    QTest::newRow("cursor not a string") << true
                                         << u"{\"type\": \"subscribe\", \"collection\": \"todos\", \"cursor\": 5}"_s
                                         << error << u"invalid_message"_s << 0;
    QTest::newRow("unknown collection") << true << u"{\"type\": \"subscribe\", \"collection\": \"nope\"}"_s << error
                                        << u"unknown_collection"_s << 0;
    QTest::newRow("unsubscribe unknown collection")
        << true << u"{\"type\": \"unsubscribe\", \"collection\": \"nope\"}"_s << error << u"unknown_collection"_s << 0;
    QTest::newRow("transactions not an array")
        << true << u"{\"type\": \"push\", \"transactions\": {}}"_s << error << u"invalid_message"_s << 0;
    QTest::newRow("tx not an integer")
        << true << u"{\"type\": \"push\", \"transactions\": [{\"tx\": 1.5, \"mutations\": []}]}"_s << error
        << u"invalid_message"_s << 0;
    QTest::newRow("tx skipping numbers")
        << true << u"{\"type\": \"push\", \"transactions\": [{\"tx\": 2, \"mutations\": []}]}"_s << error
        << u"out_of_order"_s << 0;
    QTest::newRow("settledTx not an integer")
        << true << u"{\"type\": \"push\", \"settledTx\": 0.5, \"transactions\": [{\"tx\": 1, \"mutations\": []}]}"_s
        << error << u"invalid_message"_s << 0;
    QTest::newRow("settledTx negative")
        << true << u"{\"type\": \"push\", \"settledTx\": -1, \"transactions\": [{\"tx\": 1, \"mutations\": []}]}"_s
        << error << u"invalid_message"_s << 0;
    QTest::newRow("settledTx a string")
        << true << u"{\"type\": \"push\", \"settledTx\": \"0\", \"transactions\": [{\"tx\": 1, \"mutations\": []}]}"_s
        << error << u"invalid_message"_s << 0;
    QTest::newRow("push over the limit") << true << push({ todo({ { u"title"_s, QString(5000, u'x') } }) }) << error
                                         << u"too_large"_s << 0;
    QTest::newRow("frame over the limit")
        << true << (u"{\"type\": \"ping\", \"pad\": \""_s + QString(5000, u'x') + u"\"}"_s) << error << u"too_large"_s
        << 0;
    QTest::newRow("binary frame") << true << QString() << error << u"invalid_message"_s << 0;
    QTest::newRow("push before hello") << false << push({ todo({ { u"title"_s, u"x"_s } }) }) << error
                                       << u"invalid_message"_s << 0;
    QTest::newRow("second hello") << true << u"{\"type\": \"hello\", \"protocol\": 1, \"clientId\": \"bad\"}"_s << error
                                  << u"invalid_message"_s << 0;
    QTest::newRow("hello without clientId")
        << false << u"{\"type\": \"hello\", \"protocol\": 1}"_s << error << u"invalid_message"_s << 0;
    QTest::newRow("unsupported protocol") << false << u"{\"type\": \"hello\", \"protocol\": 3, \"clientId\": \"bad\"}"_s
                                          << error << u"unsupported_protocol"_s << 4000;
    QTest::newRow("protocol 0") << false << u"{\"type\": \"hello\", \"protocol\": 0, \"clientId\": \"bad\"}"_s << error
                                << u"unsupported_protocol"_s << 4000;

    QTest::newRow("malformed mutation") << true
                                        << push({ QJsonObject { { u"op"_s, u"upsert"_s },
                                               { u"collection"_s, u"todos"_s }, { u"id"_s, u"x"_s } } })
                                        << reject << u"invalid_message"_s << 0;
    QTest::newRow("mutation collection not a string")
        << true << push({ QJsonObject { { u"op"_s, u"remove"_s }, { u"collection"_s, 5 }, { u"id"_s, u"seed"_s } } })
        << reject << u"invalid_message"_s << 0;
    QTest::newRow("unknown collection in push")
        << true
        << push({ QJsonObject { { u"op"_s, u"remove"_s }, { u"collection"_s, u"nope"_s }, { u"id"_s, u"seed"_s } } })
        << reject << u"unknown_collection"_s << 0;
    QTest::newRow("unknown field") << true << push({ todo({ { u"title"_s, u"x"_s }, { u"colour"_s, u"red"_s } }) })
                                   << reject << u"validation_failed"_s << 0;
    QTest::newRow("wrong type") << true << push({ todo({ { u"title"_s, u"x"_s }, { u"done"_s, u"yes"_s } }) }) << reject
                                << u"validation_failed"_s << 0;
    QTest::newRow("missing required") << true << push({ todo({ { u"done"_s, true } }) }) << reject
                                      << u"validation_failed"_s << 0;
    QTest::newRow("required set to null") << true << push({ updateTodo(u"seed"_s, { { u"title"_s, QJsonValue() } }) })
                                          << reject << u"validation_failed"_s << 0;
    QTest::newRow("too long") << true << push({ todo({ { u"title"_s, QString(21, u'x') } }) }) << reject
                              << u"validation_failed"_s << 0;
    QTest::newRow("bad datetime") << true
                                  << push({ todo({ { u"title"_s, u"x"_s }, { u"created"_s, u"yesterday"_s } }) })
                                  << reject << u"validation_failed"_s << 0;
    QTest::newRow("insert existing") << true << push({ insertTodo(u"seed"_s, u"again"_s) }) << reject << u"conflict"_s
                                     << 0;
    QTest::newRow("update missing") << true << push({ updateTodo(u"ghost"_s, { { u"done"_s, true } }) }) << reject
                                    << u"conflict"_s << 0;
    QTest::newRow("remove missing") << true << push({ removeTodo(u"ghost"_s) }) << reject << u"conflict"_s << 0;
    QTest::newRow("valid then invalid") << true
                                        << push({ removeTodo(u"seed"_s), insertTodo(u"new"_s, u"fine"_s),
                                               removeTodo(u"ghost"_s) })
                                        << reject << u"conflict"_s << 0;
    QTest::newRow("too many mutations") << true
                                        << push({ removeTodo(u"seed"_s), insertTodo(u"a"_s, u"a"_s),
                                               insertTodo(u"b"_s, u"b"_s), insertTodo(u"c"_s, u"c"_s) })
                                        << reject << u"too_large"_s << 0;
}

void tst_Server::shouldAnswerBadInputWithDocumentedError()
{
    QFETCH(bool, greet);
    QFETCH(QString, frame);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(int, closeCode);

    QVERIFY(startServer(config()));
    QString cursorBefore;
    QJsonArray recordsBefore;
    {
        auto seeder = connectClient(u"seeder"_s);
        QVERIFY(seeder);
        seeder->push(1, { insertTodo(u"seed"_s, u"seed"_s) });
        QCOMPARE(seeder->take().value(u"type"_s).toString(), u"ack"_s);
        recordsBefore = seeder->snapshot(u"todos"_s, &cursorBefore);
    }

    RawClient bad;
    QVERIFY(bad.open(m_server->url()));
    if (greet)
        QCOMPARE(bad.hello(u"bad"_s).value(u"type"_s).toString(), u"welcome"_s);
    if (frame.isEmpty())
        bad.socket.sendBinaryMessage("{\"type\": \"ping\"}");
    else
        bad.socket.sendTextMessage(frame);
    const QJsonObject answer = bad.take();
    QCOMPARE(answer.value(u"type"_s).toString(), type);
    QCOMPARE(answer.value(u"code"_s).toString(), code);
    QVERIFY(!answer.value(u"message"_s).toString().isEmpty());
    if (type == u"reject"_s) {
        QCOMPARE(answer.value(u"tx"_s).toInt(), 1);
        QCOMPARE(answer.value(u"retryable"_s).toBool(true), false);
    }
    if (code == u"unsupported_protocol"_s)
        QCOMPARE(answer.value(u"supported"_s).toArray(), (QJsonArray { 1, 2 }));
    // A refused push says where to resume: nothing of it was taken.
    if (greet && type == u"error"_s && frame.contains(u"\"push\""_s))
        QVERIFY(isPushError(answer, code, 1));

    if (closeCode) {
        QTRY_COMPARE(bad.closeCode, closeCode);
    } else {
        // The session goes on.
        if (!greet)
            QCOMPARE(bad.hello(u"bad"_s).value(u"type"_s).toString(), u"welcome"_s);
        QVERIFY(bad.sync().isEmpty());
    }

    // Another client is served, and no record changed.
    auto checker = connectClient(u"checker"_s);
    QVERIFY(checker);
    QString cursorAfter;
    QCOMPARE(checker->snapshot(u"todos"_s, &cursorAfter), recordsBefore);
    QCOMPARE(cursorAfter, cursorBefore);
    QCOMPARE(m_server->appliedTransactionCount(), 1);
}

// The server's side of docs/protocol.md "Values" (tst_values has the
// client's): each value as raw JSON text, so that numbers a Qt client could
// not write (-9223372036854775809) reach the server as written.
void tst_Server::shouldAnswerEachValueAsTheSchemaSays_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("answer"); // ack, reject (validation_failed) or error (invalid_message)
    QTest::addColumn<QByteArray>("stored"); // with ack: the value a snapshot then holds

    const QString ack = u"ack"_s;
    const QString reject = u"reject"_s;
    const QByteArray emoji = "\\ud83d\\ude00";
    const auto quoted = [](const QByteArray &text) -> QByteArray { return '"' + text + '"'; };
    const auto nested = [](int depth) -> QByteArray { return QByteArray(depth, '[') + '1' + QByteArray(depth, ']'); };
    // int: [-2^53, 2^53], never clamped
    QTest::newRow("int -2^63-1") << u"n"_s << "-9223372036854775809"_ba << reject << QByteArray();
    QTest::newRow("int -2^63") << u"n"_s << "-9223372036854775808"_ba << reject << QByteArray();
    QTest::newRow("int 2^63") << u"n"_s << "9223372036854775808"_ba << reject << QByteArray();
    QTest::newRow("int 2^53+1") << u"n"_s << "9007199254740993"_ba << reject << QByteArray();
    QTest::newRow("int -2^53-1") << u"n"_s << "-9007199254740993"_ba << reject << QByteArray();
    QTest::newRow("int 2^53") << u"n"_s << "9007199254740992"_ba << ack << "9007199254740992"_ba;
    QTest::newRow("int -2^53") << u"n"_s << "-9007199254740992"_ba << ack << "-9007199254740992"_ba;
    QTest::newRow("int 1.5") << u"n"_s << "1.5"_ba << reject << QByteArray();
    QTest::newRow("int 1e300") << u"n"_s << "1e300"_ba << reject << QByteArray();
    QTest::newRow("int \"12\"") << u"n"_s << "\"12\""_ba << reject << QByteArray();
    QTest::newRow("int 1.0") << u"n"_s << "1.0"_ba << ack << "1"_ba;
    // double: finite (JSON has no NaN or Infinity: those are no JSON at all)
    QTest::newRow("double 1.7976931348623157e308")
        << u"d"_s << "1.7976931348623157e308"_ba << ack << "1.7976931348623157e308"_ba;
    QTest::newRow("double NaN") << u"d"_s << "NaN"_ba << u"error"_s << QByteArray();
    QTest::newRow("double \"1\"") << u"d"_s << "\"1\""_ba << reject << QByteArray();
    // string: maxLength 200, in code points
    QTest::newRow("150 emoji") << u"s"_s << quoted(emoji.repeated(150)) << ack << quoted(emoji.repeated(150));
    QTest::newRow("200 emoji") << u"s"_s << quoted(emoji.repeated(200)) << ack << quoted(emoji.repeated(200));
    QTest::newRow("201 emoji") << u"s"_s << quoted(emoji.repeated(201)) << reject << QByteArray();
    QTest::newRow("201 letters") << u"s"_s << quoted(QByteArray(201, 'a')) << reject << QByteArray();
    QTest::newRow("10,000 emoji") << u"s"_s << quoted(emoji.repeated(10000)) << reject << QByteArray();
    QTest::newRow("lone surrogate") << u"s"_s << "\"\\ud83d\""_ba << reject << QByteArray();
    // datetime: an offset or Z required; the instant is kept
    QTest::newRow("datetime without offset") << u"t"_s << "\"2026-11-21T10:15:00\""_ba << reject << QByteArray();
    QTest::newRow("datetime Z") << u"t"_s << "\"2026-11-21T10:15:00Z\""_ba << ack << "\"2026-11-21T10:15:00.000Z\""_ba;
    QTest::newRow("datetime +02:00") << u"t"_s << "\"2026-11-21T10:15:00+02:00\""_ba << ack
                                     << "\"2026-11-21T08:15:00.000Z\""_ba;
    QTest::newRow("datetime past 9999 in UTC")
        << u"t"_s << "\"9999-12-31T23:59:59-00:01\""_ba << reject << QByteArray();
    // json: at most 32 deep; Qt's JSON reader itself stops at 1024
    QTest::newRow("json 32 deep") << u"j"_s << nested(32) << ack << nested(32);
    QTest::newRow("json 33 deep") << u"j"_s << nested(33) << reject << QByteArray();
    QTest::newRow("json 1000 deep") << u"j"_s << nested(1000) << reject << QByteArray();
    QTest::newRow("json 10000 deep") << u"j"_s << nested(10000) << u"error"_s << QByteArray();
}

void tst_Server::shouldAnswerEachValueAsTheSchemaSays()
{
    QFETCH(QString, field);
    QFETCH(QByteArray, value);
    QFETCH(QString, answer);
    QFETCH(QByteArray, stored);

    // Given a server with a field of each type
    Field text(u"s"_s, Field::Type::String);
    text.setMaxLength(200);
    ServerConfig config;
    config.addCollection(u"values"_s,
        { Field(u"n"_s, Field::Type::Int), Field(u"d"_s, Field::Type::Double), text,
            Field(u"t"_s, Field::Type::DateTime), Field(u"j"_s, Field::Type::Json) });
    QVERIFY(startServer(config));
    auto client = connectClient();
    QVERIFY(client);

    // When a raw client pushes a record with the value
    client->socket.sendTextMessage(QString::fromUtf8(
        R"({"type": "push", "transactions": [{"tx": 1, "mutations": [{"op": "insert", "collection": "values",)"
        R"( "id": "r", "fields": {")"
        + field.toUtf8() + "\": " + value + "}}]}]}"));
    const QJsonObject reply = client->take();

    // Then it is applied as it is, or refused and nothing is stored
    QCOMPARE(reply.value(u"type"_s).toString(), answer);
    const QJsonArray records = client->snapshot(u"values"_s);
    if (answer == u"ack"_s) {
        QCOMPARE(records.size(), 1);
        const QJsonValue expected = QJsonDocument::fromJson("[" + stored + "]").array().at(0);
        QCOMPARE(records.at(0)[u"fields"_s][field], expected);
        QCOMPARE(m_server->appliedTransactionCount(), 1);
        return;
    }
    QCOMPARE(reply.value(u"code"_s).toString(), answer == u"reject"_s ? u"validation_failed"_s : u"invalid_message"_s);
    if (answer == u"reject"_s) {
        QCOMPARE(reply.value(u"tx"_s).toInt(), 1);
        const QString message = reply.value(u"message"_s).toString();
        QVERIFY2(message.startsWith(u"field '%1' "_s.arg(field)), qPrintable(message));
    }
    QCOMPARE(records, QJsonArray());
    QCOMPARE(m_server->appliedTransactionCount(), 0);
}

void tst_Server::shouldCloseAFrameFarOverTheLimit()
{
    // Beyond 4 × maxFrameBytes Qt's WebSocket layer refuses the message
    // unread and closes with 1009 (docs/protocol.md, "Transport").
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->socket.sendTextMessage(QString(4 * 4096 + 1, u'x'));
    QTRY_COMPARE(client->closeCode, 1009);
    QVERIFY(connectClient(u"next"_s));
}

void tst_Server::shouldCloseConnectionsOverTheLimit()
{
    ServerConfig limited = config();
    ServerConfig::Limits limits = limited.limits();
    limits.maxConnections = 1;
    limited.setLimits(limits);
    QVERIFY(startServer(limited));
    auto first = connectClient();
    QVERIFY(first);
    RawClient second;
    QVERIFY(second.open(m_server->url()));
    QTRY_COMPARE(second.closeCode, 4003);
    QCOMPARE(m_server->connectionCount(), 1);

    first.reset();
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QVERIFY(connectClient(u"third"_s));
}

void tst_Server::shouldCloseSilentConnections()
{
    ServerConfig quick = config();
    ServerConfig::Limits limits = quick.limits();
    limits.heartbeatMs = 50;
    quick.setLimits(limits);
    QVERIFY(startServer(quick));
    auto client = connectClient();
    QVERIFY(client);
    QTRY_COMPARE(client->closeCode, 4002);
    QTRY_COMPARE(m_server->connectionCount(), 0);
}

// A push of \a count notes of \a size characters each.
static QJsonObject notesPush(qint64 tx, int count, int size)
{
    QJsonArray mutations;
    for (int i = 0; i < count; ++i) {
        mutations.append(QJsonObject { { u"op"_s, u"insert"_s }, { u"collection"_s, u"notes"_s },
            { u"id"_s, u"n%1-%2"_s.arg(tx).arg(i) },
            { u"fields"_s, QJsonObject { { u"text"_s, QString(size, u'n') } } } });
    }
    return { { u"type"_s, u"push"_s },
        { u"transactions"_s, QJsonArray { QJsonObject { { u"tx"_s, tx }, { u"mutations"_s, mutations } } } } };
}

void tst_Server::shouldStreamASnapshotLargerThanTheQueueCap()
{
    ServerConfig capped = config();
    ServerConfig::Limits limits = capped.limits();
    limits.maxFrameBytes = 65536;
    limits.maxMutationsPerTransaction = 20;
    limits.snapshotChunkRecords = 5;
    limits.maxQueuedBytes = 32768;
    capped.setLimits(limits);
    QVERIFY(startServer(capped));
    auto writer = connectClient(u"writer"_s);
    QVERIFY(writer);
    // 20 × 20 notes of 2,000 characters: 800 kB, 25 times the cap.
    for (qint64 tx = 1; tx <= 20; ++tx) {
        writer->send(notesPush(tx, 20, 2000));
        QCOMPARE(writer->take().value(u"tx"_s).toInteger(), tx);
    }
    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    int chunks = 0;
    QString cursor;
    QCOMPARE(reader->snapshot(u"notes"_s, &cursor, &chunks).size(), 400);
    QCOMPARE(chunks, 80);
    // Then it follows live.
    writer->send(notesPush(21, 1, 10));
    const QJsonObject delta = reader->take();
    QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(delta.value(u"prevCursor"_s).toString(), cursor);
    QCOMPARE(reader->closeCode, -1);
}

// A WebSocket client that says hello, subscribes, and then never reads:
// the handshake by hand on a QTcpSocket whose read buffer is then kept full,
// so the kernel's buffers fill and the server's queue grows.
static std::unique_ptr<QTcpSocket> connectNonReader(quint16 port, const QString &clientId)
{
    // The server runs in this thread: wait with the event loop running.
    auto socket = std::make_unique<QTcpSocket>();
    QSignalSpy connected(socket.get(), &QTcpSocket::connected);
    socket->connectToHost(QHostAddress::LocalHost, port);
    if (!connected.wait(10000))
        return {};
    socket->write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray response;
    while (!response.contains("\r\n\r\n")) {
        QSignalSpy readyRead(socket.get(), &QTcpSocket::readyRead);
        if (!socket->bytesAvailable() && !readyRead.wait(10000))
            return {};
        response += socket->readAll();
    }
    if (!response.startsWith("HTTP/1.1 101"))
        return {};
    // Masked (with a zero key) text frames, as a client must send.
    const auto frame = [](const QJsonObject &message) -> QByteArray {
        const QByteArray payload = QJsonDocument(message).toJson(QJsonDocument::Compact);
        QByteArray bytes("\x81");
        if (payload.size() < 126) {
            bytes += char(0x80 | payload.size());
        } else {
            bytes += char(0x80 | 126);
            bytes += char(payload.size() >> 8);
            bytes += char(payload.size() & 0xff);
        }
        return bytes + QByteArray(4, '\0') + payload;
    };
    socket->setReadBufferSize(1);
    socket->write(frame({ { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 }, { u"clientId"_s, clientId } }));
    socket->write(frame({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"notes"_s } }));
    socket->flush();
    return socket;
}

void tst_Server::shouldCloseSubscribersThatStopReading()
{
    ServerConfig capped = config();
    ServerConfig::Limits limits = capped.limits();
    limits.maxFrameBytes = 262144;
    limits.maxMutationsPerTransaction = 50;
    limits.maxQueuedBytes = 262144;
    capped.setLimits(limits);
    QVERIFY(startServer(capped));
    auto writer = connectClient(u"writer"_s);
    QVERIFY(writer);
    auto good = connectClient(u"good"_s);
    QVERIFY(good);
    QCOMPARE(good->snapshot(u"notes"_s).size(), 0);
    constexpr int NonReaders = 4;
    std::vector<std::unique_ptr<QTcpSocket>> stalled;
    for (int i = 0; i < NonReaders; ++i) {
        stalled.push_back(connectNonReader(m_server->port(), u"stalled-%1"_s.arg(i)));
        QVERIFY(stalled.back());
    }
    QTRY_COMPARE(m_server->connectionCount(), 2 + NonReaders);

    // Pushes of 50 × 3,000 characters (150 kB per delta) until the server
    // has closed every non-reader: bounded, as it must happen once the
    // kernel's buffers and the cap are full.
    // Each session holds at most the cap plus the frame that crossed it.
    const qint64 bound = (2 + NonReaders) * (limits.maxQueuedBytes + 2 * 150000);
    qint64 tx = 0;
    int changes = 0;
    while (m_server->connectionCount() > 2) {
        QVERIFY2(tx < 2000, "the non-readers were never closed");
        writer->send(notesPush(++tx, 50, 3000));
        QJsonObject answer = writer->take();
        QCOMPARE(answer.value(u"tx"_s).toInteger(), tx);
        QVERIFY2(m_server->queuedBytes() <= bound, qPrintable(QString::number(m_server->queuedBytes())));
        // The good subscriber keeps up and gets everything.
        const QJsonObject delta = good->take();
        QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
        changes += int(delta.value(u"changes"_s).toArray().size());
    }
    QCOMPARE(changes, tx * 50);
    QVERIFY(m_server->queuedBytes() <= 2 * (limits.maxQueuedBytes + 2 * 150000));
    // The writer and the good subscriber are still served.
    writer->send(notesPush(++tx, 1, 10));
    QCOMPARE(writer->take().value(u"tx"_s).toInteger(), tx);
    QCOMPARE(good->take().value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(writer->closeCode, -1);
    QCOMPARE(good->closeCode, -1);
}

class PickyAuthorizer : public TokenAuthorizer {
public:
    bool canRead(const QString &, const QString &collection) override { return collection != u"notes"_s; }
    bool canWrite(const QString &clientId, const Mutation &mutation) override
    {
        return clientId != u"reader"_s || mutation.collection != u"todos"_s;
    }
    QString validate(const Mutation &mutation, const QVariantMap &current) override
    {
        if (mutation.kind == Mutation::Kind::Update && current.value(u"done"_s).toBool())
            return u"a done todo is frozen"_s;
        return {};
    }
};

void tst_Server::shouldAskTheAuthorizer()
{
    PickyAuthorizer authorizer;
    m_server = std::make_unique<Server>();
    m_server->setConfig(config());
    m_server->setDatabasePath(dbPath());
    m_server->setAuthorizer(&authorizer);
    QVERIFY(m_server->listen());

    auto writer = connectClient(u"writer"_s);
    QVERIFY(writer);
    writer->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"notes"_s } });
    QCOMPARE(writer->take().value(u"code"_s).toString(), u"forbidden"_s);

    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    reader->push(1, { insertTodo(u"a"_s, u"mine"_s) });
    QCOMPARE(reader->take().value(u"code"_s).toString(), u"forbidden"_s);

    writer->push(1, { insertTodo(u"a"_s, u"one"_s), updateTodo(u"a"_s, { { u"done"_s, true } }) });
    QCOMPARE(writer->take().value(u"type"_s).toString(), u"ack"_s);
    writer->push(2, { updateTodo(u"a"_s, { { u"title"_s, u"changed"_s } }) });
    const QJsonObject reject = writer->take();
    QCOMPARE(reject.value(u"code"_s).toString(), u"validation_failed"_s);
    QCOMPARE(reject.value(u"message"_s).toString(), u"a done todo is frozen"_s);
}

void tst_Server::shouldRunOnItsOwnThread()
{
    ServerThread thread;
    thread.setConfig(config());
    thread.setDatabasePath(dbPath());
    const QUrl url = thread.start();
    QVERIFY2(url.isValid(), qPrintable(thread.errorString()));
    QVERIFY(thread.isRunning());
    QCOMPARE(url.scheme(), u"ws"_s);
    QSignalSpy applied(thread.server(), &Server::transactionApplied);

    RawClient client;
    QVERIFY(client.open(url));
    QCOMPARE(client.hello(u"threaded"_s).value(u"type"_s).toString(), u"welcome"_s);
    client.push(1, { insertTodo(u"a"_s, u"one"_s) });
    QCOMPARE(client.take().value(u"type"_s).toString(), u"ack"_s);
    QTRY_COMPARE(applied.size(), 1);
    QCOMPARE(thread.server()->appliedTransactionCount(), 1);

    thread.stop();
    QVERIFY(!thread.isRunning());
    QTRY_COMPARE(client.closeCode, 1001);

    ServerThread broken;
    broken.setConfig(config());
    broken.setDatabasePath(m_dir->filePath(u"missing/dir/db.sqlite"_s));
    QVERIFY(broken.start().isEmpty());
    QVERIFY(!broken.errorString().isEmpty());
}

QTEST_GUILESS_MAIN(tst_Server)
#include "tst_server.moc"
