// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The JSON config's "limits" and the limits a Server accepts: every limit at
// its minimum, one below and far below; misspelt and misshapen limits.
#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QFile>
#include <QtCore/QLoggingCategory>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <limits>

using namespace Optimist;
using namespace Qt::StringLiterals;

namespace {

using L = ServerConfig::Limits;

//! Every limit with its documented minimum (ServerConfig::Limits).
struct LimitRow {
    const char *key;
    int minimum;
    int L::*member;
};
constexpr LimitRow limitRows[] = {
    { "maxFrameBytes", 64, &L::maxFrameBytes },
    { "maxMutationsPerTransaction", 1, &L::maxMutationsPerTransaction },
    { "maxPendingPushes", 1, &L::maxPendingPushes },
    { "maxConnections", 1, &L::maxConnections },
    { "snapshotChunkRecords", 1, &L::snapshotChunkRecords },
    { "changeLogRetention", 1, &L::changeLogRetention },
    { "heartbeatMs", 10, &L::heartbeatMs },
    { "maxQueuedBytes", 1024, &L::maxQueuedBytes },
    { "maxSubscriptionsPerConnection", 1, &L::maxSubscriptionsPerConnection },
    { "maxFilterLength", 1, &L::maxFilterLength },
    { "maxParamValues", 1, &L::maxParamValues },
    { "maxParamBytes", 2, &L::maxParamBytes },
    { "handshakeTimeoutMs", 10, &L::handshakeTimeoutMs },
    { "helloTimeoutMs", 10, &L::helloTimeoutMs },
    { "maxPendingConnections", 1, &L::maxPendingConnections },
    { "maxConnectionsPerAddress", 1, &L::maxConnectionsPerAddress },
    { "maxFailedSignInsPerAddress", 1, &L::maxFailedSignInsPerAddress },
    { "failedSignInDelayMs", 0, &L::failedSignInDelayMs },
    { "maxMessagesPerSecond", 1, &L::maxMessagesPerSecond },
    { "maxInboundBytesPerSecond", 1024, &L::maxInboundBytesPerSecond },
    { "maxPartialFrameBytes", 1024, &L::maxPartialFrameBytes },
};

const LimitRow &row(const QString &key)
{
    return *std::ranges::find_if(limitRows, [&](const LimitRow &r) { return key == QLatin1StringView(r.key); });
}

QByteArray withLimits(const QByteArray &limits)
{
    return R"({"collections": {"a": {"fields": []}}, "limits": )" + limits + "}";
}

} // namespace

class tst_ServerConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s); }
    void fromJsonShouldCheckEachLimitAtItsMinimum_data();
    void fromJsonShouldCheckEachLimitAtItsMinimum();
    void fromJsonShouldRefuseUnknownAndMisshapenLimits_data();
    void fromJsonShouldRefuseUnknownAndMisshapenLimits();
    void listenShouldRefuseALimitBelowItsMinimum_data();
    void listenShouldRefuseALimitBelowItsMinimum();
    void listenShouldClearTheErrorOfAnEarlierFailure();
    void serverProcessShouldExitOnBadLimits_data();
    void serverProcessShouldExitOnBadLimits();
};

//! One row per limit and value: at the minimum, one below, far below,
//! negative, not an integer, out of int's range, not a number.
static void addValueRows()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("accepted");
    for (const LimitRow &r : limitRows) {
        const auto add = [&](const char *what, const QByteArray &value, bool accepted) {
            QTest::addRow("%s %s", r.key, what) << QString::fromLatin1(r.key) << value << accepted;
        };
        add("at the minimum", QByteArray::number(r.minimum), true);
        add("one below", QByteArray::number(r.minimum - 1), false);
        add("far below", QByteArray::number(r.minimum - 1000000), false);
        add("not an integer", QByteArray::number(r.minimum) + ".5", false);
        add("over int", "1e12", false);
        add("a string", "\"" + QByteArray::number(r.minimum) + "\"", false);
    }
}

void tst_ServerConfig::fromJsonShouldCheckEachLimitAtItsMinimum_data()
{
    addValueRows();
}

void tst_ServerConfig::fromJsonShouldCheckEachLimitAtItsMinimum()
{
    QFETCH(QString, key);
    QFETCH(QByteArray, value);
    QFETCH(bool, accepted);
    QString error = u"stale"_s;
    const ServerConfig config = ServerConfig::fromJson(withLimits("{\"" + key.toUtf8() + "\": " + value + "}"), &error);
    if (accepted) {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(config.limits().*row(key).member, value.toInt());
    } else {
        QVERIFY2(error.contains(u"limits."_s + key), qPrintable(error));
        QCOMPARE(config.limits(), ServerConfig::Limits());
    }
}

void tst_ServerConfig::fromJsonShouldRefuseUnknownAndMisshapenLimits_data()
{
    QTest::addColumn<QByteArray>("limits");
    QTest::addColumn<QString>("error"); //!< what the error must contain; empty: accepted

    QTest::newRow("empty") << QByteArray("{}") << QString();
    QTest::newRow("all known") << QByteArray(R"({"maxFrameBytes": 64, "heartbeatMs": 10})") << QString();
    QTest::newRow("one letter short") << QByteArray(
        R"({"maxFrameByte": 4096})") << u"unknown limit 'maxFrameByte' in \"limits\" (did you mean 'maxFrameBytes'?)"_s;
    QTest::newRow("wrong case") << QByteArray(R"({"heartBeatMs": 100})")
                                << u"unknown limit 'heartBeatMs' in \"limits\" (did you mean 'heartbeatMs'?)"_s;
    QTest::newRow("after a good one") << QByteArray(R"({"maxFrameBytes": 4096, "maxConection": 5})")
                                      << u"unknown limit 'maxConection'"_s;
    QTest::newRow("nothing like it") << QByteArray(R"({"colour": 5})") << u"unknown limit 'colour' in \"limits\""_s;
    QTest::newRow("a number") << QByteArray("5") << u"'limits' must be an object"_s;
    QTest::newRow("an array") << QByteArray(R"([{"maxFrameBytes": 4096}])") << u"'limits' must be an object"_s;
    QTest::newRow("a string") << QByteArray(R"("maxFrameBytes")") << u"'limits' must be an object"_s;
    QTest::newRow("null") << QByteArray("null") << u"'limits' must be an object"_s;
}

void tst_ServerConfig::fromJsonShouldRefuseUnknownAndMisshapenLimits()
{
    QFETCH(QByteArray, limits);
    QFETCH(QString, error);
    QString problem = u"stale"_s;
    ServerConfig::fromJson(withLimits(limits), &problem);
    if (error.isEmpty())
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    else
        QVERIFY2(problem.contains(error), qPrintable(problem));
    if (error == u"unknown limit 'colour' in \"limits\""_s)
        QVERIFY2(!problem.contains(u"did you mean"_s), qPrintable(problem));
}

void tst_ServerConfig::listenShouldRefuseALimitBelowItsMinimum_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("value");
    QTest::addColumn<bool>("accepted");
    for (const LimitRow &r : limitRows) {
        const auto add = [&](const char *what, int value, bool accepted) {
            QTest::addRow("%s %s", r.key, what) << QString::fromLatin1(r.key) << value << accepted;
        };
        add("at the minimum", r.minimum, true);
        add("one below", r.minimum - 1, false);
        add("far below", std::numeric_limits<int>::min(), false);
    }
}

void tst_ServerConfig::listenShouldRefuseALimitBelowItsMinimum()
{
    QFETCH(QString, key);
    QFETCH(int, value);
    QFETCH(bool, accepted);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ServerConfig config;
    ServerConfig::Limits limits;
    limits.*row(key).member = value;
    config.setLimits(limits);
    Server server;
    server.setConfig(config);
    server.setDatabasePath(dir.filePath(u"db.sqlite"_s));
    QCOMPARE(server.listen(QHostAddress::LocalHost, 0), accepted);
    if (accepted)
        QVERIFY2(server.errorString().isEmpty(), qPrintable(server.errorString()));
    else
        QVERIFY2(server.errorString().contains(u"limits."_s + key), qPrintable(server.errorString()));
}

void tst_ServerConfig::listenShouldClearTheErrorOfAnEarlierFailure()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Server server;
    QVERIFY(!server.listen(QHostAddress::LocalHost, 0));
    QCOMPARE(server.errorString(), u"no database path set"_s);
    server.setDatabasePath(dir.filePath(u"db.sqlite"_s));
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QCOMPARE(server.errorString(), QString());
    QVERIFY(!server.listen(QHostAddress::LocalHost, 0));
    QCOMPARE(server.errorString(), u"already listening"_s);
}

void tst_ServerConfig::serverProcessShouldExitOnBadLimits_data()
{
    QTest::addColumn<QByteArray>("limits");
    QTest::addColumn<QString>("error");

    QTest::newRow("misspelt") << QByteArray(R"({"maxFrameByte": 4096})")
                              << u"unknown limit 'maxFrameByte' in \"limits\" (did you mean 'maxFrameBytes'?)"_s;
    QTest::newRow("not an object") << QByteArray("[]") << u"'limits' must be an object"_s;
    QTest::newRow("one below") << QByteArray(R"({"heartbeatMs": 9})")
                               << u"limits.heartbeatMs must be an integer ≥ 10"_s;
    QTest::newRow("negative") << QByteArray(R"({"maxConnections": -5})")
                              << u"limits.maxConnections must be an integer ≥ 1"_s;
}

void tst_ServerConfig::serverProcessShouldExitOnBadLimits()
{
    QFETCH(QByteArray, limits);
    QFETCH(QString, error);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile config(dir.filePath(u"config.json"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(withLimits(limits));
    config.close();

    QProcess server;
    server.start(QStringLiteral(OPTIMIST_SERVER_EXE),
        { u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, dir.filePath(u"db.sqlite"_s), u"--config"_s, config.fileName() });
    QVERIFY(server.waitForFinished(30000));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QVERIFY(server.exitCode() != 0);
    const QString printed = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(printed.contains(error), qPrintable(printed));
}

QTEST_GUILESS_MAIN(tst_ServerConfig)
#include "tst_serverconfig.moc"
