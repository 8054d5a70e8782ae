// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// TableProxyModel: an Optimist::ListModel's roles as table columns.
#include "todofixture.h"

#include <optimist/listmodel.h>
#include <optimist/tableproxymodel.h>

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

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
    void load(const QList<QVariantMap> &records) { model.applySnapshot(records, u"c1"_s); }

    ListModel model;
    TableProxyModel proxy;
};

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
        QCOMPARE(t.proxy.index(0, 3).data().toInt(), int(ListModel::Synced));
        // A bool is a check box, and every column still reads the row's roles
        QCOMPARE(t.proxy.index(0, 1).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(t.proxy.index(1, 1).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(!t.proxy.index(0, 1).data(Qt::DisplayRole).isValid());
        QCOMPARE(t.proxy.index(1, 2).data(ListModel::IdRole).toString(), u"b"_s);
        QCOMPARE(t.proxy.roleOfColumn(2), int(RankRole));
        QCOMPARE(t.proxy.roleOfColumn(9), -1);
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

    void shouldWidenDataChangedToTheColumnsOfItsRoles()
    {
        Table t;
        t.load({ todo(u"a"_s, u"A"_s), todo(u"b"_s, u"B"_s) });
        QSignalSpy changed(&t.proxy, &QAbstractItemModel::dataChanged);
        // A local edit of done changes column 1 and the sync state (column 3)
        t.model.update(u"b"_s, { { u"done"_s, true } });
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), t.proxy.index(1, 1));
        QCOMPARE(changed.at(0).at(1).value<QModelIndex>(), t.proxy.index(1, 3));
        // A change of no shown role says nothing
        changed.clear();
        t.model.setSortField(u"title"_s); // a layout change, not a data change
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
        t.model.applyDelta({ RecordChange::upsert(u"z"_s, todo(u"z"_s, u"Z"_s)) }, u"c1"_s, u"c2"_s);
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
