// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "rawclient.h"

#include <optimist/server.h>
#include <optimist/serverconfig.h>
#include <optimist/storage.h>

#include <QtCore/QLoggingCategory>
#include <QtCore/QMap>
#include <QtTest/QTest>

#include <memory>
#include <optional>

using namespace Optimist;

// A Storage a user could write: everything in memory, transactions and the
// savepoint as copies of the state. What another process would commit is
// written straight into state.
class MemoryStorage final : public Storage {
public:
    struct Record {
        qint64 revision = 0;
        QByteArray data;
    };
    struct Change {
        qint64 seq = 0;
        int index = 0;
        QString collection;
        QString id;
        QByteArray data;
        //! The record before the change; nullopt as an older version logs it.
        std::optional<QByteArray> before;
    };
    struct State {
        QMap<QString, QMap<QString, Record>> records;
        //! Ordered by (seq, index), whatever order they were written in.
        QList<Change> changes;
        qint64 floor = 0;
        QHash<QString, qint64> lastTx;
        QHash<QString, QString> owners;
        QHash<QString, qint64> settled;
        QMap<std::pair<QString, qint64>, std::pair<QString, QString>> rejections;

        void append(const Change &change)
        {
            const auto before = [](const Change &a, const Change &b) {
                return std::pair(a.seq, a.index) < std::pair(b.seq, b.index);
            };
            changes.insert(std::upper_bound(changes.begin(), changes.end(), change, before), change);
        }
    };

    class Stream final : public RecordStream {
    public:
        bool read(int count, const RecordRow &row, bool *atEnd) override
        {
            for (; count > 0 && next != records.cend(); --count, ++next)
                row(next.key(), next->revision, next->data);
            *atEnd = next == records.cend();
            return true;
        }
        QString errorString() const override { return {}; }

        QMap<QString, Record> records;
        QMap<QString, Record>::const_iterator next;
    };

    //! What another process commits: a record written as of \a seq and its
    //! change, outside this server's transactions; \a before as logged
    //! (nullopt: as by a version without before-images).
    void commitElsewhere(
        qint64 seq, const QString &id, const QJsonObject &fields, const std::optional<QByteArray> &before = {})
    {
        const QByteArray data = QJsonDocument(fields).toJson(QJsonDocument::Compact);
        state.records[u"todos"_s].insert(id, { seq, data });
        state.append({ seq, 0, u"todos"_s, id, data, before });
    }

    bool open() override
    {
        m_open = true;
        m_lastSeq = state.floor;
        m_heads.clear();
        for (const Change &change : std::as_const(state.changes)) {
            m_lastSeq = std::max(m_lastSeq, change.seq);
            m_heads[change.collection] = std::max(m_heads.value(change.collection), change.seq);
        }
        return true;
    }
    void close() override
    {
        rollback();
        m_open = false;
    }
    bool isOpen() const override { return m_open; }
    QString errorString() const override { return {}; }

    QString serverId() const override { return u"memory-1"_s; }
    qint64 logFloor() const override { return state.floor; }
    qint64 lastSeq() const override { return m_lastSeq; }
    QHash<QString, qint64> loggedHeads() const override { return m_heads; }

    bool begin() override
    {
        m_beforeBegin = state;
        return true;
    }
    bool commit() override
    {
        m_beforeBegin.reset();
        return true;
    }
    void rollback() override
    {
        if (m_beforeBegin)
            state = *std::exchange(m_beforeBegin, std::nullopt);
    }
    bool savepoint() override
    {
        m_beforeSavepoint = state;
        return true;
    }
    bool releaseSavepoint() override
    {
        m_beforeSavepoint.reset();
        return true;
    }
    void rollbackToSavepoint() override { state = *m_beforeSavepoint; }

    Lookup readRecord(const QString &collection, const QString &id, QByteArray *data) override
    {
        const auto records = state.records.value(collection);
        if (!records.contains(id))
            return Lookup::Missing;
        *data = records.value(id).data;
        return Lookup::Found;
    }
    bool writeRecord(const QString &collection, const QString &id, const QByteArray &data, qint64 revision) override
    {
        state.records[collection].insert(id, { revision, data });
        return true;
    }
    bool removeRecord(const QString &collection, const QString &id) override
    {
        state.records[collection].remove(id);
        return true;
    }
    std::unique_ptr<RecordStream> openRecordStream(const QString &collection) override
    {
        auto stream = std::make_unique<Stream>();
        stream->records = state.records.value(collection);
        stream->next = stream->records.cbegin();
        return stream;
    }

    bool appendChange(qint64 seq, int index, const QString &collection, const QString &id, const QByteArray &data,
        const QByteArray &before) override
    {
        state.append({ seq, index, collection, id, data, before });
        return true;
    }
    bool forEachChange(const QString &collection, qint64 after, qint64 upTo, const ChangeRow &row) override
    {
        for (const Change &change : std::as_const(state.changes)) {
            if (change.collection == collection && change.seq > after && change.seq <= upTo)
                row(change.seq, change.id, change.data, change.before);
        }
        return true;
    }
    bool trimLog(qint64 floor) override
    {
        state.changes.removeIf([floor](const Change &change) { return change.seq <= floor; });
        state.floor = floor;
        return true;
    }

    Claim claimClient(const QString &clientId, const QString &owner) override
    {
        if (!state.owners.contains(clientId))
            state.owners.insert(clientId, owner);
        return state.owners.value(clientId) == owner ? Claim::Granted : Claim::Taken;
    }
    bool lastTx(const QString &clientId, qint64 *tx) override
    {
        *tx = state.lastTx.value(clientId);
        return true;
    }
    bool setLastTx(const QString &clientId, qint64 tx) override
    {
        state.lastTx.insert(clientId, tx);
        return true;
    }
    bool addRejection(const QString &clientId, qint64 tx, const QString &code, const QString &message) override
    {
        state.rejections.insert({ clientId, tx }, { code, message });
        return true;
    }
    Lookup findRejection(const QString &clientId, qint64 tx, QString *code, QString *message) override
    {
        const auto it = state.rejections.constFind({ clientId, tx });
        if (it == state.rejections.cend())
            return Lookup::Missing;
        std::tie(*code, *message) = it.value();
        return Lookup::Found;
    }
    bool trimRejections(const QString &clientId, qint64 upToTx) override
    {
        state.rejections.removeIf(
            [&](const auto &it) { return it.key().first == clientId && it.key().second <= upToTx; });
        qint64 &floor = state.settled[clientId];
        floor = std::max(floor, upToTx);
        return true;
    }
    bool settledTx(const QString &clientId, qint64 *tx) override
    {
        *tx = state.settled.value(clientId);
        return true;
    }

    State state;

private:
    std::optional<State> m_beforeBegin;
    std::optional<State> m_beforeSavepoint;
    bool m_open = false;
    qint64 m_lastSeq = 0;
    QHash<QString, qint64> m_heads;
};

class tst_Storage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLoggingCategory::setFilterRules(u"optimist.server.info=false"_s); }
    void init();
    void cleanup();

    void shouldServeAClientFromAGivenStorage();
    void shouldDeliverChangesCommittedElsewhereInSeqOrder();
    void shouldSendASnapshotWhenTheLogWasTrimmedElsewhere();
    void shouldFilterChangesCommittedElsewhere();

private:
    std::unique_ptr<RawClient> connectClient(const QString &clientId);

    std::unique_ptr<MemoryStorage> m_storage;
    std::unique_ptr<Server> m_server;
};

void tst_Storage::init()
{
    m_storage = std::make_unique<MemoryStorage>();
    m_server = std::make_unique<Server>();
    ServerConfig config;
    config.addCollection(u"todos"_s, { Field(u"title"_s, Field::Type::String), Field(u"done"_s, Field::Type::Bool) });
    m_server->setConfig(config);
    // No database path: the given storage is all the server needs.
    m_server->setStorage(m_storage.get());
}

void tst_Storage::cleanup()
{
    m_server.reset();
    m_storage.reset();
}

std::unique_ptr<RawClient> tst_Storage::connectClient(const QString &clientId)
{
    auto client = std::make_unique<RawClient>();
    if (!client->open(m_server->url()) || client->hello(clientId).value(u"type"_s) != u"welcome"_s)
        return {};
    return client;
}

static QJsonObject todoFields(const QString &title, bool done = false)
{
    return { { u"title"_s, title }, { u"done"_s, done } };
}

void tst_Storage::shouldServeAClientFromAGivenStorage()
{
    // Given a storage that already holds a record written as of seq 3
    m_storage->commitElsewhere(3, u"old"_s, todoFields(u"from before"_s));
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    QVERIFY(m_storage->isOpen());

    // When a client connects, subscribes and pushes
    RawClient client;
    QVERIFY(client.open(m_server->url()));
    const QJsonObject welcome = client.hello(u"client-a"_s);
    QCOMPARE(welcome.value(u"serverId"_s).toString(), u"memory-1"_s);
    QString cursor;
    const QJsonArray records = client.snapshot(u"todos"_s, &cursor);
    QCOMPARE(cursor, u"3"_s);
    QCOMPARE(records.size(), 1);
    QCOMPARE(records.at(0).toObject().value(u"id"_s).toString(), u"old"_s);
    QCOMPARE(records.at(0).toObject().value(u"rev"_s).toInteger(), 3);
    client.push(1, { insertTodo(u"new"_s, u"pushed"_s) });
    const QJsonObject delta = client.take();
    QCOMPARE(delta.value(u"prevCursor"_s).toString(), u"3"_s);
    QCOMPARE(delta.value(u"cursor"_s).toString(), u"4"_s);
    QCOMPARE(client.take().value(u"type"_s).toString(), u"ack"_s);

    // Then the storage holds what the server wrote, and is closed with it
    QCOMPARE(m_storage->state.records.value(u"todos"_s).value(u"new"_s).revision, 4);
    QCOMPARE(m_storage->state.lastTx.value(u"client-a"_s), 1);
    QCOMPARE(m_storage->state.changes.size(), 2);
    m_server->close();
    QVERIFY(!m_storage->isOpen());
}

static QJsonObject upsert(const QString &id, qint64 rev, const QJsonObject &fields)
{
    return { { u"op"_s, u"upsert"_s }, { u"id"_s, id }, { u"rev"_s, rev }, { u"fields"_s, fields } };
}

static bool isDelta(const QJsonObject &message, const QString &prevCursor, const QString &cursor)
{
    return message.value(u"type"_s) == u"delta"_s && message.value(u"prevCursor"_s) == prevCursor
        && message.value(u"cursor"_s) == cursor;
}

void tst_Storage::shouldDeliverChangesCommittedElsewhereInSeqOrder()
{
    // Given a subscriber at cursor 1, which this server wrote
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    auto pusher = connectClient(u"pusher"_s);
    auto watcher = connectClient(u"watcher"_s);
    QVERIFY(pusher && watcher);
    QCOMPARE(watcher->snapshot(u"todos"_s), QJsonArray());
    pusher->push(1, { insertTodo(u"mine"_s, u"mine"_s) });
    QCOMPARE(pusher->take().value(u"type"_s).toString(), u"ack"_s);
    QVERIFY(isDelta(watcher->take(), u"0"_s, u"1"_s));

    // When another process commits seq 3 while its seq 2 is still in flight,
    // the watermark stays at 1: nothing is announced and nothing is sent
    m_storage->commitElsewhere(3, u"high"_s, todoFields(u"high"_s));
    QVERIFY(watcher->sync().isEmpty());

    // When seq 2 commits (an update of the record this server wrote)
    m_storage->commitElsewhere(2, u"mine"_s, todoFields(u"theirs"_s));
    Q_EMIT m_storage->changesCommitted(1, 3);

    // Then the subscriber gets both, in seq order, each from the cursor before
    const QJsonObject first = watcher->take();
    QVERIFY(isDelta(first, u"1"_s, u"2"_s));
    QCOMPARE(first.value(u"changes"_s).toArray(), QJsonArray { upsert(u"mine"_s, 2, todoFields(u"theirs"_s)) });
    const QJsonObject second = watcher->take();
    QVERIFY(isDelta(second, u"2"_s, u"3"_s));
    QCOMPARE(second.value(u"changes"_s).toArray(), QJsonArray { upsert(u"high"_s, 3, todoFields(u"high"_s)) });
    QVERIFY(watcher->sync().isEmpty());

    // And this server's next write takes the next seq and builds on the
    // other process's record, not on the one it had cached
    pusher->push(2, { updateTodo(u"mine"_s, { { u"done"_s, true } }) });
    const QJsonObject ack = pusher->take();
    QCOMPARE(ack.value(u"cursors"_s).toObject(), QJsonObject({ { u"todos"_s, u"4"_s } }));
    const QJsonObject third = watcher->take();
    QVERIFY(isDelta(third, u"3"_s, u"4"_s));
    QCOMPARE(third.value(u"changes"_s).toArray(), QJsonArray { upsert(u"mine"_s, 4, todoFields(u"theirs"_s, true)) });

    // An announcement of what the server already has sends nothing
    Q_EMIT m_storage->changesCommitted(1, 3);
    Q_EMIT m_storage->changesCommitted(3, 4);
    QVERIFY(watcher->sync().isEmpty());
}

void tst_Storage::shouldSendASnapshotWhenTheLogWasTrimmedElsewhere()
{
    // Given a subscriber at cursor 0
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    auto watcher = connectClient(u"watcher"_s);
    QVERIFY(watcher);
    QCOMPARE(watcher->snapshot(u"todos"_s), QJsonArray());

    // When another process writes seqs 1 and 2 and trims its log up to 2
    m_storage->commitElsewhere(1, u"a"_s, todoFields(u"a"_s));
    m_storage->commitElsewhere(2, u"b"_s, todoFields(u"b"_s));
    QVERIFY(m_storage->trimLog(2));
    Q_EMIT m_storage->changesCommitted(0, 2);

    // Then the subscriber starts again from a snapshot at cursor 2
    const QJsonObject snapshot = watcher->take();
    QCOMPARE(snapshot.value(u"type"_s).toString(), u"snapshot"_s);
    QCOMPARE(snapshot.value(u"cursor"_s).toString(), u"2"_s);
    QCOMPARE(snapshot.value(u"last"_s).toBool(), true);
    QCOMPARE(snapshot.value(u"records"_s).toArray().size(), 2);
    QVERIFY(watcher->sync().isEmpty());
}

void tst_Storage::shouldFilterChangesCommittedElsewhere()
{
    // Given a protocol 2 subscriber of the open todos only
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    RawClient watcher;
    QVERIFY(watcher.open(m_server->url()));
    QCOMPARE(watcher.hello(u"watcher"_s, {}, 2).value(u"type"_s).toString(), u"welcome"_s);
    watcher.send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s }, { u"subscription"_s, u"open"_s },
        { u"filter"_s, u"record.done == false"_s } });
    QCOMPARE(watcher.take().value(u"records"_s).toArray(), QJsonArray());

    // When another process inserts, closes and reopens todos
    const auto json = [](const QJsonObject &fields) { return QJsonDocument(fields).toJson(QJsonDocument::Compact); };
    m_storage->commitElsewhere(1, u"a"_s, todoFields(u"a"_s), QByteArray());
    m_storage->commitElsewhere(2, u"b"_s, todoFields(u"b"_s, true), QByteArray());
    m_storage->commitElsewhere(3, u"a"_s, todoFields(u"a"_s, true), json(todoFields(u"a"_s)));
    m_storage->commitElsewhere(4, u"b"_s, todoFields(u"b"_s), json(todoFields(u"b"_s, true)));
    Q_EMIT m_storage->changesCommitted(0, 4);

    // Then it gets the moves in and out, sparse, and nothing of b's closed seq
    const QJsonObject in = watcher.take();
    QVERIFY(isDelta(in, u"0"_s, u"1"_s));
    QCOMPARE(in.value(u"subscription"_s).toString(), u"open"_s);
    QCOMPARE(in.value(u"changes"_s).toArray(), QJsonArray { upsert(u"a"_s, 1, todoFields(u"a"_s)) });
    const QJsonObject out = watcher.take();
    QVERIFY(isDelta(out, u"1"_s, u"3"_s));
    QCOMPARE(out.value(u"changes"_s).toArray(),
        QJsonArray({ QJsonObject { { u"op"_s, u"remove"_s }, { u"id"_s, u"a"_s } } }));
    QVERIFY(isDelta(watcher.take(), u"3"_s, u"4"_s));
    QVERIFY(watcher.sync().isEmpty());

    // When an older version logs a change without its before-image that
    // hides a record, only a snapshot is right
    m_storage->commitElsewhere(5, u"b"_s, todoFields(u"b"_s, true));
    Q_EMIT m_storage->changesCommitted(4, 5);
    const QJsonObject snapshot = watcher.take();
    QCOMPARE(snapshot.value(u"type"_s).toString(), u"snapshot"_s);
    QCOMPARE(snapshot.value(u"cursor"_s).toString(), u"5"_s);
    QCOMPARE(snapshot.value(u"records"_s).toArray(), QJsonArray());
    QVERIFY(watcher.sync().isEmpty());
}

QTEST_GUILESS_MAIN(tst_Storage)
#include "tst_storage.moc"
