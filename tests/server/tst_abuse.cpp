// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Issue 13, one test per abuse: each asserts that the abuser (a raw socket
// from 127.0.0.2 or another loopback address) is cut off and that a good
// client from 127.0.0.1 is still served (hello, push, ack).

#include "abuser.h"
#include "rawclient.h"

#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>
#include <sys/resource.h>

using namespace Optimist;
using Limits = ServerConfig::Limits;

class tst_Abuse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void shouldCutOffClientsThatDoNotRead_data();
    void shouldCutOffClientsThatDoNotRead();
    void shouldCloseConnectionsWithoutHello_data();
    void shouldCloseConnectionsWithoutHello();
    void shouldCloseStalledHandshakes_data();
    void shouldCloseStalledHandshakes();
    void shouldBoundConnectionsWaitingForHello();
    void shouldLimitConnectionsPerAddress_data();
    void shouldLimitConnectionsPerAddress();
    void shouldStayBelowTheOpenFileLimit();
    void shouldSlowDownTokenGuessing();
    void shouldCheckNoTokenOnConnectionsOpenedBeforeTheLockout();
    void shouldCloseAtTheHeartbeatDeadline();
    void shouldLimitMessageRate_data();
    void shouldLimitMessageRate();
    void shouldLimitInboundBytes_data();
    void shouldLimitInboundBytes();
    void shouldBudgetPartlyReceivedFrames();
    void shouldReplaceEveryEarlierConnection();

private:
    bool startServer(const Limits &limits, const QStringList &tokens = {});
    //! A good client from 127.0.0.1: hello, one push, its ack.
    bool served(const QString &token = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Server> m_server;
    int m_good = 0;
};

void tst_Abuse::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_Abuse::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

bool tst_Abuse::startServer(const Limits &limits, const QStringList &tokens)
{
    ServerConfig config;
    config.addCollection(u"todos"_s, { Field(u"title"_s, Field::Type::String) });
    config.setLimits(limits);
    config.setTokens(tokens);
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(m_dir->filePath(u"abuse.db"_s));
    return m_server->listen(QHostAddress::LocalHost, 0);
}

bool tst_Abuse::served(const QString &token)
{
    RawClient client;
    if (!client.open(m_server->url()))
        return false;
    const QString id = u"good-%1"_s.arg(++m_good);
    if (client.hello(id, token).value(u"type"_s) != u"welcome"_s)
        return false;
    client.push(1, { insertTodo(id, u"served"_s) });
    const QJsonObject ack = client.take();
    return ack.value(u"type"_s) == u"ack"_s
        || (ack.value(u"type"_s) == u"delta"_s && client.take().value(u"type"_s) == u"ack"_s);
}

void tst_Abuse::shouldCutOffClientsThatDoNotRead_data()
{
    QTest::addColumn<bool>("hello");
    QTest::addColumn<bool>("pingMessages");
    QTest::newRow("ping frames before hello") << false << false;
    QTest::newRow("ping frames after hello") << true << false;
    QTest::newRow("ping messages before hello") << false << true;
    QTest::newRow("ping messages after hello") << true << true;
}

// Example 1: pongs (frames QWebSocket answers by itself, or pong/error
// messages) pile up for a peer that never reads; the output cap holds.
void tst_Abuse::shouldCutOffClientsThatDoNotRead()
{
    QFETCH(bool, hello);
    QFETCH(bool, pingMessages);
    Limits limits;
    limits.maxQueuedBytes = 256 * 1024;
    limits.maxMessagesPerSecond = 1000000000;
    limits.maxInboundBytesPerSecond = 1000000000;
    limits.helloTimeoutMs = 600000; // the output cap holds before hello too
    QVERIFY(startServer(limits));

    Abuser abuser;
    QVERIFY(abuser.connectFrom(u"127.0.0.2"_s, m_server->port(), 4096));
    QVERIFY(abuser.upgrade());
    if (hello) {
        abuser.tcp.write(textFrame(helloMessage(u"abuser"_s)));
        QCOMPARE(abuser.take().value(u"type"_s), u"welcome"_s);
    }
    abuser.reading = false;
    abuser.tcp.setReadBufferSize(1); // reads no more
    const QByteArray frame = pingMessages ? textFrame({ { u"type"_s, u"ping"_s }, { u"id"_s, u"x"_s.repeated(90) } })
                                          : clientFrame(0x9, QByteArray(125, 'p'));
    QByteArray batch;
    for (int i = 0; i < 500; ++i)
        batch += frame;

    QElapsedTimer survived;
    survived.start();
    qint64 sent = 0;
    bool goodServed = false;
    // Bounded: 256 MB would be 1,000 times the cap.
    while (m_server->connectionCount() > 0 && sent < 256 * 1024 * 1024) {
        if (abuser.tcp.bytesToWrite() < 4 * batch.size()) {
            abuser.tcp.write(batch);
            sent += batch.size();
        }
        QTest::qWait(1);
        if (!goodServed && sent > 1024 * 1024 && m_server->connectionCount() > 0)
            goodServed = served(); // while the abuser is connected
    }
    qInfo() << "abuser cut off after" << survived.elapsed() << "ms," << sent << "bytes sent";
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QVERIFY(abuser.waitClosed());
    QVERIFY(m_server->queuedBytes() == 0);
    QVERIFY(goodServed || served());
    QVERIFY(served());
}

void tst_Abuse::shouldCloseConnectionsWithoutHello_data()
{
    QTest::addColumn<bool>("chatter");
    QTest::newRow("silent") << false;
    QTest::newRow("refused messages") << true;
}

// Example 2: completed handshakes that never send hello; refused messages
// do not keep them alive.
void tst_Abuse::shouldCloseConnectionsWithoutHello()
{
    QFETCH(bool, chatter);
    Limits limits;
    limits.helloTimeoutMs = 500;
    QVERIFY(startServer(limits, { u"secret"_s }));
    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < 20; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        QVERIFY(abusers.back()->connectFrom(u"127.0.0.2"_s, m_server->port()));
        QVERIFY(abusers.back()->upgrade());
    }
    QVERIFY(served(u"secret"_s));
    QVERIFY(QTest::qWaitFor(
        [&] {
            bool open = false;
            for (auto &abuser : abusers) {
                if (chatter && abuser->isOpen() && abuser->closeCode < 0)
                    abuser->tcp.write(textFrame({ { u"type"_s, u"ping"_s } }));
                abuser->read();
                open = open || abuser->isOpen();
            }
            return !open;
        },
        20000));
    for (auto &abuser : abusers)
        QCOMPARE(abuser->closeCode, 4006);
    QVERIFY(served(u"secret"_s));
}

void tst_Abuse::shouldCloseStalledHandshakes_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("bare TCP") << QByteArray();
    QTest::newRow("partial upgrade request")
        << QByteArray("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
}

// Example 2: bare TCP connections and partial upgrade requests.
void tst_Abuse::shouldCloseStalledHandshakes()
{
    QFETCH(QByteArray, request);
    Limits limits;
    limits.handshakeTimeoutMs = 500;
    QVERIFY(startServer(limits));
    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < 20; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        QVERIFY(abusers.back()->connectFrom(u"127.0.0.2"_s, m_server->port()));
        abusers.back()->tcp.write(request);
    }
    QVERIFY(served());
    for (auto &abuser : abusers)
        QVERIFY(abuser->waitClosed(20000));
    QVERIFY(served());
}

// Example 2: unauthenticated connections cannot starve good clients.
void tst_Abuse::shouldBoundConnectionsWaitingForHello()
{
    Limits limits;
    limits.maxPendingConnections = 10;
    QVERIFY(startServer(limits));
    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < 40; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        QVERIFY(abusers.back()->connectFrom(u"127.0.0.2"_s, m_server->port()));
    }
    const auto open = [&] {
        qsizetype count = 0;
        for (auto &abuser : abusers) {
            abuser->read();
            count += abuser->isOpen();
        }
        return count;
    };
    QTRY_VERIFY_WITH_TIMEOUT(open() <= 10, 20000);
    QVERIFY(served());
    QVERIFY(served());
}

void tst_Abuse::shouldLimitConnectionsPerAddress_data()
{
    QTest::addColumn<int>("connections");
    QTest::newRow("at the limit") << 5;
    QTest::newRow("one past") << 6;
    QTest::newRow("far past") << 50;
}

void tst_Abuse::shouldLimitConnectionsPerAddress()
{
    QFETCH(int, connections);
    Limits limits;
    limits.maxConnectionsPerAddress = 5;
    QVERIFY(startServer(limits));
    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < connections; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        abusers.back()->connectFrom(u"127.0.0.3"_s, m_server->port());
    }
    int upgraded = 0;
    for (auto &abuser : abusers)
        upgraded += abuser->isOpen() && abuser->upgrade();
    QCOMPARE(upgraded, 5);
    QVERIFY(served());
}

// Example 2: about 1,000 idle sockets used to exhaust the descriptors.
void tst_Abuse::shouldStayBelowTheOpenFileLimit()
{
    rlimit original {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &original), 0);
    const qsizetype open
        = QDir(u"/proc/self/fd"_s).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size();
    rlimit lowered = original;
    // Room for 30 connections after the server's reserve of 64.
    lowered.rlim_cur = rlim_t(open + 64 + 30 + 10);
    QCOMPARE(setrlimit(RLIMIT_NOFILE, &lowered), 0);
    const auto restore = qScopeGuard([&] { setrlimit(RLIMIT_NOFILE, &original); });
    Limits limits;
    limits.maxPendingConnections = 1000;
    QVERIFY(startServer(limits));

    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < 50; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        abusers.back()->connectFrom(u"127.0.0.2"_s, m_server->port());
    }
    QVERIFY(served());
    abusers.clear();
    QVERIFY(served());
}

// Example 3: wrong tokens are answered late, locked out past the limit and
// logged one line per address and interval.
// An outside tester's finding: guesses sent at once on connections opened
// beforehand all had their tokens checked. Past the limit, none is checked,
// so even the right token is refused until the window is over.
void tst_Abuse::shouldCheckNoTokenOnConnectionsOpenedBeforeTheLockout()
{
    Limits limits;
    limits.maxFailedSignInsPerAddress = 5;
    limits.failedSignInDelayMs = 100;
    QVERIFY(startServer(limits, { u"secret"_s }));
    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < 8; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        QVERIFY(abusers.back()->connectFrom(u"127.0.0.3"_s, m_server->port()));
        QVERIFY(abusers.back()->upgrade());
    }
    for (int i = 0; i < 8; ++i) {
        const QString token = i < 5 ? u"guess-%1"_s.arg(i) : u"secret"_s;
        abusers[i]->tcp.write(textFrame(helloMessage(u"guess%1"_s.arg(i), token)));
    }
    for (int i = 0; i < 8; ++i) {
        QCOMPARE(abusers[i]->take().value(u"code"_s), u"unauthorized"_s);
        QVERIFY(abusers[i]->waitClosed());
        QCOMPARE(abusers[i]->closeCode, 4001);
    }
    QVERIFY(served(u"secret"_s)); // 127.0.0.1 is not locked out
}

void tst_Abuse::shouldSlowDownTokenGuessing()
{
    Limits limits;
    limits.maxFailedSignInsPerAddress = 5;
    limits.failedSignInDelayMs = 100;
    QVERIFY(startServer(limits, { u"secret"_s }));
    static QStringList lines;
    lines.clear();
    const QtMessageHandler previous
        = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &text) {
              if (text.startsWith(u"failed sign-in"_s))
                  lines.append(text);
          });
    auto restore = qScopeGuard([&] { qInstallMessageHandler(previous); });

    int refused = 0;
    int lockedOut = 0;
    for (int i = 0; i < 12; ++i) {
        Abuser abuser;
        if (!abuser.connectFrom(u"127.0.0.2"_s, m_server->port()) || !abuser.upgrade()) {
            ++lockedOut;
            continue;
        }
        abuser.tcp.write(textFrame(helloMessage(u"guess"_s, u"guess-%1"_s.arg(i))));
        QCOMPARE(abuser.take().value(u"code"_s), u"unauthorized"_s);
        QVERIFY(abuser.waitClosed());
        QCOMPARE(abuser.closeCode, 4001);
        ++refused;
    }
    QCOMPARE(refused, 5);
    QCOMPARE(lockedOut, 7);
    QVERIFY(served(u"secret"_s));
    QVERIFY(!served(u"wrong"_s)); // another address is not locked out
    QVERIFY(served(u"secret"_s));
    restore.dismiss();
    qInstallMessageHandler(previous);
    qInfo() << lines;
    QCOMPARE(lines.size(), 2); // the first of 127.0.0.2 and of 127.0.0.1
}

// Example 4: closed at 3 × heartbeatMs, not before.
void tst_Abuse::shouldCloseAtTheHeartbeatDeadline()
{
    Limits limits;
    limits.heartbeatMs = 200;
    QVERIFY(startServer(limits));
    RawClient client;
    QVERIFY(client.open(m_server->url()));
    // Started before hello: never later than the server's clock.
    QElapsedTimer silent;
    silent.start();
    QCOMPARE(client.hello(u"quiet"_s).value(u"type"_s), u"welcome"_s);
    QTRY_COMPARE_WITH_TIMEOUT(client.closeCode, 4002, 10000);
    QVERIFY2(silent.elapsed() >= 3 * 200, qPrintable(QString::number(silent.elapsed())));
    qInfo() << "closed after" << silent.elapsed() << "ms of silence (3 × heartbeatMs = 600)";
    QVERIFY(served());
}

void tst_Abuse::shouldLimitMessageRate_data()
{
    QTest::addColumn<int>("pings");
    QTest::addColumn<bool>("closed");
    // hello is the first of maxMessagesPerSecond (10).
    QTest::newRow("at the limit") << 9 << false;
    QTest::newRow("one past") << 10 << true;
    QTest::newRow("far past") << 10000 << true;
}

void tst_Abuse::shouldLimitMessageRate()
{
    QFETCH(int, pings);
    QFETCH(bool, closed);
    Limits limits;
    limits.maxMessagesPerSecond = 10;
    QVERIFY(startServer(limits));
    Abuser abuser;
    QVERIFY(abuser.connectFrom(u"127.0.0.2"_s, m_server->port()));
    QVERIFY(abuser.upgrade());
    QByteArray burst = textFrame(helloMessage(u"chatty"_s));
    for (int i = 0; i < pings; ++i)
        burst += textFrame({ { u"type"_s, u"ping"_s }, { u"id"_s, i } });
    abuser.tcp.write(burst);
    QCOMPARE(abuser.take().value(u"type"_s), u"welcome"_s);
    if (!closed) {
        for (int i = 0; i < pings; ++i)
            QCOMPARE(abuser.take().value(u"type"_s), u"pong"_s);
        QVERIFY(served());
        return;
    }
    QVERIFY(abuser.waitClosed());
    QCOMPARE(abuser.closeCode, 4007);
    QCOMPARE(abuser.messages.last().value(u"code"_s), u"rate_limited"_s);
    QVERIFY(served());
}

void tst_Abuse::shouldLimitInboundBytes_data()
{
    QTest::addColumn<int>("pingFrames");
    QTest::addColumn<bool>("closed");
    // The burst is max(rate, 4 × maxFrameBytes + 14) = 4,110 bytes; a ping is 131.
    QTest::newRow("within") << 20 << false;
    QTest::newRow("past") << 40 << true;
    QTest::newRow("far past") << 10000 << true;
}

// Control frames count: they cost output (pongs) and CPU without a message.
void tst_Abuse::shouldLimitInboundBytes()
{
    QFETCH(int, pingFrames);
    QFETCH(bool, closed);
    Limits limits;
    limits.maxFrameBytes = 1024;
    limits.maxInboundBytesPerSecond = 1024;
    QVERIFY(startServer(limits));
    Abuser abuser;
    QVERIFY(abuser.connectFrom(u"127.0.0.2"_s, m_server->port()));
    QVERIFY(abuser.upgrade());
    abuser.tcp.write(textFrame(helloMessage(u"pinger"_s)));
    QCOMPARE(abuser.take().value(u"type"_s), u"welcome"_s);
    QByteArray burst;
    for (int i = 0; i < pingFrames; ++i)
        burst += clientFrame(0x9, QByteArray(125, 'p'));
    abuser.tcp.write(burst + textFrame({ { u"type"_s, u"ping"_s }, { u"id"_s, 1 } }));
    if (!closed) {
        QCOMPARE(abuser.take().value(u"type"_s), u"pong"_s);
    } else {
        QVERIFY(abuser.waitClosed());
        QCOMPARE(abuser.closeCode, 4007);
    }
    QVERIFY(served());
}

// Frames held partly received are bounded over all connections.
void tst_Abuse::shouldBudgetPartlyReceivedFrames()
{
    Limits limits;
    limits.maxFrameBytes = 64 * 1024;
    limits.maxPartialFrameBytes = 256 * 1024;
    QVERIFY(startServer(limits));
    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < 6; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        QVERIFY(abusers.back()->connectFrom(u"127.0.0.2"_s, m_server->port()));
        QVERIFY(abusers.back()->upgrade());
        // 100 KB of a 200 KB frame, the rest never comes.
        abusers.back()->tcp.write(clientFrame(0x1, QByteArray(100 * 1024, 'x'), 200 * 1024));
    }
    int busy = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            busy = 0;
            for (auto &abuser : abusers) {
                abuser->read();
                busy += abuser->closeCode == 4008;
            }
            return busy >= 4;
        },
        10000));
    QCOMPARE(busy, 4); // 2 × 100 KB fit in 256 KB, a third does not
    QVERIFY(served());
}

// Found by tst_hostileload: of many hellos with one clientId, every other
// earlier connection stayed open (the hash entry of the new one was lost
// when closing the old one removed it at once).
void tst_Abuse::shouldReplaceEveryEarlierConnection()
{
    QVERIFY(startServer(Limits()));
    std::vector<std::unique_ptr<Abuser>> abusers;
    for (int i = 0; i < 50; ++i) {
        abusers.push_back(std::make_unique<Abuser>());
        QVERIFY(abusers.back()->connectFrom(u"127.0.0.2"_s, m_server->port()));
        abusers.back()->onUpgraded = [](Abuser &a) { a.tcp.write(textFrame(helloMessage(u"same"_s))); };
        abusers.back()->requestUpgrade();
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 1, 20000);
    for (auto &abuser : abusers)
        QTRY_VERIFY(!abuser->messages.isEmpty()); // welcomed
    const auto replaced = [&] {
        return std::count_if(abusers.begin(), abusers.end(), [](const auto &a) { return a->closeCode == 4005; });
    };
    QTRY_COMPARE(replaced(), 49);
    QVERIFY(served());
}

QTEST_GUILESS_MAIN(tst_Abuse)
#include "tst_abuse.moc"
