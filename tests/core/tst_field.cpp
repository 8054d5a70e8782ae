// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include <optimist/field.h>

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QSize>
#include <QtCore/QTimeZone>
#include <QtTest/QTest>

#include <ctime>
#include <limits>

using namespace Qt::StringLiterals;
using namespace Optimist;

class tst_Field : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // A local time zone other than UTC, so that a datetime without an
        // offset would name another instant than the same text with 'Z'.
        qputenv("TZ", "Europe/Berlin");
        tzset();
    }

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

    // Each type's valid values (docs/protocol.md, "Values"), as C++ hands
    // them in: the boundary, one past it, far past it.
    void shouldAcceptExactlyTheValidValues_data()
    {
        QTest::addColumn<Field::Type>("type");
        QTest::addColumn<QVariant>("input");
        QTest::addColumn<QVariant>("expected"); // invalid: refused

        using T = Field::Type;
        const qint64 max = qint64(1) << 53;
        const auto i64 = [](qint64 n) { return QVariant::fromValue(n); };
        const auto u64 = [](quint64 n) { return QVariant::fromValue(n); };
        const QVariant no;
        // int: [-2^53, 2^53], both ends included, from any C++ number type
        QTest::newRow("int 2^53") << T::Int << i64(max) << i64(max);
        QTest::newRow("int -2^53") << T::Int << i64(-max) << i64(-max);
        QTest::newRow("int 2^53+1") << T::Int << i64(max + 1) << no;
        QTest::newRow("int -2^53-1") << T::Int << i64(-max - 1) << no;
        QTest::newRow("int 2^63-1") << T::Int << i64(std::numeric_limits<qint64>::max()) << no;
        QTest::newRow("int -2^63") << T::Int << i64(std::numeric_limits<qint64>::min()) << no;
        QTest::newRow("int unsigned 2^53") << T::Int << u64(quint64(max)) << i64(max);
        QTest::newRow("int unsigned 2^53+1") << T::Int << u64(quint64(max) + 1) << no;
        QTest::newRow("int unsigned 2^64-1") << T::Int << u64(std::numeric_limits<quint64>::max()) << no;
        QTest::newRow("int double 2^53") << T::Int << QVariant(double(max)) << i64(max);
        QTest::newRow("int double -2^53") << T::Int << QVariant(-double(max)) << i64(-max);
        QTest::newRow("int double next above 2^53") << T::Int << QVariant(double(max) + 2) << no;
        QTest::newRow("int double -2^63") << T::Int << QVariant(-9223372036854775808.0) << no;
        QTest::newRow("int double 2^63") << T::Int << QVariant(9223372036854775808.0) << no;
        QTest::newRow("int double 1e300") << T::Int << QVariant(1e300) << no;
        QTest::newRow("int double -0") << T::Int << QVariant(-0.0) << i64(0);
        QTest::newRow("int 1.5") << T::Int << QVariant(1.5) << no;
        QTest::newRow("int 2^51+0.5") << T::Int << QVariant(2251799813685248.5) << no;
        QTest::newRow("int NaN") << T::Int << QVariant(std::numeric_limits<double>::quiet_NaN()) << no;
        QTest::newRow("int +inf") << T::Int << QVariant(std::numeric_limits<double>::infinity()) << no;
        QTest::newRow("int -inf") << T::Int << QVariant(-std::numeric_limits<double>::infinity()) << no;
        QTest::newRow("int string 12") << T::Int << QVariant(u"12"_s) << no;
        // double: every finite number
        QTest::newRow("double max") << T::Double << QVariant(std::numeric_limits<double>::max())
                                    << QVariant(std::numeric_limits<double>::max());
        QTest::newRow("double lowest") << T::Double << QVariant(std::numeric_limits<double>::lowest())
                                       << QVariant(std::numeric_limits<double>::lowest());
        QTest::newRow("double denormal") << T::Double << QVariant(std::numeric_limits<double>::denorm_min())
                                         << QVariant(std::numeric_limits<double>::denorm_min());
        QTest::newRow("double from 2^63-1")
            << T::Double << i64(std::numeric_limits<qint64>::max()) << QVariant(9223372036854775807.0);
        QTest::newRow("double +inf") << T::Double << QVariant(std::numeric_limits<double>::infinity()) << no;
        QTest::newRow("double -inf") << T::Double << QVariant(-std::numeric_limits<double>::infinity()) << no;
        QTest::newRow("double NaN") << T::Double << QVariant(std::numeric_limits<double>::quiet_NaN()) << no;
        // string: Unicode text, no unpaired surrogate
        QTest::newRow("string emoji") << T::String << QVariant(u"\U0001F600"_s) << QVariant(u"\U0001F600"_s);
        QTest::newRow("string lone high surrogate") << T::String << QVariant(QString(QChar(0xD83D))) << no;
        QTest::newRow("string lone low surrogate") << T::String << QVariant(u"a"_s + QChar(0xDE00)) << no;
        // datetime: any valid QDateTime becomes its instant in UTC, years 1 to 9999
        const QDateTime berlin(QDate(2026, 11, 21), QTime(10, 15), Qt::LocalTime);
        const QDateTime utc(QDate(2026, 11, 21), QTime(9, 15), Qt::UTC);
        QTest::newRow("datetime local time") << T::DateTime << QVariant(berlin) << QVariant(utc);
        QTest::newRow("datetime offset") << T::DateTime
                                         << QVariant(
                                                QDateTime(QDate(2026, 11, 21), QTime(11, 15), Qt::OffsetFromUTC, 7200))
                                         << QVariant(utc);
        const QDateTime last(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC);
        const QDateTime first(QDate(1, 1, 1), QTime(0, 0), Qt::UTC);
        QTest::newRow("datetime 9999-12-31T23:59:59.999Z") << T::DateTime << QVariant(last) << QVariant(last);
        QTest::newRow("datetime one ms past 9999") << T::DateTime << QVariant(last.addMSecs(1)) << no;
        QTest::newRow("datetime year 200000")
            << T::DateTime << QVariant(QDateTime(QDate(200000, 1, 1), QTime(0, 0), Qt::UTC)) << no;
        QTest::newRow("datetime 0001-01-01T00:00Z") << T::DateTime << QVariant(first) << QVariant(first);
        QTest::newRow("datetime one ms before 0001") << T::DateTime << QVariant(first.addMSecs(-1)) << no;
        QTest::newRow("datetime year -5000")
            << T::DateTime << QVariant(QDateTime(QDate(-5000, 1, 1), QTime(0, 0), Qt::UTC)) << no;
        // json: nested at most MaxJsonDepth deep, made only of what JSON has
        QTest::newRow("json 32 deep") << T::Json << nestedList(32) << nestedList(32);
        QTest::newRow("json 33 deep") << T::Json << nestedList(33) << no;
        QTest::newRow("json 10000 deep") << T::Json << nestedList(10000) << no;
        QTest::newRow("json 32 deep objects") << T::Json << nestedMap(32) << nestedMap(32);
        QTest::newRow("json 33 deep objects") << T::Json << nestedMap(33) << no;
        QTest::newRow("json 10000 deep objects") << T::Json << nestedMap(10000) << no;
        QTest::newRow("json 32 deep QJsonArray") << T::Json << QVariant(nestedJsonArray(32)) << nestedList(32);
        QTest::newRow("json 33 deep QJsonArray") << T::Json << QVariant(nestedJsonArray(33)) << no;
        QTest::newRow("json 10000 deep QJsonArray") << T::Json << QVariant(nestedJsonArray(10000)) << no;
        QTest::newRow("json 10000 deep QJsonValue") << T::Json << QVariant(QJsonValue(nestedJsonArray(10000))) << no;
        QTest::newRow("json NaN inside") << T::Json
                                         << QVariant(QVariantList { 1, std::numeric_limits<double>::quiet_NaN() })
                                         << no;
        QTest::newRow("json lone surrogate inside")
            << T::Json << QVariant(QVariantList { QString(QChar(0xD83D)) }) << no;
        QTest::newRow("json lone surrogate key")
            << T::Json << QVariant(QVariantMap { { QString(QChar(0xD83D)), 1 } }) << no;
        QTest::newRow("json lone surrogate in a string list")
            << T::Json << QVariant(QStringList { u"a"_s, QString(QChar(0xDE00)) }) << no;
        QTest::newRow("json string list")
            << T::Json << QVariant(QStringList { u"a"_s }) << QVariant(QVariantList { u"a"_s });
        QTest::newRow("json UTF-8 bytes inside")
            << T::Json << QVariant(QVariantList { QByteArray("h\xc3\xa9") }) << QVariant(QVariantList { u"h\u00e9"_s });
        QTest::newRow("json QSize inside") << T::Json << QVariant(QVariantMap { { u"s"_s, QSize(1, 2) } }) << no;
        QTest::newRow("json big integer inside")
            << T::Json << QVariant(QVariantList { i64(std::numeric_limits<qint64>::max()) })
            << QVariant(QVariantList { i64(std::numeric_limits<qint64>::max()) });
        // a deep value given to another type is refused as what it is
        QTest::newRow("int 10000 deep") << T::Int << QVariant(QJsonValue(nestedJsonArray(10000))) << no;
    }

    void shouldAcceptExactlyTheValidValues()
    {
        QFETCH(Field::Type, type);
        QFETCH(QVariant, input);
        QFETCH(QVariant, expected);
        // Given a field of the type
        const Field field(u"f"_s, type);
        // When a value is checked
        QVariant out = u"untouched"_s;
        const QString problem = field.checkValue(input, &out);
        // Then a valid one is taken as it is (a datetime as its instant in UTC)
        if (expected.isValid()) {
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QVERIFY(out == expected);
            if (type == Field::Type::DateTime)
                QCOMPARE(out.toDateTime().timeSpec(), Qt::UTC);
            else if (type != Field::Type::Json)
                QCOMPARE(out.metaType(), field.metaType());
            return;
        }
        // And any other is refused, never rounded, clamped or made null
        QVERIFY2(problem.startsWith(u"field 'f' expects "_s), qPrintable(problem));
        QCOMPARE(out, QVariant(u"untouched"_s));
        QVERIFY(!field.coerce(input, &out));
        QCOMPARE(out, QVariant(u"untouched"_s));
    }

    // The same rules for values as the server reads them from a push: JSON
    // text parsed as Protocol::mutationFromJson does.
    void shouldAcceptExactlyTheValidValuesFromTheWire_data()
    {
        QTest::addColumn<Field::Type>("type");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QVariant>("expected"); // invalid: refused

        using T = Field::Type;
        const auto i64 = [](qint64 n) { return QVariant::fromValue(n); };
        const QVariant no;
        QTest::newRow("int 2^53") << T::Int << "9007199254740992"_ba << i64(9007199254740992);
        QTest::newRow("int -2^53") << T::Int << "-9007199254740992"_ba << i64(-9007199254740992);
        QTest::newRow("int 2^53+1") << T::Int << "9007199254740993"_ba << no;
        QTest::newRow("int -2^53-1") << T::Int << "-9007199254740993"_ba << no;
        QTest::newRow("int 2^63-1") << T::Int << "9223372036854775807"_ba << no;
        QTest::newRow("int -2^63") << T::Int << "-9223372036854775808"_ba << no;
        QTest::newRow("int 2^63") << T::Int << "9223372036854775808"_ba << no;
        QTest::newRow("int -2^63-1") << T::Int << "-9223372036854775809"_ba << no;
        QTest::newRow("int 1e300") << T::Int << "1e300"_ba << no;
        QTest::newRow("int 1.5") << T::Int << "1.5"_ba << no;
        QTest::newRow("int 1.0") << T::Int << "1.0"_ba << i64(1);
        QTest::newRow("int 1e3") << T::Int << "1e3"_ba << i64(1000);
        QTest::newRow("int 2^51+0.5") << T::Int << "2251799813685248.5"_ba << no;
        // (a fraction finer than a double's precision is gone once read)
        QTest::newRow("int 2^52+0.5") << T::Int << "4503599627370496.5"_ba << i64(4503599627370496);
        QTest::newRow("int \"12\"") << T::Int << "\"12\""_ba << no;
        QTest::newRow("int true") << T::Int << "true"_ba << no;
        QTest::newRow("int null") << T::Int << "null"_ba << QVariant(QMetaType::fromType<qint64>());
        QTest::newRow("double 1.7976931348623157e308")
            << T::Double << "1.7976931348623157e308"_ba << QVariant(std::numeric_limits<double>::max());
        QTest::newRow("double 9007199254740993") << T::Double << "9007199254740993"_ba << QVariant(9007199254740992.0);
        QTest::newRow("double \"1\"") << T::Double << "\"1\""_ba << no;
        QTest::newRow("string lone surrogate") << T::String << "\"\\ud83d\""_ba << no;
        QTest::newRow("string surrogate pair") << T::String << "\"\\ud83d\\ude00\""_ba << QVariant(u"\U0001F600"_s);
        const QDateTime utc(QDate(2026, 11, 21), QTime(10, 15), Qt::UTC);
        QTest::newRow("datetime Z") << T::DateTime << "\"2026-11-21T10:15:00Z\""_ba << QVariant(utc);
        QTest::newRow("datetime ms Z") << T::DateTime << "\"2026-11-21T10:15:00.000Z\""_ba << QVariant(utc);
        QTest::newRow("datetime +02:00") << T::DateTime << "\"2026-11-21T12:15:00+02:00\""_ba << QVariant(utc);
        QTest::newRow("datetime -05:30") << T::DateTime << "\"2026-11-21T04:45:00-05:30\""_ba << QVariant(utc);
        QTest::newRow("datetime without offset") << T::DateTime << "\"2026-11-21T10:15:00\""_ba << no;
        QTest::newRow("datetime date only") << T::DateTime << "\"2026-11-21\""_ba << no;
        QTest::newRow("datetime garbage") << T::DateTime << "\"yesterday\""_ba << no;
        QTest::newRow("datetime number") << T::DateTime << "1795774500000"_ba << no;
        QTest::newRow("datetime 9999 last second")
            << T::DateTime << "\"9999-12-31T23:59:59Z\""_ba
            << QVariant(QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59), Qt::UTC));
        QTest::newRow("datetime past 9999 in UTC") << T::DateTime << "\"9999-12-31T23:59:59-00:01\""_ba << no;
        QTest::newRow("datetime before 0001 in UTC") << T::DateTime << "\"0001-01-01T00:00:00+00:01\""_ba << no;
        QTest::newRow("json 32 deep") << T::Json << nestedText(32) << nestedList(32);
        QTest::newRow("json 33 deep") << T::Json << nestedText(33) << no;
        QTest::newRow("json 1000 deep") << T::Json << nestedText(1000) << no;
    }

    void shouldAcceptExactlyTheValidValuesFromTheWire()
    {
        QFETCH(Field::Type, type);
        QFETCH(QByteArray, json);
        QFETCH(QVariant, expected);
        // Given a value as a push carries it
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson("{\"f\": " + json + "}", &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QVariant input = doc.object().toVariantMap().value(u"f"_s);
        // When the field checks it
        const Field field(u"f"_s, type);
        QVariant out = u"untouched"_s;
        const QString problem = field.checkValue(input, &out);
        // Then it is taken exactly, or refused
        if (expected.isValid()) {
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QVERIFY(out == expected);
            QVERIFY(out.isNull() == expected.isNull());
        } else {
            QVERIFY2(problem.startsWith(u"field 'f' expects "_s), qPrintable(problem));
            QCOMPARE(out, QVariant(u"untouched"_s));
        }
        // And as a QJsonValue, the same
        QVariant again;
        QCOMPARE(field.coerce(QVariant(doc.object().value(u"f"_s)), &again), expected.isValid());
    }

    void shouldKeepTheInstantOfADatetimeThroughTheWire_data()
    {
        QTest::addColumn<QVariant>("input");
        QTest::newRow("UTC") << QVariant(QDateTime(QDate(2026, 11, 21), QTime(10, 15, 0, 123), Qt::UTC));
        QTest::newRow("local time") << QVariant(QDateTime(QDate(2026, 7, 1), QTime(23, 30, 1, 5), Qt::LocalTime));
        QTest::newRow("offset") << QVariant(QDateTime(QDate(2026, 3, 29), QTime(2, 30), Qt::OffsetFromUTC, -34200));
        QTest::newRow("+02:00 text") << QVariant(u"2026-11-21T10:15:00.250+02:00"_s);
        QTest::newRow("Z text") << QVariant(u"2026-11-21T10:15:00Z"_s);
    }

    void shouldKeepTheInstantOfADatetimeThroughTheWire()
    {
        QFETCH(QVariant, input);
        // Given a datetime field and a value it takes
        const Field field(u"due"_s, Field::Type::DateTime);
        QVariant value;
        QVERIFY(field.coerce(input, &value));
        // When it is written as the wire writes it and read back
        const QString text = value.toDateTime().toUTC().toString(Qt::ISODateWithMs);
        QVariant back;
        QVERIFY2(field.coerce(text, &back), qPrintable(text));
        // Then it is the same instant
        QCOMPARE(back.toDateTime().toMSecsSinceEpoch(), value.toDateTime().toMSecsSinceEpoch());
        const QDateTime original = input.metaType().id() == QMetaType::QString
            ? QDateTime::fromString(input.toString(), Qt::ISODateWithMs)
            : input.toDateTime();
        QCOMPARE(back.toDateTime().toMSecsSinceEpoch(), original.toMSecsSinceEpoch());
    }

    void shouldCountCharactersAsCodePoints_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok"); // with maxLength 200

        const QString emoji = u"\U0001F600"_s;
        QTest::newRow("150 emoji") << emoji.repeated(150) << true;
        QTest::newRow("200 emoji") << emoji.repeated(200) << true;
        QTest::newRow("201 emoji") << emoji.repeated(201) << false;
        QTest::newRow("200 letters") << QString(200, u'a') << true;
        QTest::newRow("201 letters") << QString(201, u'a') << false;
        QTest::newRow("199 letters and an emoji") << QString(199, u'a') + emoji << true;
        QTest::newRow("200 letters and an emoji") << QString(200, u'a') + emoji << false;
        QTest::newRow("100,000 emoji") << emoji.repeated(100000) << false;
        // a combining accent is a code point of its own: e + U+0301
        QTest::newRow("100 e with accent") << u"e\u0301"_s.repeated(100) << true;
        QTest::newRow("101 e with accent") << u"e\u0301"_s.repeated(100) + u"e\u0301"_s << false;
    }

    void shouldCountCharactersAsCodePoints()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        // Given a string field of at most 200 characters
        Field field(u"title"_s, Field::Type::String);
        field.setMaxLength(200);
        // When a text is checked
        QVariant out;
        const QString problem = field.checkValue(text, &out);
        // Then its length is its number of Unicode code points
        QCOMPARE(problem.isEmpty(), ok);
        const qsizetype codePoints = text.toUcs4().size();
        QCOMPARE(Field::characterCount(text), codePoints);
        if (!ok)
            QCOMPARE(problem, u"field 'title' is longer than 200 characters: got %1"_s.arg(codePoints));
    }

    void shouldExplainRefusalsInTheSchemasWords_data()
    {
        QTest::addColumn<Field>("field");
        QTest::addColumn<QVariant>("input");
        QTest::addColumn<QString>("message");

        using T = Field::Type;
        const Field done(u"done"_s, T::Bool);
        const Field rank(u"rank"_s, T::Int, {}, true);
        const Field title(u"title"_s, T::String);
        const Field due(u"due"_s, T::DateTime);
        const Field meta(u"meta"_s, T::Json);
        const Field weight(u"weight"_s, T::Double);
        QTest::newRow("bool from string")
            << done << QVariant(u"yes"_s) << u"field 'done' expects a bool, got a string"_s;
        QTest::newRow("bool from number") << done << QVariant(1) << u"field 'done' expects a bool, got a number"_s;
        QTest::newRow("int from fraction")
            << rank << QVariant(1.5) << u"field 'rank' expects an int, got a number with a fraction"_s;
        QTest::newRow("int from null") << rank << QVariant() << u"field 'rank' is required, got null"_s;
        QTest::newRow("int from string") << rank << QVariant(u"12"_s) << u"field 'rank' expects an int, got a string"_s;
        QTest::newRow("int from array") << rank << QVariant(QVariantList { 1 })
                                        << u"field 'rank' expects an int, got an array"_s;
        QTest::newRow("int from object") << rank << QVariant(QVariantMap {})
                                         << u"field 'rank' expects an int, got an object"_s;
        QTest::newRow("int out of range")
            << rank << QVariant::fromValue(qint64(9007199254740993))
            << u"field 'rank' expects an int, got 9007199254740993, outside the int range of -2^53 to 2^53"_s;
        QTest::newRow("int -2^63 as double")
            << rank << QVariant(-9223372036854775808.0)
            << u"field 'rank' expects an int, got -9.2233720368547758e+18, outside the int range of -2^53 to 2^53"_s;
        QTest::newRow("int NaN") << rank << QVariant(std::numeric_limits<double>::quiet_NaN())
                                 << u"field 'rank' expects an int, got NaN"_s;
        QTest::newRow("double inf") << weight << QVariant(std::numeric_limits<double>::infinity())
                                    << u"field 'weight' expects a double, got an infinite number"_s;
        QTest::newRow("string from number")
            << title << QVariant(5) << u"field 'title' expects a string, got a number"_s;
        QTest::newRow("string from bool") << title << QVariant(true) << u"field 'title' expects a string, got a bool"_s;
        QTest::newRow("datetime without offset")
            << due << QVariant(u"2026-11-21T10:15:00"_s)
            << u"field 'due' expects a datetime, got a date and time without a UTC offset or 'Z'"_s;
        QTest::newRow("datetime garbage")
            << due << QVariant(u"soon"_s)
            << u"field 'due' expects a datetime, got a string that is not an ISO 8601 date and time"_s;
        QTest::newRow("datetime number") << due << QVariant(5) << u"field 'due' expects a datetime, got a number"_s;
        QTest::newRow("json too deep")
            << meta << nestedList(33)
            << u"field 'meta' expects json, got an array or object nested more than 32 deep"_s;
        QTest::newRow("json QSize") << meta << QVariant(QSize(1, 2))
                                    << u"field 'meta' expects json, got a QSize, which is not a JSON value"_s;
    }

    void shouldExplainRefusalsInTheSchemasWords()
    {
        QFETCH(Field, field);
        QFETCH(QVariant, input);
        QFETCH(QString, message);
        QVariant out;
        QCOMPARE(field.checkValue(input, &out), message);
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
        field.setMaxLength(3);
        QVariant out;
        // Then null, too long and wrong-typed values are refused with a message, a fitting one is not
        QCOMPARE(field.checkValue(QVariant(), &out), u"field 'code' is required, got null"_s);
        QVERIFY(field.checkValue(u"abcd"_s, &out).contains(u"longer than 3"_s));
        QVERIFY(field.checkValue(7, &out).contains(u"expects a string"_s));
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
        QCOMPARE(field.name(), map.value(u"name"_s).toString());
        QCOMPARE(Field::typeName(field.type()), map.value(u"type"_s, u"string"_s).toString());
        QCOMPARE(field.isRequired(), map.value(u"required"_s).toBool());
        QCOMPARE(field.maxLength(), map.value(u"maxLength"_s).toInt());
        if (map.contains(u"default"_s)) {
            QVariant expected;
            QVERIFY(field.coerce(map.value(u"default"_s), &expected));
            QCOMPARE(field.defaultValue(), expected);
        } else {
            QVERIFY(field.defaultValue().isNull());
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
            QCOMPARE(field.defaultValue().metaType(), field.metaType());
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
        QVERIFY(field.name().isEmpty());
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

private:
    //! [[…[1]…]]: n arrays deep.
    static QVariant nestedList(int depth)
    {
        QVariant value = 1;
        for (int i = 0; i < depth; ++i)
            value = QVariantList { value };
        return value;
    }

    //! {"a": {"a": … 1}}: n objects deep.
    static QVariant nestedMap(int depth)
    {
        QVariant value = 1;
        for (int i = 0; i < depth; ++i)
            value = QVariantMap { { u"a"_s, value } };
        return value;
    }

    static QJsonArray nestedJsonArray(int depth)
    {
        QJsonArray array { 1 };
        for (int i = 1; i < depth; ++i)
            array = QJsonArray { array };
        return array;
    }

    static QByteArray nestedText(int depth) { return QByteArray(depth, '[') + '1' + QByteArray(depth, ']'); }
};

QTEST_GUILESS_MAIN(tst_Field)
#include "tst_field.moc"
