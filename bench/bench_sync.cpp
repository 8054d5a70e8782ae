// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// optimist-bench-sync: the sync path end to end over loopback, with the real
// server (Optimist::ServerThread, SQLite in a temporary directory) and real
// SyncClient + ListModel peers.
//
//  (a) latency: client A edits (update()/insert()) at a steady rate; timed
//      from the call on A until client B's model emits dataChanged /
//      rowsInserted for it (median, p99).
//  (b) throughput: pushers keep their window (maxPendingPushes) full while
//      10 subscribers follow the collection; counts transactions per second
//      acknowledged to the pushers and delivered to every subscriber. Run
//      once with SyncClient + ListModel subscribers and once with raw
//      QWebSocket subscribers on a thread of their own, to tell a server
//      limit from a client one.
//
// Prints Markdown tables on stdout; progress goes to stderr. See
// docs/benchmarks.md ("Sync").

#include <optimist/field.h>
#include <optimist/listmodel.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>
#include <optimist/serverthread.h>
#include <optimist/syncclient.h>
#include <optimist/transaction.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QScopeGuard>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <sched.h>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;
using Optimist::Field;
using Optimist::ListModel;
using Optimist::SyncClient;

namespace {

const QString Collection = u"items"_s;

QByteArray serverConfigJson()
{
    return R"({"collections": {"items": {"fields": [
        {"name": "title", "type": "string", "required": true, "maxLength": 200},
        {"name": "n", "type": "int", "default": -1},
        {"name": "done", "type": "bool", "default": false}]}}})";
}

Optimist::Fields clientFields()
{
    return { Field(u"title"_s, Field::Type::String, {}, true), Field(u"n"_s, Field::Type::Int, qint64(-1)),
        Field(u"done"_s, Field::Type::Bool, false) };
}

//! CPU time of the calling thread, in seconds.
double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

//! Runs the event loop until \a done or \a timeoutMs; false on timeout.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    // Sleeps in the event loop between checks, so that the thread's CPU
    // time counts work, not polling.
    QTimer wake;
    wake.start(2);
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

struct Peer {
    std::unique_ptr<SyncClient> client;
    std::unique_ptr<ListModel> model;

    bool isLive() const { return client->state() == SyncClient::Connected && !model->cursor().isEmpty(); }
};

Peer makePeer(const QUrl &url, const QString &clientId)
{
    Peer peer;
    peer.client = std::make_unique<SyncClient>();
    peer.client->setClientId(clientId);
    peer.model = std::make_unique<ListModel>();
    peer.model->setCollection(Collection);
    peer.model->setFields(clientFields());
    peer.model->setClient(peer.client.get());
    peer.client->setUrl(url);
    return peer;
}

int roleOf(const ListModel &model, const QByteArray &name)
{
    const auto roles = model.roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it) {
        if (it.value() == name)
            return it.key();
    }
    return -1;
}

//! CPU time of the whole process (all its threads), in seconds.
double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

//! Restricts the calling thread, and the threads it starts from now on, to
//! one CPU.
bool pinToCpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) == 0)
        return true;
    std::perror("sched_setaffinity");
    return false;
}

//! The reference server with a fresh database, wherever it runs.
class BenchServer {
public:
    struct Sample {
        qint64 applied = 0;
        //! CPU seconds the server has used so far.
        double cpu = 0;
    };
    virtual ~BenchServer() = default;
    virtual QUrl start() = 0;
    virtual Sample sample() = 0;
};

//! The server on its own thread of this process.
class ThreadServer : public BenchServer {
public:
    QUrl start() override
    {
        QString error;
        const auto config = Optimist::ServerConfig::fromJson(serverConfigJson(), &error);
        if (!error.isEmpty()) {
            qCritical("bad server config: %s", qPrintable(error));
            return {};
        }
        m_thread.setConfig(config);
        m_thread.setDatabasePath(m_dir.filePath(u"bench.sqlite"_s));
        const QUrl url = m_thread.start();
        if (url.isEmpty())
            qCritical("server did not start: %s", qPrintable(m_thread.errorString()));
        return url;
    }

    Sample sample() override
    {
        Sample s;
        QMetaObject::invokeMethod(
            m_thread.server(),
            [&] {
                s.applied = m_thread.server()->appliedTransactionCount();
                s.cpu = threadCpuSeconds();
            },
            Qt::BlockingQueuedConnection);
        return s;
    }

private:
    QTemporaryDir m_dir;
    Optimist::ServerThread m_thread;
};

//! The server in a child process (this program with --serve), so that it
//! does not share a process, nor with --pin a CPU, with the load generators.
//! It reports its URL on stdout, then answers "stats" lines on stdin.
class ProcessServer : public BenchServer {
public:
    explicit ProcessServer(int cpu)
        : m_cpu(cpu)
    {
    }

    ~ProcessServer() override
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        // End of stdin makes the child close the server and exit.
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    QUrl start() override
    {
        QStringList arguments { u"--serve"_s };
        if (m_cpu >= 0)
            arguments << u"--serve-cpu"_s << QString::number(m_cpu);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        // For profiling the server alone, e.g. "valgrind --tool=callgrind".
        QStringList command = QProcess::splitCommand(qEnvironmentVariable("OPTIMIST_BENCH_SERVER_WRAPPER"));
        command << QCoreApplication::applicationFilePath() << arguments;
        m_process.start(command.takeFirst(), command);
        const QByteArray line = readLine();
        if (!line.startsWith("url ")) {
            qCritical("server process did not start");
            return {};
        }
        return QUrl(QString::fromLatin1(line.mid(4).trimmed()));
    }

    Sample sample() override
    {
        Sample s;
        m_process.write("stats\n");
        const QList<QByteArray> words = readLine().trimmed().split(' ');
        if (words.size() != 3 || words.at(0) != "stats") {
            qCritical("server process: no stats");
            return s;
        }
        s.applied = words.at(1).toLongLong();
        s.cpu = words.at(2).toDouble();
        return s;
    }

private:
    QByteArray readLine()
    {
        QElapsedTimer clock;
        clock.start();
        while (!m_process.canReadLine() && clock.elapsed() < 60000) {
            if (!m_process.waitForReadyRead(1000) && m_process.state() == QProcess::NotRunning)
                break;
        }
        return m_process.readLine();
    }

    int m_cpu = -1;
    QProcess m_process;
};

//! --serve: the child side of ProcessServer.
int serve(int cpu)
{
    if (cpu >= 0 && !pinToCpu(cpu))
        return 1;
    QString error;
    const auto config = Optimist::ServerConfig::fromJson(serverConfigJson(), &error);
    QTemporaryDir dir;
    Optimist::Server server;
    server.setConfig(config);
    server.setDatabasePath(dir.filePath(u"bench.sqlite"_s));
    if (!error.isEmpty() || !server.listen(QHostAddress::LocalHost, 0)) {
        std::fprintf(stderr, "serve: %s\n", qPrintable(error.isEmpty() ? server.errorString() : error));
        return 1;
    }
    std::printf("url %s\n", qPrintable(server.url().toString()));
    std::fflush(stdout);

    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray buffer;
    QObject::connect(&input, &QSocketNotifier::activated, &input, [&] {
        char chunk[256];
        const ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (got <= 0) {
            input.setEnabled(false);
            QCoreApplication::quit();
            return;
        }
        buffer.append(chunk, got);
        for (qsizetype end; (end = buffer.indexOf('\n')) >= 0; buffer.remove(0, end + 1)) {
            if (buffer.first(end) == "stats") {
                std::printf("stats %lld %.6f\n", qlonglong(server.appliedTransactionCount()), processCpuSeconds());
                std::fflush(stdout);
            }
        }
    });
    const int status = QCoreApplication::exec();
    server.close();
    return status;
}

//! Inserts \a count records through \a peer and waits until they are acknowledged.
bool seed(Peer &peer, int count, QStringList *ids)
{
    for (int i = 0; i < count; ++i)
        peer.model->insert({ { u"title"_s, u"record %1"_s.arg(i) }, { u"n"_s, -1 } });
    if (!waitUntil([&] { return peer.client->outboxCount() == 0; }, 30000))
        return false;
    for (int row = 0; row < peer.model->rowCount(); ++row)
        ids->append(peer.model->at(row).value(u"id"_s).toString());
    return true;
}

struct Stats {
    qsizetype count = 0;
    double median = 0, p99 = 0, max = 0;
};

Stats stats(std::vector<double> values)
{
    Stats s;
    s.count = qsizetype(values.size());
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    auto rank = [&](double q) { return values[std::min(values.size() - 1, size_t(std::ceil(q * values.size())) - 1)]; };
    s.median = rank(0.5);
    s.p99 = rank(0.99);
    s.max = values.back();
    return s;
}

// ------------------------------------------------------------------ (a) latency

bool runLatency(double seconds, int rate)
{
    ThreadServer server;
    const QUrl url = server.start();
    if (url.isEmpty())
        return false;
    Peer a = makePeer(url, u"bench-a"_s);
    Peer b = makePeer(url, u"bench-b"_s);
    if (!waitUntil([&] { return a.isLive() && b.isLive(); }, 10000)) {
        qCritical("latency: peers did not connect");
        return false;
    }
    constexpr int PoolSize = 200;
    QStringList pool;
    if (!seed(a, PoolSize, &pool) || !waitUntil([&] { return b.model->rowCount() == PoolSize; }, 10000)) {
        qCritical("latency: seeding failed");
        return false;
    }

    // Every 10th edit is an insert, the others update a pool record; each
    // carries its number in field n, which B reads back in its slots.
    const qsizetype total = std::max<qsizetype>(1, qsizetype(seconds * rate));
    std::vector<qint64> sentAt(total, -1), seenAt(total, -1);
    QElapsedTimer clock;
    clock.start();
    const int nRole = roleOf(*b.model, "n");
    auto seen = [&](int first, int last) {
        const qint64 now = clock.nsecsElapsed();
        for (int row = first; row <= last; ++row) {
            const qint64 n = b.model->data(b.model->index(row), nRole).toLongLong();
            if (n >= 0 && n < total && seenAt[n] < 0)
                seenAt[n] = now;
        }
    };
    QObject::connect(b.model.get(), &QAbstractItemModel::dataChanged, b.model.get(),
        [&](const QModelIndex &topLeft, const QModelIndex &bottomRight) { seen(topLeft.row(), bottomRight.row()); });
    QObject::connect(b.model.get(), &QAbstractItemModel::rowsInserted, b.model.get(),
        [&](const QModelIndex &, int first, int last) { seen(first, last); });

    qsizetype issued = 0;
    const qint64 start = clock.nsecsElapsed();
    const double mainCpu0 = threadCpuSeconds();
    const double serverCpu0 = server.sample().cpu;
    QTimer pacer;
    pacer.setTimerType(Qt::PreciseTimer);
    pacer.setInterval(1);
    pacer.callOnTimeout([&] {
        const qsizetype due = std::min(total, qsizetype(double(clock.nsecsElapsed() - start) * rate / 1e9) + 1);
        for (; issued < due; ++issued) {
            sentAt[issued] = clock.nsecsElapsed();
            if (issued % 10 == 9)
                a.model->insert({ { u"title"_s, u"new %1"_s.arg(issued) }, { u"n"_s, qint64(issued) } });
            else
                a.model->update(pool.at(issued % PoolSize), { { u"n"_s, qint64(issued) } });
        }
        if (issued == total)
            pacer.stop();
    });
    pacer.start();
    std::fprintf(stderr, "latency: %lld edits at %d/s...\n", qlonglong(total), rate);
    const bool complete = waitUntil(
        [&] { return issued == total && std::all_of(seenAt.begin(), seenAt.end(), [](qint64 t) { return t >= 0; }); },
        int(seconds * 1000) + 10000);
    const double elapsed = double(clock.nsecsElapsed() - start) / 1e9;
    const double mainCpu = threadCpuSeconds() - mainCpu0;
    const double serverCpu = server.sample().cpu - serverCpu0;

    std::vector<double> updates, inserts, all;
    qsizetype missing = 0;
    for (qsizetype i = 0; i < total; ++i) {
        if (seenAt[i] < 0 || sentAt[i] < 0) {
            ++missing;
            continue;
        }
        const double ms = double(seenAt[i] - sentAt[i]) / 1e6;
        (i % 10 == 9 ? inserts : updates).push_back(ms);
        all.push_back(ms);
    }
    std::printf("### (a) Latency: edit on client A → signal on client B, at %d tx/s\n\n", rate);
    std::printf("%lld transactions paced over %.2f s (achieved %.0f tx/s); %lld not seen%s.\n"
                "Threads: the server (WebSocket server, sessions, SQLite) on its own thread `optimist-server`; "
                "clients A and B (SyncClient + ListModel each) and the pacing timer on the main thread. "
                "CPU busy during the run: server thread %.0f%%, main thread %.0f%%.\n\n",
        qlonglong(total), elapsed, double(total) / elapsed, qlonglong(missing), complete ? "" : " (timed out)",
        100 * serverCpu / elapsed, 100 * mainCpu / elapsed);
    std::printf("| edit → signal on B | count | median (ms) | p99 (ms) | max (ms) |\n|---|---:|---:|---:|---:|\n");
    auto row = [](const char *name, const Stats &s) {
        std::printf("| %s | %lld | %.3f | %.3f | %.3f |\n", name, qlonglong(s.count), s.median, s.p99, s.max);
    };
    row("update() → dataChanged", stats(updates));
    row("insert() → rowsInserted", stats(inserts));
    row("all", stats(all));
    std::printf("\n");
    std::fflush(stdout);
    return complete;
}

// --------------------------------------------------------------- (b) throughput

//! A subscriber that only reads: hello, subscribe, then for each frame the
//! cursor, the number of changes and whether it follows the previous one.
//! (The reference server's cursors are its change-log sequence numbers, one
//! per applied transaction, and every transaction here is one change.)
class RawSubscriber : public QObject {
public:
    std::atomic<qint64> cursor = -1;
    std::atomic<qint64> snapshotCursor = -1;
    std::atomic<qint64> changes = 0;
    //! Deltas whose prevCursor was not the previous cursor, and frames that
    //! were neither snapshot nor delta.
    std::atomic<qint64> gaps = 0, unexpected = 0;

    void start(const QUrl &url, const QString &clientId)
    {
        m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_socket, &QWebSocket::connected, this, [this, clientId] {
            m_socket->sendTextMessage(uR"({"type":"hello","protocol":1,"clientId":")"_s % clientId % uR"("})"_s);
            m_socket->sendTextMessage(uR"({"type":"subscribe","collection":"items"})"_s);
        });
        connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) { onFrame(frame); });
        m_socket->open(url);
    }

    //! On the subscriber thread: the socket belongs to it.
    void stop() { delete std::exchange(m_socket, nullptr); }

    //! Every change up to \a head arrived, in order, once.
    bool complete(qint64 head) const
    {
        return cursor == head && changes == head - snapshotCursor && gaps == 0 && unexpected == 0;
    }

private:
    static qint64 numberAfter(QStringView frame, QStringView key)
    {
        // The server writes keys in sorted order, so the top-level cursors
        // come after "changes"; "prevCursor" has a capital C.
        const qsizetype at = frame.lastIndexOf(key);
        if (at < 0)
            return -1;
        qint64 value = 0;
        for (qsizetype i = at + key.size(); i < frame.size() && frame.at(i).isDigit(); ++i)
            value = value * 10 + frame.at(i).digitValue();
        return value;
    }

    void onFrame(const QString &frame)
    {
        if (frame.endsWith(u"\"type\":\"delta\"}")) {
            if (numberAfter(frame, u"\"prevCursor\":\"") != cursor)
                ++gaps;
            changes += QStringView(frame).count(u"\"op\":\"");
            cursor = numberAfter(frame, u"\"cursor\":\"");
        } else if (frame.endsWith(u"\"type\":\"snapshot\"}")) {
            snapshotCursor = cursor = numberAfter(frame, u"\"cursor\":\"");
        } else if (!frame.endsWith(u"\"type\":\"welcome\"}")) {
            ++unexpected;
            qWarning("raw subscriber: unexpected frame %s", qPrintable(frame.left(200)));
        }
    }

    QWebSocket *m_socket = nullptr;
};

//! A pusher that writes its push frames itself: hello, then transactions of
//! one mutation each, as many per push as its window has room for, and it
//! checks that every transaction is acknowledged, in order. The cost of a
//! load generator without a model or an outbox.
class RawPusher : public QObject {
public:
    //! The mutation of transaction \a tx (from 1), as JSON.
    std::function<QString(qint64 tx)> mutation;
    //! Transactions to issue in all.
    qint64 target = std::numeric_limits<qint64>::max();
    qint64 issued = 0, acked = 0;
    bool welcomed = false;
    QString failure;

    void start(const QUrl &url, const QString &clientId)
    {
        m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_socket, &QWebSocket::connected, this, [this, clientId] {
            // Small frames: without it, Nagle's algorithm holds pushes back.
            if (auto *tcp = m_socket->findChild<QTcpSocket *>())
                tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_socket->sendTextMessage(uR"({"type":"hello","protocol":1,"clientId":")"_s % clientId % uR"("})"_s);
        });
        connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) { onFrame(frame); });
        m_socket->open(url);
    }

    //! Tops the window up on the next event-loop pass: the acks read in one
    //! pass free room for one push.
    void schedule()
    {
        if (m_scheduled)
            return;
        m_scheduled = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_scheduled = false;
                pushMore();
            },
            Qt::QueuedConnection);
    }

private:
    static constexpr qint64 Window = 256; // the server's maxPendingPushes

    void fail(const QString &why)
    {
        if (failure.isEmpty()) {
            failure = why;
            qCritical("raw pusher: %s", qPrintable(why));
        }
    }

    void onFrame(const QString &frame)
    {
        if (!welcomed) {
            if (!frame.endsWith(u"\"type\":\"welcome\"}") || !frame.contains(u"\"lastTx\":0,"))
                return fail(u"expected a fresh welcome, got "_s % frame.left(200));
            welcomed = true;
            schedule();
            return;
        }
        if (!frame.endsWith(u"\"type\":\"ack\"}"))
            return fail(u"expected an ack, got "_s % frame.left(200));
        static const QString key = u"\"tx\":"_s;
        const qsizetype at = frame.lastIndexOf(key);
        qint64 tx = 0;
        for (qsizetype i = at + key.size(); at >= 0 && i < frame.size() && frame.at(i).isDigit(); ++i)
            tx = tx * 10 + frame.at(i).digitValue();
        if (tx != acked + 1)
            return fail(u"ack of tx %1 after %2"_s.arg(tx).arg(acked));
        ++acked;
        schedule();
    }

    void pushMore()
    {
        const qint64 room = std::min(Window - (issued - acked), target - issued);
        if (!welcomed || !failure.isEmpty() || room <= 0)
            return;
        QString frame = uR"({"type":"push","transactions":[)"_s;
        for (qint64 i = 0; i < room; ++i) {
            ++issued;
            frame += (i ? u"," : u"") % uR"({"tx":)"_s % QString::number(issued) % uR"(,"mutations":[)"_s
                % mutation(issued) % u"]}"_s;
        }
        frame += u"]}"_s;
        m_socket->sendTextMessage(frame);
    }

    QWebSocket *m_socket = nullptr;
    bool m_scheduled = false;
};

//! One throughput configuration: where the server runs, and what the
//! pushers and subscribers are.
struct Setup {
    QString part; //!< its name for --only
    QString label;
    bool serverProcess = false;
    bool rawPushers = false;
    bool rawSubscribers = false;
};

struct ThroughputResult {
    bool ok = false;
    bool pinned = false;
    double seconds = 0;
    double acked = 0, applied = 0, delivered = 0;
    qint64 backlogStart = 0, backlogEnd = 0;
    double serverCpu = 0, mainCpu = 0, subscriberCpu = -1;
};

ThroughputResult runThroughput(const Setup &setup, double seconds, int subscriberCount, int pusherCount, bool pin)
{
    ThroughputResult result;
    // With --pin and the server in a process of its own: the server on CPU
    // 1, this process (pushers, subscribers) on CPU 0.
    cpu_set_t savedAffinity;
    sched_getaffinity(0, sizeof savedAffinity, &savedAffinity);
    result.pinned = pin && setup.serverProcess && pinToCpu(0);
    auto restoreAffinity = qScopeGuard([&] {
        if (result.pinned)
            sched_setaffinity(0, sizeof savedAffinity, &savedAffinity);
    });
    std::unique_ptr<BenchServer> server;
    if (setup.serverProcess)
        server = std::make_unique<ProcessServer>(result.pinned ? 1 : -1);
    else
        server = std::make_unique<ThreadServer>();
    const QUrl url = server->start();
    if (url.isEmpty())
        return result;

    constexpr int PoolSize = 1000;
    std::vector<Peer> pushers;
    std::vector<std::unique_ptr<RawPusher>> rawPushers;
    for (int i = 0; i < pusherCount; ++i) {
        if (setup.rawPushers) {
            rawPushers.push_back(std::make_unique<RawPusher>());
            // Seeding: pusher 0 inserts the pool p0 … p999.
            rawPushers.back()->mutation = [](qint64 tx) {
                return uR"({"op":"insert","collection":"items","id":"p%1","fields":{"title":"record %1"}})"_s.arg(
                    tx - 1);
            };
            rawPushers.back()->target = 0;
            rawPushers.back()->start(url, u"raw-pusher-%1"_s.arg(i));
        } else {
            pushers.push_back(makePeer(url, u"pusher-%1"_s.arg(i)));
        }
    }
    std::vector<Peer> modelSubscribers;
    QThread subscriberThread;
    subscriberThread.setObjectName(u"subscribers"_s);
    std::vector<std::unique_ptr<RawSubscriber>> rawSubscribers;
    if (setup.rawSubscribers) {
        subscriberThread.start();
        for (int i = 0; i < subscriberCount; ++i) {
            auto subscriber = std::make_unique<RawSubscriber>();
            subscriber->moveToThread(&subscriberThread);
            QMetaObject::invokeMethod(
                subscriber.get(), [s = subscriber.get(), url, id = u"raw-%1"_s.arg(i)] { s->start(url, id); });
            rawSubscribers.push_back(std::move(subscriber));
        }
    } else {
        for (int i = 0; i < subscriberCount; ++i)
            modelSubscribers.push_back(makePeer(url, u"subscriber-%1"_s.arg(i)));
    }
    auto cleanup = qScopeGuard([&] {
        // The raw sockets belong to the subscriber thread: delete them there.
        for (auto &subscriber : rawSubscribers)
            QMetaObject::invokeMethod(
                subscriber.get(), [s = subscriber.get()] { s->stop(); }, Qt::BlockingQueuedConnection);
        subscriberThread.quit();
        subscriberThread.wait();
        rawSubscribers.clear();
    });
    auto minDelivered = [&] {
        qint64 least = std::numeric_limits<qint64>::max();
        for (const Peer &peer : modelSubscribers)
            least = std::min(least, peer.model->cursor().isEmpty() ? -1 : peer.model->cursor().toLongLong());
        for (const auto &subscriber : rawSubscribers)
            least = std::min<qint64>(least, subscriber->cursor);
        return least;
    };
    auto pushersFailed = [&] {
        return std::any_of(rawPushers.begin(), rawPushers.end(), [](const auto &p) { return !p->failure.isEmpty(); });
    };

    if (!waitUntil(
            [&] {
                return std::all_of(pushers.begin(), pushers.end(), [](const Peer &p) { return p.isLive(); })
                    && std::all_of(rawPushers.begin(), rawPushers.end(), [](const auto &p) { return p->welcomed; })
                    && minDelivered() >= 0;
            },
            20000)) {
        qCritical("throughput: peers did not connect");
        return result;
    }
    QStringList pool;
    if (setup.rawPushers) {
        rawPushers.front()->target = PoolSize;
        rawPushers.front()->schedule();
    }
    const bool seeded = setup.rawPushers
        ? waitUntil([&] { return rawPushers.front()->acked == PoolSize || pushersFailed(); }, 30000) && !pushersFailed()
        : seed(pushers.front(), PoolSize, &pool);
    // Every pusher's model must have the pool before it edits it.
    auto pushersSeeded = [&] {
        return std::all_of(
            pushers.begin(), pushers.end(), [](const Peer &p) { return p.model->rowCount() == PoolSize; });
    };
    if (!seeded || !waitUntil([&] { return minDelivered() >= PoolSize && pushersSeeded(); }, 20000)) {
        qCritical("throughput: seeding failed");
        return result;
    }
    const qint64 seq0 = minDelivered();

    // Each pusher keeps its outbox at the server's window; topping up is
    // queued so that it never runs inside the client's own signal.
    constexpr int Window = 256;
    bool running = true;
    std::vector<qint64> issued(pushers.size(), 0);
    qint64 counter = 0;
    std::vector<bool> scheduled(pushers.size(), false);
    bool refused = false;
    std::function<void(size_t)> topUp = [&](size_t i) {
        scheduled[i] = false;
        Peer &peer = pushers[i];
        while (running && !refused && peer.client->outboxCount() < Window) {
            const int before = peer.client->outboxCount();
            peer.model->update(pool.at(counter % PoolSize), { { u"n"_s, counter } });
            ++counter;
            ++issued[i];
            if (peer.client->outboxCount() != before + 1) {
                refused = true;
                qCritical("throughput: pusher %d refused an update: %s", int(i), qPrintable(peer.model->errorString()));
            }
        }
    };
    for (size_t i = 0; i < pushers.size(); ++i) {
        QObject::connect(pushers[i].client.get(), &SyncClient::outboxCountChanged, pushers[i].client.get(), [&, i] {
            if (!scheduled[i] && running) {
                scheduled[i] = true;
                QMetaObject::invokeMethod(
                    pushers[i].client.get(), [&topUp, i] { topUp(i); }, Qt::QueuedConnection);
            }
        });
        topUp(i);
    }
    // Raw pushers: transaction tx of pusher i sets n = tx on one record of the
    // pool, each pusher starting at a different record.
    std::vector<qint64> rawBase;
    for (size_t i = 0; i < rawPushers.size(); ++i) {
        RawPusher &p = *rawPushers[i];
        rawBase.push_back(p.acked);
        const qint64 offset = qint64(i) * PoolSize / pusherCount;
        p.mutation = [offset](qint64 tx) {
            return uR"({"op":"update","collection":"items","id":"p%1","fields":{"n":%2}})"_s
                .arg((tx + offset) % PoolSize)
                .arg(tx);
        };
        p.target = std::numeric_limits<qint64>::max();
        p.schedule();
    }
    auto acked = [&] {
        qint64 sum = 0;
        for (size_t i = 0; i < pushers.size(); ++i)
            sum += issued[i] - pushers[i].client->outboxCount();
        for (size_t i = 0; i < rawPushers.size(); ++i)
            sum += rawPushers[i]->acked - rawBase[i];
        return sum;
    };
    auto subscriberCpu = [&] {
        double seconds = 0;
        if (setup.rawSubscribers)
            QMetaObject::invokeMethod(
                rawSubscribers.front().get(), [&] { seconds = threadCpuSeconds(); }, Qt::BlockingQueuedConnection);
        return seconds;
    };

    // Warm up, then measure a fixed window.
    const double warmup = std::min(1.0, seconds / 4);
    waitUntil([] { return false; }, int(warmup * 1000));
    QElapsedTimer clock;
    clock.start();
    const qint64 acked0 = acked();
    const BenchServer::Sample server0 = server->sample();
    const qint64 delivered0 = minDelivered() - seq0;
    const double mainCpu0 = threadCpuSeconds();
    const double subscriberCpu0 = subscriberCpu();
    waitUntil([] { return false; }, int(seconds * 1000));
    const double elapsed = double(clock.nsecsElapsed()) / 1e9;
    const qint64 acked1 = acked();
    const BenchServer::Sample server1 = server->sample();
    const qint64 delivered1 = minDelivered() - seq0;
    result.serverCpu = (server1.cpu - server0.cpu) / elapsed;
    result.mainCpu = (threadCpuSeconds() - mainCpu0) / elapsed;
    if (setup.rawSubscribers)
        result.subscriberCpu = (subscriberCpu() - subscriberCpu0) / elapsed;
    running = false;
    for (auto &p : rawPushers)
        p->target = p->issued;

    result.seconds = elapsed;
    result.acked = double(acked1 - acked0) / elapsed;
    result.applied = double(server1.applied - server0.applied) / elapsed;
    result.delivered = double(delivered1 - delivered0) / elapsed;
    result.backlogStart = acked0 - delivered0;
    result.backlogEnd = acked1 - delivered1;
    // Let everything drain, then check that every transaction was
    // acknowledged and every subscriber got every change.
    qint64 pushed = std::accumulate(issued.begin(), issued.end(), qint64(0));
    for (size_t i = 0; i < rawPushers.size(); ++i)
        pushed += rawPushers[i]->issued - rawBase[i];
    const qint64 head = seq0 + pushed;
    auto complete = [&] {
        return std::all_of(
                   rawSubscribers.begin(), rawSubscribers.end(), [head](const auto &s) { return s->complete(head); })
            && std::all_of(modelSubscribers.begin(), modelSubscribers.end(),
                [head](const Peer &p) { return p.model->cursor() == QString::number(head); });
    };
    result.ok = waitUntil([&] { return (acked() == pushed && complete()) || pushersFailed(); }, 60000)
        && !pushersFailed() && !refused && server->sample().applied == head;
    if (!result.ok) {
        qCritical("throughput %s: incomplete (acked %lld of %lld, slowest subscriber at %lld of %lld)",
            qPrintable(setup.part), qlonglong(acked()), qlonglong(pushed), qlonglong(minDelivered()), qlonglong(head));
        for (const auto &s : rawSubscribers)
            qCritical("  raw subscriber: cursor %lld, %lld changes since %lld, %lld gaps, %lld unexpected frames",
                qlonglong(s->cursor), qlonglong(s->changes), qlonglong(s->snapshotCursor), qlonglong(s->gaps),
                qlonglong(s->unexpected));
    }
    return result;
}

void printThroughput(const QList<std::pair<Setup, ThroughputResult>> &results, int subscribers, int pushers)
{
    std::printf("### (b) Throughput: %d pusher(s) with a full window, %d subscribers\n\n", pushers, subscribers);
    std::printf("Pushers keep %d transactions in flight each: SyncClient + ListModel on the main thread, or raw "
                "(hand-written push frames, several transactions each) on the main thread. Subscribers: "
                "SyncClient + ListModel on the main thread, or raw QWebSocket on a thread `subscribers` (they "
                "count changes and check cursors). The server runs on a thread `optimist-server` of this process, "
                "or in a child process (this program with --serve); \"pinned\" = server process on CPU 1, this "
                "process on CPU 0. \"delivered\" counts transactions every subscriber has received; backlog = "
                "acknowledged − delivered to the slowest subscriber. CPU = share of one core used in the window "
                "(server: its thread, or its whole process).\n\n",
        256);
    std::printf("| setup | window (s) | acked tx/s | applied tx/s | delivered to all tx/s | backlog start → end "
                "| server CPU | server CPU µs/tx | main CPU | main CPU µs/tx | subscriber thread CPU |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const auto &[setup, r] : results) {
        const double perTx = r.applied > 0 ? 1e6 / r.applied : 0;
        std::printf("| %s%s%s | %.1f | %.0f | %.0f | %.0f | %lld → %lld | %.0f%% | %.1f | %.0f%% | %.1f | %s |\n",
            qPrintable(setup.label), r.pinned ? ", pinned" : "", r.ok ? "" : " (**FAILED**)", r.seconds, r.acked,
            r.applied, r.delivered, qlonglong(r.backlogStart), qlonglong(r.backlogEnd), 100 * r.serverCpu,
            r.serverCpu * perTx, 100 * r.mainCpu, r.mainCpu * perTx,
            r.subscriberCpu < 0 ? "–" : qPrintable(QString::number(100 * r.subscriberCpu, 'f', 0) % u"%"_s));
    }
    std::printf("\n");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"optimist-bench-sync"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Optimist sync benchmark: latency and throughput over loopback."_s);
    parser.addHelpOption();
    const QCommandLineOption quickOption(u"quick"_s, u"A short run (a few seconds), for the ctest."_s);
    const QCommandLineOption secondsOption(u"seconds"_s, u"Seconds per measurement (default 5)."_s, u"N"_s, u"5"_s);
    const QCommandLineOption rateOption(
        u"rate"_s, u"Edits per second in the latency run (default 1000)."_s, u"N"_s, u"1000"_s);
    const QCommandLineOption subscribersOption(
        u"subscribers"_s, u"Subscribers in the throughput run (default 10)."_s, u"N"_s, u"10"_s);
    const QCommandLineOption pushersOption(
        u"pushers"_s, u"Pushers in the throughput run (default 2)."_s, u"N"_s, u"2"_s);
    const QCommandLineOption onlyOption(u"only"_s,
        u"Run only these parts, comma-separated: latency, models, raw, process-models, process-raw, "
        "process-raw-pushers."_s,
        u"parts"_s);
    const QCommandLineOption pinOption(
        u"pin"_s, u"With the server in a child process: pin it to CPU 1 and this process to CPU 0."_s);
    QCommandLineOption serveOption(u"serve"_s, u"Internal: be the server process of a throughput run."_s);
    QCommandLineOption serveCpuOption(u"serve-cpu"_s, u"Internal: the server process's CPU."_s, u"N"_s, u"-1"_s);
    serveOption.setFlags(QCommandLineOption::HiddenFromHelp);
    serveCpuOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ quickOption, secondsOption, rateOption, subscribersOption, pushersOption, onlyOption, pinOption,
        serveOption, serveCpuOption });
    parser.process(app);
    if (parser.isSet(serveOption))
        return serve(parser.value(serveCpuOption).toInt());

    const bool quick = parser.isSet(quickOption);
    const double seconds = quick ? 0.5 : std::max(0.5, parser.value(secondsOption).toDouble());
    const int rate = std::max(1, parser.value(rateOption).toInt());
    const int subscribers = std::max(1, parser.value(subscribersOption).toInt());
    const int pusherCount = std::max(1, parser.value(pushersOption).toInt());
    const QStringList only = parser.value(onlyOption).split(u',', Qt::SkipEmptyParts);
    const bool pin = parser.isSet(pinOption);

    const QList<Setup> setups {
        { u"models"_s, u"%1 × SyncClient + ListModel; SyncClient pushers; server thread"_s.arg(subscribers), false,
            false, false },
        { u"raw"_s, u"%1 × raw QWebSocket; SyncClient pushers; server thread"_s.arg(subscribers), false, false, true },
        { u"process-models"_s, u"%1 × SyncClient + ListModel; SyncClient pushers; server process"_s.arg(subscribers),
            true, false, false },
        { u"process-raw"_s, u"%1 × raw QWebSocket; SyncClient pushers; server process"_s.arg(subscribers), true, false,
            true },
        { u"process-raw-pushers"_s, u"%1 × raw QWebSocket; raw pushers; server process"_s.arg(subscribers), true, true,
            true },
    };
    // The quick run covers each kind of peer and both server placements.
    const QStringList quickParts { u"latency"_s, u"models"_s, u"raw"_s, u"process-raw-pushers"_s };
    auto wanted = [&](const QString &part) {
        return only.isEmpty() ? !quick || quickParts.contains(part) : only.contains(part);
    };

    std::printf("## optimist-bench-sync\n\nQt %s, %d logical CPUs, %s.\n\n", qVersion(), QThread::idealThreadCount(),
        quick ? "quick run" : "full run");
    bool ok = true;
    if (wanted(u"latency"_s))
        ok = runLatency(seconds, rate) && ok;
    QList<std::pair<Setup, ThroughputResult>> results;
    for (const Setup &setup : setups) {
        if (!wanted(setup.part))
            continue;
        std::fprintf(stderr, "throughput: %s...\n", qPrintable(setup.label));
        results.append({ setup, runThroughput(setup, seconds, subscribers, pusherCount, pin) });
    }
    if (!results.isEmpty())
        printThroughput(results, subscribers, pusherCount);
    for (const auto &entry : std::as_const(results))
        ok = ok && entry.second.ok;
    return ok ? 0 : 1;
}
