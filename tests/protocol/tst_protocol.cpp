// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The typed messages of src/protocol on their own: each written and read back
// through a real text frame, and each refusing malformed input with the
// words its error gives.

#include "messages_p.h"
#include "protocol_p.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace Optimist::Protocol;

namespace {

QJsonObject parse(const QByteArray &json)
{
    QJsonObject object;
    QString problem;
    if (!decode(json, &object, &problem))
        qFatal("bad test data %s: %s", json.constData(), qPrintable(problem));
    return object;
}

//! Encodes \a message to a frame, decodes the frame, reads the message back.
template<typename M> void checkRoundTrip(const M &message)
{
    const QString frame = encode(message.toJson());
    QJsonObject json;
    QString problem;
    QVERIFY2(decode(frame, &json, &problem), qPrintable(problem));
    const Result<M> back = M::fromJson(json);
    QVERIFY2(bool(back), qPrintable(back.error()));
    QVERIFY2(*back == message, qPrintable(frame));
}

template<typename M> void checkMalformed(const QByteArray &json, const QString &error)
{
    const Result<M> result = M::fromJson(parse(json));
    QVERIFY2(!result, json.constData());
    QCOMPARE(result.error(), error);
}

constexpr qint64 MaxSafe = 9007199254740992;

Optimist::Mutation mutation(Optimist::Mutation::Kind kind, const QString &id, const QVariantMap &fields = {})
{
    return { kind, u"todos"_s, id, fields };
}

//! A push transaction as PushTransaction::read() gives it back.
PushTransaction pushed(qint64 tx, const QList<Optimist::Mutation> &mutations)
{
    return { tx, mutations, mutations.size(), {} };
}

} // namespace

class tst_Protocol : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void errorRoundTrip_data();
    void errorRoundTrip();
    void errorMalformed_data();
    void errorMalformed();
    void errorOptionalFieldsLeftOut();
    void ackRoundTrip_data();
    void ackRoundTrip();
    void ackFrameIsTheEncodedObject();
    void ackMalformed_data();
    void ackMalformed();
    void rejectRoundTrip_data();
    void rejectRoundTrip();
    void rejectMalformed_data();
    void rejectMalformed();
    void welcomeRoundTrip_data();
    void welcomeRoundTrip();
    void welcomeMalformed_data();
    void welcomeMalformed();
    void helloRoundTrip_data();
    void helloRoundTrip();
    void helloMalformed_data();
    void helloMalformed();
    void helloTokenOptional();
    void subscribeRoundTrip_data();
    void subscriptionKeyDefaultsToCollection();
    void subscribeRoundTrip();
    void subscribeWithoutCursorIsNull();
    void subscribeMalformed_data();
    void subscribeMalformed();
    void unsubscribeRoundTrip();
    void unsubscribeMalformed_data();
    void unsubscribeMalformed();
    void snapshotRoundTrip_data();
    void snapshotRoundTrip();
    void snapshotMalformed_data();
    void snapshotMalformed();
    void snapshotSkipsMalformedRecords();
    void deltaRoundTrip_data();
    void deltaRoundTrip();
    void deltaFrameIsTheEncodedObject();
    void deltaMalformed_data();
    void deltaMalformed();
    void pushRoundTrip_data();
    void pushRoundTrip();
    void pushMalformed_data();
    void pushMalformed();
    void pushTransactionProblems_data();
    void pushTransactionProblems();
    void encodedTransactionsMakeThePush_data();
    void encodedTransactionsMakeThePush();
    void storedForm_data();
    void storedForm();
    void pingPongRoundTrip_data();
    void pingPongRoundTrip();
    void pingPongMalformed();
    void messageTypeOfADecodedFrame();
};

void tst_Protocol::errorRoundTrip_data()
{
    QTest::addColumn<ErrorMessage>("message");
    QTest::newRow("plain") << ErrorMessage { u"invalid_message"_s, u"hello first"_s, {}, 0, {}, {} };
    QTest::newRow("empty message") << ErrorMessage { u"internal"_s, {}, {}, 0, {}, {} };
    QTest::newRow("ref") << ErrorMessage { u"forbidden"_s, u"not allowed to read 'x'"_s, u"subscribe"_s, 0, {}, {} };
    QTest::newRow("rate limited") << ErrorMessage { u"rate_limited"_s, u"slow down"_s, u"push"_s, 500, 7, {} };
    QTest::newRow("retryAfterMs at int max")
        << ErrorMessage { u"rate_limited"_s, u"m"_s, {}, std::numeric_limits<int>::max(), {}, {} };
    QTest::newRow("expectedTx 1") << ErrorMessage { u"out_of_order"_s, u"m"_s, u"push"_s, 0, 1, {} };
    QTest::newRow("expectedTx 2^53") << ErrorMessage { u"out_of_order"_s, u"m"_s, u"push"_s, 0, MaxSafe, {} };
    QTest::newRow("refused subscription")
        << ErrorMessage { u"forbidden"_s, u"m"_s, u"subscribe"_s, 0, {}, {}, u"mine"_s };
    QTest::newRow("supported") << ErrorMessage { u"unsupported_protocol"_s, u"protocol 2 is not supported"_s,
        u"hello"_s, 0, {}, { 1 } };
    QTest::newRow("unicode") << ErrorMessage { u"too_large"_s, u"≥ \"quoted\" \\ é\n"_s, {}, 0, {}, {} };
}

void tst_Protocol::errorRoundTrip()
{
    QFETCH(ErrorMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::errorMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString code = u"field 'code' must be a non-empty string"_s;
    QTest::newRow("other type") << R"({"type":"ack","code":"x","message":""})"_ba
                                << u"a message of type 'error' expected"_s;
    QTest::newRow("no code") << R"({"type":"error","message":"m"})"_ba << code;
    QTest::newRow("empty code") << R"({"type":"error","code":"","message":"m"})"_ba << code;
    QTest::newRow("number code") << R"({"type":"error","code":4,"message":"m"})"_ba << code;
    QTest::newRow("no message") << R"({"type":"error","code":"x"})"_ba << u"field 'message' must be a string"_s;
    QTest::newRow("number ref") << R"({"type":"error","code":"x","message":"","ref":1})"_ba
                                << u"field 'ref' must be a string"_s;
    const QString retry = u"field 'retryAfterMs' must be an integer from 0 to 2147483647"_s;
    QTest::newRow("retryAfterMs -1") << R"({"type":"error","code":"x","message":"","retryAfterMs":-1})"_ba << retry;
    QTest::newRow("retryAfterMs one past int")
        << R"({"type":"error","code":"x","message":"","retryAfterMs":2147483648})"_ba << retry;
    QTest::newRow("retryAfterMs 1.5") << R"({"type":"error","code":"x","message":"","retryAfterMs":1.5})"_ba << retry;
    QTest::newRow("retryAfterMs string") << R"({"type":"error","code":"x","message":"","retryAfterMs":"5"})"_ba
                                         << retry;
    const QString expected = u"field 'expectedTx' must be an integer from 1 to 9007199254740992"_s;
    QTest::newRow("expectedTx 0") << R"({"type":"error","code":"x","message":"","expectedTx":0})"_ba << expected;
    QTest::newRow("expectedTx past 2^53")
        << R"({"type":"error","code":"x","message":"","expectedTx":9007199254740994})"_ba << expected;
    QTest::newRow("expectedTx far past") << R"({"type":"error","code":"x","message":"","expectedTx":1e300})"_ba
                                         << expected;
    QTest::newRow("expectedTx string") << R"({"type":"error","code":"x","message":"","expectedTx":"3"})"_ba << expected;
    const QString supported = u"field 'supported' must be an array of versions"_s;
    QTest::newRow("supported number") << R"({"type":"error","code":"x","message":"","supported":1})"_ba << supported;
    QTest::newRow("supported of strings")
        << R"({"type":"error","code":"x","message":"","supported":["1"]})"_ba << supported;
}

void tst_Protocol::errorMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<ErrorMessage>(json, error);
}

void tst_Protocol::errorOptionalFieldsLeftOut()
{
    // The frames the server sends today, byte for byte.
    QCOMPARE(encode(ErrorMessage { u"internal"_s, u"m"_s, {}, 0, {}, {} }.toJson()),
        uR"({"code":"internal","message":"m","type":"error"})"_s);
    QCOMPARE(encode(ErrorMessage { u"rate_limited"_s, u"m"_s, u"push"_s, 1000, 3, {} }.toJson()),
        uR"({"code":"rate_limited","expectedTx":3,"message":"m","ref":"push","retryAfterMs":1000,"type":"error"})"_s);
    // Absent and null optional fields read as absent.
    const Result<ErrorMessage> read
        = ErrorMessage::fromJson(parse(R"({"type":"error","code":"x","message":"m","ref":null,"expectedTx":null})"_ba));
    QVERIFY(read);
    QVERIFY(read->ref.isEmpty());
    QVERIFY(!read->expectedTx);
}

void tst_Protocol::ackRoundTrip_data()
{
    QTest::addColumn<AckMessage>("message");
    QTest::newRow("tx 1, no cursors") << AckMessage { 1, {} };
    QTest::newRow("one cursor") << AckMessage { 42, { { u"todos"_s, u"120"_s } } };
    QTest::newRow("several cursors") << AckMessage { 7, { { u"b"_s, u"3"_s }, { u"a"_s, u"2"_s } } };
    QTest::newRow("escaped names") << AckMessage { 8, { { u"qu\"o\\te é"_s, u"1"_s } } };
    QTest::newRow("tx 2^53") << AckMessage { MaxSafe, { { u"todos"_s, u"1"_s } } };
}

void tst_Protocol::ackRoundTrip()
{
    QFETCH(AckMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::ackFrameIsTheEncodedObject()
{
    // The hand-written frame of the server's hot path is what the generic
    // encoder makes of the same ack.
    for (const AckMessage &ack : { AckMessage { 1, {} }, AckMessage { 42, { { u"todos"_s, u"120"_s } } },
             AckMessage { MaxSafe, { { u"z"_s, u"1"_s }, { u"a\"\\"_s, u"2"_s } } } }) {
        QCOMPARE(ack.toFrame(), encode(ack.toJson()));
        QCOMPARE(AckMessage::frame(encode(ack.cursors), ack.tx), encode(ack.toJson()));
    }
}

void tst_Protocol::ackMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString tx = u"field 'tx' must be an integer from 1 to 9007199254740992"_s;
    const QString cursors = u"field 'cursors' must be an object of strings"_s;
    QTest::newRow("other type") << R"({"type":"reject","tx":1,"cursors":{}})"_ba
                                << u"a message of type 'ack' expected"_s;
    QTest::newRow("no tx") << R"({"type":"ack","cursors":{}})"_ba << tx;
    QTest::newRow("tx 0") << R"({"type":"ack","tx":0,"cursors":{}})"_ba << tx;
    QTest::newRow("tx -1") << R"({"type":"ack","tx":-1,"cursors":{}})"_ba << tx;
    QTest::newRow("tx 1.5") << R"({"type":"ack","tx":1.5,"cursors":{}})"_ba << tx;
    QTest::newRow("tx one past 2^53") << R"({"type":"ack","tx":9007199254740994,"cursors":{}})"_ba << tx;
    QTest::newRow("tx string") << R"({"type":"ack","tx":"1","cursors":{}})"_ba << tx;
    QTest::newRow("no cursors") << R"({"type":"ack","tx":1})"_ba << cursors;
    QTest::newRow("cursors array") << R"({"type":"ack","tx":1,"cursors":["1"]})"_ba << cursors;
    QTest::newRow("cursor a number") << R"({"type":"ack","tx":1,"cursors":{"todos":120}})"_ba << cursors;
    QTest::newRow("cursor null") << R"({"type":"ack","tx":1,"cursors":{"a":"1","todos":null}})"_ba << cursors;
}

void tst_Protocol::ackMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<AckMessage>(json, error);
}

void tst_Protocol::rejectRoundTrip_data()
{
    QTest::addColumn<RejectMessage>("message");
    QTest::newRow("validation") << RejectMessage { 43, u"validation_failed"_s,
        u"field 'title' is longer than 200 characters: got 214"_s, false };
    QTest::newRow("retryable") << RejectMessage { 1, u"internal"_s, u"database error"_s, true };
    QTest::newRow("empty message") << RejectMessage { MaxSafe, u"conflict"_s, {}, false };
}

void tst_Protocol::rejectRoundTrip()
{
    QFETCH(RejectMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::rejectMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString tx = u"field 'tx' must be an integer from 1 to 9007199254740992"_s;
    QTest::newRow("other type") << R"({"type":"ack","tx":1,"code":"x","message":"","retryable":false})"_ba
                                << u"a message of type 'reject' expected"_s;
    QTest::newRow("tx 0") << R"({"type":"reject","tx":0,"code":"x","message":"","retryable":false})"_ba << tx;
    QTest::newRow("tx one past 2^53")
        << R"({"type":"reject","tx":9007199254740994,"code":"x","message":"","retryable":false})"_ba << tx;
    QTest::newRow("no code") << R"({"type":"reject","tx":1,"message":"","retryable":false})"_ba
                             << u"field 'code' must be a non-empty string"_s;
    QTest::newRow("message number") << R"({"type":"reject","tx":1,"code":"x","message":5,"retryable":false})"_ba
                                    << u"field 'message' must be a string"_s;
    const QString retryable = u"field 'retryable' must be true or false"_s;
    QTest::newRow("no retryable") << R"({"type":"reject","tx":1,"code":"x","message":""})"_ba << retryable;
    QTest::newRow("retryable 0") << R"({"type":"reject","tx":1,"code":"x","message":"","retryable":0})"_ba << retryable;
}

void tst_Protocol::rejectMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<RejectMessage>(json, error);
}

void tst_Protocol::welcomeRoundTrip_data()
{
    QTest::addColumn<WelcomeMessage>("message");
    QTest::newRow("reference defaults") << WelcomeMessage { 1, u"3f6c"_s, u"b1e"_s, 15000, 41, { 1048576, 1000, 256 } };
    QTest::newRow("fresh client, no limits") << WelcomeMessage { 1, u"c"_s, u"s"_s, 100, 0, {} };
    QTest::newRow("some limits") << WelcomeMessage { 1, u"c"_s, {}, 1, MaxSafe, { 64, {}, {} } };
    QTest::newRow("limits at the boundary")
        << WelcomeMessage { 1, u"c"_s, u"s"_s, std::numeric_limits<int>::max(), 1, { 1, MaxSafe, 1 } };
    QTest::newRow("protocol 2, signed in") << WelcomeMessage { 2, u"c"_s, u"s"_s, 100, 0, {}, u"alice"_s };
}

void tst_Protocol::welcomeRoundTrip()
{
    QFETCH(WelcomeMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::welcomeMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QByteArray head = R"({"type":"welcome","protocol":1,"clientId":"c","serverId":"s",)"_ba;
    const QString lastTx = u"field 'lastTx' must be an integer from 0 to 9007199254740992"_s;
    const QString heartbeat = u"field 'heartbeatMs' must be an integer from 1 to 2147483647"_s;
    QTest::newRow("other type") << R"({"type":"ack","protocol":1,"clientId":"c","serverId":"s"})"_ba
                                << u"a message of type 'welcome' expected"_s;
    QTest::newRow("protocol 0") << R"({"type":"welcome","protocol":0,"clientId":"c","serverId":"s",)"
                                   R"("heartbeatMs":1,"lastTx":0})"_ba
                                << u"field 'protocol' must be an integer from 1 to 9007199254740992"_s;
    QTest::newRow("empty clientId") << R"({"type":"welcome","protocol":1,"clientId":"","serverId":"s",)"
                                       R"("heartbeatMs":1,"lastTx":0})"_ba
                                    << u"field 'clientId' must be a non-empty string"_s;
    QTest::newRow("no serverId") << R"({"type":"welcome","protocol":1,"clientId":"c","heartbeatMs":1,"lastTx":0})"_ba
                                 << u"field 'serverId' must be a string"_s;
    QTest::newRow("no heartbeatMs") << head + R"("lastTx":0})" << heartbeat;
    QTest::newRow("heartbeatMs 0") << head + R"("heartbeatMs":0,"lastTx":0})" << heartbeat;
    QTest::newRow("heartbeatMs one past int") << head + R"("heartbeatMs":2147483648,"lastTx":0})" << heartbeat;
    QTest::newRow("no lastTx") << head + R"("heartbeatMs":1})" << lastTx;
    QTest::newRow("lastTx -1") << head + R"("heartbeatMs":1,"lastTx":-1})" << lastTx;
    QTest::newRow("lastTx one past 2^53") << head + R"("heartbeatMs":1,"lastTx":9007199254740994})" << lastTx;
    QTest::newRow("limits array") << head + R"("heartbeatMs":1,"lastTx":0,"limits":[]})"
                                  << u"field 'limits' must be an object"_s;
    QTest::newRow("maxFrameBytes 0")
        << head + R"("heartbeatMs":1,"lastTx":0,"limits":{"maxFrameBytes":0}})"
        << u"limits: field 'maxFrameBytes' must be an integer from 1 to 9007199254740992"_s;
    QTest::newRow("maxPendingPushes string")
        << head + R"("heartbeatMs":1,"lastTx":0,"limits":{"maxPendingPushes":"9"}})"
        << u"limits: field 'maxPendingPushes' must be an integer from 1 to 9007199254740992"_s;
}

void tst_Protocol::welcomeMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<WelcomeMessage>(json, error);
}

void tst_Protocol::helloRoundTrip_data()
{
    QTest::addColumn<HelloMessage>("message");
    QTest::newRow("with token") << HelloMessage { 1, u"3f6c"_s, u"secret"_s };
    QTest::newRow("empty token") << HelloMessage { 1, u"c"_s, {} };
    // Any integer: the server answers an unknown version itself.
    QTest::newRow("version 2") << HelloMessage { 2, u"c"_s, {} };
    QTest::newRow("version -2^53") << HelloMessage { -MaxSafe, u"c"_s, {} };
    QTest::newRow("clientId of 128 characters") << HelloMessage { 1, QString(128, u'x'), {} };
    QTest::newRow("clientId of 128 emoji (256 UTF-16 units)") << HelloMessage { 1, u"😀"_s.repeated(128), {} };
}

void tst_Protocol::helloRoundTrip()
{
    QFETCH(HelloMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::helloMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString protocol = u"field 'protocol' must be an integer"_s;
    const QString clientId = u"field 'clientId' must be a string of 1 to 128 characters"_s;
    const QString token = u"field 'token' must be a string"_s;
    QTest::newRow("other type") << R"({"type":"welcome","protocol":1,"clientId":"c"})"_ba
                                << u"a message of type 'hello' expected"_s;
    QTest::newRow("no protocol") << R"({"type":"hello","clientId":"c"})"_ba << protocol;
    QTest::newRow("protocol 1.5") << R"({"type":"hello","protocol":1.5,"clientId":"c"})"_ba << protocol;
    QTest::newRow("protocol string") << R"({"type":"hello","protocol":"1","clientId":"c"})"_ba << protocol;
    QTest::newRow("protocol one past -2^53")
        << R"({"type":"hello","protocol":-9007199254740994,"clientId":"c"})"_ba << protocol;
    QTest::newRow("protocol far past") << R"({"type":"hello","protocol":1e300,"clientId":"c"})"_ba << protocol;
    QTest::newRow("protocol first") << R"({"type":"hello","protocol":null,"clientId":7})"_ba << protocol;
    QTest::newRow("no clientId") << R"({"type":"hello","protocol":1})"_ba << clientId;
    QTest::newRow("empty clientId") << R"({"type":"hello","protocol":1,"clientId":""})"_ba << clientId;
    QTest::newRow("clientId number") << R"({"type":"hello","protocol":1,"clientId":5})"_ba << clientId;
    QTest::newRow("clientId of 129 characters")
        << R"({"type":"hello","protocol":1,"clientId":")" + QByteArray(129, 'x') + R"("})" << clientId;
    QTest::newRow("clientId of 129 emoji")
        << R"({"type":"hello","protocol":1,"clientId":")" + u"😀"_s.repeated(129).toUtf8() + R"("})" << clientId;
    QTest::newRow("token number") << R"({"type":"hello","protocol":1,"clientId":"c","token":5})"_ba << token;
    QTest::newRow("token object") << R"({"type":"hello","protocol":1,"clientId":"c","token":{}})"_ba << token;
}

void tst_Protocol::helloMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<HelloMessage>(json, error);
}

void tst_Protocol::helloTokenOptional()
{
    for (const QByteArray &json : { R"({"type":"hello","protocol":1,"clientId":"c"})"_ba,
             R"({"type":"hello","protocol":1,"clientId":"c","token":null})"_ba }) {
        const Result<HelloMessage> hello = HelloMessage::fromJson(parse(json));
        QVERIFY2(hello, qPrintable(hello.error()));
        QCOMPARE(*hello, (HelloMessage { 1, u"c"_s, {} }));
    }
    // The client always sends one.
    QCOMPARE(encode(HelloMessage { 1, u"c"_s, {} }.toJson()),
        uR"({"clientId":"c","protocol":1,"token":"","type":"hello"})"_s);
}

void tst_Protocol::subscribeRoundTrip_data()
{
    QTest::addColumn<SubscribeMessage>("message");
    QTest::newRow("first load") << SubscribeMessage { u"todos"_s, {} };
    QTest::newRow("with cursor") << SubscribeMessage { u"todos"_s, u"118"_s };
    QTest::newRow("cursor kept as text") << SubscribeMessage { u"é\"s"_s, u" 01"_s };
    QTest::newRow("protocol 2, named") << SubscribeMessage { u"todos"_s, u"7"_s, u"mine"_s };
    QTest::newRow("protocol 2, filtered") << SubscribeMessage { u"todos"_s, {}, u"list"_s,
        u"record.list == $list && record.done != true"_s, QJsonObject { { u"list"_s, u"groceries"_s } } };
}

void tst_Protocol::subscriptionKeyDefaultsToCollection()
{
    QCOMPARE(SubscribeMessage { u"todos"_s }.key(), u"todos"_s);
    QCOMPARE((SubscribeMessage { u"todos"_s, {}, u"mine"_s }.key()), u"mine"_s);
    QCOMPARE(UnsubscribeMessage { u"todos"_s }.key(), u"todos"_s);
    QCOMPARE((UnsubscribeMessage { u"todos"_s, u"mine"_s }.key()), u"mine"_s);
    // Left out when not named, so a protocol 1 peer sees what it always saw.
    QCOMPARE(encode(DeltaMessage { u"t"_s, u"1"_s, u"2"_s }.toJson()),
        uR"({"changes":[],"collection":"t","cursor":"2","prevCursor":"1","type":"delta"})"_s);
    QCOMPARE(encode(DeltaMessage { u"t"_s, u"1"_s, u"2"_s, {}, {}, u"s"_s }.toJson()),
        DeltaMessage::frame(u"t"_s, 1, 2, {}, u"s"_s));
}

void tst_Protocol::subscribeRoundTrip()
{
    QFETCH(SubscribeMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::subscribeWithoutCursorIsNull()
{
    QCOMPARE(encode(SubscribeMessage { u"todos"_s, {} }.toJson()),
        uR"({"collection":"todos","cursor":null,"type":"subscribe"})"_s);
    const Result<SubscribeMessage> absent
        = SubscribeMessage::fromJson(parse(R"({"type":"subscribe","collection":"t"})"));
    QVERIFY(absent);
    QVERIFY(absent->cursor.isEmpty());
}

void tst_Protocol::subscribeMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString collection = u"field 'collection' must be a non-empty string"_s;
    const QString cursor = u"field 'cursor' must be a string or null"_s;
    QTest::newRow("other type") << R"({"type":"unsubscribe","collection":"t"})"_ba
                                << u"a message of type 'subscribe' expected"_s;
    QTest::newRow("no collection") << R"({"type":"subscribe"})"_ba << collection;
    QTest::newRow("empty collection") << R"({"type":"subscribe","collection":""})"_ba << collection;
    QTest::newRow("collection number") << R"({"type":"subscribe","collection":1})"_ba << collection;
    QTest::newRow("cursor number") << R"({"type":"subscribe","collection":"t","cursor":118})"_ba << cursor;
    QTest::newRow("cursor object") << R"({"type":"subscribe","collection":"t","cursor":{}})"_ba << cursor;
    QTest::newRow("cursor false") << R"({"type":"subscribe","collection":"t","cursor":false})"_ba << cursor;
    QTest::newRow("empty subscription") << R"({"type":"subscribe","collection":"t","subscription":""})"_ba
                                        << u"field 'subscription' must be a non-empty string"_s;
    QTest::newRow("subscription number") << R"({"type":"subscribe","collection":"t","subscription":1})"_ba
                                         << u"field 'subscription' must be a non-empty string"_s;
    QTest::newRow("filter number") << R"({"type":"subscribe","collection":"t","filter":1})"_ba
                                   << u"field 'filter' must be a string"_s;
    QTest::newRow("params array") << R"({"type":"subscribe","collection":"t","params":[1]})"_ba
                                  << u"field 'params' must be an object"_s;
}

void tst_Protocol::subscribeMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<SubscribeMessage>(json, error);
}

void tst_Protocol::unsubscribeRoundTrip()
{
    checkRoundTrip(UnsubscribeMessage { u"todos"_s });
    checkRoundTrip(UnsubscribeMessage { u"todos"_s, u"mine"_s });
    QCOMPARE(encode(UnsubscribeMessage { u"todos"_s }.toJson()), uR"({"collection":"todos","type":"unsubscribe"})"_s);
}

void tst_Protocol::unsubscribeMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString collection = u"field 'collection' must be a non-empty string"_s;
    QTest::newRow("other type") << R"({"type":"subscribe","collection":"t"})"_ba
                                << u"a message of type 'unsubscribe' expected"_s;
    QTest::newRow("no collection") << R"({"type":"unsubscribe"})"_ba << collection;
    QTest::newRow("empty collection") << R"({"type":"unsubscribe","collection":""})"_ba << collection;
    QTest::newRow("collection array") << R"({"type":"unsubscribe","collection":["t"]})"_ba << collection;
}

void tst_Protocol::unsubscribeMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<UnsubscribeMessage>(json, error);
}

void tst_Protocol::snapshotRoundTrip_data()
{
    using Record = SnapshotMessage::Record;
    QTest::addColumn<SnapshotMessage>("message");
    QTest::newRow("empty collection") << SnapshotMessage { u"todos"_s, u"0"_s, 0, true, {}, {} };
    QTest::newRow("protocol 2, named subscription")
        << SnapshotMessage { u"todos"_s, u"3"_s, 1, true, {}, {}, u"mine"_s };
    const QJsonObject milk { { u"title"_s, u"Buy milk"_s }, { u"done"_s, false } };
    QTest::newRow("records with and without rev") << SnapshotMessage { u"todos"_s, u"120"_s, 0, false,
        { Record { u"a1"_s, 117, milk }, Record { u"b2"_s, 0, {} } }, {} };
    QTest::newRow("rev 2^53, chunk INT_MAX") << SnapshotMessage { u"todos"_s, u"9"_s, std::numeric_limits<int>::max(),
        true, { Record { u"a"_s, quint64(MaxSafe), milk } }, {} };
}

void tst_Protocol::snapshotRoundTrip()
{
    QFETCH(SnapshotMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::snapshotMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QByteArray head = R"({"type":"snapshot","collection":"t","cursor":"1",)"_ba;
    const QString chunk = u"field 'chunk' must be an integer from 0 to 2147483647"_s;
    const QString last = u"field 'last' must be true or false"_s;
    QTest::newRow("other type")
        << R"({"type":"delta","collection":"t","cursor":"1","chunk":0,"last":true,"records":[]})"_ba
        << u"a message of type 'snapshot' expected"_s;
    QTest::newRow("no collection") << R"({"type":"snapshot","cursor":"1","chunk":0,"last":true,"records":[]})"_ba
                                   << u"field 'collection' must be a non-empty string"_s;
    QTest::newRow("cursor number")
        << R"({"type":"snapshot","collection":"t","cursor":1,"chunk":0,"last":true,"records":[]})"_ba
        << u"field 'cursor' must be a string"_s;
    QTest::newRow("no chunk") << head + R"("last":true,"records":[]})" << chunk;
    QTest::newRow("chunk -1") << head + R"("chunk":-1,"last":true,"records":[]})" << chunk;
    QTest::newRow("chunk 0.5") << head + R"("chunk":0.5,"last":true,"records":[]})" << chunk;
    QTest::newRow("chunk one past INT_MAX") << head + R"("chunk":2147483648,"last":true,"records":[]})" << chunk;
    QTest::newRow("chunk far past") << head + R"("chunk":1e300,"last":true,"records":[]})" << chunk;
    QTest::newRow("no last") << head + R"("chunk":0,"records":[]})" << last;
    QTest::newRow("last 1") << head + R"("chunk":0,"last":1,"records":[]})" << last;
    QTest::newRow("last string") << head + R"("chunk":0,"last":"true","records":[]})" << last;
    QTest::newRow("no records") << head + R"("chunk":0,"last":true})" << u"field 'records' must be an array"_s;
    QTest::newRow("records object") << head + R"("chunk":0,"last":true,"records":{}})"
                                    << u"field 'records' must be an array"_s;
}

void tst_Protocol::snapshotMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<SnapshotMessage>(json, error);
}

void tst_Protocol::snapshotSkipsMalformedRecords()
{
    const Result<SnapshotMessage> snapshot = SnapshotMessage::fromJson(
        parse(R"({"type":"snapshot","collection":"t","cursor":"1","chunk":0,"last":true,"records":[)"
              R"(5,{"id":"a","fields":{"x":1}},{"id":"b"},{"id":"c","rev":0,"fields":{}},)"
              R"({"id":"","fields":{}},{"id":"d","rev":2,"fields":{}}]})"));
    QVERIFY2(snapshot, qPrintable(snapshot.error()));
    QCOMPARE(snapshot->records.size(), 2);
    QCOMPARE(snapshot->records.at(0).id, u"a"_s);
    QCOMPARE(snapshot->records.at(0).revision, 0u);
    QCOMPARE(snapshot->records.at(0).fields, (QJsonObject { { u"x"_s, 1 } }));
    QCOMPARE(snapshot->records.at(1).id, u"d"_s);
    QCOMPARE(snapshot->records.at(1).revision, 2u);
    QCOMPARE(snapshot->skipped,
        QStringList({ u"a snapshot record must be an object"_s, u"a snapshot record is {id, rev, fields}"_s,
            u"field 'rev' must be a positive integer"_s, u"field 'id' must be a non-empty string"_s }));
}

void tst_Protocol::deltaRoundTrip_data()
{
    using Optimist::RecordChange;
    QTest::addColumn<DeltaMessage>("message");
    const QVariantMap milk { { u"title"_s, u"Buy oat milk"_s }, { u"done"_s, false } };
    QTest::newRow("no changes") << DeltaMessage { u"todos"_s, u"118"_s, u"120"_s, {}, {} };
    QTest::newRow("upsert and remove") << DeltaMessage { u"todos"_s, u"118"_s, u"120"_s,
        { RecordChange::upsert(u"a1"_s, milk, 120), RecordChange::remove(u"b7"_s) }, {} };
    QTest::newRow("upsert without rev, acks")
        << DeltaMessage { u"todos"_s, u"1"_s, u"2"_s, { RecordChange::upsert(u"a"_s, {}) }, { 1, 42, MaxSafe } };
    QTest::newRow("same record twice") << DeltaMessage { u"t"_s, u"1"_s, u"3"_s,
        { RecordChange::upsert(u"a"_s, milk, 2), RecordChange::upsert(u"a"_s, {}, 3) }, { 7 } };
    QTest::newRow("protocol 2, named subscription")
        << DeltaMessage { u"t"_s, u"1"_s, u"9"_s, { RecordChange::remove(u"b"_s) }, { 3 }, u"mine"_s };
}

void tst_Protocol::deltaRoundTrip()
{
    QFETCH(DeltaMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::deltaFrameIsTheEncodedObject()
{
    // The server's fan-out frame, with and without a pusher's acks, reads
    // back as the typed delta.
    using Optimist::RecordChange;
    const QList<RecordChange> changes { RecordChange::upsert(u"a1"_s, { { u"title"_s, u"é"_s } }, 120),
        RecordChange::remove(u"b7"_s) };
    QJsonArray changesJson;
    for (const RecordChange &change : changes)
        changesJson.append(toJson(change));
    const QString frame = DeltaMessage::frame(u"todos"_s, 118, 120, changesJson);
    DeltaMessage expected { u"todos"_s, u"118"_s, u"120"_s, changes, {} };
    QCOMPARE(frame, encode(expected.toJson()));
    const QString withAcks = DeltaMessage::withAcks(frame, QJsonArray { 42, 43 });
    QVERIFY(withAcks.endsWith(uR"(,"acks":[42,43]})"_s));
    QJsonObject json;
    QString problem;
    QVERIFY2(decode(withAcks, &json, &problem), qPrintable(problem));
    expected.acks = { 42, 43 };
    const Result<DeltaMessage> back = DeltaMessage::fromJson(json);
    QVERIFY2(back, qPrintable(back.error()));
    QVERIFY(*back == expected);
}

void tst_Protocol::deltaMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QByteArray head = R"({"type":"delta","collection":"t","prevCursor":"1","cursor":"2",)"_ba;
    const QString acks = u"field 'acks' must be an array of integers ≥ 1"_s;
    const QString change = u"a change is {op: upsert, id, fields} or {op: remove, id}"_s;
    QTest::newRow("other type")
        << R"({"type":"snapshot","collection":"t","prevCursor":"1","cursor":"2","changes":[]})"_ba
        << u"a message of type 'delta' expected"_s;
    QTest::newRow("no collection") << R"({"type":"delta","prevCursor":"1","cursor":"2","changes":[]})"_ba
                                   << u"field 'collection' must be a non-empty string"_s;
    QTest::newRow("prevCursor number")
        << R"({"type":"delta","collection":"t","prevCursor":1,"cursor":"2","changes":[]})"_ba
        << u"field 'prevCursor' must be a string"_s;
    QTest::newRow("no cursor") << R"({"type":"delta","collection":"t","prevCursor":"1","changes":[]})"_ba
                               << u"field 'cursor' must be a string"_s;
    QTest::newRow("no changes") << head.chopped(1) + "}" << u"field 'changes' must be an array"_s;
    QTest::newRow("changes object") << head + R"("changes":{}})" << u"field 'changes' must be an array"_s;
    QTest::newRow("change a number") << head + R"("changes":[1]})" << u"a change must be an object"_s;
    QTest::newRow("change without op") << head + R"("changes":[{"id":"a"}]})"
                                       << u"field 'op' must be a non-empty string"_s;
    QTest::newRow("change without id") << head + R"("changes":[{"op":"remove"}]})"
                                       << u"field 'id' must be a non-empty string"_s;
    QTest::newRow("unknown op") << head + R"("changes":[{"op":"insert","id":"a","fields":{}}]})" << change;
    QTest::newRow("upsert without fields") << head + R"("changes":[{"op":"upsert","id":"a"}]})" << change;
    QTest::newRow("rev 0") << head + R"("changes":[{"op":"upsert","id":"a","rev":0,"fields":{}}]})"
                           << u"field 'rev' must be a positive integer"_s;
    QTest::newRow("rev past 2^53") << head
            + R"("changes":[{"op":"upsert","id":"a","rev":9007199254740994,"fields":{}}]})"
                                   << u"field 'rev' must be a positive integer"_s;
    QTest::newRow("acks object") << head + R"("changes":[],"acks":{}})" << acks;
    QTest::newRow("ack 0") << head + R"("changes":[],"acks":[0]})" << acks;
    QTest::newRow("ack 1.5") << head + R"("changes":[],"acks":[1.5]})" << acks;
    QTest::newRow("ack string") << head + R"("changes":[],"acks":["1"]})" << acks;
    QTest::newRow("ack one past 2^53") << head + R"("changes":[],"acks":[9007199254740994]})" << acks;
}

void tst_Protocol::deltaMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<DeltaMessage>(json, error);
}

void tst_Protocol::pushRoundTrip_data()
{
    using Kind = Optimist::Mutation::Kind;
    QTest::addColumn<PushMessage>("message");
    QTest::newRow("empty, no settledTx") << PushMessage { {}, {} };
    QTest::newRow("settledTx 0") << PushMessage { 0, { pushed(1, {}) } };
    QTest::newRow("three mutations") << PushMessage { 41,
        { pushed(42,
            { mutation(Kind::Insert, u"a1"_s, { { u"title"_s, u"Buy milk"_s }, { u"done"_s, false } }),
                mutation(Kind::Update, u"c3"_s, { { u"done"_s, true } }), mutation(Kind::Remove, u"b7"_s) }) } };
    QTest::newRow("several, settledTx 2^53")
        << PushMessage { MaxSafe, { pushed(1, { mutation(Kind::Remove, u"x"_s) }), pushed(MaxSafe, {}) } };
}

void tst_Protocol::pushRoundTrip()
{
    QFETCH(PushMessage, message);
    checkRoundTrip(message);
}

void tst_Protocol::pushMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    const QString transactions = u"field 'transactions' must be an array"_s;
    const QString settled = u"field 'settledTx' must be an integer ≥ 0"_s;
    QTest::newRow("other type") << R"({"type":"ack","transactions":[]})"_ba << u"a message of type 'push' expected"_s;
    QTest::newRow("no transactions") << R"({"type":"push"})"_ba << transactions;
    QTest::newRow("transactions object") << R"({"type":"push","transactions":{}})"_ba << transactions;
    QTest::newRow("transactions before settledTx") << R"({"type":"push","settledTx":-1})"_ba << transactions;
    QTest::newRow("settledTx -1") << R"({"type":"push","settledTx":-1,"transactions":[]})"_ba << settled;
    QTest::newRow("settledTx 0.5") << R"({"type":"push","settledTx":0.5,"transactions":[]})"_ba << settled;
    QTest::newRow("settledTx string") << R"({"type":"push","settledTx":"0","transactions":[]})"_ba << settled;
    QTest::newRow("settledTx one past 2^53")
        << R"({"type":"push","settledTx":9007199254740994,"transactions":[]})"_ba << settled;
}

void tst_Protocol::pushMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    checkMalformed<PushMessage>(json, error);
}

void tst_Protocol::pushTransactionProblems_data()
{
    // What is wrong inside a transaction is a value in it, not a failure
    // of the push: the server rejects that transaction, or stops there.
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<qint64>("tx");
    QTest::addColumn<qsizetype>("mutationCount");
    QTest::addColumn<QString>("malformed");
    const QString mutations = u"field 'mutations' must be an array"_s;
    const QByteArray good = R"({"op":"remove","collection":"t","id":"a"})"_ba;
    QTest::newRow("not an object") << "5"_ba << qint64(0) << qsizetype(0) << mutations;
    QTest::newRow("no tx") << R"({"mutations":[]})"_ba << qint64(0) << qsizetype(0) << QString();
    QTest::newRow("tx 0") << R"({"tx":0,"mutations":[]})"_ba << qint64(0) << qsizetype(0) << QString();
    QTest::newRow("tx 1") << R"({"tx":1,"mutations":[]})"_ba << qint64(1) << qsizetype(0) << QString();
    QTest::newRow("tx 1.5") << R"({"tx":1.5,"mutations":[]})"_ba << qint64(0) << qsizetype(0) << QString();
    QTest::newRow("tx string") << R"({"tx":"1","mutations":[]})"_ba << qint64(0) << qsizetype(0) << QString();
    QTest::newRow("tx 2^53") << R"({"tx":9007199254740992,"mutations":[]})"_ba << MaxSafe << qsizetype(0) << QString();
    QTest::newRow("tx one past 2^53") << R"({"tx":9007199254740994,"mutations":[]})"_ba << qint64(0) << qsizetype(0)
                                      << QString();
    QTest::newRow("no mutations") << R"({"tx":3})"_ba << qint64(3) << qsizetype(0) << mutations;
    QTest::newRow("mutations object") << R"({"tx":3,"mutations":{}})"_ba << qint64(3) << qsizetype(0) << mutations;
    QTest::newRow("mutation a number") << R"({"tx":3,"mutations":[)" + good + R"(,1,)" + good + "]}" << qint64(3)
                                       << qsizetype(3) << u"a mutation must be an object"_s;
    QTest::newRow("unknown op") << R"({"tx":3,"mutations":[{"op":"upsert","collection":"t","id":"a"}]})"_ba << qint64(3)
                                << qsizetype(1) << u"unknown op 'upsert'"_s;
    QTest::newRow("empty collection") << R"({"tx":3,"mutations":[{"op":"remove","collection":"","id":"a"}]})"_ba
                                      << qint64(3) << qsizetype(1)
                                      << u"field 'collection' must be a non-empty string"_s;
    QTest::newRow("id number") << R"({"tx":3,"mutations":[{"op":"remove","collection":"t","id":1}]})"_ba << qint64(3)
                               << qsizetype(1) << u"field 'id' must be a non-empty string"_s;
    QTest::newRow("insert without fields") << R"({"tx":3,"mutations":[{"op":"insert","collection":"t","id":"a"}]})"_ba
                                           << qint64(3) << qsizetype(1) << u"field 'fields' must be an object"_s;
    QTest::newRow("update fields array")
        << R"({"tx":3,"mutations":[{"op":"update","collection":"t","id":"a","fields":[]}]})"_ba << qint64(3)
        << qsizetype(1) << u"field 'fields' must be an object"_s;
}

void tst_Protocol::pushTransactionProblems()
{
    QFETCH(QByteArray, json);
    QFETCH(qint64, tx);
    QFETCH(qsizetype, mutationCount);
    QFETCH(QString, malformed);
    const Result<PushMessage> push = PushMessage::fromJson(parse(R"({"type":"push","transactions":[)" + json + "]}"));
    QVERIFY2(push, qPrintable(push.error()));
    QCOMPARE(push->transactions.size(), 1);
    const PushTransaction &transaction = push->transactions.constFirst();
    QCOMPARE(transaction.tx, tx);
    QCOMPARE(transaction.mutationCount, mutationCount);
    QCOMPARE(transaction.malformed, malformed);
    if (!malformed.isEmpty())
        QVERIFY(transaction.mutations.isEmpty());
    else
        QCOMPARE(transaction.mutations.size(), mutationCount);
}

void tst_Protocol::encodedTransactionsMakeThePush_data()
{
    using Kind = Optimist::Mutation::Kind;
    QTest::addColumn<PushMessage>("message");
    QTest::newRow("one, empty") << PushMessage { 0, { pushed(1, {}) } };
    QTest::newRow("non-ASCII text") << PushMessage { 9,
        { pushed(10, { mutation(Kind::Insert, u"é"_s, { { u"title"_s, u"😀 \"q\""_s } }) }) } };
    QTest::newRow("several") << PushMessage { 41,
        { pushed(42, { mutation(Kind::Remove, u"a"_s) }), pushed(43, {}),
            pushed(MaxSafe, { mutation(Kind::Update, u"b"_s, { { u"done"_s, true } }) }) } };
}

void tst_Protocol::encodedTransactionsMakeThePush()
{
    // The client's push, built from transactions encoded once, is the push
    // message, and the sizes it measures add up to the frame's UTF-8 size.
    QFETCH(PushMessage, message);
    QByteArray frame = PushFrame::prefix(*message.settledTx);
    qsizetype measured = frame.size() + PushFrame::Suffix.size();
    for (const PushTransaction &transaction : std::as_const(message.transactions)) {
        EncodedTransaction encoded(PushTransaction { 0, transaction.mutations, 0, {} });
        QCOMPARE(encoded.tx(), 0);
        QVERIFY(!encoded.json().contains(u"tx"_s));
        encoded.setTx(transaction.tx);
        QCOMPARE(encoded.tx(), transaction.tx);
        QCOMPARE(encoded.mutationCount(), transaction.mutations.size());
        QVERIFY(encoded.read() == transaction);
        if (&transaction != &message.transactions.constFirst()) {
            frame.append(',');
            ++measured;
        }
        encoded.appendTo(&frame);
        measured += encoded.bytes(transaction.tx);
    }
    frame.append(PushFrame::Suffix);
    QCOMPARE(frame.size(), measured);
    QJsonObject json;
    QString problem;
    QVERIFY2(decode(frame, &json, &problem), qPrintable(problem));
    const Result<PushMessage> back = PushMessage::fromJson(json);
    QVERIFY2(back, qPrintable(back.error()));
    QVERIFY2(*back == message, frame.constData());
}

void tst_Protocol::storedForm_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("stored");
    QTest::newRow("unnumbered") << R"({"mutations":[]})"_ba << true;
    QTest::newRow("numbered") << R"({"tx":7,"mutations":[]})"_ba << true;
    QTest::newRow("no mutations") << R"({"tx":7})"_ba << false;
    QTest::newRow("mutations object") << R"({"mutations":{}})"_ba << false;
    QTest::newRow("tx 0") << R"({"tx":0,"mutations":[]})"_ba << false;
    QTest::newRow("tx null") << R"({"tx":null,"mutations":[]})"_ba << false;
    QTest::newRow("tx string") << R"({"tx":"7","mutations":[]})"_ba << false;
}

void tst_Protocol::storedForm()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, stored);
    QCOMPARE(EncodedTransaction::isStoredForm(QJsonDocument::fromJson(json).object()), stored);
}

void tst_Protocol::pingPongRoundTrip_data()
{
    QTest::addColumn<QJsonValue>("id");
    QTest::newRow("no id") << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("id 7") << QJsonValue(7);
    // Echoed as it is, whatever it is.
    QTest::newRow("id string") << QJsonValue(u"x"_s);
    QTest::newRow("id object") << QJsonValue(QJsonObject { { u"a"_s, 1 } });
}

void tst_Protocol::pingPongRoundTrip()
{
    QFETCH(QJsonValue, id);
    checkRoundTrip(PingMessage { id });
    checkRoundTrip(PongMessage { id });
    if (id.isUndefined())
        QCOMPARE(encode(PingMessage {}.toJson()), uR"({"type":"ping"})"_s);
}

void tst_Protocol::pingPongMalformed()
{
    checkMalformed<PingMessage>(R"({"type":"pong","id":1})", u"a message of type 'ping' expected"_s);
    checkMalformed<PongMessage>(R"({"type":"ping","id":1})", u"a message of type 'pong' expected"_s);
}

void tst_Protocol::messageTypeOfADecodedFrame()
{
    QCOMPARE(messageType(parse(R"({"type":"delta"})")), u"delta"_s);
    QCOMPARE(messageType(HelloMessage { 1, u"c"_s, {} }.toJson()), QString(Type::Hello));
}

QTEST_GUILESS_MAIN(tst_Protocol)
#include "tst_protocol.moc"
