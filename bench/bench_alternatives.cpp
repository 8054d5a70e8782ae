// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// optimist-bench-alternatives: Optimist against what a Qt developer would
// otherwise pick, on the same data in the same run, each contender feeding
// its own QML ListView (bench/qml/AltList.qml) in an offscreen QQuickView:
//
//  * optimist  — Optimist::ServerThread (SQLite) + SyncClient + ListModel;
//  * reset     — ResetListModel (bench/resetlistmodel.h) reloading the whole
//                list that a small JSON-over-QWebSocket server sends;
//  * qml       — a QML ListModel filled in JavaScript from the same JSON
//                (JSON.parse, clear(), append(array));
//  * qtro      — Qt Remote Objects: a QStandardItemModel remoted from a
//                QRemoteObjectHost, viewed through QAbstractItemModelReplica.
//
// Every server (Optimist, JSON, QtRO host) runs on a thread of its own.
// Workloads: (1) initial load until the first frame, (2) a remote change of
// 1% of the rows until the next frame, (3) a local edit until the view shows
// it, (4) resident memory per loaded row (a child process per contender and
// size). Prints Markdown tables on stdout; progress goes to stderr. See
// docs/benchmarks.md ("Against the alternatives").

#include "resetlistmodel.h"

#include <optimist/field.h>
#include <optimist/listmodel.h>
#include <optimist/serverconfig.h>
#include <optimist/serverthread.h>
#include <optimist/syncclient.h>
#include <optimist/transaction.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QStandardItemModel>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickView>
#include <QtRemoteObjects/QAbstractItemModelReplica>
#include <QtRemoteObjects/QRemoteObjectHost>
#include <QtRemoteObjects/QRemoteObjectNode>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <malloc.h>
#include <map>
#include <memory>
#include <random>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

const QString Collection = u"items"_s;
constexpr int TimeoutMs = 120000;
constexpr int SentinelRow = 3; // a visible row that every remote change includes, last
constexpr int EditRow = 5; // the row the local edit changes

enum Contender { Optimist, Reset, QmlListModel, QtRO, ContenderCount };
const char *const ContenderNames[] = { "optimist", "reset", "qml", "qtro" };
const char *const ContenderTitles[]
    = { "Optimist", "Reset model (JSON/WebSocket)", "QML ListModel (JSON/WebSocket)", "Qt Remote Objects replica" };

// ------------------------------------------------------------ helpers

QString recordId(int i)
{
    return u"r%1"_s.arg(i, 8, 10, QChar(u'0'));
}

QString recordTitle(int i)
{
    return u"Task %1"_s.arg(i, 8, 10, QChar(u'0'));
}

QDateTime recordUpdated(int i)
{
    return QDateTime(QDate(2026, 1, 1), QTime(8, 0), Qt::UTC).addSecs(qint64(i) * 60);
}

Optimist::Fields fields()
{
    using Optimist::Field;
    return { Field(u"title"_s, Field::Type::String, QString(), true), Field(u"done"_s, Field::Type::Bool, false),
        Field(u"priority"_s, Field::Type::Int, 0), Field(u"updated"_s, Field::Type::DateTime) };
}

QByteArray serverConfigJson()
{
    return R"({"collections": {"items": {"fields": [
        {"name": "title", "type": "string", "required": true},
        {"name": "done", "type": "bool", "default": false},
        {"name": "priority", "type": "int", "default": 0},
        {"name": "updated", "type": "datetime"}]}},
        "limits": {"maxMutationsPerTransaction": 5000, "maxFrameBytes": 16777216}})";
}

qint64 residentBytes()
{
    FILE *f = std::fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    long size = 0, resident = 0;
    const int n = std::fscanf(f, "%ld %ld", &size, &resident);
    std::fclose(f);
    return n == 2 ? qint64(resident) * sysconf(_SC_PAGESIZE) : -1;
}

//! Runs the event loop until \a done or \a timeoutMs; false on timeout.
bool waitUntil(const std::function<bool()> &done, int timeoutMs = TimeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    QTimer wake; // bounds each blocking wait
    wake.start(10);
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

void waitForFrame(QQuickView *view)
{
    QEventLoop loop;
    bool swapped = false;
    const auto connection = QObject::connect(view, &QQuickWindow::frameSwapped, &loop, [&] {
        swapped = true;
        loop.quit();
    });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    view->update();
    if (!swapped)
        loop.exec();
    QObject::disconnect(connection);
    if (!swapped)
        qFatal("the QML view rendered no frame within 10 s");
}

int roleOf(const QAbstractItemModel *model, const QByteArray &name)
{
    const auto roles = model->roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it) {
        if (it.value() == name)
            return it.key();
    }
    return -1;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// ------------------------------------------------------------ the alternatives' servers

//! Lives on its own thread: a JSON-over-WebSocket server that sends the whole
//! list on "get" and after every change, and a QRemoteObjectHost remoting a
//! QStandardItemModel with the same rows.
class AltServer : public QObject {
public:
    struct Record {
        QString id;
        QString title;
        bool done = false;
        int priority = 0;
        QString updated;
    };

    //! Called on the server thread.
    bool setup(int rows, const QString &roUrl)
    {
        m_records.reserve(rows);
        for (int i = 0; i < rows; ++i) {
            m_records.push_back(
                { recordId(i), recordTitle(i), (i % 3) == 0, i % 5, recordUpdated(i).toString(Qt::ISODate) });
        }
        m_ws = new QWebSocketServer(u"alt"_s, QWebSocketServer::NonSecureMode, this);
        if (!m_ws->listen(QHostAddress::LocalHost, 0))
            return false;
        QObject::connect(m_ws, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = m_ws->nextPendingConnection()) {
                socket->setParent(this);
                QObject::connect(socket, &QWebSocket::disconnected, socket, [this, socket] {
                    m_subscribers.remove(socket);
                    socket->deleteLater();
                });
                QObject::connect(socket, &QWebSocket::textMessageReceived, this,
                    [this, socket](const QString &message) { onMessage(socket, message); });
            }
        });

        m_source = new QStandardItemModel(this);
        m_source->setItemRoleNames({ { IdRole, "id" }, { TitleRole, "title" }, { DoneRole, "done" },
            { PriorityRole, "priority" }, { UpdatedRole, "updated" } });
        QList<QStandardItem *> items;
        items.reserve(rows);
        for (int i = 0; i < rows; ++i) {
            auto *item = new QStandardItem;
            const Record &r = m_records[size_t(i)];
            item->setData(r.id, IdRole);
            item->setData(r.title, TitleRole);
            item->setData(r.done, DoneRole);
            item->setData(r.priority, PriorityRole);
            item->setData(recordUpdated(i), UpdatedRole);
            items.append(item);
        }
        m_source->insertColumn(0, items);
        m_host = new QRemoteObjectHost(QUrl(roUrl), this);
        return m_host->enableRemoting(m_source, u"items"_s, { IdRole, TitleRole, DoneRole, PriorityRole, UpdatedRole });
    }

    quint16 wsPort() const { return m_ws->serverPort(); }

    QString listJson() const
    {
        QJsonArray array;
        for (const Record &r : m_records) {
            array.append(QJsonObject { { u"id"_s, r.id }, { u"title"_s, r.title }, { u"done"_s, r.done },
                { u"priority"_s, r.priority }, { u"updated"_s, r.updated } });
        }
        return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
    }

    //! Server side of a remote change: JSON clients get the whole new list.
    //! Only the subscribers named \a to get it, so that one contender's
    //! measurement never pays for another's reload on the same thread.
    void changeJson(const std::vector<int> &rows, int priority, const QString &to)
    {
        for (int row : rows) {
            m_records[size_t(row)].done = !m_records[size_t(row)].done;
            m_records[size_t(row)].priority = priority;
        }
        const QString json = listJson();
        for (auto it = m_subscribers.cbegin(); it != m_subscribers.cend(); ++it) {
            if (it.value() == to)
                it.key()->sendTextMessage(json);
        }
    }

    //! Server side of a remote change for the QtRO replicas.
    void changeSource(const std::vector<int> &rows, int priority)
    {
        for (int row : rows) {
            QStandardItem *item = m_source->item(row);
            item->setData(!item->data(DoneRole).toBool(), DoneRole);
            item->setData(priority, PriorityRole);
        }
    }

private:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, DoneRole, PriorityRole, UpdatedRole };

    void onMessage(QWebSocket *socket, const QString &message)
    {
        const QJsonObject request = QJsonDocument::fromJson(message.toUtf8()).object();
        const QString op = request.value(u"op"_s).toString();
        if (op == u"get"_s) {
            m_subscribers.insert(socket, request.value(u"name"_s).toString());
            socket->sendTextMessage(listJson());
        } else if (op == u"set"_s) {
            const int row = request.value(u"row"_s).toInt(-1);
            if (row < 0 || row >= int(m_records.size()))
                return;
            m_records[size_t(row)].priority = request.value(u"priority"_s).toInt();
            // The server answers an edit with the whole new list, its only message.
            socket->sendTextMessage(listJson());
        }
    }

    std::vector<Record> m_records;
    QWebSocketServer *m_ws = nullptr;
    QHash<QWebSocket *, QString> m_subscribers; // socket → name
    QStandardItemModel *m_source = nullptr;
    QRemoteObjectHost *m_host = nullptr;
};

//! AltServer on a thread of its own.
class AltServerThread {
public:
    AltServerThread()
    {
        m_thread.start();
        m_server = new AltServer;
        m_server->moveToThread(&m_thread);
    }
    ~AltServerThread()
    {
        QMetaObject::invokeMethod(
            m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    template<typename F> void call(F &&f)
    {
        QMetaObject::invokeMethod(m_server, std::forward<F>(f), Qt::BlockingQueuedConnection);
    }
    template<typename F> void post(F &&f)
    {
        QMetaObject::invokeMethod(m_server, std::forward<F>(f), Qt::QueuedConnection);
    }
    AltServer *server() const { return m_server; }

private:
    QThread m_thread;
    AltServer *m_server = nullptr;
};

// ------------------------------------------------------------ the servers of one size

struct Servers {
    int rows = 0;
    QTemporaryDir dir;
    Optimist::ServerThread optimist;
    QUrl optimistUrl;
    AltServerThread alt;
    QUrl jsonUrl;
    QUrl roUrl;

    bool start(int n, int sizeIndex)
    {
        rows = n;
        QString error;
        optimist.setConfig(Optimist::ServerConfig::fromJson(serverConfigJson(), &error));
        if (!error.isEmpty())
            qFatal("bad server config: %s", qPrintable(error));
        optimist.setDatabasePath(dir.filePath(u"alt.sqlite"_s));
        optimistUrl = optimist.start();
        if (optimistUrl.isEmpty())
            qFatal("server did not start: %s", qPrintable(optimist.errorString()));
        roUrl = QUrl(u"local:optimist-bench-alt-%1-%2"_s.arg(QCoreApplication::applicationPid()).arg(sizeIndex));
        bool ok = false;
        quint16 port = 0;
        alt.call([&] {
            ok = alt.server()->setup(n, roUrl.toString());
            port = alt.server()->wsPort();
        });
        if (!ok)
            qFatal("the JSON / QtRO server did not start");
        jsonUrl = QUrl(u"ws://127.0.0.1:%1"_s.arg(port));
        return true;
    }
};

// ------------------------------------------------------------ the contenders' clients

struct OptimistPeer {
    std::unique_ptr<Optimist::SyncClient> client;
    std::unique_ptr<Optimist::ListModel> model;

    void create(const QString &clientId)
    {
        client = std::make_unique<Optimist::SyncClient>();
        client->setClientId(clientId);
        model = std::make_unique<Optimist::ListModel>();
        model->setCollection(Collection);
        model->setFields(fields());
    }
    void connectTo(const QUrl &url)
    {
        model->setClient(client.get());
        client->setUrl(url);
    }
    bool isLive() const { return client->state() == Optimist::SyncClient::Connected && !model->cursor().isEmpty(); }
    ~OptimistPeer()
    {
        if (model)
            model->setClient(nullptr);
        model.reset();
        client.reset();
    }
};

//! Fills the Optimist server with the rows through a SyncClient (public API),
//! in transactions of 1,000 inserts. The peer stays as the remote editor.
void seedOptimist(OptimistPeer &editor, const QUrl &url, int rows)
{
    editor.create(u"bench-alt-editor"_s);
    editor.connectTo(url);
    if (!waitUntil([&] { return editor.isLive(); }))
        qFatal("editor did not connect");
    for (int start = 0; start < rows; start += 1000) {
        auto *tx = new Optimist::Transaction;
        tx->setAutoDelete(true);
        tx->run([&] {
            for (int i = start; i < std::min(rows, start + 1000); ++i) {
                editor.model->insert({ { u"id"_s, recordId(i) }, { u"title"_s, recordTitle(i) },
                    { u"done"_s, (i % 3) == 0 }, { u"priority"_s, i % 5 }, { u"updated"_s, recordUpdated(i) } });
            }
        });
        if (!waitUntil([&] { return editor.client->outboxCount() < 64; }))
            qFatal("seeding stalled");
    }
    if (!waitUntil([&] { return editor.client->outboxCount() == 0; }))
        qFatal("seeding did not finish");
}

//! A QWebSocket client of the JSON server that hands every list it receives on.
struct JsonClient {
    std::unique_ptr<QWebSocket> socket;
    int received = 0;

    void open(const QUrl &url, const QString &name, const std::function<void(const QString &)> &onList)
    {
        socket = std::make_unique<QWebSocket>();
        QObject::connect(socket.get(), &QWebSocket::connected, socket.get(),
            [this, name] { socket->sendTextMessage(u"{\"op\":\"get\",\"name\":\"%1\"}"_s.arg(name)); });
        QObject::connect(
            socket.get(), &QWebSocket::textMessageReceived, socket.get(), [this, onList](const QString &m) {
                onList(m);
                ++received;
            });
        socket->open(url);
    }
};

void resetModelLoad(ResetListModel *model, const QString &json)
{
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    QList<QVariantMap> records;
    records.reserve(array.size());
    for (const QJsonValue &value : array)
        records.append(value.toObject().toVariantMap());
    model->setRecords(records);
}

std::unique_ptr<QQuickView> makeView()
{
    auto view = std::make_unique<QQuickView>();
    view->setResizeMode(QQuickView::SizeRootObjectToView);
    view->setSource(QUrl(u"qrc:/bench/qml/AltList.qml"_s));
    if (!view->rootObject())
        qFatal("cannot load AltList.qml");
    view->resize(400, 600);
    view->show();
    return view;
}

void setViewModel(QQuickView *view, QObject *model)
{
    view->rootObject()->setProperty("model", QVariant::fromValue(model));
}

void qmlReload(QQuickView *view, const QString &json)
{
    QMetaObject::invokeMethod(view->rootObject(), "reload", Q_ARG(QVariant, QVariant(json)));
}

QVariant qmlGet(QQuickView *view, int row, const QByteArray &role)
{
    auto *model = qvariant_cast<QAbstractItemModel *>(view->rootObject()->property("jsModel"));
    return model && row < model->rowCount() ? model->data(model->index(row, 0), roleOf(model, role)) : QVariant();
}

bool replicaShows(QAbstractItemModelReplica *replica, int rows)
{
    if (!replica->isInitialized() || replica->rowCount() != rows)
        return false;
    const int title = roleOf(replica, "title");
    return replica->data(replica->index(0, 0), title).isValid()
        && replica->data(replica->index(std::min(rows - 1, 24), 0), title).isValid();
}

// ------------------------------------------------------------ one size

struct Results {
    // workload → size → contender → samples (ms)
    std::map<int, std::map<int, std::vector<std::vector<double>>>> ms;
    std::map<int, std::vector<double>> memory; // size → bytes/row per contender (-1: not measured)
    std::map<int, std::vector<double>> memoryTrimmed; // the same after GC and malloc_trim()
    std::map<int, double> jsonBytesPerRow;

    void add(int workload, int size, int contender, double value)
    {
        auto &perContender = ms[workload][size];
        perContender.resize(ContenderCount);
        perContender[size_t(contender)].push_back(value);
    }
};

double elapsedMs(const QElapsedTimer &clock)
{
    return double(clock.nsecsElapsed()) / 1e6;
}

void runSize(int rows, int sizeIndex, int repeat, bool memory, Results &results)
{
    std::fprintf(stderr, "== %d rows: starting servers and seeding\n", rows);
    Servers servers;
    servers.start(rows, sizeIndex);
    OptimistPeer editor;
    seedOptimist(editor, servers.optimistUrl, rows);
    {
        QString json;
        servers.alt.call([&] { json = servers.alt.server()->listJson(); });
        results.jsonBytesPerRow[rows] = double(json.toUtf8().size()) / rows;
    }

    // Persistent clients and views, for workloads 2 and 3.
    std::unique_ptr<QQuickView> views[ContenderCount];
    for (auto &view : views)
        view = makeView();
    OptimistPeer viewer;
    viewer.create(u"bench-alt-viewer"_s);
    setViewModel(views[Optimist].get(), viewer.model.get());
    viewer.connectTo(servers.optimistUrl);
    ResetListModel resetModel;
    setViewModel(views[Reset].get(), &resetModel);
    JsonClient resetClient;
    resetClient.open(servers.jsonUrl, u"reset"_s, [&](const QString &json) { resetModelLoad(&resetModel, json); });
    QMetaObject::invokeMethod(views[QmlListModel]->rootObject(), "useJsModel");
    JsonClient qmlClient;
    qmlClient.open(servers.jsonUrl, u"qml"_s, [&](const QString &json) { qmlReload(views[QmlListModel].get(), json); });
    QRemoteObjectNode roNode;
    roNode.connectToNode(servers.roUrl);
    std::unique_ptr<QAbstractItemModelReplica> replica(roNode.acquireModel(u"items"_s));
    if (!waitUntil([&] { return replica->isInitialized(); }))
        qFatal("QtRO replica not initialized");
    setViewModel(views[QtRO].get(), replica.get());
    if (!waitUntil([&] {
            return viewer.isLive() && viewer.model->count() == rows && resetModel.rowCount() == rows
                && qmlGet(views[QmlListModel].get(), rows - 1, "title").isValid() && replicaShows(replica.get(), rows);
        }))
        qFatal("contenders did not load");
    for (auto &view : views)
        waitForFrame(view.get());

    const int replicaPriority = roleOf(replica.get(), "priority");
    auto optimistPriority = [&](int row) { return viewer.model->get(recordId(row)).value(u"priority"_s).toInt(); };
    auto shown = [&](int contender, int row) -> int {
        switch (contender) {
        case Optimist:
            return optimistPriority(row);
        case Reset:
            return resetModel.data(resetModel.index(row, 0), ResetListModel::PriorityRole).toInt();
        case QmlListModel:
            return qmlGet(views[QmlListModel].get(), row, "priority").toInt();
        default:
            return replica->data(replica->index(row, 0), replicaPriority).toInt();
        }
    };

    std::mt19937 rng { quint32(rows) };
    int marker = 1000;

    for (int rep = 0; rep < repeat; ++rep) {
        std::fprintf(stderr, "   repetition %d/%d\n", rep + 1, repeat);
        // ---- workload 2: remote change of 1% of the rows
        const int changeCount = std::max(1, rows / 100);
        for (int c = 0; c < ContenderCount; ++c) {
            std::vector<int> changed;
            std::vector<bool> picked(size_t(rows), false);
            picked[SentinelRow] = true;
            while (int(changed.size()) < changeCount - 1) {
                const int row = int(rng() % quint32(rows));
                if (!picked[size_t(row)]) {
                    picked[size_t(row)] = true;
                    changed.push_back(row);
                }
            }
            changed.push_back(SentinelRow);
            const int value = ++marker;
            waitForFrame(views[c].get());
            QElapsedTimer clock;
            clock.start();
            if (c == Optimist) {
                auto *tx = new Optimist::Transaction;
                tx->setAutoDelete(true);
                tx->run([&] {
                    for (int row : changed) {
                        const QVariantMap record = editor.model->get(recordId(row));
                        editor.model->update(recordId(row),
                            { { u"done"_s, !record.value(u"done"_s).toBool() }, { u"priority"_s, value } });
                    }
                });
            } else if (c == QtRO) {
                servers.alt.post([&servers, changed, value] { servers.alt.server()->changeSource(changed, value); });
            } else {
                const QString to = c == Reset ? u"reset"_s : u"qml"_s;
                servers.alt.post(
                    [&servers, changed, value, to] { servers.alt.server()->changeJson(changed, value, to); });
            }
            if (!waitUntil([&] { return shown(c, SentinelRow) == value; }))
                qFatal("workload 2: %s did not show the change", ContenderNames[c]);
            waitForFrame(views[c].get());
            results.add(2, rows, c, elapsedMs(clock));
        }

        // ---- workload 3: a local edit until the view shows it
        for (int c = 0; c < ContenderCount; ++c) {
            const int value = ++marker;
            waitForFrame(views[c].get());
            QElapsedTimer clock;
            clock.start();
            if (c == Optimist) {
                viewer.model->update(recordId(EditRow), { { u"priority"_s, value } });
            } else if (c == Reset) {
                resetClient.socket->sendTextMessage(
                    u"{\"op\":\"set\",\"row\":%1,\"priority\":%2}"_s.arg(EditRow).arg(value));
            } else if (c == QmlListModel) {
                qmlClient.socket->sendTextMessage(
                    u"{\"op\":\"set\",\"row\":%1,\"priority\":%2}"_s.arg(EditRow).arg(value));
            } else {
                replica->setData(replica->index(EditRow, 0), value, replicaPriority);
            }
            if (!waitUntil([&] { return shown(c, EditRow) == value; }))
                qFatal("workload 3: %s did not show the edit", ContenderNames[c]);
            waitForFrame(views[c].get());
            results.add(3, rows, c, elapsedMs(clock));
            // Settle (untimed): the Optimist edit is confirmed.
            waitUntil([&] { return viewer.model->pendingCount() == 0; });
        }

        // ---- workload 1: initial load into a fresh client until the first frame
        for (int c = 0; c < ContenderCount; ++c) {
            QQuickView *view = views[c].get();
            waitForFrame(view);
            QElapsedTimer clock;
            if (c == Optimist) {
                OptimistPeer fresh;
                fresh.create(u"bench-alt-fresh-%1"_s.arg(rep));
                setViewModel(view, fresh.model.get());
                clock.start();
                fresh.connectTo(servers.optimistUrl);
                if (!waitUntil([&] { return fresh.model->count() == rows; }))
                    qFatal("workload 1: optimist did not load");
                waitForFrame(view);
                results.add(1, rows, c, elapsedMs(clock));
                setViewModel(view, viewer.model.get());
            } else if (c == Reset) {
                ResetListModel fresh;
                setViewModel(view, &fresh);
                clock.start();
                JsonClient client;
                client.open(servers.jsonUrl, u"fresh"_s, [&](const QString &json) { resetModelLoad(&fresh, json); });
                if (!waitUntil([&] { return fresh.rowCount() == rows; }))
                    qFatal("workload 1: reset did not load");
                waitForFrame(view);
                results.add(1, rows, c, elapsedMs(clock));
                setViewModel(view, &resetModel);
                client.socket->close();
            } else if (c == QmlListModel) {
                QMetaObject::invokeMethod(view->rootObject(), "reload", Q_ARG(QVariant, QVariant(u"[]"_s)));
                waitForFrame(view);
                clock.start();
                JsonClient client;
                client.open(servers.jsonUrl, u"fresh"_s, [&](const QString &json) { qmlReload(view, json); });
                if (!waitUntil([&] { return client.received > 0; }))
                    qFatal("workload 1: qml did not load");
                waitForFrame(view);
                results.add(1, rows, c, elapsedMs(clock));
                client.socket->close();
            } else {
                clock.start();
                QRemoteObjectNode node;
                node.connectToNode(servers.roUrl);
                std::unique_ptr<QAbstractItemModelReplica> fresh(node.acquireModel(u"items"_s));
                if (!waitUntil([&] { return fresh->isInitialized(); }))
                    qFatal("workload 1: qtro not initialized");
                setViewModel(view, fresh.get());
                if (!waitUntil([&] { return replicaShows(fresh.get(), rows); }))
                    qFatal("workload 1: qtro did not load");
                waitForFrame(view);
                results.add(1, rows, c, elapsedMs(clock));
                setViewModel(view, replica.get());
                waitForFrame(view);
            }
        }
    }

    // ---- workload 4: memory, one child process per contender
    std::vector<double> perRow(ContenderCount, -1);
    std::vector<double> trimmedRow(ContenderCount, -1);
    if (memory) {
        for (int c = 0; c < ContenderCount; ++c) {
            QProcess child;
            child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child.start(QCoreApplication::applicationFilePath(),
                { u"--memory-child"_s, QString::fromLatin1(ContenderNames[c]), QString::number(rows),
                    c == Optimist ? servers.optimistUrl.toString()
                                  : (c == QtRO ? servers.roUrl.toString() : servers.jsonUrl.toString()) });
            if (!waitUntil([&] { return child.state() == QProcess::NotRunning; }))
                child.kill();
            const QByteArray out = child.readAllStandardOutput().trimmed();
            const QList<QByteArray> parts = out.split(' ');
            if (child.exitCode() == 0 && parts.size() == 3) {
                perRow[size_t(c)] = parts.at(1).toDouble();
                trimmedRow[size_t(c)] = parts.at(2).toDouble();
            }
            std::fprintf(stderr, "   memory %s: %s\n", ContenderNames[c], out.constData());
        }
    }
    results.memory[rows] = perRow;
    results.memoryTrimmed[rows] = trimmedRow;
    setViewModel(views[Optimist].get(), nullptr);
    setViewModel(views[Reset].get(), nullptr);
    setViewModel(views[QtRO].get(), nullptr);
}

//! The child process of workload 4: loads \a rows rows from \a url into a
//! fresh contender shown in a view and prints the resident bytes it added.
int memoryChild(const QString &contender, int rows, const QUrl &url)
{
    auto view = makeView();
    // Warm-up of what does not depend on the rows: a screenful of delegates
    // and their glyphs, rendered from a throwaway model.
    {
        QStandardItemModel warm;
        warm.setItemRoleNames(
            { { Qt::UserRole + 1, "title" }, { Qt::UserRole + 2, "done" }, { Qt::UserRole + 3, "priority" } });
        for (int i = 0; i < 40; ++i) {
            auto *item = new QStandardItem;
            item->setData(recordTitle(i), Qt::UserRole + 1);
            item->setData(false, Qt::UserRole + 2);
            item->setData(i % 5, Qt::UserRole + 3);
            warm.appendRow(item);
        }
        setViewModel(view.get(), &warm);
        waitForFrame(view.get());
        setViewModel(view.get(), nullptr);
        waitForFrame(view.get());
    }
    // Warm-up of what every contender pays once (network stack, delegates).
    std::unique_ptr<OptimistPeer> peer;
    std::unique_ptr<ResetListModel> reset;
    std::unique_ptr<JsonClient> json;
    std::unique_ptr<QRemoteObjectNode> node;
    std::unique_ptr<QAbstractItemModelReplica> replica;
    QCoreApplication::processEvents();
    const qint64 before = residentBytes();
    std::function<bool()> loaded;
    if (contender == u"optimist"_s) {
        peer = std::make_unique<OptimistPeer>();
        peer->create(u"bench-alt-memory"_s);
        setViewModel(view.get(), peer->model.get());
        peer->connectTo(url);
        loaded = [&] { return peer->model->count() == rows; };
    } else if (contender == u"reset"_s) {
        reset = std::make_unique<ResetListModel>();
        setViewModel(view.get(), reset.get());
        json = std::make_unique<JsonClient>();
        json->open(url, u"memory"_s, [&](const QString &list) { resetModelLoad(reset.get(), list); });
        loaded = [&] { return reset->rowCount() == rows; };
    } else if (contender == u"qml"_s) {
        QMetaObject::invokeMethod(view->rootObject(), "useJsModel");
        json = std::make_unique<JsonClient>();
        json->open(url, u"memory"_s, [&](const QString &list) { qmlReload(view.get(), list); });
        loaded = [&] { return json->received > 0; };
    } else {
        node = std::make_unique<QRemoteObjectNode>();
        node->connectToNode(url);
        replica.reset(node->acquireModel(u"items"_s));
        if (!waitUntil([&] { return replica->isInitialized(); }))
            return 2;
        setViewModel(view.get(), replica.get());
        loaded = [&] { return replicaShows(replica.get(), rows); };
    }
    if (!waitUntil(loaded))
        return 2;
    waitForFrame(view.get());
    const qint64 after = residentBytes();
    // What the rows hold once the garbage of loading (JSON text, parsed
    // documents, JS objects) is collected and freed pages go back.
    view->engine()->collectGarbage();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    malloc_trim(0);
    const qint64 trimmed = residentBytes();
    std::printf(
        "resident-delta %lld %lld\n", static_cast<long long>(after - before), static_cast<long long>(trimmed - before));
    return 0;
}

// ------------------------------------------------------------ output

QString formatMs(double ms)
{
    return ms >= 100 ? QString::number(ms, 'f', 0) : QString::number(ms, 'f', ms >= 10 ? 1 : 2);
}

void printMemory(const std::map<int, std::vector<double>> &memory, const std::map<int, double> &jsonBytesPerRow,
    const std::vector<int> &sizes, const char *title)
{
    std::printf("\n### %s\n\n", title);
    std::printf("| rows | JSON/row | Optimist | ×JSON | reset model | ×JSON | QML ListModel | ×JSON | QtRO replica | "
                "×JSON |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    auto printRow = [](const QString &label, double json, const std::vector<double> &perRow) {
        QString line = u"| %1 | %2 "_s.arg(label).arg(json, 0, 'f', 0);
        for (double bytes : perRow) {
            if (bytes < 0)
                line += u"| n/m | "_s;
            else
                line += u"| %1 | %2× "_s.arg(bytes, 0, 'f', 0).arg(bytes / json, 0, 'f', 1);
        }
        std::printf("%s|\n", qPrintable(line));
    };
    std::vector<int> measured;
    for (int size : sizes) {
        if (!memory.count(size))
            continue;
        measured.push_back(size);
        std::vector<double> perRow;
        for (double bytes : memory.at(size))
            perRow.push_back(bytes < 0 ? -1 : bytes / size);
        printRow(QString::number(size), jsonBytesPerRow.at(size), perRow);
    }
    if (measured.size() >= 2) {
        // The slope between the smallest and the largest size: the cost of
        // one more row, without what a load costs once (connection, caches).
        const int lo = measured.front(), hi = measured.back();
        std::vector<double> slope;
        for (int c = 0; c < ContenderCount; ++c) {
            const double a = memory.at(lo)[size_t(c)], b = memory.at(hi)[size_t(c)];
            slope.push_back(a < 0 || b < 0 ? -1 : (b - a) / (hi - lo));
        }
        printRow(u"slope %1→%2"_s.arg(lo).arg(hi), jsonBytesPerRow.at(hi), slope);
    }
}

void printTables(const Results &results, const std::vector<int> &sizes, int repeat)
{
    const char *titles[]
        = { "", "Workload 1 — initial load from the server on loopback until the view's first frame (ms, median)",
              "Workload 2 — a remote change of 1% of the rows until the view's next frame (ms, median)",
              "Workload 3 — a local edit until the view shows it (ms, median)" };
    for (int w = 1; w <= 3; ++w) {
        std::printf("\n### %s\n\n", titles[w]);
        std::printf(
            "| rows | Optimist | reset model | ×Optimist | QML ListModel | ×Optimist | QtRO replica | ×Optimist |\n");
        std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        const auto workload = results.ms.find(w);
        for (int size : sizes) {
            if (workload == results.ms.end() || !workload->second.count(size))
                continue;
            const auto &samples = workload->second.at(size);
            const double base = median(samples[Optimist]);
            QString line = u"| %1 | %2 "_s.arg(size).arg(formatMs(base));
            for (int c = Reset; c < ContenderCount; ++c) {
                const double m = median(samples[size_t(c)]);
                line += u"| %1 | %2× "_s.arg(formatMs(m), QString::number(base > 0 ? m / base : 0, 'f', 1));
            }
            std::printf("%s|\n", qPrintable(line));
        }
    }
    printMemory(results.memory, results.jsonBytesPerRow, sizes,
        "Workload 4 — resident memory per loaded row, as loaded (bytes; ×JSON = against the raw JSON bytes per row)");
    printMemory(results.memoryTrimmed, results.jsonBytesPerRow, sizes,
        "Workload 4b — the same after QML garbage collection and malloc_trim(0): what the rows keep");
    std::printf("\n%d repetition(s) per figure; ratios are contender ÷ Optimist from the same run.\n", repeat);
}

} // namespace

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Optimist against a reset model, a QML ListModel and Qt Remote Objects"_s);
    parser.addHelpOption();
    const QCommandLineOption quickOption(u"quick"_s, u"Tiny sizes, one repetition (smoke test)."_s);
    const QCommandLineOption sizesOption(
        u"sizes"_s, u"Comma-separated row counts."_s, u"list"_s, u"1000,10000,100000"_s);
    const QCommandLineOption repeatOption(u"repeat"_s, u"Repetitions per measurement."_s, u"n"_s, u"5"_s);
    const QCommandLineOption noMemoryOption(u"no-memory"_s, u"Skip workload 4."_s);
    const QCommandLineOption childOption(u"memory-child"_s, u"Internal: workload 4 child."_s, u"contender"_s);
    parser.addOptions({ quickOption, sizesOption, repeatOption, noMemoryOption, childOption });
    parser.process(app);

    if (parser.isSet(childOption)) {
        const QStringList args = parser.positionalArguments();
        if (args.size() != 2)
            return 3;
        return memoryChild(parser.value(childOption), args.at(0).toInt(), QUrl(args.at(1)));
    }

    std::vector<int> sizes;
    int repeat = std::max(1, parser.value(repeatOption).toInt());
    if (parser.isSet(quickOption)) {
        sizes = { 200 };
        repeat = 1;
    } else {
        for (const QString &s : parser.value(sizesOption).split(u','))
            sizes.push_back(std::max(100, s.toInt()));
    }
    Results results;
    for (size_t i = 0; i < sizes.size(); ++i)
        runSize(sizes[i], int(i), repeat, !parser.isSet(noMemoryOption), results);
    printTables(results, sizes, repeat);
    return 0;
}
