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

QTEST_GUILESS_MAIN(tst_Protocol)
#include "tst_protocol.moc"
