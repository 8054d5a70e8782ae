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
#include <QtCore/QScopeGuard>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QTimer>
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

//! The server on its own thread, with a fresh database.
struct BenchServer {
    QTemporaryDir dir;
    Optimist::ServerThread thread;

    QUrl start()
    {
        QString error;
        const auto config = Optimist::ServerConfig::fromJson(serverConfigJson(), &error);
        if (!error.isEmpty()) {
            qCritical("bad server config: %s", qPrintable(error));
            return {};
        }
        thread.setConfig(config);
        thread.setDatabasePath(dir.filePath(u"bench.sqlite"_s));
        const QUrl url = thread.start();
        if (url.isEmpty())
            qCritical("server did not start: %s", qPrintable(thread.errorString()));
        return url;
    }

    double cpuSeconds()
    {
        double seconds = 0;
        QMetaObject::invokeMethod(
            thread.server(), [&] { seconds = threadCpuSeconds(); }, Qt::BlockingQueuedConnection);
        return seconds;
    }
};

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
    BenchServer server;
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
    const double serverCpu0 = server.cpuSeconds();
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
    const double serverCpu = server.cpuSeconds() - serverCpu0;

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

//! A subscriber that only reads: hello, subscribe, then remembers the cursor
//! of the last delta (the reference server's cursors are its change-log
//! sequence numbers, one per applied transaction).
class RawSubscriber : public QObject {
public:
    std::atomic<qint64> cursor = -1;
    std::atomic<qint64> frames = 0;

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

private:
    void onFrame(const QString &frame)
    {
        ++frames;
        // "prevCursor" has a capital C, so this finds the message's own cursor.
        static const QString key = u"\"cursor\":\""_s;
        const qsizetype at = frame.lastIndexOf(key);
        if (at < 0)
            return;
        qint64 value = 0;
        for (qsizetype i = at + key.size(); i < frame.size() && frame.at(i).isDigit(); ++i)
            value = value * 10 + frame.at(i).digitValue();
        cursor = value;
    }

    QWebSocket *m_socket = nullptr;
};

struct ThroughputResult {
    bool ok = false;
    double seconds = 0;
    double acked = 0, applied = 0, delivered = 0;
    qint64 backlogStart = 0, backlogEnd = 0;
    double serverCpu = 0, mainCpu = 0, subscriberCpu = -1;
};

ThroughputResult runThroughput(double seconds, int subscriberCount, int pusherCount, bool raw)
{
    ThroughputResult result;
    BenchServer server;
    const QUrl url = server.start();
    if (url.isEmpty())
        return result;

    std::vector<Peer> pushers;
    for (int i = 0; i < pusherCount; ++i)
        pushers.push_back(makePeer(url, u"pusher-%1"_s.arg(i)));
    std::vector<Peer> modelSubscribers;
    QThread subscriberThread;
    subscriberThread.setObjectName(u"subscribers"_s);
    std::vector<std::unique_ptr<RawSubscriber>> rawSubscribers;
    if (raw) {
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

    if (!waitUntil(
            [&] {
                return std::all_of(pushers.begin(), pushers.end(), [](const Peer &p) { return p.isLive(); })
                    && minDelivered() >= 0;
            },
            20000)) {
        qCritical("throughput: peers did not connect");
        return result;
    }
    constexpr int PoolSize = 1000;
    QStringList pool;
    if (!seed(pushers.front(), PoolSize, &pool) || !waitUntil([&] { return minDelivered() >= PoolSize; }, 20000)) {
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
    std::function<void(size_t)> topUp = [&](size_t i) {
        scheduled[i] = false;
        Peer &peer = pushers[i];
        while (running && peer.client->outboxCount() < Window) {
            peer.model->update(pool.at(counter % PoolSize), { { u"n"_s, counter } });
            ++counter;
            ++issued[i];
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
    auto acked = [&] {
        qint64 sum = 0;
        for (size_t i = 0; i < pushers.size(); ++i)
            sum += issued[i] - pushers[i].client->outboxCount();
        return sum;
    };
    auto subscriberCpu = [&] {
        double seconds = 0;
        if (raw)
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
    const qint64 applied0 = server.thread.server()->appliedTransactionCount();
    const qint64 delivered0 = minDelivered() - seq0;
    const double serverCpu0 = server.cpuSeconds();
    const double mainCpu0 = threadCpuSeconds();
    const double subscriberCpu0 = subscriberCpu();
    waitUntil([] { return false; }, int(seconds * 1000));
    const double elapsed = double(clock.nsecsElapsed()) / 1e9;
    const qint64 acked1 = acked();
    const qint64 applied1 = server.thread.server()->appliedTransactionCount();
    const qint64 delivered1 = minDelivered() - seq0;
    result.serverCpu = (server.cpuSeconds() - serverCpu0) / elapsed;
    result.mainCpu = (threadCpuSeconds() - mainCpu0) / elapsed;
    if (raw)
        result.subscriberCpu = (subscriberCpu() - subscriberCpu0) / elapsed;
    running = false;

    result.seconds = elapsed;
    result.acked = double(acked1 - acked0) / elapsed;
    result.applied = double(applied1 - applied0) / elapsed;
    result.delivered = double(delivered1 - delivered0) / elapsed;
    result.backlogStart = acked0 - delivered0;
    result.backlogEnd = acked1 - delivered1;
    // Let everything drain so that every transaction is accounted for.
    const qint64 pushed = std::accumulate(issued.begin(), issued.end(), qint64(0));
    result.ok = waitUntil([&] { return acked() == pushed && minDelivered() - seq0 >= pushed; }, 60000);
    if (!result.ok)
        qCritical("throughput: did not drain (acked %lld, delivered %lld of %lld)", qlonglong(acked()),
            qlonglong(minDelivered() - seq0), qlonglong(pushed));
    return result;
}

void printThroughput(const QList<std::pair<QString, ThroughputResult>> &results, int subscribers, int pushers)
{
    std::printf("### (b) Throughput: %d pusher(s) with a full window, %d subscribers\n\n", pushers, subscribers);
    std::printf("Threads: the server on `optimist-server`; the pushers (SyncClient + ListModel, %d transactions "
                "in flight each) on the main thread; the subscribers on the main thread (SyncClient + ListModel) "
                "or on a thread `subscribers` (raw QWebSocket, reads only the cursor). \"delivered\" counts "
                "transactions every subscriber has received; backlog = acknowledged − delivered to the slowest "
                "subscriber. CPU = share of one core used by that thread in the window.\n\n",
        256);
    std::printf("| subscribers | window (s) | acked tx/s | applied tx/s | delivered to all tx/s | backlog start → end "
                "| server CPU | server CPU µs/tx | main CPU | main CPU µs/tx | subscriber thread CPU |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const auto &[name, r] : results) {
        const double perTx = r.applied > 0 ? 1e6 / r.applied : 0;
        std::printf("| %s | %.1f | %.0f | %.0f | %.0f | %lld → %lld | %.0f%% | %.1f | %.0f%% | %.1f | %s |\n",
            qPrintable(name), r.seconds, r.acked, r.applied, r.delivered, qlonglong(r.backlogStart),
            qlonglong(r.backlogEnd), 100 * r.serverCpu, r.serverCpu * perTx, 100 * r.mainCpu, r.mainCpu * perTx,
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
    const QCommandLineOption quickOption(u"quick"_s, u"A short run (about two seconds), for the ctest."_s);
    const QCommandLineOption secondsOption(u"seconds"_s, u"Seconds per measurement (default 5)."_s, u"N"_s, u"5"_s);
    const QCommandLineOption rateOption(
        u"rate"_s, u"Edits per second in the latency run (default 1000)."_s, u"N"_s, u"1000"_s);
    const QCommandLineOption subscribersOption(
        u"subscribers"_s, u"Subscribers in the throughput run (default 10)."_s, u"N"_s, u"10"_s);
    const QCommandLineOption pushersOption(
        u"pushers"_s, u"Pushers in the throughput run (default 2)."_s, u"N"_s, u"2"_s);
    const QCommandLineOption onlyOption(u"only"_s, u"Run only: latency, models or raw."_s, u"part"_s);
    parser.addOptions({ quickOption, secondsOption, rateOption, subscribersOption, pushersOption, onlyOption });
    parser.process(app);

    const bool quick = parser.isSet(quickOption);
    const double seconds = quick ? 0.5 : std::max(0.5, parser.value(secondsOption).toDouble());
    const int rate = std::max(1, parser.value(rateOption).toInt());
    const int subscribers = std::max(1, parser.value(subscribersOption).toInt());
    const int pusherCount = std::max(1, parser.value(pushersOption).toInt());
    const QString only = parser.value(onlyOption);

    std::printf("## optimist-bench-sync\n\nQt %s, %d logical CPUs, %s.\n\n", qVersion(), QThread::idealThreadCount(),
        quick ? "quick run" : "full run");
    bool ok = true;
    if (only.isEmpty() || only == "latency"_L1)
        ok = runLatency(seconds, rate) && ok;
    QList<std::pair<QString, ThroughputResult>> results;
    if (only.isEmpty() || only == "models"_L1) {
        std::fprintf(stderr, "throughput: SyncClient + ListModel subscribers...\n");
        results.append({ u"%1 × SyncClient + ListModel"_s.arg(subscribers),
            runThroughput(seconds, subscribers, pusherCount, false) });
    }
    if (only.isEmpty() || only == "raw"_L1) {
        std::fprintf(stderr, "throughput: raw QWebSocket subscribers...\n");
        results.append(
            { u"%1 × raw QWebSocket"_s.arg(subscribers), runThroughput(seconds, subscribers, pusherCount, true) });
    }
    if (!results.isEmpty())
        printThroughput(results, subscribers, pusherCount);
    for (const auto &entry : std::as_const(results))
        ok = ok && entry.second.ok;
    return ok ? 0 : 1;
}
