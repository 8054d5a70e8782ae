// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "rawclient.h"

#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>
#include <optimist/transaction.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

#include <memory>

using namespace Optimist;

// Client and server agree on what is valid: the same edits, made through
// ListModel::insert()/update() and pushed raw to a real Server, get the same
// verdict — accepted on both ends, or refused on both with the same code and
// message (both validate with Optimist::Schema).

namespace {

Fields todoFields()
{
    Field title(u"title"_s, Field::Type::String, {}, true);
    title.setMaxLength(20);
    return { title, Field(u"done"_s, Field::Type::Bool, false), Field(u"rank"_s, Field::Type::Int),
        Field(u"created"_s, Field::Type::DateTime), Field(u"meta"_s, Field::Type::Json) };
}

QJsonValue nested(int depth)
{
    QJsonValue value = 1;
    for (int i = 0; i < depth; ++i)
        value = QJsonArray { value };
    return value;
}

struct Verdict {
    QString code; // empty: accepted
    QString message;
};

} // namespace

class tst_SchemaAgreement : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldGiveSameVerdictOnBothEnds_data();
    void shouldGiveSameVerdictOnBothEnds();

private:
    Verdict modelVerdict(bool isInsert, const QJsonObject &fields);
    Verdict serverVerdict(bool isInsert, const QJsonObject &fields);
};

void tst_SchemaAgreement::shouldGiveSameVerdictOnBothEnds_data()
{
    QTest::addColumn<bool>("isInsert");
    QTest::addColumn<QJsonObject>("fields");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const QString ok;
    const QString invalid = u"validation_failed"_s;
    const QString title = u"title"_s;
    const QString tooLong = u"field 'title' is longer than 20 characters: got %1"_s;
    const QString deep = u"field 'meta' expects json, got an array or object nested more than 32 deep"_s;
    const QString range = u"field 'rank' expects an int, got %1, outside the int range of -2^53 to 2^53"_s;

    for (const bool isInsert : { true, false }) {
        const char *op = isInsert ? "insert" : "update";
        const auto row = [op](const char *name) -> QTestData & { return QTest::addRow("%s %s", op, name); };
        row("valid") << isInsert << QJsonObject { { title, u"x"_s }, { u"done"_s, true } } << ok << QString();
        row("title at maxLength") << isInsert << QJsonObject { { title, QString(20, u'x') } } << ok << QString();
        row("title one past") << isInsert << QJsonObject { { title, QString(21, u'x') } } << invalid << tooLong.arg(21);
        row("title far past") << isInsert << QJsonObject { { title, QString(3000, u'x') } } << invalid
                              << tooLong.arg(3000);
        row("rank at 2^53") << isInsert << QJsonObject { { title, u"x"_s }, { u"rank"_s, Field::MaxInt } } << ok
                            << QString();
        row("rank one past 2^53") << isInsert << QJsonObject { { title, u"x"_s }, { u"rank"_s, Field::MaxInt + 1 } }
                                  << invalid << range.arg(u"9007199254740993"_s);
        row("rank far past 2^53") << isInsert << QJsonObject { { title, u"x"_s }, { u"rank"_s, 1e300 } } << invalid
                                  << range.arg(u"1.0000000000000001e+300"_s);
        row("rank with a fraction") << isInsert << QJsonObject { { title, u"x"_s }, { u"rank"_s, 1.5 } } << invalid
                                    << u"field 'rank' expects an int, got a number with a fraction"_s;
        row("meta 32 deep") << isInsert << QJsonObject { { title, u"x"_s }, { u"meta"_s, nested(32) } } << ok
                            << QString();
        row("meta 33 deep") << isInsert << QJsonObject { { title, u"x"_s }, { u"meta"_s, nested(33) } } << invalid
                            << deep;
        // far past, yet small: RawClient sends indented JSON, within maxFrameBytes
        row("meta 200 deep") << isInsert << QJsonObject { { title, u"x"_s }, { u"meta"_s, nested(200) } } << invalid
                             << deep;
        row("title null") << isInsert << QJsonObject { { title, QJsonValue() } } << invalid
                          << u"field 'title' is required, got null"_s;
        row("string for bool") << isInsert << QJsonObject { { title, u"x"_s }, { u"done"_s, u"yes"_s } } << invalid
                               << u"field 'done' expects a bool, got a string"_s;
        row("datetime without offset")
            << isInsert << QJsonObject { { title, u"x"_s }, { u"created"_s, u"2026-01-02T03:04:05"_s } } << invalid
            << u"field 'created' expects a datetime, got a date and time without a UTC offset or 'Z'"_s;
        row("unknown field") << isInsert << QJsonObject { { title, u"x"_s }, { u"colour"_s, u"red"_s } } << invalid
                             << u"unknown field 'colour' in 'todos'"_s;
    }
    QTest::newRow("insert without the required title")
        << true << QJsonObject { { u"done"_s, true } } << invalid << u"field 'title' is required"_s;
    QTest::newRow("update of the id") << false << QJsonObject { { u"id"_s, u"z"_s } } << invalid
                                      << u"the id of a record cannot change"_s;
}

void tst_SchemaAgreement::shouldGiveSameVerdictOnBothEnds()
{
    QFETCH(bool, isInsert);
    QFETCH(QJsonObject, fields);
    QFETCH(QString, code);
    QFETCH(QString, message);

    const Verdict model = modelVerdict(isInsert, fields);
    const Verdict server = serverVerdict(isInsert, fields);
    QCOMPARE(model.code, code);
    QCOMPARE(server.code, code);
    if (!code.isEmpty()) {
        QCOMPARE(model.message, message);
        QCOMPARE(server.message, message);
    }
}

Verdict tst_SchemaAgreement::modelVerdict(bool isInsert, const QJsonObject &fields)
{
    ListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCollection(u"todos"_s);
    model.setFields(todoFields());
    ListModelFeed(&model).applySnapshot({ SnapshotRecord { u"seed"_s, 0, { { u"title"_s, u"seed"_s } } } }, u"1"_s);

    QVariantMap values = fields.toVariantMap();
    Transaction *tx = nullptr;
    if (isInsert) {
        values.insert(u"id"_s, u"new"_s);
        tx = model.insert(values);
    } else {
        tx = model.update(u"seed"_s, values);
    }
    if (!tx || tx->state() != Transaction::Rejected)
        return {};
    return { tx->errorCode(), tx->errorString() };
}

Verdict tst_SchemaAgreement::serverVerdict(bool isInsert, const QJsonObject &fields)
{
    QTemporaryDir dir;
    ServerConfig config;
    config.addCollection(u"todos"_s, todoFields());
    Server server;
    server.setConfig(config);
    server.setDatabasePath(dir.filePath(u"db.sqlite"_s));
    if (!server.listen(QHostAddress::LocalHost, 0))
        return { u"server did not start: "_s + server.errorString(), {} };

    RawClient client;
    if (!client.open(server.url()) || client.hello(u"agreement"_s).value(u"type"_s) != u"welcome"_s)
        return { u"no welcome"_s, {} };
    client.push(1, { insertTodo(u"seed"_s, u"seed"_s) });
    if (client.take().value(u"type"_s) != u"ack"_s)
        return { u"seed not acknowledged"_s, {} };
    const QJsonObject mutation { { u"op"_s, isInsert ? u"insert"_s : u"update"_s }, { u"collection"_s, u"todos"_s },
        { u"id"_s, isInsert ? u"new"_s : u"seed"_s }, { u"fields"_s, fields } };
    client.push(2, { mutation });
    const QJsonObject answer = client.take();
    if (answer.value(u"type"_s) == u"ack"_s)
        return {};
    if (answer.value(u"type"_s) != u"reject"_s)
        return { u"unexpected answer: "_s + QString::fromUtf8(QJsonDocument(answer).toJson()), {} };
    return { answer.value(u"code"_s).toString(), answer.value(u"message"_s).toString() };
}

QTEST_MAIN(tst_SchemaAgreement)
#include "tst_schemaagreement.moc"
