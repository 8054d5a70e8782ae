// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include <optimist/errorcodes.h>
#include <optimist/schema.h>

#include <QtCore/QDateTime>
#include <QtTest/QTest>

using namespace Optimist;
using namespace Qt::StringLiterals;

namespace {

// title: string, required, at most 20 characters; done: bool, false by
// default; rank: int; due: datetime; meta: json.
Fields todoFields()
{
    Field title(u"title"_s, Field::Type::String, {}, true);
    title.setMaxLength(20);
    return { title, Field(u"done"_s, Field::Type::Bool, false), Field(u"rank"_s, Field::Type::Int),
        Field(u"due"_s, Field::Type::DateTime), Field(u"meta"_s, Field::Type::Json) };
}

Schema todoSchema()
{
    return Schema(todoFields(), u"todos"_s);
}

QVariant nested(int depth)
{
    QVariant value = 1;
    for (int i = 0; i < depth; ++i)
        value = QVariantList { value };
    return value;
}

QString tooDeep()
{
    return u"field 'meta' expects json, got an array or object nested more than 32 deep"_s;
}

QString outOfRange(const QString &number)
{
    return u"field 'rank' expects an int, got %1, outside the int range of -2^53 to 2^53"_s.arg(number);
}

// A record's values by name, as normaliseRecord() returns them in schema order.
QVariantMap byName(const Schema &schema, const QVariantList &values)
{
    QVariantMap map;
    for (qsizetype i = 0; i < values.size(); ++i)
        map.insert(schema.field(i).name(), values.at(i));
    return map;
}

} // namespace

class tst_Schema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldFindFieldsByName()
    {
        const Schema schema = todoSchema();
        QCOMPARE(schema.size(), 5);
        QCOMPARE(schema.collection(), u"todos"_s);
        QCOMPARE(schema.indexOf(u"title"_s), 0);
        QCOMPARE(schema.indexOf(u"meta"_s), 4);
        QCOMPARE(schema.indexOf(u"id"_s), -1);
        QCOMPARE(schema.indexOf(u"colour"_s), -1);
        QCOMPARE(schema.field(1).name(), u"done"_s);
        QCOMPARE(schema.fields(), todoFields());
        QCOMPARE(schema.defaultValues().at(1), QVariant(false));
        QVERIFY(Schema().isEmpty());
    }

    void shouldShareCopies()
    {
        const Schema schema = todoSchema();
        Schema copy = schema;
        QVERIFY(copy == schema);
        copy = Schema(todoFields(), u"other"_s);
        QVERIFY(!(copy == schema));
        QCOMPARE(schema.collection(), u"todos"_s);
    }

    void shouldCheckFieldNames_data()
    {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QString>("message");
        QTest::newRow("valid") << QStringList { u"a"_s, u"b"_s } << QString();
        QTest::newRow("none") << QStringList() << QString();
        QTest::newRow("empty name") << QStringList { u"a"_s, QString() } << u"invalid or duplicate field name ''"_s;
        QTest::newRow("id") << QStringList { u"id"_s } << u"invalid or duplicate field name 'id'"_s;
        QTest::newRow("twice") << QStringList { u"a"_s, u"b"_s, u"a"_s } << u"invalid or duplicate field name 'a'"_s;
    }

    void shouldCheckFieldNames()
    {
        QFETCH(QStringList, names);
        QFETCH(QString, message);
        Fields fields;
        for (const QString &name : std::as_const(names))
            fields.append(Field(name, Field::Type::String));
        const Schema::Error error = Schema::checkFields(fields);
        QCOMPARE(error.message, message);
        QCOMPARE(error.code, message.isEmpty() ? QLatin1StringView() : ErrorCode::ValidationFailed);
    }

    void shouldNormaliseRecord_data()
    {
        QTest::addColumn<QVariantMap>("record");
        QTest::addColumn<QVariantMap>("expected"); // the fields that differ from the defaults
        QTest::addColumn<QString>("message");

        const QVariantMap none;
        const QString title = u"title"_s;
        QTest::newRow("title only") << QVariantMap { { title, u"x"_s } } << QVariantMap { { title, u"x"_s } }
                                    << QString();
        QTest::newRow("id is the key, not a field")
            << QVariantMap { { u"id"_s, u"a"_s }, { title, u"x"_s } } << QVariantMap { { title, u"x"_s } } << QString();
        QTest::newRow("every field coerced")
            << QVariantMap { { title, u"x"_s }, { u"done"_s, true }, { u"rank"_s, 3.0 },
                   { u"due"_s, u"2026-01-02T03:04:05+01:00"_s }, { u"meta"_s, QVariantList { 1, u"a"_s } } }
            << QVariantMap { { title, u"x"_s }, { u"done"_s, true }, { u"rank"_s, QVariant::fromValue(qint64(3)) },
                   { u"due"_s, QDateTime(QDate(2026, 1, 2), QTime(2, 4, 5), Qt::UTC) },
                   { u"meta"_s, QVariantList { 1.0, u"a"_s } } }
            << QString();

        QTest::newRow("title at maxLength") << QVariantMap { { title, QString(20, u'x') } }
                                            << QVariantMap { { title, QString(20, u'x') } } << QString();
        QTest::newRow("title one past maxLength") << QVariantMap { { title, QString(21, u'x') } } << none
                                                  << u"field 'title' is longer than 20 characters: got 21"_s;
        QTest::newRow("title far past maxLength") << QVariantMap { { title, QString(10000, u'x') } } << none
                                                  << u"field 'title' is longer than 20 characters: got 10000"_s;

        const qint64 maxInt = Field::MaxInt;
        QTest::newRow("rank at 2^53") << QVariantMap { { title, u"x"_s }, { u"rank"_s, maxInt } }
                                      << QVariantMap { { title, u"x"_s }, { u"rank"_s, QVariant::fromValue(maxInt) } }
                                      << QString();
        QTest::newRow("rank at -2^53") << QVariantMap { { title, u"x"_s }, { u"rank"_s, -maxInt } }
                                       << QVariantMap { { title, u"x"_s }, { u"rank"_s, QVariant::fromValue(-maxInt) } }
                                       << QString();
        QTest::newRow("rank one past 2^53") << QVariantMap { { title, u"x"_s }, { u"rank"_s, maxInt + 1 } } << none
                                            << outOfRange(u"9007199254740993"_s);
        QTest::newRow("rank far past 2^53") << QVariantMap { { title, u"x"_s }, { u"rank"_s, 1e300 } } << none
                                            << outOfRange(u"1.0000000000000001e+300"_s);

        QTest::newRow("meta 32 deep") << QVariantMap { { title, u"x"_s }, { u"meta"_s, nested(32) } }
                                      << QVariantMap { { title, u"x"_s }, { u"meta"_s, nested(32) } } << QString();
        QTest::newRow("meta 33 deep") << QVariantMap { { title, u"x"_s }, { u"meta"_s, nested(33) } } << none
                                      << tooDeep();
        QTest::newRow("meta 5000 deep") << QVariantMap { { title, u"x"_s }, { u"meta"_s, nested(5000) } } << none
                                        << tooDeep();

        QTest::newRow("unknown field") << QVariantMap { { title, u"x"_s }, { u"colour"_s, u"red"_s } } << none
                                       << u"unknown field 'colour' in 'todos'"_s;
        QTest::newRow("required left out")
            << QVariantMap { { u"done"_s, true } } << none << u"field 'title' is required"_s;
        QTest::newRow("required null") << QVariantMap { { title, QVariant() } } << none
                                       << u"field 'title' is required, got null"_s;
        QTest::newRow("string for bool") << QVariantMap { { title, u"x"_s }, { u"done"_s, u"yes"_s } } << none
                                         << u"field 'done' expects a bool, got a string"_s;
        QTest::newRow("fraction for int") << QVariantMap { { title, u"x"_s }, { u"rank"_s, 1.5 } } << none
                                          << u"field 'rank' expects an int, got a number with a fraction"_s;
        QTest::newRow("datetime without offset")
            << QVariantMap { { title, u"x"_s }, { u"due"_s, u"2026-01-02T03:04:05"_s } } << none
            << u"field 'due' expects a datetime, got a date and time without a UTC offset or 'Z'"_s;
        // The keys are checked in the map's order: the first problem met is the error.
        QTest::newRow("two problems") << QVariantMap { { u"done"_s, 1 }, { u"rank"_s, u"1"_s } } << none
                                      << u"field 'done' expects a bool, got a number"_s;
    }

    void shouldNormaliseRecord()
    {
        QFETCH(QVariantMap, record);
        QFETCH(QVariantMap, expected);
        QFETCH(QString, message);
        const Schema schema = todoSchema();
        const Schema::Result<QVariantList> result = schema.normaliseRecord(record);
        QCOMPARE(result.error.message, message);
        if (!message.isEmpty()) {
            QVERIFY(!result.isValid());
            QCOMPARE(result.error.code, ErrorCode::ValidationFailed);
            return;
        }
        QVERIFY(result.isValid());
        QVariantMap want = byName(schema, schema.defaultValues());
        want.insert(expected);
        const QVariantMap got = byName(schema, result.value);
        QCOMPARE(got, want);
        for (qsizetype i = 0; i < schema.size(); ++i) {
            if (schema.field(i).type() != Field::Type::Json)
                QCOMPARE(result.value.at(i).metaType(), schema.field(i).metaType());
        }
    }

    void shouldNormaliseUpdate_data()
    {
        QTest::addColumn<QVariantMap>("changes");
        QTest::addColumn<QList<int>>("indexes");
        QTest::addColumn<QVariantList>("values");
        QTest::addColumn<QString>("message");

        QTest::newRow("nothing") << QVariantMap() << QList<int>() << QVariantList() << QString();
        QTest::newRow("two fields, in the map's order")
            << QVariantMap { { u"title"_s, u"y"_s }, { u"rank"_s, 2.0 } } << QList<int> { 2, 0 }
            << QVariantList { QVariant::fromValue(qint64(2)), u"y"_s } << QString();
        QTest::newRow("optional set to null") << QVariantMap { { u"rank"_s, QVariant() } } << QList<int> { 2 }
                                              << QVariantList { QVariant(QMetaType::fromType<qint64>()) } << QString();
        QTest::newRow("title at maxLength") << QVariantMap { { u"title"_s, QString(20, u'y') } } << QList<int> { 0 }
                                            << QVariantList { QString(20, u'y') } << QString();
        QTest::newRow("title one past maxLength")
            << QVariantMap { { u"title"_s, QString(21, u'y') } } << QList<int>() << QVariantList()
            << u"field 'title' is longer than 20 characters: got 21"_s;
        QTest::newRow("title far past maxLength")
            << QVariantMap { { u"title"_s, QString(5000, u'y') } } << QList<int>() << QVariantList()
            << u"field 'title' is longer than 20 characters: got 5000"_s;
        QTest::newRow("required set to null") << QVariantMap { { u"title"_s, QVariant() } } << QList<int>()
                                              << QVariantList() << u"field 'title' is required, got null"_s;
        QTest::newRow("id") << QVariantMap { { u"id"_s, u"z"_s } } << QList<int>() << QVariantList()
                            << u"the id of a record cannot change"_s;
        QTest::newRow("unknown field") << QVariantMap { { u"colour"_s, u"red"_s } } << QList<int>() << QVariantList()
                                       << u"unknown field 'colour' in 'todos'"_s;
        QTest::newRow("valid then invalid")
            << QVariantMap { { u"done"_s, true }, { u"rank"_s, u"x"_s } } << QList<int>() << QVariantList()
            << u"field 'rank' expects an int, got a string"_s;
    }

    void shouldNormaliseUpdate()
    {
        QFETCH(QVariantMap, changes);
        QFETCH(QList<int>, indexes);
        QFETCH(QVariantList, values);
        QFETCH(QString, message);
        const Schema::Result<Schema::Changes> result = todoSchema().normaliseUpdate(changes);
        QCOMPARE(result.error.message, message);
        QCOMPARE(result.isValid(), message.isEmpty());
        QCOMPARE(result.error.code, message.isEmpty() ? QLatin1StringView() : ErrorCode::ValidationFailed);
        QCOMPARE(result.value.indexes, indexes);
        QCOMPARE(result.value.values, values);
    }

    void shouldNormaliseMutation_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QVariantMap>("fields");
        QTest::addColumn<QVariantMap>("expected");
        QTest::addColumn<QString>("message");
        const int insert = int(Mutation::Kind::Insert);
        const int update = int(Mutation::Kind::Update);
        const int remove = int(Mutation::Kind::Remove);
        const QVariant nullInt(QMetaType::fromType<qint64>());
        const QVariant nullTime(QMetaType::fromType<QDateTime>());

        QTest::newRow("insert: defaults filled in")
            << insert << QVariantMap { { u"title"_s, u"x"_s } }
            << QVariantMap { { u"title"_s, u"x"_s }, { u"done"_s, false }, { u"rank"_s, nullInt },
                   { u"due"_s, nullTime }, { u"meta"_s, QVariant() } }
            << QString();
        QTest::newRow("insert: id among the fields")
            << insert << QVariantMap { { u"id"_s, u"x"_s }, { u"title"_s, u"x"_s } } << QVariantMap()
            << u"unknown field 'id' in 'todos'"_s;
        QTest::newRow("insert: required left out")
            << insert << QVariantMap() << QVariantMap() << u"field 'title' is required"_s;
        QTest::newRow("update: only what it sets, coerced")
            << update << QVariantMap { { u"rank"_s, 4.0 } }
            << QVariantMap { { u"rank"_s, QVariant::fromValue(qint64(4)) } } << QString();
        QTest::newRow("update: id") << update << QVariantMap { { u"id"_s, u"z"_s } } << QVariantMap()
                                    << u"the id of a record cannot change"_s;
        QTest::newRow("update: one past maxLength")
            << update << QVariantMap { { u"title"_s, QString(21, u'x') } } << QVariantMap()
            << u"field 'title' is longer than 20 characters: got 21"_s;
        QTest::newRow("remove") << remove << QVariantMap() << QVariantMap() << QString();
    }

    void shouldNormaliseMutation()
    {
        QFETCH(int, kind);
        QFETCH(QVariantMap, fields);
        QFETCH(QVariantMap, expected);
        QFETCH(QString, message);
        const Mutation mutation { Mutation::Kind(kind), u"todos"_s, u"a"_s, fields };
        const Schema::Result<Mutation> result = todoSchema().normaliseMutation(mutation);
        QCOMPARE(result.error.message, message);
        QCOMPARE(result.isValid(), message.isEmpty());
        if (!result.isValid())
            return;
        QCOMPARE(int(result.value.kind), kind);
        QCOMPARE(result.value.collection, u"todos"_s);
        QCOMPARE(result.value.id, u"a"_s);
        QCOMPARE(result.value.fields, expected);
    }

    void shouldRefuseDefaultItsFieldRefuses_data()
    {
        QTest::addColumn<int>("maxLength");
        QTest::addColumn<QString>("message");
        QTest::newRow("default at maxLength") << 5 << QString();
        QTest::newRow("default one past maxLength") << 4 << u"field 'code' is longer than 4 characters: got 5"_s;
        QTest::newRow("default far past maxLength") << 1 << u"field 'code' is longer than 1 characters: got 5"_s;
    }

    void shouldRefuseDefaultItsFieldRefuses()
    {
        QFETCH(int, maxLength);
        QFETCH(QString, message);
        // A record that leaves a field out holds its default: the default
        // must pass the field's constraints, on both ends alike.
        Field code(u"code"_s, Field::Type::String, u"ABCDE"_s);
        code.setMaxLength(maxLength);
        const Schema schema({ code });
        QCOMPARE(schema.normaliseRecord({}).error.message, message);
        // ... given, a value is checked, not the default
        QVERIFY(schema.normaliseRecord({ { u"code"_s, u"A"_s } }).isValid());
    }

    void shouldNameNoCollectionWhenItHasNone()
    {
        const Schema schema(todoFields());
        QCOMPARE(schema.normaliseUpdate({ { u"colour"_s, 1 } }).error.message, u"unknown field 'colour'"_s);
    }
};

QTEST_GUILESS_MAIN(tst_Schema)
#include "tst_schema.moc"
