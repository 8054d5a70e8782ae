// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Edge cases found by an outside tester who wrote a raw client from
// docs/protocol.md alone. Each test asserts what the document promises.

#include "rawclient.h"

#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QLoggingCategory>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSet>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QTest>

#include <memory>

using namespace Optimist;

class tst_ProtocolEdges : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s); }
    void init();
    void cleanup();

    // the ledger
    void skippedNumberIsRefusedAndFilledLater();
    void mixedResendAndOutOfOrderPush();
    void descendingPushTakesNothing();
    void sameNumberTwiceInOnePushIsAppliedOnce();
    void rejectedResentInSamePushIsRejectedTwice();
    void badSettledTxRefusesTheWholePush_data();
    void badSettledTxRefusesTheWholePush();
    void settledRejectionIsNeverAcknowledged_data();
    void settledRejectionIsNeverAcknowledged();
    void twoConnectionsOfOneClientIdApplyOnce();
    void pushOfExactlyMaxPendingIsTakenWhole();
    void pushOverMaxPendingIsTakenInPart_data();
    void pushOverMaxPendingIsTakenInPart();
    void pushFrameAtTheLimitIsTaken();
    void pushFrameOverTheLimitIsTooLarge_data();
    void pushFrameOverTheLimitIsTooLarge();
    void frameAtFourTimesTheLimitIsAnswered();
    void rateLimitedResendAfterTakenOnesSaysWhatWasTaken();
    void transactionIsAllOrNothing();
    void clientIdLengthCountsCharacters();
    void cursorTheServerNeverIssuedGetsASnapshot_data();
    void cursorTheServerNeverIssuedGetsASnapshot();
    void currentCursorGetsNoAnswerAndResendAckNamesCurrentCursor();
    void pipelinedBurstFollowingTheDocLosesNothing();
    void newNumberAfterWelcomeIsNeverAnsweredWithAnotherOutcome();
    void malformedResendGetsAnAnswerOrIsAtOrAboveExpectedTx();

    // values
    void valuesAsTheDocSays_data();
    void valuesAsTheDocSays();

    // the output cap
    void pingFloodWithoutReadingIsBounded();
    void replacedNonReadersGoWithinTheHeartbeat();

private:
    ServerConfig config() const;
    bool startServer(const ServerConfig &config);
    std::unique_ptr<RawClient> connectClient(const QString &clientId = u"client-a"_s);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Server> m_server;
};

ServerConfig tst_ProtocolEdges::config() const
{
    Field title(u"title"_s, Field::Type::String, {}, true);
    title.setMaxLength(20);
    Field s(u"s"_s, Field::Type::String);
    s.setMaxLength(3);
    ServerConfig config;
    config.addCollection(
        u"todos"_s, { title, Field(u"done"_s, Field::Type::Bool, false), Field(u"created"_s, Field::Type::DateTime) });
    config.addCollection(u"things"_s,
        { Field(u"i"_s, Field::Type::Int), Field(u"d"_s, Field::Type::Double), s, Field(u"dt"_s, Field::Type::DateTime),
            Field(u"j"_s, Field::Type::Json), Field(u"b"_s, Field::Type::Bool) });
    ServerConfig::Limits limits;
    limits.maxFrameBytes = 4096;
    limits.maxMutationsPerTransaction = 3;
    limits.maxPendingPushes = 4;
    config.setLimits(limits);
    return config;
}

void tst_ProtocolEdges::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_ProtocolEdges::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

bool tst_ProtocolEdges::startServer(const ServerConfig &config)
{
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(m_dir->filePath(u"server.sqlite"_s));
    return m_server->listen(QHostAddress::LocalHost, 0);
}

std::unique_ptr<RawClient> tst_ProtocolEdges::connectClient(const QString &clientId)
{
    auto client = std::make_unique<RawClient>();
    if (!client->open(m_server->url()))
        return {};
    if (client->hello(clientId).value(u"type"_s) != u"welcome"_s)
        return {};
    return client;
}

static QJsonObject txOf(qint64 tx, const QString &title = u"t"_s)
{
    return { { u"tx"_s, tx }, { u"mutations"_s, QJsonArray { insertTodo(u"r%1"_s.arg(tx), title) } } };
}

// A push of one insert ("r<tx>") per number.
static QJsonObject pushOf(const QList<qint64> &txs, const QJsonValue &settledTx = QJsonValue::Undefined)
{
    QJsonArray transactions;
    for (qint64 tx : txs)
        transactions.append(txOf(tx));
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

// Everything the server sends until it has been quiet for a while, then up to
// the pong of a ping. (A pong may overtake answers still being processed.)
static QList<QJsonObject> drain(RawClient *client)
{
    for (;;) {
        QSignalSpy spy(&client->socket, &QWebSocket::textMessageReceived);
        if (!spy.wait(300))
            break;
    }
    QList<QJsonObject> all = client->received;
    client->received.clear();
    for (const QJsonObject &m : client->sync())
        all.append(m);
    return all;
}

static QString describe(const QList<QJsonObject> &messages)
{
    QStringList lines;
    for (const QJsonObject &message : messages)
        lines.append(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    return lines.join(u'\n');
}

// The acks/rejects (not deltas) in \a messages, as "ack 1", "reject 2 conflict", "error out_of_order 3".
static QStringList answers(const QList<QJsonObject> &messages)
{
    QStringList out;
    for (const QJsonObject &m : messages) {
        const QString type = m.value(u"type"_s).toString();
        if (type == u"ack"_s)
            out.append(u"ack %1"_s.arg(m.value(u"tx"_s).toInteger()));
        else if (type == u"reject"_s)
            out.append(u"reject %1 %2"_s.arg(m.value(u"tx"_s).toInteger()).arg(m.value(u"code"_s).toString()));
        else if (type == u"error"_s)
            out.append(
                u"error %1 %2"_s.arg(m.value(u"code"_s).toString())
                    .arg(m.contains(u"expectedTx"_s) ? QString::number(m.value(u"expectedTx"_s).toInteger()) : u"-"_s));
    }
    return out;
}

// The ids in a fresh snapshot of todos, from a new connection.
static QStringList storedIds(const QUrl &url, const QString &collection = u"todos"_s)
{
    RawClient reader;
    if (!reader.open(url)
        || reader.hello(u"reader-%1"_s.arg(QRandomGenerator::global()->generate())).value(u"type"_s) != u"welcome"_s)
        return { u"<no connection>"_s };
    QStringList ids;
    for (const QJsonValue &record : reader.snapshot(collection))
        ids.append(record.toObject().value(u"id"_s).toString());
    ids.sort();
    return ids;
}

static QStringList ids(const QList<qint64> &txs)
{
    QStringList out;
    for (qint64 tx : txs)
        out.append(u"r%1"_s.arg(tx));
    out.sort();
    return out;
}

// ---------------------------------------------------------------- ledger

void tst_ProtocolEdges::skippedNumberIsRefusedAndFilledLater()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf({ 1 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 1"_s });
    client->send(pushOf({ 3 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"error out_of_order 2"_s });
    client->send(pushOf({ 2, 3 }));
    QCOMPARE(answers(drain(client.get())), (QStringList { u"ack 2"_s, u"ack 3"_s }));
    QCOMPARE(storedIds(m_server->url()), ids({ 1, 2, 3 }));
    auto again = connectClient(u"client-b"_s);
    QVERIFY(again);
    RawClient fresh;
    QVERIFY(fresh.open(m_server->url()));
    QCOMPARE(fresh.hello(u"client-a"_s).value(u"lastTx"_s).toInteger(), 3);
}

void tst_ProtocolEdges::mixedResendAndOutOfOrderPush()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf({ 1, 2 }));
    QCOMPARE(answers(drain(client.get())), (QStringList { u"ack 1"_s, u"ack 2"_s }));
    // 2 is a resend, 4 skips 3: 2 is answered, 4 and 3 are not taken.
    client->send(pushOf({ 2, 4, 3 }));
    // (The doc does not order the error against the answers.)
    QStringList got = answers(drain(client.get()));
    got.sort();
    QCOMPARE(got, (QStringList { u"ack 2"_s, u"error out_of_order 3"_s }));
    QCOMPARE(storedIds(m_server->url()), ids({ 1, 2 }));
    client->send(pushOf({ 1, 3, 4 }));
    QCOMPARE(answers(drain(client.get())), (QStringList { u"ack 1"_s, u"ack 3"_s, u"ack 4"_s }));
    QCOMPARE(storedIds(m_server->url()), ids({ 1, 2, 3, 4 }));
}

void tst_ProtocolEdges::descendingPushTakesNothing()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf({ 2, 1 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"error out_of_order 1"_s });
    QCOMPARE(storedIds(m_server->url()), QStringList());
    client->send(pushOf({ 0 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"error invalid_message 1"_s });
    client->send(pushOf({ -5 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"error invalid_message 1"_s });
    client->send(pushOf({ 1 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 1"_s });
}

void tst_ProtocolEdges::sameNumberTwiceInOnePushIsAppliedOnce()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    // The numbers of one push must increase: the second 1 stops the push
    // (invalid_message, resume after 2), and nothing is applied twice.
    client->send(pushOf({ 1, 2, 1 }));
    QCOMPARE(answers(drain(client.get())), (QStringList { u"error invalid_message 3"_s, u"ack 1"_s, u"ack 2"_s }));
    QCOMPARE(storedIds(m_server->url()), ids({ 1, 2 }));
    // Sent again in a push of its own, it is a resend: answered, not applied.
    client->send(pushOf({ 1 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 1"_s });
    QCOMPARE(storedIds(m_server->url()), ids({ 1, 2 }));
}

void tst_ProtocolEdges::rejectedResentInSamePushIsRejectedTwice()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    const QJsonObject bad = txOf(1, QString(30, u'x'));
    client->send({ { u"type"_s, u"push"_s }, { u"transactions"_s, QJsonArray { bad, bad, txOf(2) } } });
    // The repeated number stops the push: 2 is not taken.
    QCOMPARE(
        answers(drain(client.get())), (QStringList { u"error invalid_message 2"_s, u"reject 1 validation_failed"_s }));
    client->send({ { u"type"_s, u"push"_s }, { u"transactions"_s, QJsonArray { bad, txOf(2) } } });
    QCOMPARE(answers(drain(client.get())), (QStringList { u"reject 1 validation_failed"_s, u"ack 2"_s }));
    QCOMPARE(storedIds(m_server->url()), ids({ 2 }));
}

void tst_ProtocolEdges::badSettledTxRefusesTheWholePush_data()
{
    QTest::addColumn<QJsonValue>("settledTx");
    QTest::newRow("negative") << QJsonValue(-1);
    QTest::newRow("fraction") << QJsonValue(0.5);
    QTest::newRow("string") << QJsonValue(u"0"_s);
    QTest::newRow("bool") << QJsonValue(true);
    QTest::newRow("object") << QJsonValue(QJsonObject());
}

void tst_ProtocolEdges::badSettledTxRefusesTheWholePush()
{
    QFETCH(QJsonValue, settledTx);
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf({ 1 }, settledTx));
    QCOMPARE(answers(drain(client.get())), QStringList { u"error invalid_message 1"_s });
    QCOMPARE(storedIds(m_server->url()), QStringList());
    client->send(pushOf({ 1 }, 0));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 1"_s });
}

void tst_ProtocolEdges::settledRejectionIsNeverAcknowledged_data()
{
    QTest::addColumn<QJsonValue>("settledTx");
    QTest::newRow("settled at it") << QJsonValue(1);
    QTest::newRow("settled beyond lastTx") << QJsonValue(1000);
    QTest::newRow("settled far beyond") << QJsonValue(qint64(1) << 53);
}

// A hostile (or buggy) client says it settled a rejected transaction, then
// asks again. The server may have forgotten the rejection, but it must not
// answer "ack": "a number is never acknowledged without being applied".
void tst_ProtocolEdges::settledRejectionIsNeverAcknowledged()
{
    QFETCH(QJsonValue, settledTx);
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    const QJsonObject bad = txOf(1, QString(30, u'x'));
    client->send({ { u"type"_s, u"push"_s }, { u"transactions"_s, QJsonArray { bad } } });
    QCOMPARE(answers(drain(client.get())), QStringList { u"reject 1 validation_failed"_s });
    client->send(pushOf({ 2 }, settledTx));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 2"_s });
    client->send({ { u"type"_s, u"push"_s }, { u"transactions"_s, QJsonArray { bad } } });
    const QStringList got = answers(drain(client.get()));
    QVERIFY2(!got.contains(u"ack 1"_s), qPrintable(got.join(u"; "_s)));
    QCOMPARE(storedIds(m_server->url()), ids({ 2 }));
}

void tst_ProtocolEdges::twoConnectionsOfOneClientIdApplyOnce()
{
    QVERIFY(startServer(config()));
    for (int round = 0; round < 5; ++round) {
        const qint64 first = round * 3 + 1;
        RawClient a;
        QVERIFY(a.open(m_server->url()));
        RawClient b;
        QVERIFY(b.open(m_server->url()));
        // Pipelined: a's hello and push, then b's hello, with no waiting.
        a.send({ { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 }, { u"clientId"_s, u"racer"_s } });
        a.send(pushOf(range(first, first + 2)));
        b.send({ { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 }, { u"clientId"_s, u"racer"_s } });
        const QJsonObject welcome = b.take();
        QCOMPARE(welcome.value(u"type"_s).toString(), u"welcome"_s);
        const qint64 lastTx = welcome.value(u"lastTx"_s).toInteger();
        QVERIFY(lastTx == first - 1 || lastTx == first + 2);
        // b resends the same transactions (as the doc's client does).
        b.send(pushOf(range(first, first + 2)));
        const QStringList got = answers(drain(&b));
        QCOMPARE(got, (QStringList { u"ack %1"_s.arg(first), u"ack %1"_s.arg(first + 1), u"ack %1"_s.arg(first + 2) }));
        QTRY_COMPARE(a.closeCode, 4005);
    }
    QCOMPARE(storedIds(m_server->url()), ids(range(1, 15)));
}

void tst_ProtocolEdges::pushOfExactlyMaxPendingIsTakenWhole()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf(range(1, 4)));
    QCOMPARE(answers(drain(client.get())), (QStringList { u"ack 1"_s, u"ack 2"_s, u"ack 3"_s, u"ack 4"_s }));
}

void tst_ProtocolEdges::pushOverMaxPendingIsTakenInPart_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("max + 1") << 5;
    QTest::newRow("far past") << 200;
}

// A push of more than maxPendingPushes is taken in part; following the doc's
// recovery (resend from expectedTx after retryAfterMs) gets everything
// applied exactly once.
void tst_ProtocolEdges::pushOverMaxPendingIsTakenInPart()
{
    QFETCH(int, count);
    ServerConfig big = config();
    ServerConfig::Limits limits = big.limits();
    limits.maxFrameBytes = 1 << 20;
    big.setLimits(limits);
    QVERIFY(startServer(big));
    auto client = connectClient();
    QVERIFY(client);
    QMap<qint64, int> acks;
    qint64 next = 1;
    for (int attempt = 0; next <= count; ++attempt) {
        QVERIFY2(attempt < 1000, "never done");
        client->send(pushOf(range(next, count)));
        const QList<QJsonObject> messages = drain(client.get());
        qint64 expected = count + 1;
        int retryAfter = 0;
        for (const QJsonObject &m : messages) {
            if (m.value(u"type"_s) == u"ack"_s)
                ++acks[m.value(u"tx"_s).toInteger()];
            else if (m.value(u"type"_s) == u"reject"_s)
                QFAIL(qPrintable(describe({ m })));
            else if (m.value(u"type"_s) == u"error"_s) {
                QCOMPARE(m.value(u"code"_s).toString(), u"rate_limited"_s);
                QCOMPARE(m.value(u"ref"_s).toString(), u"push"_s);
                QVERIFY(m.contains(u"retryAfterMs"_s));
                expected = m.value(u"expectedTx"_s).toInteger();
                retryAfter = m.value(u"retryAfterMs"_s).toInt();
            }
        }
        // Every transaction below expectedTx answered, none above.
        for (qint64 tx = next; tx <= count; ++tx)
            QCOMPARE(acks.value(tx), tx < expected ? 1 : 0);
        QVERIFY2(expected > next, "no progress");
        if (attempt == 0 && count > 4)
            QCOMPARE(expected, 5);
        next = expected;
        QTest::qWait(retryAfter);
    }
    QCOMPARE(storedIds(m_server->url()), ids(range(1, count)));
}

// A push frame of \a bytes UTF-8 bytes (compact), padded with an unknown
// field made of \a unit.
static QByteArray paddedPush(const QList<qint64> &txs, int bytes, const QString &unit)
{
    QJsonObject push = pushOf(txs);
    push.insert(u"pad"_s, QString());
    const int base = int(QJsonDocument(push).toJson(QJsonDocument::Compact).size());
    const int unitBytes = int(unit.toUtf8().size());
    QString pad;
    int size = base;
    while (size + unitBytes <= bytes) {
        pad += unit;
        size += unitBytes;
    }
    while (size < bytes) {
        pad += u'a';
        ++size;
    }
    push.insert(u"pad"_s, pad);
    return QJsonDocument(push).toJson(QJsonDocument::Compact);
}

void tst_ProtocolEdges::pushFrameAtTheLimitIsTaken()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    const QByteArray frame = paddedPush({ 1 }, 4096, u"😀"_s);
    QCOMPARE(frame.size(), 4096);
    client->socket.sendTextMessage(QString::fromUtf8(frame));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 1"_s });
}

void tst_ProtocolEdges::pushFrameOverTheLimitIsTooLarge_data()
{
    QTest::addColumn<QString>("unit");
    QTest::addColumn<int>("bytes");
    QTest::newRow("ascii, 1 over") << u"a"_s << 4097;
    QTest::newRow("emoji, 1 over") << u"😀"_s << 4097;
    QTest::newRow("emoji, fewer UTF-16 units than the limit") << u"😀"_s << 6000;
    QTest::newRow("three-byte chars, fewer UTF-16 units than the limit") << u"€"_s << 9000;
}

void tst_ProtocolEdges::pushFrameOverTheLimitIsTooLarge()
{
    QFETCH(QString, unit);
    QFETCH(int, bytes);
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf({ 1 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 1"_s });
    // A resend and a new one, in a frame over the limit: nothing taken.
    const QByteArray frame = paddedPush({ 1, 2 }, bytes, unit);
    QCOMPARE(frame.size(), bytes);
    client->socket.sendTextMessage(QString::fromUtf8(frame));
    const QList<QJsonObject> got = drain(client.get());
    QCOMPARE(answers(got), QStringList { u"error too_large 2"_s });
    QCOMPARE(got.first().value(u"ref"_s).toString(), u"push"_s);
    QCOMPARE(storedIds(m_server->url()), ids({ 1 }));
    QCOMPARE(client->closeCode, -1);
    client->send(pushOf({ 2 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 2"_s });
}

// "The reference server reads messages up to 4 × maxFrameBytes to answer them
// so": a frame of exactly 4 × maxFrameBytes gets the error, not a close.
void tst_ProtocolEdges::frameAtFourTimesTheLimitIsAnswered()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    const QByteArray frame = paddedPush({ 1 }, 4 * 4096, u"a"_s);
    client->socket.sendTextMessage(QString::fromUtf8(frame));
    QCOMPARE(answers(drain(client.get())), QStringList { u"error too_large 1"_s });
    QCOMPARE(client->closeCode, -1);
}

// expectedTx: "Every transaction of the push numbered below it was taken and
// gets its answer on this connection; none at or above it was taken."
// A push of resends not in number order (a client re-sending its in-flight
// transactions after a reconnect in whatever order it keeps them).
void tst_ProtocolEdges::rateLimitedResendAfterTakenOnesSaysWhatWasTaken()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf(range(1, 4)));
    QCOMPARE(answers(drain(client.get())).size(), 4);
    client->send(pushOf(range(5, 8)));
    QCOMPARE(answers(drain(client.get())).size(), 4);
    // 5..8 are taken again (4 = maxPendingPushes), 1 is refused.
    client->send(pushOf({ 5, 6, 7, 8, 1 }));
    const QList<QJsonObject> got = drain(client.get());
    qint64 expected = -1;
    for (const QJsonObject &m : got) {
        if (m.value(u"type"_s) == u"error"_s)
            expected = m.value(u"expectedTx"_s).toInteger();
    }
    QVERIFY2(expected > 0, qPrintable(describe(got)));
    for (const QJsonObject &m : got) {
        if (m.value(u"type"_s) == u"ack"_s)
            QVERIFY2(m.value(u"tx"_s).toInteger() < expected, qPrintable(describe(got)));
    }
}

void tst_ProtocolEdges::transactionIsAllOrNothing()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send({ { u"type"_s, u"push"_s },
        { u"transactions"_s,
            QJsonArray {
                QJsonObject { { u"tx"_s, 1 },
                    { u"mutations"_s, QJsonArray { insertTodo(u"a"_s, u"t"_s), insertTodo(u"a"_s, u"u"_s) } } },
                QJsonObject { { u"tx"_s, 2 },
                    { u"mutations"_s,
                        QJsonArray { insertTodo(u"b"_s, u"t"_s), updateTodo(u"zz"_s, { { u"done"_s, true } }) } } },
                QJsonObject { { u"tx"_s, 3 },
                    { u"mutations"_s, QJsonArray { insertTodo(u"c"_s, u"t"_s), removeTodo(u"c"_s) } } } } } });
    QCOMPARE(
        answers(drain(client.get())), (QStringList { u"reject 1 conflict"_s, u"reject 2 conflict"_s, u"ack 3"_s }));
    QCOMPARE(storedIds(m_server->url()), QStringList());
}

// hello: "clientId (string, required, 1–128 chars)"; the Values section
// defines a character as a Unicode code point (😀 is one).
void tst_ProtocolEdges::clientIdLengthCountsCharacters()
{
    QVERIFY(startServer(config()));
    QString emoji;
    for (int i = 0; i < 128; ++i)
        emoji += u"😀"_s;
    RawClient ok;
    QVERIFY(ok.open(m_server->url()));
    const QJsonObject welcome = ok.hello(emoji);
    QVERIFY2(
        welcome.value(u"type"_s) == u"welcome"_s, QJsonDocument(welcome).toJson(QJsonDocument::Compact).constData());
    RawClient tooLong;
    QVERIFY(tooLong.open(m_server->url()));
    QCOMPARE(tooLong.hello(emoji + u"😀"_s).value(u"code"_s).toString(), u"invalid_message"_s);
}

void tst_ProtocolEdges::cursorTheServerNeverIssuedGetsASnapshot_data()
{
    QTest::addColumn<QString>("cursor");
    QTest::newRow("future") << u"999999"_s;
    QTest::newRow("garbage") << u"abc"_s;
    QTest::newRow("negative") << u"-1"_s;
    QTest::newRow("leading zero") << u"01"_s;
    QTest::newRow("plus sign") << u"+1"_s;
    QTest::newRow("space") << u" 1"_s;
}

// "a cursor the server cannot resume from (not one it issued, or older than
// its change log) gets a snapshot."
void tst_ProtocolEdges::cursorTheServerNeverIssuedGetsASnapshot()
{
    QFETCH(QString, cursor);
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf(range(1, 3)));
    QCOMPARE(answers(drain(client.get())).size(), 3);
    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursor } });
    const QList<QJsonObject> got = drain(reader.get());
    QVERIFY2(!got.isEmpty() && got.first().value(u"type"_s) == u"snapshot"_s, qPrintable(describe(got)));
}

void tst_ProtocolEdges::currentCursorGetsNoAnswerAndResendAckNamesCurrentCursor()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    client->send(pushOf({ 1 }));
    QCOMPARE(answers(drain(client.get())), QStringList { u"ack 1"_s });
    auto other = connectClient(u"other"_s);
    QVERIFY(other);
    other->send({ { u"type"_s, u"push"_s },
        { u"transactions"_s,
            QJsonArray {
                QJsonObject { { u"tx"_s, 1 }, { u"mutations"_s, QJsonArray { insertTodo(u"x"_s, u"t"_s) } } } } } });
    QCOMPARE(answers(drain(other.get())), QStringList { u"ack 1"_s });
    QString cursor;
    auto reader = connectClient(u"reader"_s);
    QVERIFY(reader);
    QCOMPARE(reader->snapshot(u"todos"_s, &cursor).size(), 2);
    reader->send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"cursor"_s, cursor } });
    QCOMPARE(describe(drain(reader.get())), QString());
    // A resend's ack names the collection's current cursor.
    client->send(pushOf({ 1 }));
    const QList<QJsonObject> got = drain(client.get());
    QCOMPARE(answers(got), QStringList { u"ack 1"_s });
    QCOMPARE(got.last().value(u"cursors"_s).toObject().value(u"todos"_s).toString(), cursor);
}

// expectedTx for invalid_message: "Every transaction of the push numbered
// below it was taken and gets its answer on this connection". A resend whose
// 'tx' is malformed (a client bug, e.g. "3" as a string) sits below it.
void tst_ProtocolEdges::malformedResendGetsAnAnswerOrIsAtOrAboveExpectedTx()
{
    QVERIFY(startServer(config()));
    {
        auto first = connectClient();
        QVERIFY(first);
        first->send(pushOf(range(1, 3)));
        QCOMPARE(answers(drain(first.get())).size(), 3);
    }
    auto client = connectClient();
    QVERIFY(client);
    QJsonObject bad = txOf(3);
    bad.insert(u"tx"_s, u"3"_s);
    client->send({ { u"type"_s, u"push"_s }, { u"transactions"_s, QJsonArray { txOf(2), bad } } });
    const QStringList got = answers(drain(client.get()));
    // Either 3 is answered, or expectedTx is at most 3 so the client knows it
    // was not taken.
    QVERIFY2(got.contains(u"ack 3"_s) || got.contains(u"error invalid_message 3"_s), qPrintable(got.join(u"; "_s)));
}

// 60 one-transaction pushes back to back (maxPendingPushes 4), then the
// doc's recovery: resend from the expectedTx of the first refusal, after
// retryAfterMs when rate_limited. Every number acked exactly once, stored.
void tst_ProtocolEdges::pipelinedBurstFollowingTheDocLosesNothing()
{
    QVERIFY(startServer(config()));
    auto client = connectClient();
    QVERIFY(client);
    constexpr qint64 Count = 60;
    QMap<qint64, int> acks;
    qint64 next = 1;
    for (int round = 0; next <= Count; ++round) {
        QVERIFY2(round < 500, "no progress");
        for (qint64 tx = next; tx <= Count; ++tx)
            client->send(pushOf({ tx }, next - 1));
        const QList<QJsonObject> got = drain(client.get());
        qint64 resume = Count + 1;
        int wait = 0;
        bool first = true;
        for (const QJsonObject &m : got) {
            const QString type = m.value(u"type"_s).toString();
            if (type == u"ack"_s) {
                ++acks[m.value(u"tx"_s).toInteger()];
            } else if (type == u"reject"_s) {
                QFAIL(qPrintable(describe({ m })));
            } else if (type == u"error"_s && first) {
                first = false; // later refusals of the burst follow from this one
                resume = m.value(u"expectedTx"_s).toInteger();
                wait = m.value(u"retryAfterMs"_s).toInt();
            }
        }
        for (auto it = acks.cbegin(); it != acks.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(u"tx %1 acked %2 times"_s.arg(it.key()).arg(it.value())));
        for (qint64 tx = next; tx < resume; ++tx)
            QVERIFY2(acks.value(tx) == 1, qPrintable(u"tx %1 below expectedTx %2 not acked"_s.arg(tx).arg(resume)));
        for (qint64 tx = resume; tx <= Count; ++tx)
            QVERIFY2(acks.value(tx) == 0, qPrintable(u"tx %1 at/above expectedTx %2 acked"_s.arg(tx).arg(resume)));
        next = resume;
        QTest::qWait(wait);
    }
    QCOMPARE(storedIds(m_server->url()), ids(range(1, Count)));
}

// welcome: "lastTx: the highest transaction number of this clientId the
// server has processed ... The client numbers its next transaction above it."
// A client that lost its outbox (no storage directory, restarted) follows
// that while its old connection's push is still queued: its new transaction
// must be applied, or refused, never acknowledged with another one's outcome.
void tst_ProtocolEdges::newNumberAfterWelcomeIsNeverAnsweredWithAnotherOutcome()
{
    QVERIFY(startServer(config()));
    for (int round = 0; round < 5; ++round) {
        RawClient a;
        QVERIFY(a.open(m_server->url()));
        RawClient b;
        QVERIFY(b.open(m_server->url()));
        a.send({ { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 }, { u"clientId"_s, u"racer"_s } });
        QCOMPARE(a.take().value(u"type"_s).toString(), u"welcome"_s);
        const qint64 base = round * 2;
        a.send(pushOf({ base + 1 }));
        b.send({ { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 }, { u"clientId"_s, u"racer"_s } });
        const QJsonObject welcome = b.take();
        QCOMPARE(welcome.value(u"type"_s).toString(), u"welcome"_s);
        const qint64 next = welcome.value(u"lastTx"_s).toInteger() + 1;
        const QString id = u"new%1"_s.arg(round);
        b.send({ { u"type"_s, u"push"_s },
            { u"transactions"_s,
                QJsonArray {
                    QJsonObject { { u"tx"_s, next }, { u"mutations"_s, QJsonArray { insertTodo(id, u"t"_s) } } } } } });
        const QList<QJsonObject> got = drain(&b);
        const QStringList answered = answers(got);
        if (answered.contains(u"ack %1"_s.arg(next)))
            QVERIFY2(storedIds(m_server->url()).contains(id),
                qPrintable(u"welcome lastTx %1, tx %2 acked, %3 not stored"_s.arg(next - 1).arg(next).arg(id)));
        // Catch up so the next round starts from a known number.
        b.send(pushOf({ base + 1 }));
        drain(&b);
        b.send({ { u"type"_s, u"push"_s }, { u"transactions"_s, QJsonArray { txOf(base + 2) } } });
        drain(&b);
    }
}

// ---------------------------------------------------------------- values

void tst_ProtocolEdges::valuesAsTheDocSays_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("literal"); // JSON text as sent
    QTest::addColumn<QString>("expected"); // "refused", or the JSON text read back

    const auto row = [](const char *name, const char *field, const QString &literal, const QString &expected) {
        QTest::newRow(name) << QString::fromLatin1(field) << literal << expected;
    };
    const QString refused = u"refused"_s;
    row("int 2^53", "i", u"9007199254740992"_s, u"9007199254740992"_s);
    row("int -2^53", "i", u"-9007199254740992"_s, u"-9007199254740992"_s);
    row("int 2^53+1", "i", u"9007199254740993"_s, refused);
    row("int -2^53-1", "i", u"-9007199254740993"_s, refused);
    row("int 2^53 as 2^53.0", "i", u"9007199254740992.0"_s, u"9007199254740992"_s);
    row("int 2^53+2 as double", "i", u"9007199254740994.0"_s, refused);
    row("int 2^63-1", "i", u"9223372036854775807"_s, refused);
    row("int 2^63", "i", u"9223372036854775808"_s, refused);
    row("int -2^63-1", "i", u"-9223372036854775809"_s, refused);
    row("int 1e3", "i", u"1e3"_s, u"1000"_s);
    row("int 1.0", "i", u"1.0"_s, u"1"_s);
    row("int 1.5", "i", u"1.5"_s, refused);
    row("int string", "i", u"\"12\""_s, refused);
    row("int 2^52+0.5", "i", u"4503599627370496.5"_s, u"4503599627370496"_s);
    row("double 1e308", "d", u"1e308"_s, u"1e+308"_s);
    row("string 3 emoji", "s", u"\"😀😀😀\""_s, u"\"😀😀😀\""_s);
    row("string 4 emoji", "s", u"\"😀😀😀😀\""_s, refused);
    row("string escaped pair x3", "s", u"\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\""_s, u"\"😀😀😀\""_s);
    row("string e+accent twice", "s", u"\"e\\u0301e\\u0301\""_s, refused);
    row("string e+accent, e", "s", u"\"e\\u0301e\""_s, u"\"e\u0301e\""_s);
    row("string lone high surrogate", "s", u"\"\\ud83d\""_s, refused);
    row("string lone low surrogate", "s", u"\"\\ude00\""_s, refused);
    row("string reversed pair", "s", u"\"\\ude00\\ud83d\""_s, refused);
    row("string NUL inside", "s", u"\"a\\u0000b\""_s, u"\"a\\u0000b\""_s);
    row("datetime Z", "dt", u"\"2026-11-21T10:15:00Z\""_s, u"\"2026-11-21T10:15:00.000Z\""_s);
    row("datetime offset", "dt", u"\"2026-11-21T12:15:00+02:00\""_s, u"\"2026-11-21T10:15:00.000Z\""_s);
    row("datetime without offset", "dt", u"\"2026-11-21T10:15:00\""_s, refused);
    row("datetime without offset, ms", "dt", u"\"2026-11-21T10:15:00.000\""_s, refused);
    row("date only", "dt", u"\"2026-11-21\""_s, refused);
    row("datetime micros", "dt", u"\"2026-11-21T10:15:00.123456Z\""_s, u"\"2026-11-21T10:15:00.123Z\""_s);
    row("datetime year 1 UTC", "dt", u"\"0001-01-01T00:00:00Z\""_s, u"\"0001-01-01T00:00:00.000Z\""_s);
    row("datetime year 0 in UTC", "dt", u"\"0001-01-01T00:30:00+01:00\""_s, refused);
    row("datetime year 9999 end", "dt", u"\"9999-12-31T23:59:59.999Z\""_s, u"\"9999-12-31T23:59:59.999Z\""_s);
    row("datetime year 10000 in UTC", "dt", u"\"9999-12-31T23:30:00-01:00\""_s, refused);
    row("datetime Feb 30", "dt", u"\"2026-02-30T10:00:00Z\""_s, refused);
    row("datetime offset +25:00", "dt", u"\"2026-11-21T10:15:00+25:00\""_s, refused);
    row("datetime garbage after", "dt", u"\"2026-11-21T10:15:00Zjunk\""_s, refused);
    QString deep32 = QString(32, u'[') + QString(32, u']');
    QString deep33 = QString(33, u'[') + QString(33, u']');
    row("json 32 deep", "j", deep32, deep32);
    row("json 33 deep", "j", deep33, refused);
    QString obj32;
    for (int i = 0; i < 32; ++i)
        obj32 += u"{\"k\":"_s;
    obj32 += u"1"_s + QString(32, u'}');
    row("json 32 deep objects", "j", obj32, obj32);
    row("json 33 deep objects", "j", u"{\"k\":"_s + obj32 + u"}"_s, refused);
    row("json lone surrogate value", "j", u"{\"k\":\"\\ud83d\"}"_s, refused);
    row("json lone surrogate key", "j", u"{\"\\ud83d\":1}"_s, refused);
    row("json scalar", "j", u"7"_s, u"7"_s);
    row("bool 0", "b", u"0"_s, refused);
    row("bool string", "b", u"\"true\""_s, refused);
    row("int -0", "i", u"-0"_s, u"0"_s);
    row("int 1E3", "i", u"1E3"_s, u"1000"_s);
    row("int 2^53 in exponent form", "i", u"9.007199254740992e15"_s, u"9007199254740992"_s);
    row("int 1e16", "i", u"1e16"_s, refused);
    row("datetime +00:00 with ms", "dt", u"\"2026-11-21T10:15:00.000+00:00\""_s, u"\"2026-11-21T10:15:00.000Z\""_s);
    row("datetime -00:30 offset", "dt", u"\"2026-11-21T10:15:00-00:30\""_s, u"\"2026-11-21T10:45:00.000Z\""_s);
    // The push takes 6 levels of Qt's 1,024: a json value 1,018 deep is read
    // and refused as a value; 1,019 deep makes the frame unreadable.
    row("json 1018 deep", "j", QString(1018, u'[') + QString(1018, u']'), refused);
    row("json 1019 deep", "j", QString(1019, u'[') + QString(1019, u']'), u"error"_s);
    row("double 1e400", "d", u"1e400"_s, u"error"_s);
}

void tst_ProtocolEdges::valuesAsTheDocSays()
{
    QFETCH(QString, field);
    QFETCH(QString, literal);
    QFETCH(QString, expected);
    ServerConfig big = config();
    ServerConfig::Limits limits = big.limits();
    limits.maxFrameBytes = 1 << 20;
    big.setLimits(limits);
    QVERIFY(startServer(big));
    auto client = connectClient();
    QVERIFY(client);
    const QString frame
        = uR"({"type":"push","transactions":[{"tx":1,"mutations":[{"op":"insert","collection":"things","id":"v","fields":{"%1":%2}}]}]})"_s
              .arg(field, literal);
    client->socket.sendTextMessage(frame);
    const QList<QJsonObject> got = drain(client.get());
    if (expected == u"error"_s) {
        const QStringList a = answers(got);
        QVERIFY2(a.size() == 1 && a.first().startsWith(u"error invalid_message"_s), qPrintable(describe(got)));
        QCOMPARE(storedIds(m_server->url(), u"things"_s), QStringList());
        return;
    }
    if (expected == u"refused"_s) {
        QCOMPARE(answers(got), QStringList { u"reject 1 validation_failed"_s });
        QCOMPARE(storedIds(m_server->url(), u"things"_s), QStringList());
        return;
    }
    QCOMPARE(answers(got), QStringList { u"ack 1"_s });
    RawClient reader;
    QVERIFY(reader.open(m_server->url()));
    QCOMPARE(reader.hello(u"reader"_s).value(u"type"_s).toString(), u"welcome"_s);
    const QJsonArray records = reader.snapshot(u"things"_s);
    QCOMPARE(records.size(), 1);
    const QJsonValue value = records.at(0).toObject().value(u"fields"_s).toObject().value(field);
    const QByteArray text = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    const QByteArray want = QJsonDocument::fromJson(u"[%1]"_s.arg(expected).toUtf8()).toJson(QJsonDocument::Compact);
    QCOMPARE(text, want);
    if (field == u"i"_s)
        QCOMPARE(value.toInteger(), expected.toLongLong());
}

// ---------------------------------------------------------------- output cap

// A raw connection that sends text frames and never reads.
static std::unique_ptr<QTcpSocket> connectNonReader(quint16 port)
{
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
    socket->setReadBufferSize(1);
    return socket;
}

static QByteArray maskedFrame(const QByteArray &payload)
{
    QByteArray bytes("\x81");
    if (payload.size() < 126) {
        bytes += char(0x80 | payload.size());
    } else {
        bytes += char(0x80 | 126);
        bytes += char(payload.size() >> 8);
        bytes += char(payload.size() & 0xff);
    }
    return bytes + QByteArray(4, '\0') + payload;
}

// A client that pings (so it is never silent) and never reads: the pongs
// pile up. The doc: past maxQueuedBytes the connection is closed (4004),
// and memory per connection stays below the cap plus one frame.
void tst_ProtocolEdges::pingFloodWithoutReadingIsBounded()
{
    ServerConfig capped = config();
    ServerConfig::Limits limits = capped.limits();
    limits.maxQueuedBytes = 65536;
    capped.setLimits(limits);
    QVERIFY(startServer(capped));
    auto good = connectClient(u"good"_s);
    QVERIFY(good);
    auto flood = connectNonReader(m_server->port());
    QVERIFY(flood);
    flood->write(maskedFrame(R"({"type":"hello","protocol":1,"clientId":"flood"})"));
    QByteArray burst;
    for (int i = 0; i < 2000; ++i)
        burst += maskedFrame(
            R"({"type":"ping","id":"0123456789012345678901234567890123456789012345678901234567890123456789"})");
    for (int round = 0; round < 400 && m_server->connectionCount() > 1; ++round) {
        flood->write(burst);
        // The server runs on this thread: let it read the burst.
        QTest::qWait(5);
        QVERIFY2(
            m_server->queuedBytes() <= 2 * limits.maxQueuedBytes, qPrintable(QString::number(m_server->queuedBytes())));
    }
    QTRY_COMPARE(m_server->connectionCount(), 1);
    good->send(pushOf({ 1 }));
    QCOMPARE(answers(drain(good.get())), QStringList { u"ack 1"_s });
}

// The same, with a short heartbeat: a replaced connection the server no
// longer reads is silent, so it must at least go within 3 × heartbeatMs.
void tst_ProtocolEdges::replacedNonReadersGoWithinTheHeartbeat()
{
    ServerConfig quick = config();
    ServerConfig::Limits limits = quick.limits();
    limits.heartbeatMs = 100;
    quick.setLimits(limits);
    QVERIFY(startServer(quick));
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 5; ++i) {
        sockets.push_back(connectNonReader(m_server->port()));
        QVERIFY(sockets.back());
        sockets.back()->write(maskedFrame(R"({"type":"hello","protocol":1,"clientId":"same"})"));
        sockets.back()->flush();
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, 10000);
}

QTEST_MAIN(tst_ProtocolEdges)
#include "tst_protocoledges.moc"
