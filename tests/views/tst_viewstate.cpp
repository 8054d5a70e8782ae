// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// What a user sees must survive a server snapshot: the current item, the
// selection and the scroll position of a QListView or QTableView bound to an
// Optimist::ListModel stay on the same records while 1% of the rows change
// and rows are inserted and removed above and below them. The same steps
// on the hand-written reset-and-reload model (bench/resetlistmodel.h) lose
// the current item and the selection, which shows that those checks can
// tell the difference (the scroll check cannot: see the last test).

#include "resetlistmodel.h"

#include <optimist/field.h>
#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>

#include <QtCore/QSet>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QListView>
#include <QtWidgets/QTableView>

#include <algorithm>
#include <map>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int rowCount = 3000;

//! The server's side: records keyed by a sort key that gives their title
//! ("Task 000012300"), so new keys can land between existing rows.
class ServerRecords {
public:
    ServerRecords()
    {
        for (int i = 0; i < rowCount; ++i)
            m_records.emplace(qint64(i) * 100, Record { u"r%1"_s.arg(i, 5, 10, QChar(u'0')), (i % 3) == 0, i % 5 });
    }

    QList<QVariantMap> snapshot() const
    {
        QList<QVariantMap> list;
        const QDateTime base(QDate(2026, 1, 1), QTime(8, 0), Qt::UTC);
        for (const auto &[key, record] : m_records) {
            list.append({ { u"id"_s, record.id }, { u"title"_s, u"Task %1"_s.arg(key, 9, 10, QChar(u'0')) },
                { u"done"_s, record.done }, { u"priority"_s, record.priority },
                { u"updated"_s, base.addSecs(record.updatedOffset) } });
        }
        return list;
    }

    QString idAtRow(int row) const { return std::next(m_records.begin(), row)->second.id; }

    //! Changes the fields (not the title) of the record at \a row.
    void changeRow(int row)
    {
        Record &record = std::next(m_records.begin(), row)->second;
        record.done = !record.done;
        record.priority = (record.priority + 1) % 5;
        record.updatedOffset += 3600;
    }

    void removeRow(int row) { m_records.erase(std::next(m_records.begin(), row)); }

    //! Inserts a new record just after the one now at \a row.
    void insertAfterRow(int row, const QString &id)
    {
        const qint64 key = std::next(m_records.begin(), row)->first + 50;
        QVERIFY(!m_records.contains(key));
        m_records.emplace(key, Record { id, false, 1 });
    }

private:
    struct Record {
        QString id;
        bool done = false;
        int priority = 0;
        qint64 updatedOffset = 0;
    };
    std::map<qint64, Record> m_records;
};

Optimist::Fields todoFields()
{
    using Optimist::Field;
    return { Field(u"title"_s, Field::Type::String, QString(), true), Field(u"done"_s, Field::Type::Bool, false),
        Field(u"priority"_s, Field::Type::Int, 0), Field(u"updated"_s, Field::Type::DateTime) };
}

//! Rows chosen in the middle of the list, where the user is.
constexpr int topRow = 1500;
constexpr int currentRow = 1506;
constexpr int selectedRows[] = { 1503, 1506, 1507, 1511 };

//! What the user sees, by record id.
struct ViewState {
    QString current;
    QStringList selected;
    QString top;
};

class ViewHarness {
public:
    ViewHarness(const QString &kind, QAbstractItemModel *model)
        : m_model(model)
        , m_idRole(model->roleNames().key("id", -1))
    {
        if (kind == u"list"_s)
            m_view = std::make_unique<QListView>();
        else
            m_view = std::make_unique<QTableView>();
        m_view->setSelectionMode(QAbstractItemView::MultiSelection);
        m_view->setModel(model);
        m_view->resize(320, 400);
    }

    bool show()
    {
        m_view->show();
        return QTest::qWaitForWindowExposed(m_view.get());
    }

    //! Scrolls \a topRow to the top, makes \a currentRow current and selects \a selectedRows.
    void placeUser()
    {
        m_view->scrollTo(m_model->index(topRow, 0), QAbstractItemView::PositionAtTop);
        QItemSelectionModel *selection = m_view->selectionModel();
        selection->setCurrentIndex(m_model->index(currentRow, 0), QItemSelectionModel::NoUpdate);
        for (int row : selectedRows)
            selection->select(m_model->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCoreApplication::processEvents();
    }

    ViewState state() const
    {
        ViewState s;
        s.current = m_view->currentIndex().data(m_idRole).toString();
        const QModelIndexList rows = m_view->selectionModel()->selectedRows();
        for (const QModelIndex &index : rows)
            s.selected.append(index.data(m_idRole).toString());
        s.selected.sort();
        s.top = m_view->indexAt(QPoint(2, 2)).data(m_idRole).toString();
        return s;
    }

    int idRole() const { return m_idRole; }

private:
    QAbstractItemModel *m_model;
    int m_idRole;
    std::unique_ptr<QAbstractItemView> m_view;
};

//! The next server snapshot: 1% of the rows changed (among them the current
//! and a selected row), 3 rows removed and 3 inserted above the rows in view,
//! 4 removed and 6 inserted below them.
void changeServer(ServerRecords &server)
{
    const int changed[] = { 12, 250, 480, 777, 900, 1111, 1203, 1333, 1400, 1450, 1499, 1502, currentRow, 1507, 1520,
        1555, 1600, 1700, 1801, 1900, 2000, 2100, 2222, 2300, 2450, 2500, 2600, 2750, 2900, 2999 };
    static_assert(std::size(changed) == rowCount / 100);
    for (int row : changed)
        server.changeRow(row);
    // Below the view first, so the rows above keep their numbers.
    for (int row : { 2800, 2400, 1900, 1650 })
        server.removeRow(row);
    for (int n = 0; n < 6; ++n)
        server.insertAfterRow(1700 + n * 150, u"below%1"_s.arg(n));
    // Above: as many in as out, so the same record stays at the top of a
    // view that keeps its scroll offset in rows.
    for (int row : { 1200, 700, 100 })
        server.removeRow(row);
    for (int n = 0; n < 3; ++n)
        server.insertAfterRow(300 + n * 400, u"above%1"_s.arg(n));
}

} // namespace

class tst_ViewState : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldKeepCurrentSelectionAndScrollAcrossSnapshot_data();
    void shouldKeepCurrentSelectionAndScrollAcrossSnapshot();
    void resetModelShouldLoseViewState_data();
    void resetModelShouldLoseViewState();
};

void tst_ViewState::shouldKeepCurrentSelectionAndScrollAcrossSnapshot_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("QListView") << u"list"_s;
    QTest::newRow("QTableView") << u"table"_s;
}

void tst_ViewState::shouldKeepCurrentSelectionAndScrollAcrossSnapshot()
{
    QFETCH(QString, kind);

    // Given a loaded model in a view, scrolled to the middle, with a current
    // row and a selection
    ServerRecords server;
    Optimist::ListModel model;
    model.setCollection(u"todos"_s);
    model.setFields(todoFields());
    model.setSortField(u"title"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Optimist::ListModelFeed(&model).applySnapshot(server.snapshot(), u"c1"_s);
    QCOMPARE(model.rowCount(), rowCount);

    ViewHarness view(kind, &model);
    QVERIFY(view.show());
    view.placeUser();
    const ViewState before = view.state();
    QCOMPARE(before.current, server.idAtRow(currentRow));
    QCOMPARE(before.top, server.idAtRow(topRow));
    QCOMPARE(before.selected.size(), qsizetype(std::size(selectedRows)));

    // When the server sends a snapshot that changes 1% of the rows and
    // inserts and removes rows above and below the user's place
    changeServer(server);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);
    Optimist::ListModelFeed(&model).applySnapshot(server.snapshot(), u"c2"_s);
    QCoreApplication::processEvents();

    // Then the model changed in place, and the view still shows the same
    // records at the same places
    QCOMPARE(model.rowCount(), rowCount + 2);
    QCOMPARE(resets.size(), 0);
    QCOMPARE(layouts.size(), 0);
    QVERIFY(!changes.isEmpty());
    QVERIFY(!inserts.isEmpty());
    QVERIFY(!removals.isEmpty());
    const ViewState after = view.state();
    QCOMPARE(after.current, before.current);
    QCOMPARE(after.selected, before.selected);
    QCOMPARE(after.top, before.top);
    // and the current row shows the server's new values
    const QModelIndex current = model.index(model.indexOf(before.current));
    QCOMPARE(current.data(model.roleForField(u"priority"_s)).toInt(), (currentRow % 5 + 1) % 5);
}

void tst_ViewState::resetModelShouldLoseViewState_data()
{
    shouldKeepCurrentSelectionAndScrollAcrossSnapshot_data();
}

void tst_ViewState::resetModelShouldLoseViewState()
{
    QFETCH(QString, kind);

    // Given the hand-written reset model in the same view state
    ServerRecords server;
    ResetListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRecords(server.snapshot());

    ViewHarness view(kind, &model);
    QVERIFY(view.show());
    view.placeUser();
    const ViewState before = view.state();
    QCOMPARE(before.current, server.idAtRow(currentRow));
    QCOMPARE(before.top, server.idAtRow(topRow));
    QCOMPARE(before.selected.size(), qsizetype(std::size(selectedRows)));

    // When it takes the same snapshot
    changeServer(server);
    model.setRecords(server.snapshot());
    QCoreApplication::processEvents();

    // Then the current row and the selection are gone
    const ViewState after = view.state();
    QCOMPARE(model.rowCount(), rowCount + 2);
    QVERIFY(after.current.isEmpty());
    QVERIFY(after.selected.isEmpty());
    // The views keep their scroll offset in rows across a reset, so the top
    // record survives only because as many rows came in above it as went
    // out: this one check cannot tell the two models apart.
    QCOMPARE(after.top, before.top);
}

QTEST_MAIN(tst_ViewState)
#include "tst_viewstate.moc"
