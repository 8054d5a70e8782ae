// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// optimist-bench-model: what Optimist::ListModel costs, on a realistic
// todo collection (title, done, priority, updated), against the list model a
// Qt developer writes by hand (ResetListModel: a QList of records swapped in
// with beginResetModel()/endResetModel()).
//
//  (a) local edits: update() until its dataChanged, insert() until its
//      rowsInserted, per edit (median, p99).
//  (b) a server snapshot that differs from the model in 1% of the rows
//      (field changes; then a variant with 0.5% removed + 0.5% inserted),
//      with record revisions (--without-revisions: none), reconciled by
//      applySnapshot() versus converted and reset by the baseline: bare, with a QListView shown, and with a QML
//      ListView shown (timed to the next frame). Same data, interleaved repetitions.
//
// Prints Markdown tables on stdout; progress goes to stderr. See
// docs/benchmarks.md for how to read the figures.

#include "resetlistmodel.h"

#include <optimist/field.h>
#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickView>
#include <QtWidgets/QApplication>
#include <QtWidgets/QListView>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// ------------------------------------------------------------ the server's data

//! The collection as the server holds it, sorted by title, and the snapshots
//! it sends. Titles are "Task <key>" with zero-padded keys, so a new key
//! between two existing ones lands between their rows.
class ServerData {
public:
    struct Record {
        QString id;
        quint64 revision = 0; //!< the server's seq of the record's last write
        qint64 key = 0;
        bool done = false;
        int priority = 0;
        QDateTime updated;
    };

    ServerData(int rows, quint32 seed)
        : m_rng(seed)
    {
        const QDateTime start(QDate(2026, 1, 1), QTime(8, 0), Qt::UTC);
        m_records.reserve(rows);
        for (int i = 0; i < rows; ++i) {
            const qint64 key = qint64(i) * 100;
            m_records.push_back({ newId(), ++m_lastRevision, key, (i % 3) == 0, i % 5, start.addSecs(i * 60) });
            m_keys.insert(key);
        }
    }

    int size() const { return int(m_records.size()); }

    static QString title(qint64 key) { return u"Task %1"_s.arg(key, 12, 10, QChar(u'0')); }

    static QVariantMap toMap(const Record &record)
    {
        return { { u"title"_s, title(record.key) }, { u"done"_s, record.done }, { u"priority"_s, record.priority },
            { u"updated"_s, record.updated } };
    }

    //! Every record; with their revisions unless \a withRevisions is false
    //! (then Optimist compares the fields of every record).
    QList<Optimist::SnapshotRecord> snapshot(bool withRevisions = true) const
    {
        QList<Optimist::SnapshotRecord> list;
        list.reserve(qsizetype(m_records.size()));
        for (const Record &record : m_records)
            list.append({ record.id, withRevisions ? record.revision : 0, toMap(record) });
        return list;
    }

    QString cursor() const { return u"c%1"_s.arg(m_version); }

    //! Changes done, priority and updated of \a count distinct random rows.
    void changeFields(int count)
    {
        for (int i : distinctRows(count)) {
            Record &r = m_records[size_t(i)];
            r.done = !r.done;
            r.priority = (r.priority + 1) % 5;
            r.updated = r.updated.addSecs(3600);
            r.revision = ++m_lastRevision;
        }
        ++m_version;
    }

    //! Removes \a removeCount random rows and inserts \a insertCount new ones
    //! at random places.
    void insertRemove(int removeCount, int insertCount)
    {
        std::vector<int> gone = distinctRows(removeCount);
        std::sort(gone.begin(), gone.end(), std::greater<>());
        for (int i : gone) {
            m_keys.remove(m_records[size_t(i)].key);
            m_records.erase(m_records.begin() + i);
        }
        for (int n = 0; n < insertCount; ++n) {
            const Record record = newRecord();
            const auto at = std::lower_bound(m_records.begin(), m_records.end(), record.key,
                [](const Record &r, qint64 key) { return r.key < key; });
            m_records.insert(at, record);
        }
        ++m_version;
    }

    //! A record with a new id and a title that sorts between existing rows.
    Record newRecord()
    {
        qint64 key;
        do {
            const qint64 base = m_records.empty() ? 0 : m_records[size_t(randomRow())].key;
            key = base + 1 + qint64(m_rng() % 99);
        } while (m_keys.contains(key));
        m_keys.insert(key);
        return { newId(), ++m_lastRevision, key, false, int(m_rng() % 5),
            QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC) };
    }

    int randomRow() { return int(m_rng() % quint32(m_records.size())); }
    std::mt19937 &rng() { return m_rng; }

private:
    QString newId() { return u"r%1"_s.arg(m_nextId++, 8, 10, QChar(u'0')); }

    std::vector<int> distinctRows(int count)
    {
        QSet<int> picked;
        count = std::min(count, size());
        while (picked.size() < count)
            picked.insert(randomRow());
        return { picked.cbegin(), picked.cend() };
    }

    std::vector<Record> m_records;
    QSet<qint64> m_keys;
    std::mt19937 m_rng;
    int m_nextId = 0;
    int m_version = 0;
    quint64 m_lastRevision = 0;
};

Optimist::Fields todoFields()
{
    using Optimist::Field;
    return { Field(u"title"_s, Field::Type::String, QString(), true), Field(u"done"_s, Field::Type::Bool, false),
        Field(u"priority"_s, Field::Type::Int, 0), Field(u"updated"_s, Field::Type::DateTime) };
}

//! A loaded Optimist model, sorted by title like the server's list.
std::unique_ptr<Optimist::ListModel> makeOptimistModel(
    const QList<Optimist::SnapshotRecord> &snapshot, const QString &cursor)
{
    auto model = std::make_unique<Optimist::ListModel>();
    model->setCollection(u"todos"_s);
    model->setFields(todoFields());
    model->setSortField(u"title"_s);
    Optimist::ListModelFeed(model.get()).applySnapshot(snapshot, cursor);
    return model;
}

std::unique_ptr<ResetListModel> makeResetModel(const QList<Optimist::SnapshotRecord> &snapshot)
{
    auto model = std::make_unique<ResetListModel>();
    model->setRecords(snapshot);
    return model;
}

// ------------------------------------------------------------ statistics

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t i = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    return values[i];
}

double median(const std::vector<double> &values)
{
    return percentile(values, 0.5);
}

QString fmt(double value, int decimals = 2)
{
    return QString::number(value, 'f', decimals);
}

void print(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

void progress(const QString &text)
{
    std::fputs((text + u'\n').toUtf8().constData(), stderr);
}

// ------------------------------------------------------------ (a) local edits

struct EditResult {
    std::vector<double> updateUs;
    std::vector<double> insertUs;
};

//! The server confirms the model's pending edits of \a ids: a delta carrying
//! the records as the model shows them, acknowledging \a transactions.
void confirm(Optimist::ListModel *model, const QStringList &ids, const QList<quint64> &transactions, int *version)
{
    QList<Optimist::RecordChange> changes;
    for (const QString &id : ids) {
        QVariantMap fields = model->get(id);
        fields.remove(u"id"_s);
        changes.append(Optimist::RecordChange::upsert(id, fields));
    }
    const QString next = u"e%1"_s.arg(++*version);
    Optimist::ListModelFeed(model).applyDelta(changes, model->cursor(), next, transactions);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

EditResult measureEdits(ServerData &server, int edits, int ackEvery)
{
    auto model = makeOptimistModel(server.snapshot(), server.cursor());
    QElapsedTimer clock;
    clock.start();
    qint64 signalled = 0;
    QObject::connect(
        model.get(), &QAbstractItemModel::dataChanged, model.get(), [&] { signalled = clock.nsecsElapsed(); });
    QObject::connect(
        model.get(), &QAbstractItemModel::rowsInserted, model.get(), [&] { signalled = clock.nsecsElapsed(); });

    EditResult result;
    result.updateUs.reserve(size_t(edits));
    result.insertUs.reserve(size_t(edits));
    int version = 0;
    QStringList ids;
    QList<quint64> transactions;
    const auto settle = [&] {
        confirm(model.get(), ids, transactions, &version);
        ids.clear();
        transactions.clear();
    };

    for (int n = 0; n < edits; ++n) {
        const int row = int(server.rng()() % quint32(model->rowCount()));
        const QModelIndex index = model->index(row);
        const QString id = index.data(Optimist::ListModel::IdRole).toString();
        const int priority = index.data(model->roleForField(u"priority"_s)).toInt();
        const bool done = index.data(model->roleForField(u"done"_s)).toBool();
        const QVariantMap changes { { u"priority"_s, (priority + 1) % 5 }, { u"done"_s, !done } };
        signalled = -1;
        const qint64 start = clock.nsecsElapsed();
        Optimist::Transaction *tx = model->update(id, changes);
        if (signalled < 0)
            qFatal("update() emitted no dataChanged");
        result.updateUs.push_back(double(signalled - start) / 1000.0);
        ids.append(id);
        transactions.append(tx->id());
        if (ids.size() >= ackEvery)
            settle();
    }
    settle();

    for (int n = 0; n < edits; ++n) {
        const ServerData::Record record = server.newRecord(); // a free title; the server does not hold it yet
        const QVariantMap map { { u"title"_s, ServerData::title(record.key) }, { u"done"_s, false },
            { u"priority"_s, record.priority }, { u"updated"_s, record.updated } };
        signalled = -1;
        const qint64 start = clock.nsecsElapsed();
        Optimist::Transaction *tx = model->insert(map); // the model creates the id (a UUID)
        if (signalled < 0)
            qFatal("insert() emitted no rowsInserted");
        result.insertUs.push_back(double(signalled - start) / 1000.0);
        ids.append(tx->mutations().constFirst().id);
        transactions.append(tx->id());
        if (ids.size() >= ackEvery)
            settle();
    }
    settle();
    return result;
}

// ------------------------------------------------------------ (b) snapshots

enum class Host { Bare, Widgets, Quick };
constexpr Host allHosts[] = { Host::Bare, Host::Widgets, Host::Quick };

QString hostName(Host host)
{
    switch (host) {
    case Host::Bare:
        return u"bare model"_s;
    case Host::Widgets:
        return u"QListView shown"_s;
    case Host::Quick:
        return u"QML ListView shown"_s;
    }
    return {};
}

//! One model and what shows it.
class Subject {
public:
    Subject(QAbstractItemModel *model, Host host, const QUrl &qml)
        : m_model(model)
        , m_host(host)
    {
        const int middle = model->rowCount() / 2;
        if (host == Host::Widgets) {
            m_listView = std::make_unique<QListView>();
            // What a developer sets for a long list; it spares the view
            // measuring every row after a reset (kinder to the baseline).
            m_listView->setUniformItemSizes(true);
            m_listView->setModel(model);
            m_listView->resize(400, 600);
            m_listView->show();
            m_listView->setCurrentIndex(model->index(middle, 0));
            m_listView->scrollTo(model->index(middle, 0), QAbstractItemView::PositionAtTop);
            QCoreApplication::processEvents();
            m_listView->viewport()->repaint();
        } else if (host == Host::Quick) {
            m_quickView = std::make_unique<QQuickView>();
            m_quickView->setResizeMode(QQuickView::SizeRootObjectToView);
            m_quickView->setSource(qml);
            if (!m_quickView->rootObject())
                qFatal("cannot load %s", qPrintable(qml.toString()));
            // The roles are known here: the fields were set before any view.
            m_quickView->rootObject()->setProperty("model", QVariant::fromValue<QObject *>(model));
            m_quickView->resize(400, 600);
            m_quickView->show();
            restoreQuickPosition();
            waitForFrame();
        }
    }

    //! Brings the view back to the same place before each measurement
    //! (untimed), so that both models start from the same view state.
    void prepare()
    {
        const int middle = m_model->rowCount() / 2;
        if (m_listView) {
            if (m_listView->currentIndex().row() != middle)
                m_listView->setCurrentIndex(m_model->index(middle, 0));
            QCoreApplication::processEvents();
            m_listView->viewport()->repaint();
        } else if (m_quickView) {
            restoreQuickPosition();
            waitForFrame();
            QCoreApplication::processEvents();
        }
    }

    //! Runs \a change and returns the µs until the model (bare), the
    //! QListView (events processed, viewport repainted) or the QML ListView
    //! (next frame swapped) has taken it in.
    double measure(const std::function<void()> &change)
    {
        QElapsedTimer clock;
        clock.start();
        change();
        if (m_listView) {
            QCoreApplication::processEvents();
            m_listView->viewport()->repaint();
        } else if (m_quickView) {
            waitForFrame();
        }
        return double(clock.nsecsElapsed()) / 1000.0;
    }

private:
    void restoreQuickPosition()
    {
        QQuickItem *list = m_quickView->rootObject();
        const int middle = m_model->rowCount() / 2;
        if (list->property("currentIndex").toInt() != middle)
            list->setProperty("currentIndex", middle);
        QMetaObject::invokeMethod(list, "positionViewAtIndex", Q_ARG(int, middle), Q_ARG(int, 0 /* Beginning */));
    }

    //! Requests a frame and returns when it has been rendered and swapped.
    void waitForFrame()
    {
        QEventLoop loop;
        bool swapped = false;
        const auto connection = QObject::connect(m_quickView.get(), &QQuickWindow::frameSwapped, &loop, [&] {
            swapped = true;
            loop.quit();
        });
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        m_quickView->update();
        if (!swapped)
            loop.exec();
        QObject::disconnect(connection);
        if (!swapped)
            qFatal("the QML view rendered no frame within 10 s");
    }

    QAbstractItemModel *m_model;
    Host m_host;
    std::unique_ptr<QListView> m_listView;
    std::unique_ptr<QQuickView> m_quickView;
};

struct SnapshotTimes {
    std::map<Host, std::vector<double>> optimist;
    std::map<Host, std::vector<double>> reset;
};

//! Reconciles \a repeat server snapshots, each produced by \a step from the
//! last, into an Optimist model and a reset model per host, alternating
//! which of the two goes first.
SnapshotTimes measureSnapshots(ServerData &server, int repeat, bool withRevisions, const QUrl &qml,
    const std::function<void(ServerData &)> &step, const QString &label)
{
    const QList<Optimist::SnapshotRecord> initial = server.snapshot(withRevisions);
    struct Pair {
        std::unique_ptr<Optimist::ListModel> optimist;
        std::unique_ptr<ResetListModel> reset;
        std::unique_ptr<Subject> optimistSubject;
        std::unique_ptr<Subject> resetSubject;
    };
    std::map<Host, Pair> pairs;
    for (Host host : allHosts) {
        Pair &pair = pairs[host];
        pair.optimist = makeOptimistModel(initial, server.cursor());
        pair.reset = makeResetModel(initial);
        pair.optimistSubject = std::make_unique<Subject>(pair.optimist.get(), host, qml);
        pair.resetSubject = std::make_unique<Subject>(pair.reset.get(), host, qml);
    }

    SnapshotTimes times;
    for (int rep = 0; rep < repeat; ++rep) {
        step(server);
        const QList<Optimist::SnapshotRecord> snapshot = server.snapshot(withRevisions);
        const QString cursor = server.cursor();
        for (Host host : allHosts) {
            Pair &pair = pairs[host];
            const auto runOptimist = [&] {
                pair.optimistSubject->prepare();
                times.optimist[host].push_back(pair.optimistSubject->measure(
                    [&] { Optimist::ListModelFeed(pair.optimist.get()).applySnapshot(snapshot, cursor); }));
            };
            const auto runReset = [&] {
                pair.resetSubject->prepare();
                times.reset[host].push_back(pair.resetSubject->measure([&] { pair.reset->setRecords(snapshot); }));
            };
            if (rep % 2) {
                runOptimist();
                runReset();
            } else {
                runReset();
                runOptimist();
            }
            if (pair.optimist->rowCount() != server.size() || pair.reset->rowCount() != server.size())
                qFatal("a model does not hold the snapshot's rows");
        }
        progress(u"  %1: repetition %2/%3"_s.arg(label).arg(rep + 1).arg(repeat));
    }
    return times;
}

QString snapshotTable(const SnapshotTimes &times)
{
    QString out = u"| host | Optimist applySnapshot (ms) | reset model (ms) | reset / Optimist |\n"
                  "|---|---:|---:|---:|\n"_s;
    for (Host host : allHosts) {
        const double optimist = median(times.optimist.at(host)) / 1000.0;
        const double reset = median(times.reset.at(host)) / 1000.0;
        out += u"| %1 | %2 | %3 | %4× |\n"_s.arg(hostName(host), fmt(optimist), fmt(reset), fmt(reset / optimist));
    }
    return out;
}

} // namespace

int main(int argc, char *argv[])
{
    // Headless by default; the QML view renders in software. No idle wait
    // between an update request and the frame (the offscreen platform adds
    // 5 ms otherwise), so a frame is timed by its work alone.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND"))
        qputenv("QT_QUICK_BACKEND", "software");
    if (qEnvironmentVariableIsEmpty("QT_QPA_UPDATE_IDLE_TIME"))
        qputenv("QT_QPA_UPDATE_IDLE_TIME", "0");

    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"optimist-bench-model"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Benchmarks Optimist::ListModel against a reset-and-reload list model."_s);
    parser.addHelpOption();
    const QCommandLineOption rowsOption(u"rows"_s, u"Rows in the collection (default 100000)."_s, u"N"_s);
    const QCommandLineOption repeatOption(u"repeat"_s, u"Snapshot repetitions per case (default 15)."_s, u"N"_s);
    const QCommandLineOption editsOption(u"edits"_s, u"Local updates and inserts measured (default 5000)."_s, u"N"_s);
    const QCommandLineOption ackOption(
        u"ack-every"_s, u"The server confirms local edits after every N of them (default 100)."_s, u"N"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"Random seed (default 1)."_s, u"N"_s);
    const QCommandLineOption quickOption(u"quick"_s, u"A few seconds' smoke run (2000 rows, 3 repetitions)."_s);
    const QCommandLineOption noRevisionsOption(u"without-revisions"_s,
        u"Snapshots carry no record revisions: Optimist compares the fields of every record."_s);
    parser.addOptions({ rowsOption, repeatOption, editsOption, ackOption, seedOption, quickOption, noRevisionsOption });
    parser.process(app);

    const bool quick = parser.isSet(quickOption);
    const auto intOption = [&](const QCommandLineOption &option, int fallback) {
        if (!parser.isSet(option))
            return fallback;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < 1) {
            std::fprintf(stderr, "--%s needs a positive number\n", qPrintable(option.names().constFirst()));
            std::exit(2);
        }
        return value;
    };
    const int rows = intOption(rowsOption, quick ? 2000 : 100000);
    const int repeat = intOption(repeatOption, quick ? 3 : 15);
    const int edits = intOption(editsOption, quick ? 200 : 5000);
    const int ackEvery = intOption(ackOption, 100);
    const auto seed = quint32(intOption(seedOption, 1));
    const int onePercent = std::max(2, rows / 100);
    const bool withRevisions = !parser.isSet(noRevisionsOption);
    const QUrl qml(u"qrc:/bench/qml/BenchList.qml"_s);

    print(u"# optimist-bench-model\n\n"_s);
    print(u"%1 rows; fields title (string, the sort key), done (bool), priority (int), updated (datetime); "
          "%2 snapshot repetitions; %3 local edits, confirmed by the server every %4; snapshots %5.\n\n"_s.arg(rows)
              .arg(repeat)
              .arg(edits)
              .arg(ackEvery)
              .arg(withRevisions ? u"carry record revisions"_s : u"without revisions (fields compared)"_s));

    // (a)
    progress(u"local edits…"_s);
    {
        ServerData server(rows, seed);
        const EditResult edit = measureEdits(server, edits, ackEvery);
        print(u"## Local edits (call → signal), µs per edit\n\n"
              "| edit | median | p99 | max |\n|---|---:|---:|---:|\n"_s);
        print(u"| update() → dataChanged | %1 | %2 | %3 |\n"_s.arg(
            fmt(median(edit.updateUs)), fmt(percentile(edit.updateUs, 0.99)), fmt(percentile(edit.updateUs, 1.0))));
        print(u"| insert() → rowsInserted | %1 | %2 | %3 |\n\n"_s.arg(
            fmt(median(edit.insertUs)), fmt(percentile(edit.insertUs, 0.99)), fmt(percentile(edit.insertUs, 1.0))));
    }

    // (b)
    {
        progress(u"snapshots, 1% of rows changed…"_s);
        ServerData server(rows, seed + 1);
        const SnapshotTimes times = measureSnapshots(
            server, repeat, withRevisions, qml, [&](ServerData &s) { s.changeFields(onePercent); }, u"fields"_s);
        print(u"## Snapshot with %1 rows (1%) changed, median of %2\n\n"_s.arg(onePercent).arg(repeat));
        print(snapshotTable(times) + u'\n');
    }
    {
        progress(u"snapshots, nothing changed…"_s);
        ServerData server(rows, seed + 3);
        const SnapshotTimes times = measureSnapshots(
            server, repeat, withRevisions, qml, [](ServerData &) {}, u"unchanged"_s);
        print(u"## Snapshot identical to the model (the fixed cost of diffing), median of %1\n\n"_s.arg(repeat));
        print(snapshotTable(times) + u'\n');
    }
    {
        progress(u"snapshots, 1% of rows inserted/removed…"_s);
        ServerData server(rows, seed + 2);
        const SnapshotTimes times = measureSnapshots(
            server, repeat, withRevisions, qml, [&](ServerData &s) { s.insertRemove(onePercent / 2, onePercent / 2); },
            u"insert/remove"_s);
        print(u"## Snapshot with %1 rows removed and %1 inserted (1%), median of %2\n\n"_s.arg(onePercent / 2)
                  .arg(repeat));
        print(snapshotTable(times) + u'\n');
    }
    return 0;
}
