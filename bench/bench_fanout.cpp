// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// optimist-bench-fanout: what a change costs the server as subscribers grow,
// when each subscriber sees only its own user's records (issue 11, item 4).
//
// An optimist-server process (the real binary, its own SQLite file, JWT
// sign-in with development tokens) serves one collection whose records each
// belong to a user. N raw subscribers, one per user, each subscribe with
// the filter `record.owner == $me`; one raw pusher updates the users'
// records in turn at a steady rate. Measured over a window:
//   * server CPU per applied transaction: user + system time of the whole
//     server process (/proc/<pid>/stat) ÷ transactions acknowledged;
//   * delivery: from the push leaving the pusher to the record's owner
//     receiving the delta (median, p99).
// A server that does not filter (protocol 1, or before filtered
// subscriptions) sends every change to every subscriber: the run says so
// ("unfiltered") and is the O(subscribers) baseline.
//
// Prints Markdown on stdout, progress on stderr. See docs/benchmarks.md
// ("Fan-out to filtered subscribers").

#include "subscriptionindex_p.h"
#include <optimist/developmenttokens.h>
#include <optimist/expression.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// A fixed development secret: the server is another process.
const QByteArray Secret = "optimist-bench-fanout-development-secret-32+";
const QString Filter = u"record.owner == $me"_s;

//! One clock for every thread: push times and receive times compare.
QElapsedTimer clock_;

qint64 now()
{
    return clock_.nsecsElapsed();
}

QString userName(int i)
{
    return u"u%1"_s.arg(i);
}

QString recordId(int user, int j)
{
    return u"u%1-%2"_s.arg(user).arg(j);
}

//! Runs the event loop until \a done or \a timeoutMs; false on timeout.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer waited;
    waited.start();
    QTimer wake;
    wake.start(2);
    while (!done()) {
        if (waited.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

//! utime + stime of process \a pid, from /proc/<pid>/stat, in seconds.
double cpuSecondsOf(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

//! The optimist-server binary with a fresh database and a config written
//! for \a subscribers connections.
class ServerProcess {
public:
    ~ServerProcess()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    QUrl start(const QString &binary, const Optimist::DevelopmentTokens &tokens, int subscribers)
    {
        const QJsonObject limits { { u"maxConnections"_s, subscribers + 16 },
            { u"maxConnectionsPerAddress"_s, subscribers + 16 }, { u"maxMessagesPerSecond"_s, 100000 } };
        const QJsonObject jwt { { u"algorithm"_s, u"HS256"_s }, { u"secret"_s, QString::fromLatin1(tokens.secret()) },
            { u"issuer"_s, tokens.jwt().issuer } };
        const QJsonArray fields { QJsonObject { { u"name"_s, u"owner"_s }, { u"type"_s, u"string"_s } },
            QJsonObject { { u"name"_s, u"n"_s }, { u"type"_s, u"int"_s }, { u"default"_s, -1 } },
            QJsonObject { { u"name"_s, u"title"_s }, { u"type"_s, u"string"_s } } };
        const QJsonObject config { { u"collections"_s,
                                       QJsonObject { { u"items"_s, QJsonObject { { u"fields"_s, fields } } } } },
            { u"limits"_s, limits }, { u"auth"_s, QJsonObject { { u"jwt"_s, jwt } } } };
        QFile file(m_dir.filePath(u"config.json"_s));
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(config).toJson()) < 0)
            return {};
        file.close();
        // The server does not print the port it picked: pick a free one.
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        m_process.setProcessChannelMode(QProcess::ForwardedChannels);
        m_process.start(binary,
            { u"--listen"_s, u"127.0.0.1:%1"_s.arg(port), u"--db"_s, m_dir.filePath(u"bench.sqlite"_s), u"--config"_s,
                file.fileName() });
        if (!m_process.waitForStarted(10000))
            return {};
        QTcpSocket socket;
        const bool up = waitUntil(
            [&] {
                if (socket.state() == QAbstractSocket::ConnectedState)
                    return true;
                if (socket.state() == QAbstractSocket::UnconnectedState)
                    socket.connectToHost(QHostAddress::LocalHost, port);
                return m_process.state() == QProcess::NotRunning;
            },
            10000);
        if (!up || m_process.state() != QProcess::Running)
            return {};
        return QUrl(u"ws://127.0.0.1:%1"_s.arg(port));
    }

    double cpuSeconds() const { return cpuSecondsOf(m_process.processId()); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
};

//! Deliveries: for each measured transaction, when it was pushed and when
//! its record's owner received it (-1: not yet). Shared by the threads.
struct Deliveries {
    Deliveries(qsizetype count, qint64 stride)
        : sentAt(count)
        , seenAt(count)
        , stride(stride)
    {
        for (auto &t : seenAt)
            t = -1;
    }
    //! Update \a n reached its owner at \a at. A delta carries a record's
    //! net change, so the earlier updates of that record that one push
    //! batched with it (every stride-th before n) arrived with it.
    void seen(qint64 n, qint64 at)
    {
        for (qint64 m = n; m >= 0 && m < qint64(seenAt.size()); m -= stride) {
            qint64 unseen = -1;
            if (!seenAt[m].compare_exchange_strong(unseen, at) && m != n)
                break;
        }
    }
    std::vector<qint64> sentAt;
    std::vector<std::atomic<qint64>> seenAt;
    const qint64 stride; //!< transactions between two updates of one record
};

//! A subscriber on the subscriber thread: hello as its user, subscribe to
//! its own records, then it scans each delta for changes to its records
//! (timed) and to other users' (counted: a server that does not filter).
class Subscriber : public QObject {
public:
    std::atomic<bool> live = false, failed = false;
    std::atomic<qint64> frames = 0, own = 0, foreign = 0, snapshotRecords = 0;
    Deliveries *deliveries = nullptr;

    void start(const QUrl &url, const QString &user, const QString &token, int protocol)
    {
        m_user = user;
        m_ownerKey = uR"("owner":")"_s % user % u"\""_s;
        m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_socket, &QWebSocket::connected, this, [this, token, protocol] {
            const QJsonObject hello { { u"type"_s, u"hello"_s }, { u"protocol"_s, protocol },
                { u"clientId"_s, QString(u"sub-"_s + m_user) }, { u"token"_s, token } };
            QJsonObject subscribe { { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"items"_s } };
            if (protocol >= 2) {
                subscribe.insert(u"filter"_s, Filter);
                subscribe.insert(u"params"_s, QJsonObject { { u"me"_s, m_user } });
            }
            m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(hello).toJson(QJsonDocument::Compact)));
            m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(subscribe).toJson(QJsonDocument::Compact)));
        });
        connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) { onFrame(frame); });
        connect(m_socket, &QWebSocket::disconnected, this, [this] { failed = true; });
        m_socket->open(url);
        // The server closes a connection silent for 3 × heartbeatMs.
        auto *heartbeat = new QTimer(this);
        connect(
            heartbeat, &QTimer::timeout, this, [this] { m_socket->sendTextMessage(uR"({"type":"ping","id":1})"_s); });
        heartbeat->start(5000);
    }

    void stop()
    {
        qDeleteAll(findChildren<QTimer *>(Qt::FindDirectChildrenOnly));
        delete std::exchange(m_socket, nullptr);
    }

private:
    void onFrame(const QString &frame)
    {
        // Top-level keys are sorted: "type" comes after a delta's or a
        // snapshot's records and before a welcome's "userId".
        const QStringView type = QStringView(frame).sliced(frame.lastIndexOf(u"\"type\":\"") + 8);
        if (type.startsWith(u"delta\"")) {
            ++frames;
            return scanDelta(frame);
        }
        if (type.startsWith(u"snapshot\"")) {
            snapshotRecords += QStringView(frame).count(u"\"id\":\"");
            if (frame.contains(u"\"last\":true"))
                live = true;
        } else if (!type.startsWith(u"welcome\"") && !type.startsWith(u"pong\"")) {
            failed = true;
            qWarning("subscriber %s: %s", qPrintable(m_user), qPrintable(frame.left(300)));
        }
    }

    // The server writes keys sorted: in a change's fields "n" comes before
    // "owner". Cheap on purpose: with an unfiltered server this runs for
    // every change at every subscriber.
    void scanDelta(QStringView frame)
    {
        const qint64 at = now();
        for (qsizetype i = frame.indexOf(u"\"n\":"); i >= 0; i = frame.indexOf(u"\"n\":", i + 4)) {
            qint64 n = 0;
            bool negative = frame.at(i + 4) == u'-';
            for (qsizetype k = i + 4 + negative; k < frame.size() && frame.at(k).isDigit(); ++k)
                n = n * 10 + frame.at(k).digitValue();
            const qsizetype owner = frame.indexOf(u"\"owner\":\"", i);
            if (owner < 0 || !frame.mid(owner).startsWith(m_ownerKey)) {
                ++foreign;
                continue;
            }
            ++own;
            if (!negative && deliveries)
                deliveries->seen(n, at);
        }
    }

    QString m_user, m_ownerKey;
    QWebSocket *m_socket = nullptr;
};

//! The load: one connection that inserts the records, then updates them,
//! the users' in turn, at a steady rate; at most the server's window
//! (maxPendingPushes) unacknowledged.
class Pusher : public QObject {
public:
    static constexpr qint64 Window = 256;
    qint64 issued = 0, acked = 0, lastTx = -1;
    //! When each transaction (in issue order, from 0) was acknowledged.
    std::vector<qint64> ackedAt;
    QString failure;

    void start(const QUrl &url, const QString &token)
    {
        m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_socket, &QWebSocket::connected, this, [this, token] {
            if (auto *tcp = m_socket->findChild<QTcpSocket *>())
                tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_socket->sendTextMessage(
                uR"({"type":"hello","protocol":1,"clientId":"bench-pusher","token":")"_s % token % u"\"}"_s);
        });
        connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) { onFrame(frame); });
        connect(m_socket, &QWebSocket::disconnected, this, [this] {
            if (failure.isEmpty())
                failure = u"closed: %1 %2"_s.arg(int(m_socket->closeCode())).arg(m_socket->closeReason());
        });
        m_socket->open(url);
        // The server closes a connection silent for 3 × heartbeatMs.
        auto *heartbeat = new QTimer(this);
        connect(
            heartbeat, &QTimer::timeout, this, [this] { m_socket->sendTextMessage(uR"({"type":"ping","id":1})"_s); });
        heartbeat->start(5000);
    }

    //! Sends the mutations (JSON) as transactions, as many as the window
    //! has room for; returns how many went.
    qsizetype push(const QStringList &mutations)
    {
        const qsizetype count = std::min<qsizetype>(mutations.size(), Window - (issued - acked));
        if (count <= 0 || lastTx < 0)
            return 0;
        QString frame = uR"({"type":"push","transactions":[)"_s;
        for (qsizetype i = 0; i < count; ++i) {
            frame += (i ? u"," : u"") % uR"({"tx":)"_s % QString::number(lastTx + ++issued) % uR"(,"mutations":[)"_s
                % mutations.at(i) % u"]}"_s;
        }
        m_socket->sendTextMessage(frame + u"]}"_s);
        m_socket->flush();
        return count;
    }

private:
    void onFrame(const QString &frame)
    {
        const QJsonObject message = QJsonDocument::fromJson(frame.toUtf8()).object();
        const QString type = message.value(u"type"_s).toString();
        if (type == u"welcome")
            lastTx = message.value(u"lastTx"_s).toInteger();
        else if (type == u"ack") {
            acked = message.value(u"tx"_s).toInteger() - lastTx;
            ackedAt.resize(std::max<size_t>(ackedAt.size(), size_t(acked)), -1);
            ackedAt[acked - 1] = now();
        } else if (type != u"pong" && failure.isEmpty())
            failure = frame.left(300);
    }

    QWebSocket *m_socket = nullptr;
};

//! The protocol the server speaks: 2 (filters) when it welcomes a hello of
//! protocol 2, else 1.
int probeProtocol(const QUrl &url, const QString &token)
{
    QWebSocket socket;
    int protocol = 0;
    QObject::connect(&socket, &QWebSocket::connected, &socket, [&] {
        socket.sendTextMessage(
            uR"({"type":"hello","protocol":2,"clientId":"bench-probe","token":")"_s % token % u"\"}"_s);
    });
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
        [&](const QString &frame) { protocol = frame.contains(u"\"type\":\"welcome\"") ? 2 : 1; });
    socket.open(url);
    waitUntil([&] { return protocol != 0; }, 10000);
    return protocol == 2 ? 2 : 1;
}

struct Options {
    QString server;
    QList<int> counts;
    int rate = 1000;
    double seconds = 10;
    int records = 2;
    int protocol = 0;
};

struct Stats {
    double median = 0, p99 = 0, max = 0;
};

Stats stats(std::vector<double> values)
{
    Stats s;
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    const auto rank = [&](double q) {
        return values[std::min(values.size() - 1, size_t(std::ceil(q * double(values.size()))) - 1)];
    };
    return { rank(0.5), rank(0.99), values.back() };
}

struct Result {
    int subscribers = 0;
    int protocol = 0;
    bool filtered = false;
    double seconds = 0;
    qint64 acked = 0, missing = 0, own = 0, foreign = 0, frames = 0, closed = 0;
    double serverCpu = 0, clientCpu = 0;
    Stats delivery, ack;
    bool ok = false;
};

//! The subscribers on a thread of their own, one per user.
class Subscribers {
public:
    ~Subscribers()
    {
        for (auto &s : m_list)
            QMetaObject::invokeMethod(
                s.get(), [p = s.get()] { p->stop(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    //! Connects \a count subscribers in waves (the server bounds connections
    //! still in their handshake); false if one did not get its snapshot.
    bool connect(
        int count, const QUrl &url, const Optimist::DevelopmentTokens &tokens, int protocol, Deliveries *deliveries)
    {
        m_thread.setObjectName(u"subscribers"_s);
        m_thread.start();
        for (int first = 0; first < count; first += 50) {
            for (int i = first; i < std::min(count, first + 50); ++i) {
                auto s = std::make_unique<Subscriber>();
                s->deliveries = deliveries;
                s->moveToThread(&m_thread);
                QMetaObject::invokeMethod(
                    s.get(), [p = s.get(), url, user = userName(i), token = tokens.mint(userName(i)), protocol] {
                        p->start(url, user, token, protocol);
                    });
                m_list.push_back(std::move(s));
            }
            if (!waitUntil([&] { return all([](const Subscriber &s) { return s.live || s.failed; }); }, 60000)
                || any([](const Subscriber &s) { return bool(s.failed); }))
                return false;
        }
        return true;
    }

    bool all(const std::function<bool(const Subscriber &)> &f) const
    {
        return std::all_of(m_list.begin(), m_list.end(), [&](const auto &s) { return f(*s); });
    }
    bool any(const std::function<bool(const Subscriber &)> &f) const
    {
        return std::any_of(m_list.begin(), m_list.end(), [&](const auto &s) { return f(*s); });
    }
    qint64 sum(std::atomic<qint64> Subscriber::*counter) const
    {
        qint64 total = 0;
        for (const auto &s : m_list)
            total += (*s).*counter;
        return total;
    }

private:
    QThread m_thread;
    std::vector<std::unique_ptr<Subscriber>> m_list;
};

//! Inserts \a records records for each of \a users users, owned by them.
bool seed(Pusher *pusher, int users, int records)
{
    QStringList mutations;
    for (int u = 0; u < users; ++u) {
        for (int j = 0; j < records; ++j) {
            mutations.append(uR"({"op":"insert","collection":"items","id":")"_s % recordId(u, j)
                % uR"(","fields":{"owner":")"_s % userName(u) % uR"(","title":"record )"_s % QString::number(j)
                % u"\"}}"_s);
        }
    }
    const qint64 target = pusher->issued + mutations.size();
    while (!mutations.isEmpty()) {
        mutations.remove(0, pusher->push(mutations));
        if (!waitUntil(
                [&] { return pusher->issued - pusher->acked < Pusher::Window || !pusher->failure.isEmpty(); }, 30000))
            return false;
    }
    return waitUntil([&] { return pusher->acked == target || !pusher->failure.isEmpty(); }, 60000)
        && pusher->failure.isEmpty();
}

//! Paces \a d's transactions at \a rate per second through \a pusher: the
//! users' records in turn, each setting n to the transaction's number.
//! Returns when all are sent (or the pusher failed).
void pace(Pusher *pusher, Deliveries *d, int users, int records, int rate)
{
    const qsizetype total = qsizetype(d->sentAt.size());
    qsizetype sent = 0;
    const qint64 start = now();
    QTimer pacer;
    pacer.setTimerType(Qt::PreciseTimer);
    pacer.setInterval(1);
    pacer.callOnTimeout([&] {
        const qsizetype due = std::min(total, qsizetype(double(now() - start) * rate / 1e9) + 1);
        QStringList mutations;
        for (qsizetype m = sent; m < due; ++m) {
            const int user = int(m % users);
            mutations.append(uR"({"op":"update","collection":"items","id":")"_s
                % recordId(user, int(m / users % records)) % uR"(","fields":{"n":)"_s % QString::number(m) % u"}}"_s);
        }
        // Behind the window, the rest waits for the next tick.
        const qint64 at = now();
        for (qsizetype sentNow = pusher->push(mutations); sentNow > 0; --sentNow)
            d->sentAt[sent++] = at;
    });
    pacer.start();
    waitUntil([&] { return sent == total || !pusher->failure.isEmpty(); }, int(1000.0 * double(total) / rate) + 60000);
}

//! (a) The index alone, in this process: per change, finding the
//! subscriptions that see it by SubscriptionIndex::candidates() and then
//! evaluating only those, against evaluating every subscription's filter.
void runIndex(const QList<int> &counts, int changes)
{
    std::printf("### (a) The subscription index alone\n\n"
                "Per change (an update moving a record between two random users), the subscriptions that see it: "
                "`SubscriptionIndex::candidates()` then the filter evaluated on each candidate, against the filter "
                "of every subscription evaluated (`Expression::evaluate()`, the record as `QJsonObject`). "
                "%d changes; one thread; µs per change.\n\n"
                "| subscriptions | index: µs/change | candidates/change | evaluate all: µs/change | all ÷ index |\n"
                "|---:|---:|---:|---:|---:|\n",
        changes);
    const Optimist::Expression filter = Optimist::Expression::parse(Filter);
    for (const int count : counts) {
        std::vector<Optimist::Expression::Context> contexts(count);
        Optimist::SubscriptionIndex index;
        for (int i = 0; i < count; ++i) {
            contexts[i].params.insert(u"me"_s, userName(i));
            index.add(&contexts[i], { filter }, contexts[i]);
        }
        std::vector<std::pair<QJsonObject, QJsonObject>> images;
        for (int c = 0; c < changes; ++c) {
            const auto image = [&](int user) {
                return QJsonObject { { u"id"_s, u"r%1"_s.arg(c % 100) }, { u"owner"_s, userName(user) }, { u"n"_s, c },
                    { u"title"_s, u"record"_s } };
            };
            images.emplace_back(image(int(qHash(c) % count)), image(int(qHash(c + 1) % count)));
        }
        // Evaluating every subscription is slow: on a sample of the changes.
        const size_t sample = std::min(images.size(), size_t(std::max(1000, 20000000 / count)));
        qint64 seenInSample = 0, candidates = 0;
        QElapsedTimer timer;
        timer.start();
        for (size_t c = 0; c < images.size(); ++c) {
            for (const Optimist::SubscriptionIndex::Key key : index.candidates(images[c].first, images[c].second)) {
                ++candidates;
                auto context = *static_cast<const Optimist::Expression::Context *>(key);
                context.jsonRecord = images[c].second;
                seenInSample += filter.evaluate(context) && c < sample;
            }
        }
        const double indexed = double(timer.nsecsElapsed()) / 1e3 / changes;
        timer.restart();
        for (size_t c = 0; c < sample; ++c) {
            for (auto context : contexts) {
                context.jsonRecord = images[c].second;
                seenInSample -= filter.evaluate(context);
            }
        }
        const double all = double(timer.nsecsElapsed()) / 1e3 / double(sample);
        if (seenInSample != 0)
            qCritical("the index missed subscriptions that see a change");
        std::printf(
            "| %d | %.2f | %.2f | %.1f | %.0f× |\n", count, indexed, double(candidates) / changes, all, all / indexed);
    }
    std::printf("\n");
    std::fflush(stdout);
}

Result run(const Options &options, int count)
{
    Result r;
    r.subscribers = count;
    const Optimist::DevelopmentTokens tokens(Secret);
    ServerProcess server;
    const QUrl url = server.start(options.server, tokens, count);
    if (url.isEmpty()) {
        qCritical("optimist-server (%s) did not start", qPrintable(options.server));
        return r;
    }
    r.protocol = options.protocol ? options.protocol : probeProtocol(url, tokens.mint(u"probe"_s));
    Pusher pusher;
    pusher.start(url, tokens.mint(u"pusher"_s));
    if (!waitUntil([&] { return pusher.lastTx >= 0; }, 10000) || !seed(&pusher, count, options.records)) {
        qCritical("seeding failed: %s", qPrintable(pusher.failure));
        return r;
    }
    Deliveries d(qsizetype(options.seconds * options.rate), qint64(count) * options.records);
    Subscribers subscribers;
    std::fprintf(stderr, "%d subscribers, protocol %d: connecting...\n", count, r.protocol);
    if (!subscribers.connect(count, url, tokens, r.protocol, &d)) {
        qCritical("subscribers did not all get their snapshot");
        return r;
    }
    // Filtered: each snapshot held only its user's records.
    r.filtered = subscribers.sum(&Subscriber::snapshotRecords) == qint64(count) * options.records;
    std::fprintf(
        stderr, "%d subscribers: %lld transactions at %d/s...\n", count, qlonglong(d.sentAt.size()), options.rate);

    const qint64 acked0 = pusher.acked;
    const qint64 issued0 = pusher.issued;
    const double serverCpu0 = server.cpuSeconds(), clientCpu0 = processCpuSeconds();
    const qint64 frames0 = subscribers.sum(&Subscriber::frames);
    const qint64 start = now();
    pace(&pusher, &d, count, options.records, options.rate);
    const qint64 target = pusher.issued;
    std::fprintf(stderr, "%d subscribers: all sent, waiting for acks and deliveries...\n", count);
    const bool acked = waitUntil([&] { return pusher.acked == target || !pusher.failure.isEmpty(); }, 60000);
    r.seconds = double(now() - start) / 1e9;
    r.serverCpu = server.cpuSeconds() - serverCpu0;
    r.clientCpu = processCpuSeconds() - clientCpu0;
    r.acked = pusher.acked - acked0;
    // The deliveries may trail the last ack a little.
    waitUntil(
        [&] { return std::all_of(d.seenAt.begin(), d.seenAt.end(), [](const auto &t) { return t >= 0; }); }, 10000);
    std::vector<double> ms;
    for (size_t m = 0; m < d.sentAt.size(); ++m) {
        if (d.seenAt[m] < 0)
            ++r.missing;
        else
            ms.push_back(double(d.seenAt[m] - d.sentAt[m]) / 1e6);
    }
    r.delivery = stats(std::move(ms));
    ms.clear();
    for (size_t m = 0; m < d.sentAt.size() && issued0 + m < pusher.ackedAt.size(); ++m)
        ms.push_back(double(pusher.ackedAt[issued0 + m] - d.sentAt[m]) / 1e6);
    r.ack = stats(std::move(ms));
    r.own = subscribers.sum(&Subscriber::own);
    r.foreign = subscribers.sum(&Subscriber::foreign);
    r.frames = subscribers.sum(&Subscriber::frames) - frames0;
    r.filtered = r.filtered && r.foreign == 0;
    r.closed = subscribers.any([](const Subscriber &s) { return bool(s.failed); });
    if (!pusher.failure.isEmpty())
        qCritical("pusher: %s", qPrintable(pusher.failure));
    r.ok = acked && pusher.failure.isEmpty() && r.missing == 0 && !r.closed;
    return r;
}

void print(const Options &options, const QList<Result> &results)
{
    std::printf(
        "### (b) The optimist-server process\n\n%d tx/s for %.0f s, %d records per user, filter `%s`; server: %s\n\n",
        options.rate, options.seconds, options.records, qPrintable(Filter), qPrintable(options.server));
    std::printf("| subscribers | protocol | server filters? | tx acked | window (s) | server CPU | server CPU µs/tx "
                "| delivery median (ms) | p99 (ms) | max (ms) | ack median / p99 (ms) | frames to subscribers / tx | "
                "foreign changes received "
                "| bench process CPU | ok |\n"
                "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (const Result &r : results) {
        const double perTx = r.acked > 0 ? 1e6 * r.serverCpu / double(r.acked) : 0;
        std::printf("| %d | %d | %s | %lld | %.2f | %.0f%% | %.1f | %.2f | %.2f | %.2f | %.2f / %.2f | %.1f | %lld | "
                    "%.0f%% | %s |\n",
            r.subscribers, r.protocol, r.filtered ? "yes" : "**no: everyone receives everything (baseline)**",
            qlonglong(r.acked), r.seconds, 100 * r.serverCpu / std::max(r.seconds, 1e-9), perTx, r.delivery.median,
            r.delivery.p99, r.delivery.max, r.ack.median, r.ack.p99, r.acked ? double(r.frames) / double(r.acked) : 0.0,
            qlonglong(r.foreign), 100 * r.clientCpu / std::max(r.seconds, 1e-9),
            r.ok ? "yes"
                 : qPrintable(u"**no** (%1 not delivered%2)"_s.arg(r.missing).arg(
                     r.closed ? u", a subscriber was closed"_s : QString())));
    }
    if (results.size() >= 2 && results.first().acked > 0 && results.last().acked > 0) {
        const auto perTx = [](const Result &r) { return r.serverCpu / double(r.acked); };
        std::printf("\nServer CPU per transaction, %d ÷ %d subscribers: **%.2f×** (target ≤ 2×).\n",
            results.last().subscribers, results.first().subscribers, perTx(results.last()) / perTx(results.first()));
    }
    std::printf("\n");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"optimist-bench-fanout"_s);
    clock_.start();
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Server CPU per transaction and delivery latency as filtered subscribers grow (docs/benchmarks.md)."_s);
    parser.addHelpOption();
    const QCommandLineOption quick(u"quick"_s, u"A short run with few subscribers, for the ctest."_s);
    const QCommandLineOption server(
        u"server"_s, u"The optimist-server binary."_s, u"path"_s, QString::fromUtf8(OPTIMIST_SERVER_BINARY));
    const QCommandLineOption counts(
        u"subscribers"_s, u"Subscriber counts, comma-separated (default 10,1000)."_s, u"list"_s, u"10,1000"_s);
    const QCommandLineOption rate(u"rate"_s, u"Transactions per second (default 1000)."_s, u"N"_s, u"1000"_s);
    const QCommandLineOption seconds(u"seconds"_s, u"Seconds of load per count (default 10)."_s, u"N"_s, u"10"_s);
    const QCommandLineOption records(u"records"_s, u"Records per user (default 2)."_s, u"N"_s, u"2"_s);
    const QCommandLineOption protocol(u"protocol"_s,
        u"Protocol of the subscribers: 1, 2, or 0 = 2 if the server speaks it (default)."_s, u"N"_s, u"0"_s);
    const QCommandLineOption indexOnly(u"index-only"_s, u"Only (a), the index alone in this process."_s);
    parser.addOptions({ quick, server, counts, rate, seconds, records, protocol, indexOnly });
    parser.process(app);

    Options options;
    options.server = parser.value(server);
    for (const QString &n : parser.value(counts).split(u',', Qt::SkipEmptyParts))
        options.counts.append(std::max(1, n.toInt()));
    options.rate = std::max(1, parser.value(rate).toInt());
    options.seconds = std::max(0.1, parser.value(seconds).toDouble());
    options.records = std::max(1, parser.value(records).toInt());
    options.protocol = parser.value(protocol).toInt();
    if (parser.isSet(quick)) {
        options.counts = { 3, 30 };
        options.rate = std::min(options.rate, 200);
        options.seconds = 1;
    }
    std::printf("## optimist-bench-fanout\n\nQt %s, %d logical CPUs.\n\n", qVersion(), QThread::idealThreadCount());
    runIndex(options.counts, parser.isSet(quick) ? 2000 : 200000);
    if (parser.isSet(indexOnly))
        return 0;
    QList<Result> results;
    for (const int count : std::as_const(options.counts))
        results.append(run(options, count));
    print(options, results);
    return std::all_of(results.begin(), results.end(), [](const Result &r) { return r.ok; }) ? 0 : 1;
}
