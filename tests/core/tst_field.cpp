// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include <optimist/field.h>

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QSize>
#include <QtCore/QTimeZone>
#include <QtTest/QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace Optimist;

class tst_Field : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldCoerceValues_data()
    {
        QTest::addColumn<Field::Type>("type");
        QTest::addColumn<QVariant>("input");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QVariant>("expected");

        using T = Field::Type;
        const QDateTime when(QDate(2024, 5, 6), QTime(7, 8, 9, 10), QTimeZone::utc());
        // string
        QTest::newRow("string from string") << T::String << QVariant(u"hi"_s) << true << QVariant(u"hi"_s);
        QTest::newRow("string from empty") << T::String << QVariant(u""_s) << true << QVariant(u""_s);
        QTest::newRow("string from bytes") << T::String << QVariant(QByteArray("hi")) << true << QVariant(u"hi"_s);
        QTest::newRow("string from char") << T::String << QVariant(QChar(u'x')) << true << QVariant(u"x"_s);
        QTest::newRow("string from int") << T::String << QVariant(5) << false << QVariant();
        QTest::newRow("string from bool") << T::String << QVariant(true) << false << QVariant();
        QTest::newRow("string from json string")
            << T::String << QVariant(QJsonValue(u"j"_s)) << true << QVariant(u"j"_s);
        // int
        QTest::newRow("int from int") << T::Int << QVariant(42) << true << QVariant::fromValue(qint64(42));
        QTest::newRow("int from negative longlong")
            << T::Int << QVariant::fromValue(qint64(-7)) << true << QVariant::fromValue(qint64(-7));
        QTest::newRow("int from whole double") << T::Int << QVariant(3.0) << true << QVariant::fromValue(qint64(3));
        QTest::newRow("int from json number")
            << T::Int << QVariant(QJsonValue(12)) << true << QVariant::fromValue(qint64(12));
        QTest::newRow("int from 1.5") << T::Int << QVariant(1.5) << false << QVariant();
        QTest::newRow("int from nan") << T::Int << QVariant(std::numeric_limits<double>::quiet_NaN()) << false
                                      << QVariant();
        QTest::newRow("int from 1e300") << T::Int << QVariant(1e300) << false << QVariant();
        QTest::newRow("int from huge unsigned")
            << T::Int << QVariant::fromValue(std::numeric_limits<quint64>::max()) << false << QVariant();
        QTest::newRow("int from string") << T::Int << QVariant(u"3"_s) << false << QVariant();
        QTest::newRow("int from bool") << T::Int << QVariant(true) << false << QVariant();
        // double
        QTest::newRow("double from double") << T::Double << QVariant(2.5) << true << QVariant(2.5);
        QTest::newRow("double from int") << T::Double << QVariant(2) << true << QVariant(2.0);
        QTest::newRow("double from string") << T::Double << QVariant(u"2.5"_s) << false << QVariant();
        QTest::newRow("double from bool") << T::Double << QVariant(false) << false << QVariant();
        QTest::newRow("double from inf") << T::Double << QVariant(std::numeric_limits<double>::infinity()) << false
                                         << QVariant();
        QTest::newRow("double from nan") << T::Double << QVariant(std::numeric_limits<double>::quiet_NaN()) << false
                                         << QVariant();
        // bool
        QTest::newRow("bool from true") << T::Bool << QVariant(true) << true << QVariant(true);
        QTest::newRow("bool from json false") << T::Bool << QVariant(QJsonValue(false)) << true << QVariant(false);
        QTest::newRow("bool from yes") << T::Bool << QVariant(u"yes"_s) << false << QVariant();
        QTest::newRow("bool from 1") << T::Bool << QVariant(1) << false << QVariant();
        // datetime
        QTest::newRow("datetime from QDateTime") << T::DateTime << QVariant(when) << true << QVariant(when);
        QTest::newRow("datetime from ISO string")
            << T::DateTime << QVariant(u"2024-05-06T07:08:09.010Z"_s) << true << QVariant(when);
        QTest::newRow("datetime from garbage") << T::DateTime << QVariant(u"soon"_s) << false << QVariant();
        QTest::newRow("datetime from invalid QDateTime") << T::DateTime << QVariant(QDateTime()) << false << QVariant();
        QTest::newRow("datetime from int") << T::DateTime << QVariant(5) << false << QVariant();
        // json
        QTest::newRow("json from map") << T::Json << QVariant(QVariantMap { { u"a"_s, 1 } }) << true
                                       << QVariant(QVariantMap { { u"a"_s, 1 } });
        QTest::newRow("json from list") << T::Json << QVariant(QVariantList { 1, u"x"_s }) << true
                                        << QVariant(QVariantList { 1, u"x"_s });
        QTest::newRow("json from object") << T::Json << QVariant(QJsonObject { { u"k"_s, true } }) << true
                                          << QVariant(QVariantMap { { u"k"_s, true } });
        QTest::newRow("json from string") << T::Json << QVariant(u"s"_s) << true << QVariant(u"s"_s);
        QTest::newRow("json from QSize") << T::Json << QVariant(QSize(1, 2)) << false << QVariant();
    }

    void shouldCoerceValues()
    {
        QFETCH(Field::Type, type);
        QFETCH(QVariant, input);
        QFETCH(bool, ok);
        QFETCH(QVariant, expected);
        // Given a field of the type
        const Field field(u"f"_s, type);
        // When a value is coerced
        QVariant out = u"untouched"_s;
        const bool result = field.coerce(input, &out);
        // Then it converts without loss or is refused, leaving out untouched
        QCOMPARE(result, ok);
        if (ok) {
            QCOMPARE(out, expected);
            if (type != Field::Type::Json)
                QCOMPARE(out.metaType(), field.metaType());
            QVERIFY(field.checkValue(input, &out).isEmpty());
        } else {
            QCOMPARE(out, QVariant(u"untouched"_s));
            QVERIFY(field.checkValue(input, &out).contains(u"'f'"_s));
        }
    }

    void shouldCoerceNullToTypedNull_data()
    {
        QTest::addColumn<Field::Type>("type");
        for (auto type :
            { Field::Type::String, Field::Type::Int, Field::Type::Double, Field::Type::Bool, Field::Type::DateTime })
            QTest::newRow(qPrintable(Field::typeName(type))) << type;
    }

    void shouldCoerceNullToTypedNull()
    {
        QFETCH(Field::Type, type);
        // Given a field
        const Field field(u"f"_s, type);
        // When null is coerced
        QVariant out;
        QVERIFY(field.coerce(QVariant(), &out));
        // Then it is a null of the field's type
        QVERIFY(out.isNull());
        QCOMPARE(out.metaType(), field.metaType());
    }

    void shouldCheckConstraints()
    {
        // Given a required string field of at most 3 characters
        Field field(u"code"_s, Field::Type::String, {}, true);
        field.maxLength = 3;
        QVariant out;
        // Then null, too long and wrong-typed values are refused with a message, a fitting one is not
        QCOMPARE(field.checkValue(QVariant(), &out), u"field 'code' is required"_s);
        QVERIFY(field.checkValue(u"abcd"_s, &out).contains(u"longer than 3"_s));
        QVERIFY(field.checkValue(7, &out).contains(u"expects string"_s));
        QCOMPARE(field.checkValue(u"abc"_s, &out), QString());
        QCOMPARE(out, QVariant(u"abc"_s));
        // And the empty string is not null: it satisfies required
        QCOMPARE(field.checkValue(u""_s, &out), QString());
    }

    void shouldRoundTripThroughVariantMap_data()
    {
        QTest::addColumn<QVariantMap>("map");
        QTest::newRow("minimal string") << QVariantMap { { u"name"_s, u"title"_s } };
        QTest::newRow("required int with default") << QVariantMap { { u"name"_s, u"rank"_s }, { u"type"_s, u"int"_s },
            { u"required"_s, true }, { u"default"_s, 3 } };
        QTest::newRow("string with maxLength") << QVariantMap { { u"name"_s, u"t"_s }, { u"type"_s, u"string"_s },
            { u"maxLength"_s, 10 }, { u"default"_s, u"x"_s } };
        QTest::newRow("bool") << QVariantMap { { u"name"_s, u"done"_s }, { u"type"_s, u"bool"_s },
            { u"default"_s, false } };
        QTest::newRow("double") << QVariantMap { { u"name"_s, u"w"_s }, { u"type"_s, u"double"_s } };
        QTest::newRow("datetime") << QVariantMap { { u"name"_s, u"due"_s }, { u"type"_s, u"datetime"_s } };
        QTest::newRow("json") << QVariantMap { { u"name"_s, u"meta"_s }, { u"type"_s, u"json"_s },
            { u"default"_s, QVariantMap { { u"a"_s, 1 } } } };
    }

    void shouldRoundTripThroughVariantMap()
    {
        QFETCH(QVariantMap, map);
        // Given a field built from a description
        QString error;
        const Field field = Field::fromVariantMap(map, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(field.name, map.value(u"name"_s).toString());
        QCOMPARE(Field::typeName(field.type), map.value(u"type"_s, u"string"_s).toString());
        QCOMPARE(field.required, map.value(u"required"_s).toBool());
        QCOMPARE(field.maxLength, map.value(u"maxLength"_s).toInt());
        if (map.contains(u"default"_s)) {
            QVariant expected;
            QVERIFY(field.coerce(map.value(u"default"_s), &expected));
            QCOMPARE(field.defaultValue, expected);
        } else {
            QVERIFY(field.defaultValue.isNull());
        }
        // When it is written back and read again
        const Field again = Field::fromVariantMap(field.toVariantMap(), &error);
        // Then it is the same field
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(again, field);
    }

    void shouldRoundTripFieldBuiltInCode()
    {
        // Given fields built with the constructor, with and without defaults
        for (const Field &field : { Field(u"a"_s, Field::Type::Int), Field(u"b"_s, Field::Type::Int, 5),
                 Field(u"c"_s, Field::Type::String, u"x"_s, true), Field(u"d"_s, Field::Type::DateTime) }) {
            // When written out and read back
            QString error;
            const Field again = Field::fromVariantMap(field.toVariantMap(), &error);
            // Then nothing is lost, and the default has the field's type
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QCOMPARE(again, field);
            QCOMPARE(field.defaultValue.metaType(), field.metaType());
        }
    }

    void shouldReportBadDescriptions_data()
    {
        QTest::addColumn<QVariantMap>("map");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("no name") << QVariantMap { { u"type"_s, u"int"_s } } << u"name"_s;
        QTest::newRow("id as name") << QVariantMap { { u"name"_s, u"id"_s } } << u"name"_s;
        QTest::newRow("unknown type") << QVariantMap { { u"name"_s, u"x"_s }, { u"type"_s, u"money"_s } }
                                      << u"unknown type 'money'"_s;
        QTest::newRow("bad default") << QVariantMap { { u"name"_s, u"x"_s }, { u"type"_s, u"int"_s },
            { u"default"_s, u"three"_s } }
                                     << u"default"_s;
    }

    void shouldReportBadDescriptions()
    {
        QFETCH(QVariantMap, map);
        QFETCH(QString, errorPart);
        // When a bad description is read
        QString error;
        const Field field = Field::fromVariantMap(map, &error);
        // Then the field has no name and the error says why
        QVERIFY(field.name.isEmpty());
        QVERIFY2(error.contains(errorPart), qPrintable(error));
    }

    void shouldNameTypes()
    {
        for (auto type : { Field::Type::String, Field::Type::Int, Field::Type::Double, Field::Type::Bool,
                 Field::Type::DateTime, Field::Type::Json }) {
            Field::Type back = Field::Type::String;
            QVERIFY(Field::typeFromName(Field::typeName(type), &back));
            QCOMPARE(back, type);
        }
        Field::Type untouched = Field::Type::Bool;
        QVERIFY(!Field::typeFromName(u"Int"_s, &untouched));
        QCOMPARE(untouched, Field::Type::Bool);
    }
};

QTEST_GUILESS_MAIN(tst_Field)
#include "tst_field.moc"
