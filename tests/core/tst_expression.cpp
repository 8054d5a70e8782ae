// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include <optimist/expression.h>

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTimeZone>
#include <QtTest/QTest>

#include <functional>

#include "tst_expression_oracle.h"

using namespace Qt::StringLiterals;
using namespace Optimist;

namespace {

// The context the evaluation table reads.
Expression::Context tableContext()
{
    Expression::Context c;
    c.record = {
        { u"s"_s, u"abc"_s },
        { u"e"_s, u""_s },
        { u"n"_s, qint64(5) },
        { u"d"_s, 5.0 },
        { u"f"_s, 2.5 },
        { u"t"_s, true },
        { u"fl"_s, false },
        { u"z"_s, QVariant() },
        { u"tn"_s, QVariant(QMetaType::fromType<QString>()) },
        { u"nul"_s, QVariant::fromValue(nullptr) },
        { u"dt"_s, QDateTime(QDate(2026, 11, 21), QTime(10, 15), QTimeZone::utc()) },
        { u"list"_s, QVariantList { u"x"_s, 1 } },
        { u"obj"_s, QVariantMap { { u"k"_s, 1 } } },
        { u"big"_s, qint64(1) << 53 },
        { u"huge"_s, (qint64(1) << 60) + 1 },
        { u"ba"_s, QByteArray("abc") },
    };
    c.auth = {
        { u"sub"_s, u"u1"_s },
        { u"org"_s, QVariantMap { { u"id"_s, u"o1"_s } } },
        { u"roles"_s, QStringList { u"admin"_s, u"dev"_s } },
        { u"n"_s, 5 },
        { u"json"_s,
            QJsonObject { { u"team"_s, QJsonObject { { u"id"_s, u"t1"_s } } }, { u"tags"_s, QJsonArray { u"a"_s } } } },
    };
    c.params = {
        { u"p"_s, u"abc"_s },
        { u"lists"_s, QVariantList { u"l1"_s, u"l2"_s } },
        { u"five"_s, 5 },
        { u"nul"_s, QVariant() },
    };
    return c;
}

QString describe(const Expression::EqualityPredicate &p)
{
    using S = Expression::EqualityPredicate::Source;
    switch (p.source) {
    case S::Literal:
        return p.field + u"=lit:"_s + (p.literal.isValid() ? p.literal.toString() : u"null"_s);
    case S::Claim:
        return p.field + u"=auth:"_s + p.name;
    case S::Param:
        return p.field + u"=$"_s + p.name;
    }
    return {};
}

} // namespace

class tst_Expression : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldParseValid_data();
    void shouldParseValid();
    void shouldRefuseInvalid_data();
    void shouldRefuseInvalid();
    void shouldBoundNesting_data();
    void shouldBoundNesting();
    void shouldBindByPrecedence_data();
    void shouldBindByPrecedence();
    void shouldEvaluate_data();
    void shouldEvaluate();
    void shouldReadJsonRecordsAsMaps();
    void shouldExtractEqualityPredicates_data();
    void shouldExtractEqualityPredicates();
    void shouldResolvePredicateValues();
    void shouldListReferences();
    void shouldValidateAgainstSchema_data();
    void shouldValidateAgainstSchema();
    void nullExpression();
    void shouldMatchOracleOnRandomExpressions_data();
    void shouldMatchOracleOnRandomExpressions();
};

void tst_Expression::shouldParseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("printed");

    const auto row = [](const QString &text, const QString &printed) {
        QTest::newRow(qPrintable(QString(text).replace(u'\n', u"\\n"_s))) << text << printed;
    };
    row(u"record.owner == auth.sub"_s, u"record.owner == auth.sub"_s);
    row(u"record.a==1&&record.b!=2||!record.c"_s, u"record.a == 1 && record.b != 2 || !record.c"_s);
    row(u"(record.a || record.b) && record.c"_s, u"(record.a || record.b) && record.c"_s);
    row(u"record.a || (record.b && record.c)"_s, u"record.a || record.b && record.c"_s);
    row(u"((record.a))"_s, u"record.a"_s);
    row(u"(record.a && record.b) && (record.c && record.d)"_s, u"record.a && record.b && record.c && record.d"_s);
    row(u"!(record.a == 1)"_s, u"!(record.a == 1)"_s);
    row(u"!record.a == 1"_s, u"!record.a == 1"_s);
    row(u"!!record.a"_s, u"!!record.a"_s);
    row(u"!(record.a && record.b)"_s, u"!(record.a && record.b)"_s);
    row(u"(record.a == 1) == true"_s, u"(record.a == 1) == true"_s);
    row(u"record.a < 1 && record.b <= 2 && record.c > 3 && record.d >= 4"_s,
        u"record.a < 1 && record.b <= 2 && record.c > 3 && record.d >= 4"_s);
    row(u"record.x in [1, 'a', null, true, auth.sub, $p]"_s, u"record.x in [1, \"a\", null, true, auth.sub, $p]"_s);
    row(u"record.x in[]"_s, u"record.x in []"_s);
    row(u"record.list in $lists"_s, u"record.list in $lists"_s);
    row(u"'a' in auth.roles"_s, u"\"a\" in auth.roles"_s);
    row(u"'it\\'s' == \"it's\""_s, u"\"it's\" == \"it's\""_s);
    row(u"\"tab\\there\\n\\\\\\\"\\/\\b\" == record.a"_s, u"\"tab\\there\\n\\\\\\\"/\\u0008\" == record.a"_s);
    row(u"\"\\u00e9\\ud83d\\ude00\" == record.a"_s, u"\"é😀\" == record.a"_s);
    row(u"record.n == 1.0"_s, u"record.n == 1.0"_s);
    row(u"1e3 == record.n"_s, u"1000.0 == record.n"_s);
    row(u"record.n == 1E21"_s, u"record.n == 1e+21"_s);
    row(u"record.n == -0.5"_s, u"record.n == -0.5"_s);
    row(u"record.n == 0.1"_s, u"record.n == 0.1"_s);
    row(u"record.n == 007"_s, u"record.n == 7"_s);
    row(u"record.n == 9007199254740992"_s, u"record.n == 9007199254740992"_s);
    row(u"record.n == -9007199254740992"_s, u"record.n == -9007199254740992"_s);
    row(u"record.n>-1"_s, u"record.n > -1"_s);
    row(u"auth.org.id == record.org"_s, u"auth.org.id == record.org"_s);
    row(u"record.in == 1 && record.true == auth.null"_s, u"record.in == 1 && record.true == auth.null"_s);
    row(u"$_x1 == $Y"_s, u"$_x1 == $Y"_s);
    row(u"record.team == auth.org.id && !record.archived && record.priority >= 2"_s,
        u"record.team == auth.org.id && !record.archived && record.priority >= 2"_s);
    row(u"record.due < '2027-01-01T00:00:00.000Z' && record.state in ['open', 'waiting']"_s,
        u"record.due < \"2027-01-01T00:00:00.000Z\" && record.state in [\"open\", \"waiting\"]"_s);
    row(u"true"_s, u"true"_s);
    row(u"null"_s, u"null"_s);
    row(u" \t\nrecord.a\n"_s, u"record.a"_s);
    row(u"record.a == '😀'"_s, u"record.a == \"😀\""_s);
}

void tst_Expression::shouldParseValid()
{
    QFETCH(QString, text);
    QFETCH(QString, printed);

    Expression::ParseError error;
    const Expression e = Expression::parse(text, &error);
    QVERIFY2(!e.isNull(), qPrintable(error.message));
    QCOMPARE(e.text(), text);
    QCOMPARE(e.toString(), printed);
    // Printing round-trips: the printed form parses to the same tree.
    const Expression again = Expression::parse(printed);
    QVERIFY(again == e);
    QCOMPARE(again.toString(), printed);
}

void tst_Expression::shouldRefuseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("message");

    const auto row = [](const QString &text, int position, const QString &message) {
        QTest::newRow(qPrintable(text)) << text << position << u"%1 at %2"_s.arg(message).arg(position);
    };
    row(u""_s, 0, u"expected an expression, found the end"_s);
    row(u"   "_s, 3, u"expected an expression, found the end"_s);
    row(u"record.a =="_s, 11, u"expected an expression, found the end"_s);
    row(u"(record.a == 1"_s, 14, u"expected ')', found the end"_s);
    row(u"record.a == 1)"_s, 13, u"expected an operator or the end, found ')'"_s);
    row(u"record.a record.b"_s, 9, u"expected an operator or the end, found 'record'"_s);
    row(u"record.a = 1"_s, 9, u"expected '==' (one '=' is no operator)"_s);
    row(u"record.a & record.b"_s, 9, u"expected '&&'"_s);
    row(u"record.a | record.b"_s, 9, u"expected '||'"_s);
    row(u"record.a == 1 == 2"_s, 14, u"comparisons do not chain: add parentheses"_s);
    row(u"record.a < record.b in [1]"_s, 20, u"comparisons do not chain: add parentheses"_s);
    row(u"record.a in [1 2]"_s, 15, u"expected ',' or ']', found a number"_s);
    row(u"record.a in [1,]"_s, 15, u"expected an expression, found ']'"_s);
    row(u"record.a in [1"_s, 14, u"expected ',' or ']', found the end"_s);
    row(u"record.a in [record.b == 1]"_s, 22, u"expected ',' or ']', found '=='"_s);
    row(u"record.a in 1"_s, 12, u"expected '[' or a reference after 'in', found a number"_s);
    row(u"record"_s, 6, u"expected '.' and a field name after 'record', found the end"_s);
    row(u"record."_s, 7, u"expected '.' and a field name after 'record', found the end"_s);
    row(u"record.1"_s, 7, u"expected '.' and a field name after 'record', found a number"_s);
    row(u"record.a.b == 1"_s, 8, u"a record field has no members"_s);
    row(u"auth == 1"_s, 5, u"expected '.' and a claim name after 'auth', found '=='"_s);
    row(u"auth.org. == 1"_s, 10, u"expected '.' and a claim name after 'auth', found '=='"_s);
    row(u"user.id == 1"_s, 0, u"unknown name 'user': expected record.<field>, auth.<claim>, $param or a literal"_s);
    row(u"in"_s, 0, u"expected an expression, found 'in'"_s);
    row(u"!"_s, 1, u"expected an expression, found the end"_s);
    row(u"()"_s, 1, u"expected an expression, found ')'"_s);
    row(u"$ == 1"_s, 0, u"expected a parameter name after '$'"_s);
    row(u"$1 == 1"_s, 0, u"expected a parameter name after '$'"_s);
    row(u"record.s == \"abc"_s, 12, u"unterminated string"_s);
    row(u"record.s == 'abc\\"_s, 12, u"unterminated string"_s);
    row(u"record.s == 'abc\""_s, 12, u"unterminated string"_s);
    row(u"record.s == 'a\\q'"_s, 14, u"unknown escape '\\q'"_s);
    row(u"record.s == \"\\u12\""_s, 13, u"expected four hex digits after '\\u'"_s);
    row(u"record.s == \"\\u+123\""_s, 13, u"expected four hex digits after '\\u'"_s);
    row(u"record.s == \"\\ud83d\""_s, 12, u"string with an unpaired UTF-16 surrogate"_s);
    row(u"record.n == 9007199254740993"_s, 12, u"integer outside -2^53 to 2^53; write it as a string"_s);
    row(u"record.n == -9007199254740993"_s, 12, u"integer outside -2^53 to 2^53; write it as a string"_s);
    row(u"record.n == 99999999999999999999"_s, 12, u"integer outside -2^53 to 2^53; write it as a string"_s);
    row(u"record.n == 1e400"_s, 12, u"number out of range"_s);
    row(u"record.n == 1."_s, 12, u"invalid number: expected digits after '.'"_s);
    row(u"record.n == .5"_s, 12, u"expected an expression, found '.'"_s);
    row(u"record.n == 1e"_s, 12, u"invalid number: expected digits in the exponent"_s);
    row(u"record.n == 12abc"_s, 12, u"invalid number"_s);
    row(u"record.n == - 1"_s, 12, u"unexpected character '-'"_s);
    row(u"record.a # 1"_s, 9, u"unexpected character '#'"_s);
    row(u"record.a == 😀"_s, 12, u"unexpected character '😀'"_s);
    // Positions count code points: the emoji is one, not two UTF-16 units.
    row(u"\"😀\" == record.a #"_s, 16, u"unexpected character '#'"_s);
    row(u"\"😀😀\" == (record.a"_s, 17, u"expected ')', found the end"_s);
}

void tst_Expression::shouldRefuseInvalid()
{
    QFETCH(QString, text);
    QFETCH(int, position);
    QFETCH(QString, message);

    Expression::ParseError error;
    const Expression e = Expression::parse(text, &error);
    QVERIFY(e.isNull());
    QCOMPARE(error.message, message);
    QCOMPARE(error.position, position);
    QVERIFY(Expression::parse(text).isNull()); // without an error to fill
}

void tst_Expression::shouldBoundNesting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("errorAt");

    const int max = Expression::MaxDepth;
    const auto parens = [](int n) -> QString { return QString(n, u'(') + u"record.a"_s + QString(n, u')'); };
    QTest::newRow("parentheses at the limit") << parens(max) << -1;
    QTest::newRow("parentheses one past") << parens(max + 1) << max;
    QTest::newRow("parentheses far past") << parens(100000) << max;
    QTest::newRow("nots at the limit") << QString(max, u'!') + u"record.a"_s << -1;
    QTest::newRow("nots one past") << QString(max + 1, u'!') + u"record.a"_s << max;
    QTest::newRow("nots far past") << QString(100000, u'!') + u"record.a"_s << max;
    QTest::newRow("mixed one past") << QString(max / 2, u'!') + parens(max / 2 + 1) << max;
    // Long junctions are flat, not deep: no limit but the text's length.
    QStringList terms(20000, u"record.a == 1"_s);
    QTest::newRow("long &&") << terms.join(u" && "_s) << -1;
    QTest::newRow("long ||") << terms.join(u" || "_s) << -1;
}

void tst_Expression::shouldBoundNesting()
{
    QFETCH(QString, text);
    QFETCH(int, errorAt);

    Expression::ParseError error;
    const Expression e = Expression::parse(text, &error);
    if (errorAt < 0) {
        QVERIFY2(!e.isNull(), qPrintable(error.message));
        QVERIFY(Expression::parse(e.toString()) == e);
        e.evaluate({ { { u"a"_s, 1 } }, {}, {}, {} }); // total, and no deep recursion
        return;
    }
    QVERIFY(e.isNull());
    QCOMPARE(error.position, errorAt);
    QCOMPARE(error.message, u"nested more than 64 deep at %1"_s.arg(errorAt));
}

void tst_Expression::shouldBindByPrecedence_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("grouped");

    QTest::newRow("&& before ||") << u"record.a || record.b && record.c"_s << u"record.a || (record.b && record.c)"_s;
    QTest::newRow("&& before || (left)") << u"record.a && record.b || record.c"_s
                                         << u"(record.a && record.b) || record.c"_s;
    QTest::newRow("! before &&") << u"!record.a && record.b"_s << u"(!record.a) && record.b"_s;
    QTest::newRow("! before ==") << u"!record.a == record.b"_s << u"(!record.a) == record.b"_s;
    QTest::newRow("! before in") << u"!record.a in [true]"_s << u"(!record.a) in [true]"_s;
    QTest::newRow("== before &&") << u"record.a == 1 && record.b"_s << u"(record.a == 1) && record.b"_s;
    QTest::newRow("< before ||") << u"record.a < 1 || record.b >= 2"_s << u"(record.a < 1) || (record.b >= 2)"_s;
    QTest::newRow("in before ||") << u"record.a in [1] || record.b"_s << u"(record.a in [1]) || record.b"_s;
    QTest::newRow("|| is associative") << u"record.a || record.b || record.c"_s
                                       << u"record.a || (record.b || record.c)"_s;
}

void tst_Expression::shouldBindByPrecedence()
{
    QFETCH(QString, text);
    QFETCH(QString, grouped);

    const Expression e = Expression::parse(text);
    QVERIFY(!e.isNull());
    QVERIFY(e == Expression::parse(grouped));
    // And a different grouping is a different expression: the check can fail.
    QVERIFY(!(e == Expression::parse(u"record.a || record.b"_s)));
}

namespace {

void scalarRows()
{
    const auto row = [](const QString &text, bool expected) { QTest::newRow(qPrintable(text)) << text << expected; };
    // strings
    row(u"record.s == \"abc\""_s, true);
    row(u"record.s == 'abc'"_s, true);
    row(u"record.s != 'abc'"_s, false);
    row(u"record.s == 'ABC'"_s, false);
    row(u"record.e == ''"_s, true);
    row(u"record.ba == 'abc'"_s, true);
    // numbers, across int and double, never coerced from strings
    row(u"record.n == 5"_s, true);
    row(u"record.n == 5.0"_s, true);
    row(u"record.d == 5"_s, true);
    row(u"record.n == record.d"_s, true);
    row(u"record.f == 2.5"_s, true);
    row(u"record.n == '5'"_s, false);
    row(u"record.n != '5'"_s, true);
    row(u"record.s == 5"_s, false);
    row(u"1e3 == 1000"_s, true);
    row(u"record.big == 9007199254740992"_s, true);
    row(u"record.big == 9007199254740992.0"_s, true);
    row(u"record.big > 9007199254740991"_s, true);
    row(u"record.huge > 1152921504606846976.0"_s, true); // 2^60 + 1 > 2^60, not rounded into equality
    row(u"record.huge == 1152921504606846976.0"_s, false);
    // bools are no numbers
    row(u"record.t == true"_s, true);
    row(u"record.t == 1"_s, false);
    row(u"record.fl == false"_s, true);
    row(u"record.fl == 0"_s, false);
}

void nullAndOrderRows()
{
    const auto row = [](const QString &text, bool expected) { QTest::newRow(qPrintable(text)) << text << expected; };
    // null and missing
    row(u"record.z == null"_s, true);
    row(u"record.tn == null"_s, true);
    row(u"record.nul == null"_s, true);
    row(u"record.missing == null"_s, true);
    row(u"record.z == record.missing"_s, true);
    row(u"record.z != null"_s, false);
    row(u"record.s == null"_s, false);
    row(u"record.s != null"_s, true);
    row(u"record.missing == ''"_s, false);
    row(u"record.e == null"_s, false);
    row(u"record.fl == null"_s, false);
    row(u"record.n == 0"_s, false);
    // ordering: two numbers or two strings, else false
    row(u"record.n < 6"_s, true);
    row(u"record.n <= 5"_s, true);
    row(u"record.n > 5"_s, false);
    row(u"record.n >= 5.0"_s, true);
    row(u"record.f < record.n"_s, true);
    row(u"-1 < 0"_s, true);
    row(u"record.s < 'abd'"_s, true);
    row(u"record.s > 'ab'"_s, true);
    row(u"record.s >= 'abc'"_s, true);
    row(u"'B' < 'a'"_s, true);
    row(u"'\\uffff' < '\\ud83d\\ude00'"_s, true); // code point order, not UTF-16 unit order
    row(u"record.s < 6"_s, false);
    row(u"record.s >= 6"_s, false);
    row(u"record.n < '6'"_s, false);
    row(u"record.z < 1"_s, false);
    row(u"record.z >= null"_s, false);
    row(u"record.missing <= 0"_s, false);
    row(u"record.t > false"_s, false);
    row(u"record.t >= true"_s, false);
    row(u"record.list >= record.list"_s, false);
    // datetimes are their wire text
    row(u"record.dt == '2026-11-21T10:15:00.000Z'"_s, true);
    row(u"record.dt < '2026-12-01T00:00:00.000Z'"_s, true);
    row(u"record.dt > '2026-11-21T10:14:59.999Z'"_s, true);
    row(u"record.dt == '2026-11-21T10:15:00Z'"_s, false);
}

void membershipAndLogicRows()
{
    const auto row = [](const QString &text, bool expected) { QTest::newRow(qPrintable(text)) << text << expected; };
    // in
    row(u"record.s in ['x', 'abc']"_s, true);
    row(u"record.s in []"_s, false);
    row(u"record.n in [1, 5.0]"_s, true);
    row(u"record.n in ['5']"_s, false);
    row(u"record.z in [null]"_s, true);
    row(u"record.missing in [1, null]"_s, true);
    row(u"record.s in [auth.sub, $p]"_s, true);
    row(u"'l1' in $lists"_s, true);
    row(u"record.s in $lists"_s, false);
    row(u"'admin' in auth.roles"_s, true);
    row(u"record.s in auth.roles"_s, false);
    row(u"5 in auth.roles"_s, false);
    row(u"1 in record.list"_s, true);
    row(u"1.0 in record.list"_s, true);
    row(u"'x' in record.list"_s, true);
    row(u"'abc' in $p"_s, false); // not an array
    row(u"null in $missing"_s, false);
    row(u"'k' in record.obj"_s, false);
    // !: true only of false; of a non-bool it is null, which is not true
    row(u"!record.t"_s, false);
    row(u"!record.fl"_s, true);
    row(u"!record.s"_s, false);
    row(u"!record.missing"_s, false);
    row(u"!!record.s"_s, false);
    row(u"!!record.t"_s, true);
    row(u"!(record.n == 4)"_s, true);
    row(u"!record.missing == null"_s, true);
    // && and ||: a non-bool counts as false
    row(u"record.t && record.fl"_s, false);
    row(u"record.t && record.t"_s, true);
    row(u"record.t || record.fl"_s, true);
    row(u"record.fl || record.fl"_s, false);
    row(u"record.s || record.t"_s, true);
    row(u"record.s && true"_s, false);
    row(u"record.missing || !record.fl"_s, true);
    row(u"null || true"_s, true);
    row(u"record.t"_s, true);
    row(u"record.s"_s, false);
    row(u"record.n"_s, false);
    row(u"true"_s, true);
    row(u"false"_s, false);
    row(u"null"_s, false);
    row(u"1"_s, false);
    row(u"(record.n == 5) == true"_s, true);
    // arrays and objects equal nothing
    row(u"record.list == record.list"_s, false);
    row(u"record.list != null"_s, true);
    row(u"record.obj == null"_s, false);
}

void referenceRows()
{
    const auto row = [](const QString &text, bool expected) { QTest::newRow(qPrintable(text)) << text << expected; };
    // claims, nested
    row(u"auth.sub == 'u1'"_s, true);
    row(u"record.s == auth.sub"_s, false);
    row(u"auth.org.id == 'o1'"_s, true);
    row(u"auth.org.missing == null"_s, true);
    row(u"auth.sub.x == null"_s, true);
    row(u"auth.missing.x == null"_s, true);
    row(u"auth.n == 5"_s, true);
    row(u"auth.json.team.id == 't1'"_s, true);
    row(u"auth.json.team.missing == null"_s, true);
    row(u"'a' in auth.json.tags"_s, true);
    // params
    row(u"$p == record.s"_s, true);
    row(u"$five == record.d"_s, true);
    row(u"$nul == null"_s, true);
    row(u"$missing == null"_s, true);
    row(u"$missing == $nul"_s, true);
}

} // namespace

void tst_Expression::shouldEvaluate_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");
    scalarRows();
    nullAndOrderRows();
    membershipAndLogicRows();
    referenceRows();
}

void tst_Expression::shouldEvaluate()
{
    QFETCH(QString, text);
    QFETCH(bool, expected);

    Expression::ParseError error;
    const Expression e = Expression::parse(text, &error);
    QVERIFY2(!e.isNull(), qPrintable(error.message));
    QCOMPARE(e.evaluate(tableContext()), expected);
}

void tst_Expression::shouldReadJsonRecordsAsMaps()
{
    // Every row of the table gives the same answer on the record as JSON,
    // except what JSON cannot hold (typed nulls are null, datetimes text).
    Expression::Context json = tableContext();
    json.jsonRecord = QJsonObject::fromVariantMap(json.record);
    json.jsonRecord[u"dt"_s] = u"2026-11-21T10:15:00.000Z"_s;
    json.jsonRecord[u"tn"_s] = QJsonValue::Null; // fromVariantMap makes a typed null QString ""
    json.record.clear();
    QVERIFY(Expression::parse(u"record.dt == '2026-11-21T10:15:00.000Z'"_s).evaluate(json));
    QVERIFY(Expression::parse(u"record.tn == null && record.z == null"_s).evaluate(json));
    QVERIFY(Expression::parse(u"record.n == 5 && record.d == 5 && record.s == 'abc' && 'x' in record.list"_s)
                .evaluate(json));
    QVERIFY(!Expression::parse(u"record.s == 5"_s).evaluate(json));
    // The JSON record wins over the map when both are set.
    json.record = { { u"s"_s, u"other"_s } };
    QVERIFY(Expression::parse(u"record.s == 'abc'"_s).evaluate(json));
}

void tst_Expression::shouldExtractEqualityPredicates_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("predicates");

    QTest::newRow("claim") << u"record.owner == auth.sub"_s << QStringList { u"owner=auth:sub"_s };
    QTest::newRow("claim, swapped") << u"auth.sub == record.owner"_s << QStringList { u"owner=auth:sub"_s };
    QTest::newRow("nested claim") << u"record.org == auth.org.id"_s << QStringList { u"org=auth:org.id"_s };
    QTest::newRow("param and literal") << u"record.list == $list && record.done == false"_s
                                       << QStringList { u"list=$list"_s, u"done=lit:false"_s };
    QTest::newRow("string, number, null") << u"record.a == 'x' && 2 == record.b && record.c == null"_s
                                          << QStringList { u"a=lit:x"_s, u"b=lit:2"_s, u"c=lit:null"_s };
    QTest::newRow("among others") << u"!(record.a == 1) && record.b == 'x' && (record.c == 1 || record.d == 2)"_s
                                  << QStringList { u"b=lit:x"_s };
    QTest::newRow("inside parentheses") << u"(record.a == 1 && record.b == $b) && record.c < 3"_s
                                        << QStringList { u"a=lit:1"_s, u"b=$b"_s };
    QTest::newRow("under ||") << u"record.owner == auth.sub || record.shared == true"_s << QStringList {};
    QTest::newRow("!=") << u"record.a != 1"_s << QStringList {};
    QTest::newRow("two fields") << u"record.a == record.b"_s << QStringList {};
    QTest::newRow("in") << u"record.a in [1]"_s << QStringList {};
    QTest::newRow("no field") << u"auth.sub == $p"_s << QStringList {};
    QTest::newRow("negated") << u"!(record.a == 1)"_s << QStringList {};
    QTest::newRow("compared to a comparison") << u"record.a == (record.b == 1)"_s << QStringList {};
}

void tst_Expression::shouldExtractEqualityPredicates()
{
    QFETCH(QString, text);
    QFETCH(QStringList, predicates);

    const Expression e = Expression::parse(text);
    QVERIFY(!e.isNull());
    QStringList actual;
    for (const auto &p : e.equalityPredicates())
        actual.append(describe(p));
    QCOMPARE(actual, predicates);
}

void tst_Expression::shouldResolvePredicateValues()
{
    const Expression e = Expression::parse(u"record.a == auth.sub && record.b == auth.org.id && record.c == $p"
                                           u" && record.d == 7 && record.e == $missing && record.f == auth.no.x"_s);
    const auto predicates = e.equalityPredicates();
    QCOMPARE(predicates.size(), 6);
    const Expression::Context c = tableContext();
    QCOMPARE(predicates[0].value(c), QVariant(u"u1"_s));
    QCOMPARE(predicates[1].value(c), QVariant(u"o1"_s));
    QCOMPARE(predicates[2].value(c), QVariant(u"abc"_s));
    QCOMPARE(predicates[3].value(c), QVariant(qint64(7)));
    QVERIFY(!predicates[4].value(c).isValid());
    QVERIFY(!predicates[5].value(c).isValid());
}

void tst_Expression::shouldListReferences()
{
    const Expression e = Expression::parse(
        u"record.a == auth.sub && record.b in $l || record.a == auth.org.id && $l == $m && auth.sub == record.id"_s);
    QCOMPARE(e.referencedFields(), (QStringList { u"a"_s, u"b"_s, u"id"_s }));
    QCOMPARE(e.referencedClaims(), (QStringList { u"sub"_s, u"org.id"_s }));
    QCOMPARE(e.referencedParams(), (QStringList { u"l"_s, u"m"_s }));
}

void tst_Expression::shouldValidateAgainstSchema_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("message");

    QTest::newRow("known") << u"record.owner == auth.sub && !record.done"_s << -1 << QString();
    QTest::newRow("id is always there") << u"record.id == $id"_s << -1 << QString();
    QTest::newRow("no fields") << u"auth.admin == true"_s << -1 << QString();
    QTest::newRow("unknown") << u"record.owner == auth.sub && record.ownr == 1"_s << 28
                             << u"unknown field 'ownr' at 28"_s;
    QTest::newRow("docs' example") << u"auth.sub == record.ownr"_s << 12 << u"unknown field 'ownr' at 12"_s;
    QTest::newRow("first of two unknown") << u"record.x == record.y"_s << 0 << u"unknown field 'x' at 0"_s;
    QTest::newRow("after an emoji") << u"'😀' == record.Owner"_s << 7 << u"unknown field 'Owner' at 7"_s;
    QTest::newRow("in a list") << u"record.owner in [record.nope]"_s << 17 << u"unknown field 'nope' at 17"_s;
}

void tst_Expression::shouldValidateAgainstSchema()
{
    QFETCH(QString, text);
    QFETCH(int, position);
    QFETCH(QString, message);

    const Fields schema { Field(u"owner"_s, Field::Type::String), Field(u"done"_s, Field::Type::Bool) };
    const Expression e = Expression::parse(text);
    QVERIFY(!e.isNull());
    Expression::ParseError error;
    QCOMPARE(e.validate(schema, &error), position < 0);
    QCOMPARE(error.position, position);
    QCOMPARE(error.message, message);
}

void tst_Expression::nullExpression()
{
    const Expression e;
    QVERIFY(e.isNull());
    QVERIFY(!e.evaluate(tableContext())); // fails closed
    QVERIFY(e.toString().isEmpty());
    QVERIFY(e.equalityPredicates().isEmpty());
    QVERIFY(e.referencedFields().isEmpty());
    QVERIFY(e.validate({}));
    QVERIFY(e == Expression());
    QVERIFY(!(e == Expression::parse(u"true"_s)));
    Expression copy = Expression::parse(u"true"_s);
    QVERIFY(copy.evaluate({}));
    copy = e;
    QVERIFY(copy.isNull());
}

void tst_Expression::shouldMatchOracleOnRandomExpressions_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 20; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

// Random expressions over a small grammar, evaluated by the engine and by the
// oracle (tst_expression_oracle.h) on random records, claims and params; the
// engine also on the record as JSON and on its own printed form reparsed.
void tst_Expression::shouldMatchOracleOnRandomExpressions()
{
    QFETCH(quint32, seed);

    Oracle::Generator generator(seed);
    int matches = 0;
    const int expressions = 300, contexts = 10;
    for (int i = 0; i < expressions; ++i) {
        const Oracle::Node tree = generator.expression(5);
        const QString text = generator.text(tree);
        Expression::ParseError error;
        const Expression e = Expression::parse(text, &error);
        QVERIFY2(!e.isNull(), qPrintable(u"seed %1: %2 in: %3"_s.arg(seed).arg(error.message, text)));
        const Expression printed = Expression::parse(e.toString());
        QVERIFY2(printed == e, qPrintable(u"seed %1: %2 printed as %3"_s.arg(seed).arg(text, e.toString())));
        for (int j = 0; j < contexts; ++j) {
            const Oracle::Context oc = generator.context();
            const Expression::Context c { oc.record, oc.auth, oc.params, {} };
            Expression::Context json { {}, oc.auth, oc.params, QJsonObject::fromVariantMap(oc.record) };
            const bool expected = Oracle::isTrue(Oracle::evaluate(tree, oc));
            const QString where = u"seed %1: %2 on record %3 auth %4 params %5"_s.arg(seed).arg(
                text, QVariant(oc.record).toString(), QVariant(oc.auth).toString(), QVariant(oc.params).toString());
            QVERIFY2(e.evaluate(c) == expected, qPrintable(where));
            QVERIFY2(printed.evaluate(c) == expected, qPrintable(where));
            if (!oc.record.isEmpty())
                QVERIFY2(e.evaluate(json) == expected, qPrintable(where + u" (as JSON)"_s));
            matches += expected;
        }
    }
    // Both answers are common: a test that always says false cannot pass.
    QVERIFY(matches > expressions * contexts / 20);
    QVERIFY(matches < expressions * contexts * 19 / 20);
}

QTEST_GUILESS_MAIN(tst_Expression)
#include "tst_expression.moc"
