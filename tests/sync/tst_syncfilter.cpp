// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Filtered models on a SyncClient against the real server: two models on
// one collection with different filters share one connection; records
// move in and out through another client's edits and through local ones;
// a filter change subscribes again and diffs the rows; a filter the server
// refuses says so on its model.

#include "modelsignalreplayer.h"
#include "syncfixture.h"

#include <optimist/developmenttokens.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>

#include <QtCore/QDir>
#include <QtCore/QPersistentModelIndex>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::ListModel;
using Optimist::ListModelFeed;
using Optimist::SyncClient;
using Optimist::Transaction;

namespace {

QByteArray listServerConfig()
{
    return R"({"collections": {"todos": {"fields": [
        {"name": "title", "type": "string", "required": true, "maxLength": 200},
        {"name": "done", "type": "bool", "default": false},
        {"name": "list", "type": "string"}]}}})";
}

Optimist::Fields listClientFields()
{
    using Optimist::Field;
    return { Field(u"title"_s, Field::Type::String, {}, true), Field(u"done"_s, Field::Type::Bool, false),
        Field(u"list"_s, Field::Type::String) };
}

//! A model of the todos on \a client, filtered, with a tester and a replayer.
struct FilteredModel {
    FilteredModel(SyncClient *client, const QString &filter, const QVariantMap &params = {})
    {
        model.setCollection(u"todos"_s);
        model.setFields(listClientFields());
        model.setFilterParams(params);
        model.setFilter(filter);
        new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
        replayer = std::make_unique<ModelSignalReplayer>(&model);
        recorder = std::make_unique<ModelSignalRecorder>(&model);
        model.setClient(client);
    }
    QStringList titles() const
    {
        QStringList result;
        for (int row = 0; row < model.rowCount(); ++row)
            result.append(model.at(row).value(u"title"_s).toString());
        result.sort();
        return result;
    }
    ListModel model;
    std::unique_ptr<ModelSignalReplayer> replayer;
    std::unique_ptr<ModelSignalRecorder> recorder;
};

//! Todos that each user owns, with rules: one reads and writes only their own.
QByteArray ownedServerConfig()
{
    return R"({"collections": {"todos": {"fields": [
        {"name": "title", "type": "string", "required": true},
        {"name": "owner", "type": "string"}],
        "rules": {"read": "record.owner == auth.sub", "write": "record.owner == auth.sub"}}}})";
}

QVariantMap item(const QString &id, const QString &title, const QString &list, bool done = false)
{
    return { { u"id"_s, id }, { u"title"_s, title }, { u"list"_s, list }, { u"done"_s, done } };
}

} // namespace

//! \a server with ownedServerConfig(), taking \a tokens.
bool startOwnedServer(TestServer &server, const Optimist::DevelopmentTokens &tokens)
{
    QString error;
    Optimist::ServerConfig config = Optimist::ServerConfig::fromJson(ownedServerConfig(), &error);
    config.setJwt(tokens.jwt());
    server.server = std::make_unique<Optimist::Server>();
    server.server->setConfig(config);
    server.server->setDatabasePath(server.databasePath());
    return error.isEmpty() && server.server->listen(QHostAddress::LocalHost, 0);
}

//! Every record's data and every entry's user in the record cache at \a path.
QStringList cachedRecordsAndUsers(const QString &path)
{
    QStringList result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(path);
        if (!db.open())
            return { u"cannot open the cache"_s };
        QSqlQuery query(u"SELECT data FROM records UNION ALL SELECT user_id FROM collections"_s, db);
        while (query.next())
            result.append(query.value(0).toString());
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    return result;
}

class tst_SyncFilter : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    Peer m_writer; // another client, unfiltered

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start(listServerConfig()));
        m_writer.client = std::make_unique<SyncClient>();
        m_writer.client->setClientId(u"writer"_s);
        m_writer.model = std::make_unique<ListModel>();
        m_writer.model->setCollection(u"todos"_s);
        m_writer.model->setFields(listClientFields());
        m_writer.model->setClient(m_writer.client.get());
        m_writer.client->setUrl(m_server->server->url());
        QTRY_VERIFY(isLive(m_writer));
        for (const QVariantMap &record : { item(u"a"_s, u"A"_s, u"home"_s), item(u"b"_s, u"B"_s, u"home"_s, true),
                 item(u"c"_s, u"C"_s, u"work"_s), item(u"d"_s, u"D"_s, u"work"_s, true) })
            m_writer.model->insert(record);
        QTRY_COMPARE(m_writer.model->pendingCount(), 0);
    }

    void cleanup()
    {
        m_writer = {};
        m_server.reset();
    }

    void shouldServeTwoFiltersOfOneCollectionOnOneClient()
    {
        // Given one client with two models on todos: open and done ones
        SyncClient client;
        client.setClientId(u"reader"_s);
        FilteredModel open(&client, u"!record.done"_s);
        FilteredModel done(&client, u"record.done"_s);
        client.setUrl(m_server->server->url());
        QTRY_COMPARE(open.titles(), (QStringList { u"A"_s, u"C"_s }));
        QTRY_COMPARE(done.titles(), (QStringList { u"B"_s, u"D"_s }));
        // When another client finishes a and reopens d
        m_writer.model->update(u"a"_s, { { u"done"_s, true } });
        m_writer.model->update(u"d"_s, { { u"done"_s, false } });
        // Then a moves from open to done, and d the other way
        QTRY_COMPARE(open.titles(), (QStringList { u"C"_s, u"D"_s }));
        QTRY_COMPARE(done.titles(), (QStringList { u"A"_s, u"B"_s }));
        QCOMPARE(open.replayer->verify(), QString());
        QCOMPARE(done.replayer->verify(), QString());
        // and nothing of the other model's records stays behind in either.
        QVERIFY(open.model.confirmedRecord(u"a"_s).isEmpty());
        QVERIFY(done.model.confirmedRecord(u"d"_s).isEmpty());
    }

    void shouldMoveALocalEditOutAtOnceAndConfirmIt()
    {
        SyncClient client;
        client.setClientId(u"reader"_s);
        FilteredModel open(&client, u"!record.done"_s);
        FilteredModel done(&client, u"record.done"_s);
        client.setUrl(m_server->server->url());
        QTRY_COMPARE(open.titles(), (QStringList { u"A"_s, u"C"_s }));
        QTRY_COMPARE(done.titles(), (QStringList { u"B"_s, u"D"_s }));
        // When the open model finishes c, its row goes at once
        QPointer<Transaction> tx = open.model.update(u"c"_s, { { u"done"_s, true } });
        QCOMPARE(open.titles(), QStringList { u"A"_s });
        QCOMPARE(open.model.pendingCount(), 1);
        // and once the server applied it, the done model shows it and the
        // open model holds nothing of it.
        QSignalSpy accepted(tx.data(), &Transaction::accepted);
        QTRY_COMPARE(accepted.size(), 1);
        QTRY_COMPARE(done.titles(), (QStringList { u"B"_s, u"C"_s, u"D"_s }));
        QCOMPARE(open.titles(), QStringList { u"A"_s });
        QCOMPARE(open.model.pendingCount(), 0);
        QVERIFY(open.model.confirmedRecord(u"c"_s).isEmpty());
        QCOMPARE(open.replayer->verify(), QString());
    }

    void shouldResubscribeAndDiffRowsWhenTheFilterChanges()
    {
        // Given the open todos of the home list
        SyncClient client;
        client.setClientId(u"reader"_s);
        FilteredModel model(&client, u"record.list == $list || !record.done"_s, { { u"list"_s, u"home"_s } });
        client.setUrl(m_server->server->url());
        QTRY_COMPARE(model.titles(), (QStringList { u"A"_s, u"B"_s, u"C"_s }));
        QTRY_VERIFY(!model.model.isLoading());
        const QPersistentModelIndex c(model.model.index(model.model.indexOf(u"c"_s)));
        model.recorder->clear();
        // When the list becomes work
        QSignalSpy snapshots(&client, &SyncClient::snapshotReceived);
        model.model.setFilterParams({ { u"list"_s, u"work"_s } });
        // Then b leaves at once (the model held it), c stays, and d comes
        // with the new subscription's snapshot
        QCOMPARE(model.titles(), (QStringList { u"A"_s, u"C"_s }));
        QVERIFY(model.model.isLoading());
        QTRY_COMPARE(snapshots.size(), 1);
        QCOMPARE(model.titles(), (QStringList { u"A"_s, u"C"_s, u"D"_s }));
        QVERIFY(!model.model.isLoading());
        QVERIFY(!model.recorder->signalList().contains(u"modelReset"_s));
        QVERIFY(!model.recorder->signalList().contains(u"layoutChanged"_s));
        QCOMPARE(c.data(ListModel::IdRole).toString(), u"c"_s);
        QCOMPARE(model.replayer->verify(), QString());
        // and later changes follow the new filter.
        m_writer.model->update(u"b"_s, { { u"list"_s, u"work"_s } });
        QTRY_COMPARE(model.titles(), (QStringList { u"A"_s, u"B"_s, u"C"_s, u"D"_s }));
    }

    void shouldSayWhyTheServerRefusedTheFilter()
    {
        // A filter longer than the server takes: the model cannot know.
        SyncClient client;
        client.setClientId(u"reader"_s);
        QString longFilter = u"record.title == \"x\""_s;
        while (longFilter.size() <= 4096)
            longFilter += u" || record.title == \"x\""_s;
        FilteredModel model(&client, longFilter);
        QSignalSpy errors(&client, &SyncClient::errorOccurred);
        client.setUrl(m_server->server->url());
        QTRY_COMPARE(errors.size(), 1);
        QCOMPARE(errors.first().first().toString(), u"invalid_filter"_s);
        QTRY_VERIFY(!model.model.isLoading());
        QCOMPARE(model.model.errorString(), errors.first().at(1).toString());
        QCOMPARE(model.model.rowCount(), 0);
        // A valid filter subscribes again.
        model.model.setFilter(u"!record.done"_s);
        QTRY_COMPARE(model.titles(), (QStringList { u"A"_s, u"C"_s }));
    }

    void shouldForgetAnotherUsersRecordsAtTheWelcome()
    {
        // Given a server whose rules let each user read their own todos
        Optimist::DevelopmentTokens tokens;
        TestServer server;
        QVERIFY(startOwnedServer(server, tokens));
        // and ann's client, keeping a cache, with a model of her todos and
        // one of every todo the rules let it read
        QTemporaryDir storage;
        SyncClient client;
        client.setClientId(u"device"_s);
        client.setStorageDirectory(storage.path());
        client.setToken(tokens.mint(u"ann"_s));
        const Optimist::Fields fields { Optimist::Field(u"title"_s, Optimist::Field::Type::String, {}, true),
            Optimist::Field(u"owner"_s, Optimist::Field::Type::String) };
        ListModel model;
        ListModel all;
        for (ListModel *m : { &model, &all }) {
            new QAbstractItemModelTester(m, QAbstractItemModelTester::FailureReportingMode::QtTest, m);
            m->setCollection(u"todos"_s);
            m->setFields(fields);
        }
        model.setFilter(u"record.owner == auth.sub"_s);
        model.setClient(&client);
        all.setClient(&client);
        client.setUrl(server.server->url());
        QTRY_VERIFY(!model.cursor().isEmpty() && !all.cursor().isEmpty());
        // When she adds hers (shown at once: the filter reads her id) and
        // one for bob (hidden at once, and refused by the write rule)
        model.insert({ { u"id"_s, u"mine"_s }, { u"title"_s, u"Ann's"_s }, { u"owner"_s, u"ann"_s } });
        QPointer<Transaction> forBob
            = model.insert({ { u"id"_s, u"bobs"_s }, { u"title"_s, u"Bob's"_s }, { u"owner"_s, u"bob"_s } });
        QCOMPARE(model.rowCount(), 1);
        QSignalSpy rejected(forBob.data(), &Transaction::rejected);
        QTRY_COMPARE(rejected.size(), 1);
        QCOMPARE(rejected.first().first().toString(), u"forbidden"_s);
        QTRY_COMPARE(all.rowCount(), 1);
        // and the device signs in as bob (with a clientId of his: the server
        // binds one to the first user who signs in with it; the storage
        // directory, opened for ann, stays)
        client.close();
        QTRY_COMPARE(client.state(), SyncClient::Disconnected);
        client.setClientId(u"device-of-bob"_s);
        int rowsAtWelcome = -1;
        connect(&client, &SyncClient::stateChanged, this, [&] {
            if (client.state() == SyncClient::Connected)
                rowsAtWelcome = model.rowCount() + all.rowCount();
        });
        client.setToken(tokens.mint(u"bob"_s));
        client.open();
        // Then ann's todo is gone from both at the welcome, before bob's (none) arrive
        QTRY_COMPARE(rowsAtWelcome, 0);
        QTRY_VERIFY(!model.cursor().isEmpty() && !all.cursor().isEmpty());
        QCOMPARE(model.rowCount() + all.rowCount(), 0);
        QCOMPARE(ListModelFeed(&model).filterAuth().value(u"sub"_s).toString(), u"bob"_s);
        QVERIFY(all.confirmedRecord(u"mine"_s).isEmpty());
        // and nothing of hers is left in the cache.
        const QStringList cached = cachedRecordsAndUsers(QDir(storage.path()).filePath(u"cache-device.sqlite"_s));
        QVERIFY2(!cached.join(u' ').contains(u"ann"_s, Qt::CaseInsensitive), qPrintable(cached.join(u' ')));
    }
};

QTEST_MAIN(tst_SyncFilter)
#include "tst_syncfilter.moc"
