// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// TableProxyModel: an Optimist::ListModel's roles as table columns.
#include "todofixture.h"

#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/tableproxymodel.h>
#include <optimist/transaction.h>

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace Optimist;
using namespace OptimistTest;

namespace {

//! A loaded todo model shown as a table of title, done, rank, syncState.
struct Table {
    Table()
    {
        model.setCollection(u"todos"_s);
        model.setFields(todoFields());
        proxy.setSourceModel(&model);
        proxy.setColumns(
            { { "title", u"Title"_s }, { "done", u"Done"_s }, { "rank", u"Rank"_s }, { "syncState", u"Sync"_s } });
        new QAbstractItemModelTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest, &proxy);
    }
    void load(const QList<QVariantMap> &records) { ListModelFeed(&model).applySnapshot(records, u"c1"_s); }

    ListModel model;
    TableProxyModel proxy;
};

//! "row:first-last[roles]" of a dataChanged over one row, roles sorted.
QString cells(int row, int first, int last, const QString &roles)
{
    return u"%1:%2-%3%4"_s.arg(row).arg(first).arg(last).arg(roles);
}

QString roles(QList<int> roles)
{
    std::sort(roles.begin(), roles.end());
    QStringList parts;
    for (int role : roles)
        parts.append(QString::number(role));
    return u'[' + parts.join(u',') + u']';
}

} // namespace

class tst_TableProxyModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldShowRolesAsColumns()
    {
        Table t;
        t.load({ todo(u"a"_s, u"A"_s, 3, true), todo(u"b"_s, u"B"_s) });
        QCOMPARE(t.proxy.rowCount(), 2);
        QCOMPARE(t.proxy.columnCount(), 4);
        QCOMPARE(t.proxy.headerData(1, Qt::Horizontal).toString(), u"Done"_s);
        QCOMPARE(t.proxy.index(0, 0).data().toString(), u"A"_s);
        QCOMPARE(t.proxy.index(0, 2).data().toInt(), 3);
        QCOMPARE(t.proxy.index(0, 3).data().toString(), u"Synced"_s);
        QCOMPARE(t.proxy.index(0, 3).data(Qt::EditRole).toInt(), int(ListModel::Synced));
        // A bool is a check box, and every column still reads the row's roles
        QCOMPARE(t.proxy.index(0, 1).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(t.proxy.index(1, 1).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(!t.proxy.index(0, 1).data(Qt::DisplayRole).isValid());
        QCOMPARE(t.proxy.index(1, 2).data(ListModel::IdRole).toString(), u"b"_s);
        QCOMPARE(t.proxy.roleOfColumn(2), int(RankRole));
        QCOMPARE(t.proxy.roleOfColumn(9), -1);
    }

    void shouldShowTheSyncColumnsAsWords_data()
    {
        QTest::addColumn<QString>("edit"); // what happens to row "a"
        QTest::addColumn<QString>("text"); // the syncState column's Qt::DisplayRole
        QTest::addColumn<int>("state"); // its Qt::EditRole
        QTest::addColumn<QString>("toolTip");
        QTest::addColumn<QString>("pendingText"); // the pending column's Qt::DisplayRole
        QTest::newRow("synced") << u"none"_s << u"Synced"_s << int(ListModel::Synced) << QString() << QString();
        QTest::newRow("inserted") << u"insert"_s << u"Adding…"_s << int(ListModel::PendingInsert) << QString()
                                  << u"Pending"_s;
        QTest::newRow("updated") << u"update"_s << u"Saving…"_s << int(ListModel::PendingUpdate) << QString()
                                 << u"Pending"_s;
        QTest::newRow("removed") << u"remove"_s << u"Removing…"_s << int(ListModel::PendingRemove) << QString()
                                 << u"Pending"_s;
        QTest::newRow("failed") << u"reject"_s << u"Failed"_s << int(ListModel::Failed) << u"the title is taken"_s
                                << QString();
    }

    void shouldShowTheSyncColumnsAsWords()
    {
        QFETCH(QString, edit);
        // Given a table with the sync columns, on a model holding row "a"
        Table t;
        t.proxy.setColumns({ { "title", u"Title"_s }, { "syncState", u"Sync"_s }, { "pending", u"Pending"_s } });
        t.model.setShowPendingRemovals(true);
        t.load(edit == u"insert"_s ? QList<QVariantMap>() : QList<QVariantMap> { todo(u"a"_s, u"A"_s) });
        QSignalSpy changed(&t.proxy, &QAbstractItemModel::dataChanged);
        // When it is edited
        if (edit == u"insert"_s) {
            t.model.insert(todo(u"a"_s, u"A"_s));
        } else if (edit == u"update"_s) {
            t.model.update(u"a"_s, { { u"title"_s, u"B"_s } });
        } else if (edit == u"remove"_s) {
            t.model.remove(u"a"_s);
        } else if (edit == u"reject"_s) {
            t.model.update(u"a"_s, { { u"title"_s, u"B"_s } })->reject(u"conflict"_s, u"the title is taken"_s);
        }
        // Then the columns say it in words, and keep the values for code
        QCOMPARE(t.proxy.rowCount(), 1);
        const QModelIndex sync = t.proxy.index(0, 1);
        const QModelIndex pending = t.proxy.index(0, 2);
        QTEST(sync.data().toString(), "text");
        QTEST(sync.data(Qt::EditRole).toInt(), "state");
        QTEST(sync.data(Qt::ToolTipRole).toString(), "toolTip");
        QTEST(pending.data().toString(), "pendingText");
        QCOMPARE(pending.data(Qt::EditRole).toBool(), !pending.data().toString().isEmpty());
        QVERIFY(!sync.data(Qt::CheckStateRole).isValid());
        QVERIFY(!pending.data(Qt::CheckStateRole).isValid());
        QVERIFY(!t.proxy.flags(sync).testFlag(Qt::ItemIsEditable));
        QVERIFY(!t.proxy.flags(pending).testFlag(Qt::ItemIsUserCheckable));
        // and a view showing them was told so
        if (edit != u"none"_s && edit != u"insert"_s) {
            QVERIFY(std::any_of(changed.cbegin(), changed.cend(), [](const QList<QVariant> &signal) {
                return signal.at(0).value<QModelIndex>().column() <= 1
                    && signal.at(1).value<QModelIndex>().column() >= 1
                    && signal.at(2).value<QList<int>>().contains(Qt::ToolTipRole);
            }));
        }
    }

    void shouldGiveEachColumnItsFlags_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<bool>("editable");
        QTest::addColumn<bool>("checkable");
        QTest::newRow("string field") << 0 << true << false;
        QTest::newRow("bool field") << 1 << false << true;
        QTest::newRow("int field") << 2 << true << false;
        QTest::newRow("built-in role") << 3 << false << false;
    }

    void shouldGiveEachColumnItsFlags()
    {
        QFETCH(int, column);
        QFETCH(bool, editable);
        QFETCH(bool, checkable);
        Table t;
        // A null rank in row 0 and a null done nowhere: flags come from the schema
        t.load({ todo(u"a"_s, u"A"_s) });
        const Qt::ItemFlags flags = t.proxy.flags(t.proxy.index(0, column));
        QCOMPARE(flags.testFlag(Qt::ItemIsEditable), editable);
        QCOMPARE(flags.testFlag(Qt::ItemIsUserCheckable), checkable);
        QCOMPARE(t.proxy.buddy(t.proxy.index(0, column)), t.proxy.index(0, column));
    }

    void shouldEditThroughTheColumns()
    {
        Table t;
        t.load({ todo(u"a"_s, u"A"_s) });
        QVERIFY(t.proxy.setData(t.proxy.index(0, 0), u"Renamed"_s));
        QVERIFY(t.proxy.setData(t.proxy.index(0, 1), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(t.proxy.setData(t.proxy.index(0, 2), 7));
        QVERIFY(!t.proxy.setData(t.proxy.index(0, 0), u"x"_s, Qt::ToolTipRole));
        // Each is an optimistic update of the source
        const QVariantMap a = t.model.get(u"a"_s);
        QCOMPARE(a.value(u"title"_s).toString(), u"Renamed"_s);
        QCOMPARE(a.value(u"done"_s).toBool(), true);
        QCOMPARE(a.value(u"rank"_s).toInt(), 7);
        QCOMPARE(t.model.pendingCount(), 3);
    }

    void shouldForwardWhatChangedToTheCellsThatShowIt_data()
    {
        QTest::addColumn<QStringList>("columns");
        QTest::addColumn<QString>("change");
        QTest::addColumn<QStringList>("expected");
        const QString syncRoles = roles({ ListModel::PendingRole, ListModel::SyncStateRole });
        const QString doneRoles = roles({ ListModel::PendingRole, ListModel::SyncStateRole, DoneRole });
        const QStringList all { u"title"_s, u"done"_s, u"rank"_s, u"syncState"_s };
        // A local edit of done: its check box, the sync state's text, and the
        // changed roles (served in every column) everywhere
        QTest::newRow("edit done") << all << u"edit done"_s
                                   << QStringList { cells(1, 0, 0, doneRoles),
                                          cells(1, 1, 1,
                                              roles({ Qt::EditRole, Qt::CheckStateRole, ListModel::PendingRole,
                                                  ListModel::SyncStateRole, DoneRole })),
                                          cells(1, 2, 2, doneRoles),
                                          cells(1, 3, 3,
                                              roles({ Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole,
                                                  ListModel::PendingRole, ListModel::SyncStateRole, DoneRole })) };
        // The ack that clears pending, with no column showing it
        QTest::newRow("ack, no sync column") << QStringList { u"title"_s, u"done"_s, u"rank"_s } << u"ack"_s
                                             << QStringList { cells(1, 0, 2, syncRoles) };
        QTest::newRow("ack, sync column last") << all << u"ack"_s
                                               << QStringList { cells(1, 0, 2, syncRoles),
                                                      cells(1, 3, 3,
                                                          roles({ Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole,
                                                              ListModel::PendingRole, ListModel::SyncStateRole })) };
        // A server change of the title: its column's text, the title role everywhere
        QTest::newRow("server title") << all << u"server title"_s
                                      << QStringList { cells(0, 0, 0,
                                                           roles({ Qt::DisplayRole, Qt::EditRole, TitleRole })),
                                             cells(0, 1, 3, roles({ TitleRole })) };
        // A change of a role no column shows and no cell serves: nothing
        QTest::newRow("no columns") << QStringList() << u"edit done"_s << QStringList();
    }

    void shouldForwardWhatChangedToTheCellsThatShowIt()
    {
        QFETCH(QStringList, columns);
        QFETCH(QString, change);
        QFETCH(QStringList, expected);
        // Given a table of the given columns on two rows
        Table t;
        QList<TableProxyModel::Column> shown;
        for (const QString &column : std::as_const(columns))
            shown.append({ column.toUtf8(), column });
        t.proxy.setColumns(shown);
        t.load({ todo(u"a"_s, u"A"_s), todo(u"b"_s, u"B"_s) });
        // (for the ack: b's done edited, pending)
        Transaction *tx = change == u"ack"_s ? t.model.update(u"b"_s, { { u"done"_s, true } }) : nullptr;
        QSignalSpy changed(&t.proxy, &QAbstractItemModel::dataChanged);
        // When the change happens
        if (change == u"edit done"_s) {
            t.model.update(u"b"_s, { { u"done"_s, true } });
        } else if (change == u"ack"_s) {
            QVERIFY(ListModelFeed(&t.model).applyDelta(
                { RecordChange::upsert(u"b"_s, todo(u"b"_s, u"B"_s, {}, true)) }, u"c1"_s, u"c2"_s, { tx->id() }));
        } else {
            QVERIFY(ListModelFeed(&t.model).applyDelta(
                { RecordChange::upsert(u"a"_s, todo(u"a"_s, u"Renamed"_s)) }, u"c1"_s, u"c2"_s));
        }
        // Then each cell is told exactly the roles that changed in it
        QStringList got;
        for (const QList<QVariant> &signal : std::as_const(changed)) {
            const auto topLeft = signal.at(0).value<QModelIndex>();
            const auto bottomRight = signal.at(1).value<QModelIndex>();
            QCOMPARE(topLeft.row(), bottomRight.row());
            got.append(
                cells(topLeft.row(), topLeft.column(), bottomRight.column(), roles(signal.at(2).value<QList<int>>())));
        }
        QCOMPARE(got, expected);
    }

    void shouldForwardAChangeOfEveryRoleToEveryColumn()
    {
        // Given a table on a source that says "everything changed"
        Table t;
        t.load({ todo(u"a"_s, u"A"_s), todo(u"b"_s, u"B"_s) });
        QSignalSpy changed(&t.proxy, &QAbstractItemModel::dataChanged);
        // When the display field changes (every row's display role)
        t.model.setDisplayField(u"rank"_s);
        // Then no column shows Qt::DisplayRole of the source: nothing to forward
        QCOMPARE(changed.size(), 0);
        // When the source says every role of rows 0..1 changed
        Q_EMIT t.model.dataChanged(t.model.index(0), t.model.index(1), {});
        // Then every cell of those rows is told so
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), t.proxy.index(0, 0));
        QCOMPARE(changed.at(0).at(1).value<QModelIndex>(), t.proxy.index(1, 3));
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>());
        // And a layout change is not a data change
        changed.clear();
        t.model.setSortField(u"title"_s);
        QCOMPARE(changed.size(), 0);
    }

    void shouldKeepPersistentColumnsAcrossASourceLayoutChange()
    {
        // Given a table and persistent indexes in columns 0, 2 and 3
        Table t;
        t.load({ todo(u"a"_s, u"C"_s, 1), todo(u"b"_s, u"A"_s, 2), todo(u"c"_s, u"B"_s, 3) });
        const QPersistentModelIndex rankOfA(t.proxy.index(0, 2));
        const QPersistentModelIndex titleOfC(t.proxy.index(2, 0));
        const QPersistentModelIndex stateOfB(t.proxy.index(1, 3));
        QSignalSpy aboutToChange(&t.proxy, &QAbstractItemModel::layoutAboutToBeChanged);
        QSignalSpy changed(&t.proxy, &QAbstractItemModel::layoutChanged);
        // When the source re-sorts by title
        t.model.setSortField(u"title"_s);
        // Then each follows its row and keeps its column
        QCOMPARE(aboutToChange.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(rankOfA.row(), 2);
        QCOMPARE(rankOfA.column(), 2);
        QCOMPARE(rankOfA.data().toInt(), 1);
        QCOMPARE(titleOfC.row(), 1);
        QCOMPARE(titleOfC.column(), 0);
        QCOMPARE(titleOfC.data().toString(), u"B"_s);
        QCOMPARE(stateOfB.row(), 0);
        QCOMPARE(stateOfB.column(), 3);
    }

    void shouldPassRowChangesThrough()
    {
        Table t;
        t.load({ todo(u"a"_s, u"A"_s) });
        const QPersistentModelIndex doneOfA(t.proxy.index(0, 1));
        QSignalSpy inserted(&t.proxy, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&t.proxy, &QAbstractItemModel::rowsRemoved);
        t.model.insert(todo(u"0"_s, u"Zero"_s)); // sorts after a (creation order)
        ListModelFeed(&t.model).applyDelta({ RecordChange::upsert(u"z"_s, todo(u"z"_s, u"Z"_s)) }, u"c1"_s, u"c2"_s);
        t.model.remove(u"0"_s);
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(t.proxy.rowCount(), 2);
        QCOMPARE(doneOfA.row(), 0);
        QCOMPARE(doneOfA.column(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_TableProxyModel)
#include "tst_tableproxymodel.moc"
