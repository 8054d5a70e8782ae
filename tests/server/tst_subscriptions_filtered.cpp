// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Protocol 2's subscriptions against a real server on 127.0.0.1 with a real
// SQLite file, asserting on the raw frames: keyed subscriptions, filters in
// snapshots, live and across a resume (moves in and out), sparse deltas,
// acks of writes a pusher cannot see, protocol 1's dense deltas, refusals.

#include "rawclient.h"

#include <optimist/authorizer.h>
#include <optimist/developmenttokens.h>
#include <optimist/server.h>
#include <optimist/serverconfig.h>

#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QtTest>

#include <memory>

using namespace Optimist;

namespace {

//! Hides every record titled "hidden" from everyone but its owner.
class HidingAuthorizer : public TokenAuthorizer {
public:
    using TokenAuthorizer::TokenAuthorizer;
    bool canReadRecord(const Identity &identity, const QString &, const QJsonObject &record) override
    {
        ++calls;
        return record.value(u"title"_s) != u"hidden"_s || record.value(u"owner"_s) == identity.userId;
    }
    int calls = 0;
};

QJsonObject todo(const QString &id, const QString &owner, const QString &list, const QString &op = u"insert"_s)
{
    return { { u"op"_s, op }, { u"collection"_s, u"todos"_s }, { u"id"_s, id },
        { u"fields"_s, QJsonObject { { u"title"_s, id }, { u"owner"_s, owner }, { u"list"_s, list } } } };
}

QJsonObject moveTo(const QString &id, const QString &list)
{
    return updateTodo(id, { { u"list"_s, list } });
}

QJsonObject subscribe(
    const QString &key, const QString &filter = {}, const QJsonObject &params = {}, const QString &cursor = {})
{
    QJsonObject message { { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s } };
    if (!key.isEmpty())
        message.insert(u"subscription"_s, key);
    if (!filter.isEmpty())
        message.insert(u"filter"_s, filter);
    if (!params.isEmpty())
        message.insert(u"params"_s, params);
    if (!cursor.isEmpty())
        message.insert(u"cursor"_s, cursor);
    return message;
}

//! What a delta says, compactly: "+id" for an upsert, "-id" for a remove.
QStringList changesOf(const QJsonObject &delta)
{
    QStringList changes;
    for (const QJsonValue &change : delta.value(u"changes"_s).toArray()) {
        const QJsonObject c = change.toObject();
        changes.append((c.value(u"op"_s) == u"upsert"_s ? u"+"_s : u"-"_s) + c.value(u"id"_s).toString());
    }
    return changes;
}

} // namespace

class tst_SubscriptionsFiltered : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void shouldWelcomeEitherVersionWithTheUserId();
    void shouldSendOnlyMatchingRecordsInASnapshot();
    void shouldMoveRecordsInAndOutLive();
    void shouldReplayMovesInAndOutAfterAResume();
    void shouldServeTwoFiltersOnOneConnection();
    void shouldAckAPusherWhoseWriteItsFilterHides();
    void shouldAckAResentTransactionOnADeltaAtItsCursor();
    void shouldNotSendAStateThatExistedOnlyInsideATransaction_data();
    void shouldNotSendAStateThatExistedOnlyInsideATransaction();
    void shouldSendProtocolOneDenseDeltasOfVisibleRecordsOnly();
    void shouldRefuseAnInvalidFilter_data();
    void shouldRefuseAnInvalidFilter();
    void shouldLimitSubscriptionsPerConnection();
    void shouldUnsubscribeByKey();
    void shouldLimitTheSubscriptionKey_data();
    void shouldLimitTheSubscriptionKey();
    void shouldNameTheKeyOfAMalformedSubscribe_data();
    void shouldNameTheKeyOfAMalformedSubscribe();
    void shouldRefuseToUnsubscribeAnotherCollectionsKey();
    void shouldTakeSubscriptionLimitsFromTheConfig();
    void shouldSnapshotWhenALoggedChangeHasNoBeforeImage();
    void shouldNeverSendAnotherUsersPrivateRecord();
    void shouldAskTheAuthorizerForEachRecord();
    void shouldOpenAChangeLogFromBeforeBeforeImages();

private:
    //! With \a readRule as the read rule of todos (none when empty).
    bool startServer(const QString &readRule = {}, const ServerConfig::Limits &limits = {});
    //! A welcomed client of \a user (protocol \a protocol).
    std::unique_ptr<RawClient> connect(const QString &clientId, const QString &user, int protocol = 2);
    //! Pushes \a mutations as \a writer's next transaction and waits for its ack.
    QJsonObject write(RawClient &writer, const QJsonArray &mutations);
    //! Collects one subscription's whole snapshot: record ids and the cursor.
    QStringList snapshot(RawClient &client, const QString &key, QString *cursor);

    QString dbPath() const { return m_dir->filePath(u"server.sqlite"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Server> m_server;
    DevelopmentTokens m_tokens;
    QHash<RawClient *, qint64> m_tx;
};

void tst_SubscriptionsFiltered::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(startServer());
}

void tst_SubscriptionsFiltered::cleanup()
{
    m_server.reset();
    m_dir.reset();
    m_tx.clear();
}

bool tst_SubscriptionsFiltered::startServer(const QString &readRule, const ServerConfig::Limits &limits)
{
    ServerConfig config;
    config.addCollection(u"todos"_s,
        { Field(u"title"_s, Field::Type::String), Field(u"owner"_s, Field::Type::String),
            Field(u"list"_s, Field::Type::String), Field(u"shared"_s, Field::Type::Bool, false) });
    config.addCollection(u"notes"_s, { Field(u"text"_s, Field::Type::String) });
    config.setLimits(limits);
    config.setJwt(m_tokens.jwt());
    if (!readRule.isEmpty())
        config.setCollectionRules(u"todos"_s, { readRule, {} });
    m_server = std::make_unique<Server>();
    m_server->setConfig(config);
    m_server->setDatabasePath(dbPath());
    return m_server->listen(QHostAddress::LocalHost, 0);
}

std::unique_ptr<RawClient> tst_SubscriptionsFiltered::connect(
    const QString &clientId, const QString &user, int protocol)
{
    auto client = std::make_unique<RawClient>();
    if (!client->open(m_server->url()))
        return {};
    const QJsonObject welcome = client->hello(clientId, m_tokens.mint(user), protocol);
    if (welcome.value(u"type"_s) != u"welcome"_s) {
        qWarning() << welcome;
        return {};
    }
    return client;
}

QJsonObject tst_SubscriptionsFiltered::write(RawClient &writer, const QJsonArray &mutations)
{
    writer.push(++m_tx[&writer], mutations);
    for (QJsonObject message = writer.take(); !message.isEmpty(); message = writer.take()) {
        if (message.value(u"type"_s) == u"ack"_s || message.value(u"type"_s) == u"reject"_s)
            return message;
    }
    return {};
}

QStringList tst_SubscriptionsFiltered::snapshot(RawClient &client, const QString &key, QString *cursor)
{
    QStringList ids;
    for (int chunk = 0;; ++chunk) {
        const QJsonObject message = client.take();
        if (message.value(u"type"_s) != u"snapshot"_s || message.value(u"chunk"_s).toInt(-1) != chunk
            || message.value(u"subscription"_s).toString() != key) {
            return { u"unexpected: "_s + QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)) };
        }
        for (const QJsonValue &record : message.value(u"records"_s).toArray())
            ids.append(record.toObject().value(u"id"_s).toString());
        *cursor = message.value(u"cursor"_s).toString();
        if (message.value(u"last"_s).toBool())
            return ids;
    }
}

void tst_SubscriptionsFiltered::shouldWelcomeEitherVersionWithTheUserId()
{
    for (int protocol : { 1, 2 }) {
        RawClient client;
        QVERIFY(client.open(m_server->url()));
        const QJsonObject welcome = client.hello(u"c%1"_s.arg(protocol), m_tokens.mint(u"alice"_s), protocol);
        QCOMPARE(welcome.value(u"type"_s).toString(), u"welcome"_s);
        QCOMPARE(welcome.value(u"protocol"_s).toInt(), protocol);
        QCOMPARE(welcome.value(u"userId"_s).toString(), u"alice"_s);
    }
}

void tst_SubscriptionsFiltered::shouldSendOnlyMatchingRecordsInASnapshot()
{
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    QCOMPARE(write(*writer, { todo(u"a1"_s, u"alice"_s, u"L1"_s), todo(u"b1"_s, u"bob"_s, u"L1"_s) }).value(u"type"_s),
        u"ack"_s);
    QCOMPARE(write(*writer, { todo(u"a2"_s, u"alice"_s, u"L2"_s) }).value(u"type"_s), u"ack"_s);

    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);
    reader->send(subscribe(u"mine"_s, u"record.owner == $owner"_s, { { u"owner"_s, u"alice"_s } }));
    QString cursor;
    QCOMPARE(snapshot(*reader, u"mine"_s, &cursor), (QStringList { u"a1"_s, u"a2"_s }));
    QVERIFY(!cursor.isEmpty());
    // record.id and auth work as well; an unnamed subscription has no key on the wire.
    reader->send(subscribe({}, u"record.id == \"b1\" || record.owner == auth.sub"_s));
    const QJsonObject first = reader->take();
    QCOMPARE(first.value(u"type"_s).toString(), u"snapshot"_s);
    QVERIFY(!first.contains(u"subscription"_s));
    QCOMPARE(first.value(u"records"_s).toArray().size(), 3);
    QVERIFY(reader->sync().isEmpty());
}

void tst_SubscriptionsFiltered::shouldMoveRecordsInAndOutLive()
{
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    write(*writer, { todo(u"a1"_s, u"alice"_s, u"L1"_s), todo(u"a2"_s, u"alice"_s, u"L2"_s) });
    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);
    reader->send(subscribe(u"l1"_s, u"record.list == $list"_s, { { u"list"_s, u"L1"_s } }));
    QString cursor;
    QCOMPARE(snapshot(*reader, u"l1"_s, &cursor), QStringList { u"a1"_s });

    // In, out, unseen: an upsert, a remove, and no frame at all (sparse).
    const QList<std::pair<QJsonObject, QStringList>> steps {
        { moveTo(u"a2"_s, u"L1"_s), { u"+a2"_s } },
        { moveTo(u"a1"_s, u"L2"_s), { u"-a1"_s } },
        { updateTodo(u"a1"_s, { { u"title"_s, u"elsewhere"_s } }), {} },
        { todo(u"n1"_s, u"bob"_s, u"L2"_s), {} },
        { removeTodo(u"n1"_s), {} },
        { removeTodo(u"a2"_s), { u"-a2"_s } },
    };
    for (const auto &[mutation, expected] : steps) {
        const QJsonObject ack = write(*writer, { mutation });
        QCOMPARE(ack.value(u"type"_s).toString(), u"ack"_s);
        const QList<QJsonObject> frames = reader->sync();
        if (expected.isEmpty()) {
            QCOMPARE(frames.size(), 0);
            continue;
        }
        QCOMPARE(frames.size(), 1);
        const QJsonObject delta = frames.first();
        QCOMPARE(delta.value(u"subscription"_s).toString(), u"l1"_s);
        QCOMPARE(changesOf(delta), expected);
        // Sparse: each delta follows the last frame this subscription got.
        QCOMPARE(delta.value(u"prevCursor"_s).toString(), cursor);
        QCOMPARE(delta.value(u"cursor"_s), ack.value(u"cursors"_s).toObject().value(u"todos"_s));
        cursor = delta.value(u"cursor"_s).toString();
    }
}

void tst_SubscriptionsFiltered::shouldReplayMovesInAndOutAfterAResume()
{
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    write(*writer,
        { todo(u"a1"_s, u"alice"_s, u"L1"_s), todo(u"a2"_s, u"alice"_s, u"L2"_s), todo(u"b1"_s, u"bob"_s, u"L2"_s) });
    QString cursor;
    {
        auto reader = connect(u"reader"_s, u"alice"_s);
        QVERIFY(reader);
        reader->send(subscribe(u"l1"_s, u"record.list == $list"_s, { { u"list"_s, u"L1"_s } }));
        QCOMPARE(snapshot(*reader, u"l1"_s, &cursor), QStringList { u"a1"_s });
    }
    // While it is away: out, in, unseen, new in, new unseen, in and out again
    // within one transaction.
    write(*writer, { moveTo(u"a1"_s, u"L2"_s) });
    write(*writer, { moveTo(u"a2"_s, u"L1"_s) });
    write(*writer, { updateTodo(u"b1"_s, { { u"title"_s, u"b"_s } }) });
    write(*writer, { todo(u"n1"_s, u"alice"_s, u"L1"_s), todo(u"n2"_s, u"bob"_s, u"L3"_s) });
    write(*writer, { moveTo(u"b1"_s, u"L1"_s), moveTo(u"b1"_s, u"L3"_s) });

    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);
    reader->send(subscribe(u"l1"_s, u"record.list == $list"_s, { { u"list"_s, u"L1"_s } }, cursor));
    const QList<QJsonObject> frames = reader->sync();
    QStringList seen;
    for (const QJsonObject &delta : frames) {
        QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
        QCOMPARE(delta.value(u"subscription"_s).toString(), u"l1"_s);
        QCOMPARE(delta.value(u"prevCursor"_s).toString(), cursor);
        cursor = delta.value(u"cursor"_s).toString();
        seen += changesOf(delta);
    }
    // b1, in and out again within one transaction, was never visible in a
    // state that was committed: nothing of it.
    QCOMPARE(seen, (QStringList { u"-a1"_s, u"+a2"_s, u"+n1"_s }));
    QCOMPARE(frames.size(), 3);
    // Nothing of what it never saw: b1's first update, n2.
    for (const QString &frame : std::as_const(reader->frames))
        QVERIFY2(!frame.contains(u"n2"_s), qPrintable(frame));
}

void tst_SubscriptionsFiltered::shouldServeTwoFiltersOnOneConnection()
{
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    write(*writer, { todo(u"a1"_s, u"alice"_s, u"L1"_s), todo(u"a2"_s, u"alice"_s, u"L2"_s) });
    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);
    const QString filter = u"record.list == $list"_s;
    QString one;
    QString two;
    reader->send(subscribe(u"one"_s, filter, { { u"list"_s, u"L1"_s } }));
    QCOMPARE(snapshot(*reader, u"one"_s, &one), QStringList { u"a1"_s });
    reader->send(subscribe(u"two"_s, filter, { { u"list"_s, u"L2"_s } }));
    QCOMPARE(snapshot(*reader, u"two"_s, &two), QStringList { u"a2"_s });

    const QJsonObject ack = write(*writer, { moveTo(u"a1"_s, u"L2"_s) });
    QHash<QString, QStringList> byKey;
    for (const QJsonObject &delta : reader->sync()) {
        const QString key = delta.value(u"subscription"_s).toString();
        QCOMPARE(delta.value(u"prevCursor"_s).toString(), key == u"one"_s ? one : two);
        byKey[key] += changesOf(delta);
    }
    QCOMPARE(byKey.value(u"one"_s), QStringList { u"-a1"_s });
    QCOMPARE(byKey.value(u"two"_s), QStringList { u"+a1"_s });
    two = ack.value(u"cursors"_s).toObject().value(u"todos"_s).toString();

    // Only "two" hears of a change in L2; "one" keeps its own chain.
    write(*writer, { updateTodo(u"a2"_s, { { u"title"_s, u"x"_s } }) });
    const QList<QJsonObject> frames = reader->sync();
    QCOMPARE(frames.size(), 1);
    QCOMPARE(frames.first().value(u"subscription"_s).toString(), u"two"_s);
    QCOMPARE(frames.first().value(u"prevCursor"_s).toString(), two);
    const QJsonObject last = write(*writer, { moveTo(u"a2"_s, u"L1"_s) });
    for (const QJsonObject &delta : reader->sync()) {
        if (delta.value(u"subscription"_s) == u"one"_s)
            QCOMPARE(delta.value(u"prevCursor"_s).toString(), ack.value(u"cursors"_s).toObject().value(u"todos"_s));
        QCOMPARE(delta.value(u"cursor"_s), last.value(u"cursors"_s).toObject().value(u"todos"_s));
    }
}

void tst_SubscriptionsFiltered::shouldAckAPusherWhoseWriteItsFilterHides()
{
    auto pusher = connect(u"pusher"_s, u"alice"_s);
    QVERIFY(pusher);
    pusher->send(subscribe(u"l1"_s, u"record.list == \"L1\""_s));
    QString cursor;
    QCOMPARE(snapshot(*pusher, u"l1"_s, &cursor), QStringList());
    pusher->push(1, { todo(u"x"_s, u"alice"_s, u"L2"_s) });
    QList<QJsonObject> frames;
    while (frames.isEmpty() || frames.constLast().value(u"type"_s) != u"ack"_s) {
        frames.append(pusher->take());
        QVERIFY(!frames.constLast().isEmpty());
    }
    QVERIFY(pusher->sync().isEmpty());
    QCOMPARE(frames.size(), 2);
    const QJsonObject delta = frames.at(0);
    QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(delta.value(u"subscription"_s).toString(), u"l1"_s);
    QCOMPARE(delta.value(u"changes"_s).toArray(), QJsonArray());
    QCOMPARE(delta.value(u"acks"_s).toArray(), QJsonArray { 1 });
    QCOMPARE(delta.value(u"prevCursor"_s).toString(), cursor);
    const QJsonObject ack = frames.at(1);
    QCOMPARE(ack.value(u"type"_s).toString(), u"ack"_s);
    QCOMPARE(ack.value(u"cursors"_s).toObject().value(u"todos"_s), delta.value(u"cursor"_s));
    // The write itself never reached it.
    QVERIFY(!pusher->frames.join(u'\n').contains(u"\"L2\""_s));
}

// A transaction resent after a reconnect is acked with the collection's
// head; a sparse subscription sent nothing since must still reach that
// cursor, or the client waits for it forever (found by tst_multiuser).
void tst_SubscriptionsFiltered::shouldAckAResentTransactionOnADeltaAtItsCursor()
{
    QString cursor;
    {
        auto pusher = connect(u"pusher"_s, u"alice"_s);
        QVERIFY(pusher);
        pusher->send(subscribe(u"l1"_s, u"record.list == \"L1\""_s));
        QCOMPARE(snapshot(*pusher, u"l1"_s, &cursor), QStringList());
        const QJsonObject ack = write(*pusher, { todo(u"x"_s, u"alice"_s, u"L2"_s) });
        cursor = ack.value(u"cursors"_s).toObject().value(u"todos"_s).toString();
        QVERIFY(!cursor.isEmpty());
    }
    // While it is away, changes it does not see move the head on.
    auto writer = connect(u"writer"_s, u"bob"_s);
    QVERIFY(writer);
    write(*writer, { todo(u"b1"_s, u"bob"_s, u"L3"_s) });
    write(*writer, { todo(u"b2"_s, u"bob"_s, u"L3"_s) });

    auto pusher = connect(u"pusher"_s, u"alice"_s);
    QVERIFY(pusher);
    pusher->send(subscribe(u"l1"_s, u"record.list == \"L1\""_s, {}, cursor));
    QCOMPARE(pusher->sync(), QList<QJsonObject>()); // nothing it may see was missed
    pusher->push(1, { todo(u"x"_s, u"alice"_s, u"L2"_s) }); // the resend
    QList<QJsonObject> frames;
    while (frames.isEmpty() || frames.constLast().value(u"type"_s) != u"ack"_s) {
        frames.append(pusher->take());
        QVERIFY(!frames.constLast().isEmpty());
    }
    QCOMPARE(frames.size(), 2);
    const QJsonObject delta = frames.at(0);
    const QJsonObject ack = frames.at(1);
    QCOMPARE(delta.value(u"type"_s).toString(), u"delta"_s);
    QCOMPARE(delta.value(u"subscription"_s).toString(), u"l1"_s);
    QCOMPARE(delta.value(u"prevCursor"_s).toString(), cursor);
    QCOMPARE(delta.value(u"changes"_s).toArray(), QJsonArray());
    QCOMPARE(delta.value(u"acks"_s).toArray(), QJsonArray { 1 });
    QCOMPARE(ack.value(u"cursors"_s).toObject().value(u"todos"_s), delta.value(u"cursor"_s));
    QVERIFY(delta.value(u"cursor"_s).toString() != cursor);
}

// One transaction may share a private record and take it back, or edit a
// shared one and make it private: what others see is decided from each
// record's state before and after the whole transaction (an outside tester
// found the in-between state sent whole, live and in replays).
void tst_SubscriptionsFiltered::shouldNotSendAStateThatExistedOnlyInsideATransaction_data()
{
    QTest::addColumn<QJsonArray>("before");
    QTest::addColumn<QJsonArray>("transaction");
    QTest::addColumn<QStringList>("bobSees");
    const auto secret = [](const QString &id) { return updateTodo(id, { { u"title"_s, u"SECRET"_s } }); };
    QTest::newRow("private, shared, private again")
        << QJsonArray { todo(u"p"_s, u"alice"_s, u"Personal"_s) }
        << QJsonArray { moveTo(u"p"_s, u"Shared"_s), secret(u"p"_s), moveTo(u"p"_s, u"Personal"_s) } << QStringList();
    QTest::newRow("inserted shared, made private")
        << QJsonArray {}
        << QJsonArray { todo(u"n"_s, u"alice"_s, u"Shared"_s), secret(u"n"_s), moveTo(u"n"_s, u"Personal"_s) }
        << QStringList();
    QTest::newRow("shared, edited, made private")
        << QJsonArray { todo(u"s"_s, u"alice"_s, u"Shared"_s) }
        << QJsonArray { secret(u"s"_s), moveTo(u"s"_s, u"Personal"_s) } << QStringList { u"-s"_s };
    QTest::newRow("private, edited, shared")
        << QJsonArray { todo(u"q"_s, u"alice"_s, u"Personal"_s) }
        << QJsonArray { secret(u"q"_s), moveTo(u"q"_s, u"Shared"_s) } << QStringList { u"+q"_s };
}

void tst_SubscriptionsFiltered::shouldNotSendAStateThatExistedOnlyInsideATransaction()
{
    QFETCH(QJsonArray, before);
    QFETCH(QJsonArray, transaction);
    QFETCH(QStringList, bobSees);
    m_server.reset();
    QVERIFY(startServer(u"record.owner == auth.sub || record.list == \"Shared\""_s));
    auto alice = connect(u"alice"_s, u"alice"_s);
    QVERIFY(alice);
    if (!before.isEmpty())
        QCOMPARE(write(*alice, before).value(u"type"_s).toString(), u"ack"_s);
    QString cursor;
    QString awayCursor;
    auto live = connect(u"bob-live"_s, u"bob"_s);
    auto v1 = connect(u"bob-v1"_s, u"bob"_s, 1);
    QVERIFY(live && v1);
    live->send(subscribe(u"all"_s));
    snapshot(*live, u"all"_s, &cursor);
    v1->send(subscribe({}));
    QCOMPARE(v1->take().value(u"type"_s).toString(), u"snapshot"_s);
    {
        auto away = connect(u"bob-away"_s, u"bob"_s);
        QVERIFY(away);
        away->send(subscribe(u"all"_s));
        snapshot(*away, u"all"_s, &awayCursor);
    }
    QCOMPARE(write(*alice, transaction).value(u"type"_s).toString(), u"ack"_s);
    auto away = connect(u"bob-away"_s, u"bob"_s);
    QVERIFY(away);
    away->send(subscribe(u"all"_s, {}, {}, awayCursor));

    QStringList seen;
    for (const QJsonObject &delta : live->sync())
        seen += changesOf(delta);
    QCOMPARE(seen, bobSees);
    QStringList replayed;
    for (const QJsonObject &delta : away->sync())
        replayed += changesOf(delta);
    QCOMPARE(replayed, bobSees);
    v1->sync();
    // Unless the record ends up shared, its new title never reaches Bob.
    const bool endsShared = bobSees.contains(u"+q"_s);
    for (RawClient *bob : { live.get(), v1.get(), away.get() }) {
        for (const QString &frame : std::as_const(bob->frames))
            QVERIFY2(endsShared || !frame.contains(u"SECRET"_s), qPrintable(frame));
    }
}

void tst_SubscriptionsFiltered::shouldSendProtocolOneDenseDeltasOfVisibleRecordsOnly()
{
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    auto old = connect(u"old"_s, u"alice"_s, 1);
    QVERIFY(old);
    old->send(subscribe({}, u"record.owner == \"alice\""_s));
    QString cursor;
    QCOMPARE(snapshot(*old, {}, &cursor), QStringList());
    const QList<std::pair<QJsonObject, QStringList>> steps {
        { todo(u"a1"_s, u"alice"_s, u"L1"_s), { u"+a1"_s } },
        { todo(u"bobs-todo"_s, u"bob"_s, u"L1"_s), {} },
        { updateTodo(u"a1"_s, { { u"owner"_s, u"bob"_s } }), { u"-a1"_s } },
        { removeTodo(u"bobs-todo"_s), {} },
    };
    for (const auto &[mutation, expected] : steps) {
        const QJsonObject ack = write(*writer, { mutation });
        const QList<QJsonObject> frames = old->sync();
        // Every batch gives a delta: a protocol 1 client sees no gap.
        QCOMPARE(frames.size(), 1);
        QCOMPARE(changesOf(frames.first()), expected);
        QCOMPARE(frames.first().value(u"prevCursor"_s).toString(), cursor);
        QVERIFY(!frames.first().contains(u"subscription"_s));
        cursor = ack.value(u"cursors"_s).toObject().value(u"todos"_s).toString();
        QCOMPARE(frames.first().value(u"cursor"_s).toString(), cursor);
    }
    for (const QString &frame : std::as_const(old->frames))
        QVERIFY2(!frame.contains(u"bobs-todo"_s), qPrintable(frame));
}

void tst_SubscriptionsFiltered::shouldRefuseAnInvalidFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QJsonObject>("params");
    QTest::addColumn<QString>("problem"); // empty: accepted

    // record.title == "xx…x": 18 characters around the literal.
    const auto ofLength
        = [](int length) -> QString { return u"record.title == \""_s + QString(length - 18, u'x') + u"\""_s; };
    QTest::newRow("syntax, with its position") << u"record.owner == "_s << QJsonObject() << u"at 16"_s;
    QTest::newRow("unbalanced") << u"(record.list == \"a\""_s << QJsonObject() << u"expected ')'"_s;
    QTest::newRow("unknown field") << u"record.colour == \"red\""_s << QJsonObject() << u"unknown field 'colour'"_s;
    QTest::newRow("missing param") << u"record.list == $list"_s << QJsonObject() << u"'$list'"_s;
    QTest::newRow("other param given") << u"record.list == $list"_s << QJsonObject { { u"lst"_s, u"L1"_s } }
                                       << u"'$list'"_s;
    QTest::newRow("4,096 characters") << ofLength(4096) << QJsonObject() << QString();
    QTest::newRow("4,096 code points, some outside the BMP")
        << QString(u"record.title == \""_s + QString(4096 - 18 - 1, u'x') + u"😀\""_s) << QJsonObject() << QString();
    QTest::newRow("4,097 characters") << ofLength(4097) << QJsonObject() << u"longer than 4096"_s;
    QTest::newRow("far past") << ofLength(100000) << QJsonObject() << u"longer than 4096"_s;

    // params: at most 1,024 values (each parameter's and everything inside)
    // and 65,536 bytes as compact JSON (found by an outside tester: 90,000
    // elements cost a second per subscription).
    const auto lists = [](int values) {
        QJsonArray elements; // the array is one value, each element one more
        for (int i = 1; i < values; ++i)
            elements.append(i);
        return QJsonObject { { u"lists"_s, elements } };
    };
    const QString in = u"record.list in $lists"_s;
    QTest::newRow("1,024 param values") << in << lists(1024) << QString();
    QTest::newRow("1,025 param values") << in << lists(1025) << u"params hold more than 1024 values"_s;
    QTest::newRow("40,000 param values") << in << lists(40000) << u"params hold more than 1024 values"_s;
    QTest::newRow("1,025 param values, unused ones count")
        << in
        << QJsonObject { { u"lists"_s, lists(1000).value(u"lists"_s) }, { u"other"_s, lists(25).value(u"lists"_s) } }
        << u"params hold more than 1024 values"_s;
    QJsonObject members;
    for (int i = 0; i < 1023; ++i)
        members.insert(QString::number(i), i);
    QTest::newRow("1,025 param values, members of an object")
        << in << QJsonObject { { u"lists"_s, QJsonArray() }, { u"o"_s, members } } << u"more than 1024 values"_s;
    // {"s":"…"}: 8 bytes around the string.
    const auto ofBytes = [](int bytes) { return QJsonObject { { u"s"_s, QString(bytes - 8, u'x') } }; };
    const QString equal = u"record.title == $s"_s;
    QTest::newRow("65,536 param bytes") << equal << ofBytes(65536) << QString();
    QTest::newRow("65,536 param bytes, UTF-8")
        << equal << QJsonObject { { u"s"_s, QString(QString((65536 - 8 - 4) / 2, u'é') + u"😀"_s) } } << QString();
    QTest::newRow("65,537 param bytes") << equal << ofBytes(65537) << u"larger than 65536 bytes"_s;
    QTest::newRow("far past param bytes") << equal << ofBytes(900000) << u"larger than 65536 bytes"_s;
}

void tst_SubscriptionsFiltered::shouldRefuseAnInvalidFilter()
{
    QFETCH(QString, filter);
    QFETCH(QJsonObject, params);
    QFETCH(QString, problem);

    auto client = connect(u"client"_s, u"alice"_s);
    QVERIFY(client);
    client->send(subscribe(u"mine"_s, filter, params));
    const QJsonObject answer = client->take();
    if (problem.isEmpty()) {
        QCOMPARE(answer.value(u"type"_s).toString(), u"snapshot"_s);
        QCOMPARE(answer.value(u"subscription"_s).toString(), u"mine"_s);
        return;
    }
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(answer.value(u"code"_s).toString(), u"invalid_filter"_s);
    QCOMPARE(answer.value(u"ref"_s).toString(), u"subscribe"_s);
    QCOMPARE(answer.value(u"subscription"_s).toString(), u"mine"_s);
    QVERIFY2(
        answer.value(u"message"_s).toString().contains(problem), qPrintable(answer.value(u"message"_s).toString()));
    QVERIFY(client->sync().isEmpty());
}

void tst_SubscriptionsFiltered::shouldLimitSubscriptionsPerConnection()
{
    auto client = connect(u"client"_s, u"alice"_s);
    QVERIFY(client);
    QString cursor;
    for (int i = 0; i < 64; ++i) {
        client->send(subscribe(u"k%1"_s.arg(i)));
        QCOMPARE(snapshot(*client, u"k%1"_s.arg(i), &cursor), QStringList());
    }
    client->send(subscribe(u"k64"_s));
    QJsonObject answer = client->take();
    QCOMPARE(answer.value(u"code"_s).toString(), u"too_many_subscriptions"_s);
    QCOMPARE(answer.value(u"subscription"_s).toString(), u"k64"_s);
    QCOMPARE(answer.value(u"ref"_s).toString(), u"subscribe"_s);
    // Far past: still refused, one error each.
    for (int i = 65; i < 70; ++i) {
        client->send(subscribe(u"k%1"_s.arg(i)));
        QCOMPARE(client->take().value(u"code"_s).toString(), u"too_many_subscriptions"_s);
    }
    // The same key again restarts it; one unsubscribed makes room.
    client->send(subscribe(u"k3"_s));
    QCOMPARE(snapshot(*client, u"k3"_s, &cursor), QStringList());
    client->send({ { u"type"_s, u"unsubscribe"_s }, { u"collection"_s, u"todos"_s }, { u"subscription"_s, u"k3"_s } });
    client->send(subscribe(u"k64"_s));
    QCOMPARE(snapshot(*client, u"k64"_s, &cursor), QStringList());
}

void tst_SubscriptionsFiltered::shouldUnsubscribeByKey()
{
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);
    QString cursor;
    reader->send(subscribe(u"a"_s));
    QCOMPARE(snapshot(*reader, u"a"_s, &cursor), QStringList());
    reader->send(subscribe(u"b"_s));
    QCOMPARE(snapshot(*reader, u"b"_s, &cursor), QStringList());
    reader->send({ { u"type"_s, u"unsubscribe"_s }, { u"collection"_s, u"todos"_s }, { u"subscription"_s, u"a"_s } });
    write(*writer, { todo(u"x"_s, u"alice"_s, u"L1"_s) });
    const QList<QJsonObject> frames = reader->sync();
    QCOMPARE(frames.size(), 1);
    QCOMPARE(frames.first().value(u"subscription"_s).toString(), u"b"_s);
}

void tst_SubscriptionsFiltered::shouldLimitTheSubscriptionKey_data()
{
    // Every frame of a subscription echoes its key (found by an outside
    // tester: a 100,000-character key was).
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("256 characters") << QString(256, u'k') << true;
    QTest::newRow("256 code points, some outside the BMP") << QString(254, u'k') + u"😀😀"_s << true;
    QTest::newRow("257 characters") << QString(257, u'k') << false;
    QTest::newRow("257 code points, some outside the BMP") << QString(255, u'k') + u"😀😀"_s << false;
    QTest::newRow("far past") << QString(100000, u'k') << false;
}

void tst_SubscriptionsFiltered::shouldLimitTheSubscriptionKey()
{
    QFETCH(QString, key);
    QFETCH(bool, accepted);
    auto client = connect(u"client"_s, u"alice"_s);
    QVERIFY(client);
    client->send(subscribe(key));
    if (accepted) {
        QString cursor;
        QCOMPARE(snapshot(*client, key, &cursor), QStringList());
        return;
    }
    const QJsonObject answer = client->take();
    QCOMPARE(answer.value(u"code"_s).toString(), u"invalid_message"_s);
    QCOMPARE(answer.value(u"ref"_s).toString(), u"subscribe"_s);
    QCOMPARE(answer.value(u"message"_s).toString(), u"field 'subscription' must be a string of 1 to 256 characters"_s);
    QVERIFY(!answer.contains(u"subscription"_s)); // not echoed either
    client->send({ { u"type"_s, u"unsubscribe"_s }, { u"collection"_s, u"todos"_s }, { u"subscription"_s, key } });
    QCOMPARE(client->take().value(u"code"_s).toString(), u"invalid_message"_s);
    QVERIFY(client->sync().isEmpty());
}

void tst_SubscriptionsFiltered::shouldNameTheKeyOfAMalformedSubscribe_data()
{
    QTest::addColumn<QJsonObject>("request");
    QTest::addColumn<QString>("key"); // empty: none in the error
    const QJsonObject mine = subscribe(u"mine"_s);
    const auto with = [](QJsonObject message, const QString &field, const QJsonValue &value) {
        message.insert(field, value);
        return message;
    };
    QTest::newRow("params an array") << with(mine, u"params"_s, QJsonArray { 1 }) << u"mine"_s;
    QTest::newRow("params a string") << with(mine, u"params"_s, u"x"_s) << u"mine"_s;
    QTest::newRow("filter a number") << with(mine, u"filter"_s, 7) << u"mine"_s;
    QTest::newRow("cursor a number") << with(mine, u"cursor"_s, 7) << u"mine"_s;
    QTest::newRow("no subscription: the collection is the key") << with(subscribe({}), u"params"_s, 1) << u"todos"_s;
    QTest::newRow("subscription a number") << with(mine, u"subscription"_s, 7) << QString();
    QTest::newRow("subscription empty") << with(mine, u"subscription"_s, u""_s) << QString();
    QTest::newRow("subscription too long")
        << with(with(mine, u"subscription"_s, QString(257, u'k')), u"params"_s, 1) << QString();
}

void tst_SubscriptionsFiltered::shouldNameTheKeyOfAMalformedSubscribe()
{
    QFETCH(QJsonObject, request);
    QFETCH(QString, key);
    auto client = connect(u"client"_s, u"alice"_s);
    QVERIFY(client);
    client->send(request);
    const QJsonObject answer = client->take();
    QCOMPARE(answer.value(u"code"_s).toString(), u"invalid_message"_s);
    QCOMPARE(answer.value(u"ref"_s).toString(), u"subscribe"_s);
    QCOMPARE(answer.value(u"subscription"_s).toString(), key);
    QCOMPARE(answer.contains(u"subscription"_s), !key.isEmpty());
    QVERIFY(client->sync().isEmpty());
}

void tst_SubscriptionsFiltered::shouldRefuseToUnsubscribeAnotherCollectionsKey()
{
    // The key names the subscription; a collection given with it must be
    // the subscription's own.
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);
    QString cursor;
    reader->send(subscribe(u"a"_s));
    QCOMPARE(snapshot(*reader, u"a"_s, &cursor), QStringList());
    const auto unsubscribe = [&](const QString &collection, const QString &key) {
        QJsonObject message { { u"type"_s, u"unsubscribe"_s }, { u"collection"_s, collection } };
        if (!key.isEmpty())
            message.insert(u"subscription"_s, key);
        reader->send(message);
        return reader->sync();
    };
    const QList<QJsonObject> refused = unsubscribe(u"notes"_s, u"a"_s);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().value(u"code"_s).toString(), u"invalid_message"_s);
    QCOMPARE(refused.first().value(u"ref"_s).toString(), u"unsubscribe"_s);
    QCOMPARE(refused.first().value(u"subscription"_s).toString(), u"a"_s);
    QCOMPARE(
        refused.first().value(u"message"_s).toString(), u"subscription 'a' is of collection 'todos', not 'notes'"_s);
    QCOMPARE(unsubscribe(u"calendar"_s, u"a"_s).first().value(u"code"_s).toString(), u"unknown_collection"_s);
    // Not a key it holds: nothing to do, no answer (it may have just ended).
    QVERIFY(unsubscribe(u"todos"_s, u"b"_s).isEmpty());
    QVERIFY(unsubscribe(u"notes"_s, {}).isEmpty());
    write(*writer, { todo(u"x"_s, u"alice"_s, u"L1"_s) });
    QList<QJsonObject> frames = reader->sync();
    QCOMPARE(frames.size(), 1);
    QCOMPARE(frames.first().value(u"subscription"_s).toString(), u"a"_s);

    QVERIFY(unsubscribe(u"todos"_s, u"a"_s).isEmpty());
    write(*writer, { todo(u"y"_s, u"alice"_s, u"L1"_s) });
    QVERIFY(reader->sync().isEmpty());
}

void tst_SubscriptionsFiltered::shouldTakeSubscriptionLimitsFromTheConfig()
{
    QString error;
    const ServerConfig config = ServerConfig::fromJson(R"({"collections": {}, "limits": {
        "maxSubscriptionsPerConnection": 2, "maxFilterLength": 20, "maxParamValues": 3, "maxParamBytes": 30}})",
        &error);
    QCOMPARE(error, QString());
    const ServerConfig::Limits limits = config.limits();
    QCOMPARE(limits.maxSubscriptionsPerConnection, 2);
    QCOMPARE(limits.maxFilterLength, 20);
    QCOMPARE(limits.maxParamValues, 3);
    QCOMPARE(limits.maxParamBytes, 30);
    ServerConfig::Limits defaults;
    QCOMPARE(defaults.maxSubscriptionsPerConnection, 64);
    QCOMPARE(defaults.maxFilterLength, 4096);
    QCOMPARE(defaults.maxParamValues, 1024);
    QCOMPARE(defaults.maxParamBytes, 65536);
    ServerConfig::fromJson(R"({"collections": {}, "limits": {"maxParamValues": 0}})", &error);
    QCOMPARE(error, u"limits.maxParamValues must be an integer ≥ 1"_s);

    m_server.reset();
    QVERIFY(startServer({}, limits));
    auto client = connect(u"client"_s, u"alice"_s);
    QVERIFY(client);
    const auto answerTo = [&](const QJsonObject &request) -> QString {
        client->send(request);
        const QJsonObject answer = client->take();
        if (answer.value(u"type"_s) == u"snapshot"_s)
            return QString();
        return answer.value(u"code"_s).toString() + u": "_s + answer.value(u"message"_s).toString();
    };
    // record.list == $p: 17 characters.
    QCOMPARE(answerTo(subscribe(u"a"_s, u"record.list == $p"_s + u"   "_s, { { u"p"_s, u"L"_s } })), QString());
    QCOMPARE(answerTo(subscribe(u"b"_s, u"record.list == $p"_s + u"    "_s, { { u"p"_s, u"L"_s } })),
        u"invalid_filter: the filter is longer than 20 characters: got 21"_s);
    QCOMPARE(answerTo(subscribe(u"b"_s, u"record.list in $p"_s, { { u"p"_s, QJsonArray { 1, 2 } } })), QString());
    // "b" is held, so its refusals are not for the count.
    QCOMPARE(answerTo(subscribe(u"b"_s, u"record.list in $p"_s, { { u"p"_s, QJsonArray { 1, 2, 3 } } })),
        u"invalid_filter: params hold more than 3 values"_s);
    QCOMPARE(answerTo(subscribe(u"b"_s, u"record.list == $p"_s, { { u"p"_s, QString(22, u'x') } })), QString());
    QCOMPARE(answerTo(subscribe(u"b"_s, u"record.list == $p"_s, { { u"p"_s, QString(23, u'x') } })),
        u"invalid_filter: params are larger than 30 bytes as compact JSON: got 31"_s);
    QCOMPARE(answerTo(subscribe(u"c"_s)), u"too_many_subscriptions: more than 2 subscriptions on one connection"_s);
    QCOMPARE(answerTo(subscribe(u"b"_s)), QString()); // a key held restarts
}

void tst_SubscriptionsFiltered::shouldSnapshotWhenALoggedChangeHasNoBeforeImage()
{
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    write(*writer, { todo(u"a1"_s, u"alice"_s, u"L1"_s) });
    QString cursor;
    {
        auto reader = connect(u"reader"_s, u"alice"_s);
        QVERIFY(reader);
        reader->send(subscribe(u"l1"_s, u"record.list == \"L1\""_s));
        QCOMPARE(snapshot(*reader, u"l1"_s, &cursor), QStringList { u"a1"_s });
    }
    write(*writer, { moveTo(u"a1"_s, u"L2"_s) });
    // As a version without before-images logged it.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"older"_s);
        db.setDatabaseName(dbPath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"UPDATE changes SET op = 'upsert', before_data = NULL WHERE seq > %1"_s.arg(cursor)));
        QCOMPARE(query.numRowsAffected(), 1);
    }
    QSqlDatabase::removeDatabase(u"older"_s);

    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);
    reader->send(subscribe(u"l1"_s, u"record.list == \"L1\""_s, {}, cursor));
    QCOMPARE(snapshot(*reader, u"l1"_s, &cursor), QStringList());
    // An unfiltered subscription needs no before-image: it resumes.
    reader->send(subscribe(u"all"_s, {}, {}, u"1"_s));
    const QList<QJsonObject> frames = reader->sync();
    QCOMPARE(frames.size(), 1);
    QCOMPARE(changesOf(frames.first()), QStringList { u"+a1"_s });
}

void tst_SubscriptionsFiltered::shouldNeverSendAnotherUsersPrivateRecord()
{
    m_server.reset();
    QVERIFY(startServer(u"record.owner == auth.sub || record.shared == true"_s));
    auto alice = connect(u"alice"_s, u"alice"_s);
    QVERIFY(alice);
    const auto secret = [](const QString &id, const QString &title) {
        return QJsonObject { { u"op"_s, u"insert"_s }, { u"collection"_s, u"todos"_s }, { u"id"_s, id },
            { u"fields"_s,
                QJsonObject { { u"title"_s, title }, { u"owner"_s, u"alice"_s }, { u"list"_s, u"L1"_s } } } };
    };
    QJsonObject shared = todo(u"shared-1"_s, u"alice"_s, u"L1"_s);
    shared[u"fields"_s]
        = QJsonObject { { u"title"_s, u"visible"_s }, { u"owner"_s, u"alice"_s }, { u"shared"_s, true } };
    QCOMPARE(write(*alice, { secret(u"private-a1"_s, u"SECRET-ONE"_s), shared }).value(u"type"_s), u"ack"_s);
    alice->send(subscribe(u"mine"_s));
    QString aliceCursor;
    QCOMPARE(snapshot(*alice, u"mine"_s, &aliceCursor), (QStringList { u"private-a1"_s, u"shared-1"_s }));

    // Bob: without a filter, with one wider than the rule, by protocol 1.
    auto bob = connect(u"bob"_s, u"bob"_s);
    QVERIFY(bob);
    auto oldBob = connect(u"bob-old"_s, u"bob"_s, 1);
    QVERIFY(oldBob);
    QString cursor;
    bob->send(subscribe({}));
    QCOMPARE(snapshot(*bob, {}, &cursor), QStringList { u"shared-1"_s });
    bob->send(subscribe(u"wide"_s, u"true"_s));
    QCOMPARE(snapshot(*bob, u"wide"_s, &cursor), QStringList { u"shared-1"_s });
    bob->send(subscribe(u"hers"_s, u"record.owner == \"alice\""_s));
    QCOMPARE(snapshot(*bob, u"hers"_s, &cursor), QStringList { u"shared-1"_s });
    oldBob->send(subscribe({}));
    QCOMPARE(snapshot(*oldBob, {}, &cursor), QStringList { u"shared-1"_s });

    // Alice's private edits reach nobody else; a record she shares moves
    // in, one she stops sharing moves out.
    write(*alice, { updateTodo(u"private-a1"_s, { { u"title"_s, u"SECRET-TWO"_s } }) });
    write(*alice, { secret(u"private-a2"_s, u"SECRET-THREE"_s) });
    write(*alice, { updateTodo(u"shared-1"_s, { { u"shared"_s, false } }) });
    write(*alice, { removeTodo(u"private-a2"_s) });
    QStringList seen;
    for (const QJsonObject &delta : bob->sync())
        seen += delta.value(u"subscription"_s).toString() + u":"_s + changesOf(delta).join(u',');
    QCOMPARE(seen, (QStringList { u":-shared-1"_s, u"wide:-shared-1"_s, u"hers:-shared-1"_s }));
    // Protocol 1: a delta per batch, with only what it may see.
    QStringList old;
    for (const QJsonObject &delta : oldBob->sync())
        old += changesOf(delta).join(u',');
    QCOMPARE(old, (QStringList { {}, {}, u"-shared-1"_s, {} }));

    // A resume from a cursor of Alice's subscription replays only what Bob saw.
    bob->send(subscribe(u"resumed"_s, u"true"_s, {}, aliceCursor));
    seen.clear();
    for (const QJsonObject &delta : bob->sync())
        seen += changesOf(delta);
    QCOMPARE(seen, QStringList { u"-shared-1"_s });

    // Writes to her ids are refused as writes to ids that do not exist,
    // and say nothing of her records.
    auto bobPusher = connect(u"bob-pusher"_s, u"bob"_s);
    QVERIFY(bobPusher);
    const QJsonObject missing = write(*bobPusher, { updateTodo(u"nothing-here"_s, { { u"title"_s, u"x"_s } }) });
    for (const QJsonObject &mutation :
        { updateTodo(u"private-a1"_s, { { u"title"_s, u"x"_s } }), removeTodo(u"private-a1"_s) }) {
        const QJsonObject reject = write(*bobPusher, { mutation });
        QCOMPARE(reject.value(u"type"_s).toString(), u"reject"_s);
        QCOMPARE(reject.value(u"code"_s), missing.value(u"code"_s));
        QCOMPARE(reject.value(u"message"_s).toString().replace(u"private-a1"_s, u"nothing-here"_s),
            missing.value(u"message"_s).toString());
    }
    for (const QString &frame : std::as_const(bobPusher->frames)) {
        for (const char *leak : { "SECRET", "alice", "L1" })
            QVERIFY2(!frame.contains(QLatin1StringView(leak)), qPrintable(frame));
    }

    for (RawClient *client : { bob.get(), oldBob.get() }) {
        for (const QString &frame : std::as_const(client->frames)) {
            for (const char *leak : { "private-a1", "private-a2", "SECRET" })
                QVERIFY2(!frame.contains(QLatin1StringView(leak)), qPrintable(frame));
        }
    }
}

void tst_SubscriptionsFiltered::shouldAskTheAuthorizerForEachRecord()
{
    m_server.reset();
    QVERIFY(startServer());
    HidingAuthorizer authorizer({}, m_tokens.jwt());
    m_server->close();
    m_server->setAuthorizer(&authorizer);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    auto writer = connect(u"writer"_s, u"alice"_s);
    QVERIFY(writer);
    QJsonObject hidden = todo(u"h1"_s, u"alice"_s, u"L1"_s);
    hidden[u"fields"_s] = QJsonObject { { u"title"_s, u"hidden"_s }, { u"owner"_s, u"alice"_s } };
    write(*writer, { hidden, todo(u"v1"_s, u"alice"_s, u"L1"_s) });

    auto bob = connect(u"bob"_s, u"bob"_s);
    QVERIFY(bob);
    QString cursor;
    bob->send(subscribe(u"all"_s));
    QCOMPARE(snapshot(*bob, u"all"_s, &cursor), QStringList { u"v1"_s });
    QVERIFY(authorizer.calls >= 2);
    // It leaves when it becomes hidden, and is never named again.
    write(*writer, { updateTodo(u"v1"_s, { { u"title"_s, u"hidden"_s } }) });
    write(*writer, { updateTodo(u"h1"_s, { { u"list"_s, u"L2"_s } }) });
    QStringList seen;
    for (const QJsonObject &delta : bob->sync())
        seen += changesOf(delta);
    QCOMPARE(seen, QStringList { u"-v1"_s });
    QVERIFY(!bob->frames.join(u'\n').contains(u"h1"_s));
    m_server->close();
}

void tst_SubscriptionsFiltered::shouldOpenAChangeLogFromBeforeBeforeImages()
{
    // Given a database whose change log was written without before-images
    m_server.reset();
    QVERIFY(QFile::remove(dbPath()));
    QFile::remove(dbPath() + u"-wal"_s);
    QFile::remove(dbPath() + u"-shm"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
        db.setDatabaseName(dbPath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (const QString &sql :
            { u"CREATE TABLE records (collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,"
              " rev INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (collection, id)) WITHOUT ROWID"_s,
                u"CREATE TABLE changes (seq INTEGER NOT NULL, idx INTEGER NOT NULL, collection TEXT NOT NULL,"
                " record_id TEXT NOT NULL, op TEXT NOT NULL, data TEXT, PRIMARY KEY (seq, idx)) WITHOUT ROWID"_s,
                u"INSERT INTO records VALUES ('todos', 'a', '{\"title\":\"a\",\"list\":\"L2\"}', 2)"_s,
                u"INSERT INTO changes VALUES (1, 0, 'todos', 'a', 'upsert', '{\"title\":\"a\",\"list\":\"L1\"}')"_s,
                u"INSERT INTO changes VALUES (2, 0, 'todos', 'a', 'upsert', '{\"title\":\"a\",\"list\":\"L2\"}')"_s }) {
            QVERIFY2(query.exec(sql), qPrintable(sql));
        }
    }
    QSqlDatabase::removeDatabase(u"old"_s);

    // When the server opens it
    QVERIFY(startServer());
    auto reader = connect(u"reader"_s, u"alice"_s);
    QVERIFY(reader);

    // Then a filtered resume across an old change is a snapshot, an
    // unfiltered one is a replay
    QString cursor;
    reader->send(subscribe(u"l1"_s, u"record.list == \"L1\""_s, {}, u"1"_s));
    QCOMPARE(snapshot(*reader, u"l1"_s, &cursor), QStringList());
    QCOMPARE(cursor, u"2"_s);
    reader->send(subscribe(u"all"_s, {}, {}, u"1"_s));
    QList<QJsonObject> frames = reader->sync();
    QCOMPARE(frames.size(), 1);
    QCOMPARE(changesOf(frames.first()), QStringList { u"+a"_s });

    // And a change logged now resumes a filtered subscription again
    auto writer = connect(u"writer"_s, u"w"_s);
    QVERIFY(writer);
    write(*writer, { moveTo(u"a"_s, u"L1"_s) });
    write(*writer, { moveTo(u"a"_s, u"L2"_s) });
    // (What the live subscriptions got of these is not the point here.)
    reader->sync();
    reader->send(subscribe(u"l1"_s, u"record.list == \"L1\""_s, {}, u"2"_s));
    QStringList seen;
    for (const QJsonObject &delta : reader->sync()) {
        if (delta.value(u"subscription"_s) == u"l1"_s)
            seen += changesOf(delta);
    }
    QCOMPARE(seen, (QStringList { u"+a"_s, u"-a"_s }));
}

QTEST_GUILESS_MAIN(tst_SubscriptionsFiltered)
#include "tst_subscriptions_filtered.moc"
