// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT

// Client and server agree on what is valid: an edit the server would refuse
// for its value is refused by the model at once and never sent
// (docs/protocol.md, "Values"). The server's side of the same examples is
// tst_server's shouldAnswerEachValueAsTheSchemaSays.

#include "../server/rawclient.h"
#include "syncfixture.h"

#include <optimist/transaction.h>

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtTest/QSignalSpy>

#include <limits>

using namespace Qt::StringLiterals;
using namespace Optimist;
using namespace OptimistTest;

namespace {

//! One schema, read by the server and by the client alike.
QByteArray valuesConfig()
{
    return R"({"collections": {"values": {"fields": [
        {"name": "n", "type": "int"},
        {"name": "d", "type": "double"},
        {"name": "s", "type": "string", "maxLength": 200},
        {"name": "t", "type": "datetime"},
        {"name": "j", "type": "json"}]}}})";
}

QVariant nestedList(int depth)
{
    QVariant value = 1;
    for (int i = 0; i < depth; ++i)
        value = QVariantList { value };
    return value;
}

} // namespace

class tst_Values : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s); }
    void shouldRefuseLocallyWhatTheServerWouldRefuse_data();
    void shouldRefuseLocallyWhatTheServerWouldRefuse();
};

void tst_Values::shouldRefuseLocallyWhatTheServerWouldRefuse_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<bool>("valid");

    const qint64 max = qint64(1) << 53;
    const auto i64 = [](qint64 n) { return QVariant::fromValue(n); };
    const QString emoji = u"\U0001F600"_s;
    // int: [-2^53, 2^53], never clamped
    QTest::newRow("int -2^63-1 (a double)") << u"n"_s << QVariant(-9223372036854775809.0) << false;
    QTest::newRow("int -2^63") << u"n"_s << i64(std::numeric_limits<qint64>::min()) << false;
    QTest::newRow("int 2^53+1") << u"n"_s << i64(max + 1) << false;
    QTest::newRow("int -2^53-1") << u"n"_s << i64(-max - 1) << false;
    QTest::newRow("int 2^53") << u"n"_s << i64(max) << true;
    QTest::newRow("int -2^53") << u"n"_s << i64(-max) << true;
    QTest::newRow("int 1.5") << u"n"_s << QVariant(1.5) << false;
    QTest::newRow("int \"12\"") << u"n"_s << QVariant(u"12"_s) << false;
    QTest::newRow("int NaN") << u"n"_s << QVariant(std::numeric_limits<double>::quiet_NaN()) << false;
    // double: finite
    QTest::newRow("double inf") << u"d"_s << QVariant(std::numeric_limits<double>::infinity()) << false;
    QTest::newRow("double max") << u"d"_s << QVariant(std::numeric_limits<double>::max()) << true;
    // string: maxLength in code points
    QTest::newRow("150 emoji") << u"s"_s << QVariant(emoji.repeated(150)) << true;
    QTest::newRow("200 emoji") << u"s"_s << QVariant(emoji.repeated(200)) << true;
    QTest::newRow("201 emoji") << u"s"_s << QVariant(emoji.repeated(201)) << false;
    QTest::newRow("201 letters") << u"s"_s << QVariant(QString(201, u'a')) << false;
    // datetime: an offset or Z in text; a QDateTime of any spec is its instant
    QTest::newRow("datetime without offset") << u"t"_s << QVariant(u"2026-11-21T10:15:00"_s) << false;
    QTest::newRow("datetime Z") << u"t"_s << QVariant(u"2026-11-21T10:15:00Z"_s) << true;
    QTest::newRow("datetime +02:00") << u"t"_s << QVariant(u"2026-11-21T10:15:00+02:00"_s) << true;
    QTest::newRow("datetime local QDateTime")
        << u"t"_s << QVariant(QDateTime(QDate(2026, 11, 21), QTime(10, 15), Qt::LocalTime)) << true;
    QTest::newRow("datetime past 9999") << u"t"_s << QVariant(QDateTime(QDate(10000, 1, 1), QTime(0, 0), Qt::UTC))
                                        << false;
    // json: at most 32 deep
    QTest::newRow("json 32 deep") << u"j"_s << nestedList(32) << true;
    QTest::newRow("json 33 deep") << u"j"_s << nestedList(33) << false;
    QTest::newRow("json 10000 deep") << u"j"_s << nestedList(10000) << false;
}

void tst_Values::shouldRefuseLocallyWhatTheServerWouldRefuse()
{
    QFETCH(QString, field);
    QFETCH(QVariant, value);
    QFETCH(bool, valid);

    // Given a client live on a server, both with one schema
    TestServer server;
    QVERIFY(server.start(valuesConfig()));
    Peer peer = makePeer(server.server->url(), u"values-client"_s);
    peer.model->setCollection(u"values"_s);
    peer.model->setFields(server.server->config().collections().value(u"values"_s));
    QTRY_VERIFY(isLive(peer));

    // When a record with the value is inserted
    Transaction *tx = peer.model->insert({ { field, value } });
    QVERIFY(tx);

    if (!valid) {
        // Then an invalid one is refused at once, nothing shown, nothing queued
        QCOMPARE(tx->state(), Transaction::Rejected);
        QCOMPARE(tx->errorCode(), u"validation_failed"_s);
        QVERIFY2(tx->errorString().startsWith(u"field '%1' "_s.arg(field)), qPrintable(tx->errorString()));
        QCOMPARE(peer.model->count(), 0);
        QCOMPARE(peer.client->outboxCount(), 0);
        // And a valid edit after it is the first transaction the server sees
        tx = peer.model->insert({ { u"s"_s, u"after"_s } });
    }
    QCOMPARE(tx->state(), Transaction::Pending);
    tx->setAutoDelete(false); // read its state after it settled (its parent deletes it)
    QTRY_COMPARE(tx->state(), Transaction::Accepted);
    QCOMPARE(server.server->appliedTransactionCount(), 1);
    QCOMPARE(peer.model->count(), 1);
    if (valid) {
        // (the confirmed value is the one sent, a datetime the same instant)
        QVariant expected;
        for (const Field &f : peer.model->fields()) {
            if (f.name() == field)
                QVERIFY(f.coerce(value, &expected));
        }
        QVERIFY(peer.model->at(0).value(field) == expected);
    }

    // And the server's ledger for this client holds exactly one transaction
    peer = {};
    RawClient observer;
    QVERIFY(observer.open(server.server->url()));
    const QJsonObject welcome = observer.hello(u"values-client"_s);
    QCOMPARE(welcome.value(u"lastTx"_s).toInteger(), 1);
}

QTEST_GUILESS_MAIN(tst_Values)
#include "tst_values.moc"
