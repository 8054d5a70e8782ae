// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// The widgets example's TodoWindow against a real Server (the todo schema of
// examples/config/todos.json): typing, editing cells, the check box, the
// server's refusal and sorting, checked on the server by a second peer.

#include "syncfixture.h"
#include "todowindow.h"

#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>

#include <memory>

using namespace Qt::StringLiterals;
using namespace OptimistTest;
using Optimist::ListModel;
using Optimist::SyncClient;

namespace {

enum Column { TitleColumn, DoneColumn, SyncColumn };

} // namespace

class tst_WidgetsExample : public QObject {
    Q_OBJECT

private:
    QByteArray m_config;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TodoWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_viewModelTester;
    std::unique_ptr<QAbstractItemModelTester> m_tableTester;
    std::unique_ptr<Peer> m_observer;

    QAbstractItemModel *model() const { return m_window->view()->model(); }
    SyncClient *client() const { return qobject_cast<SyncClient *>(m_window->todos()->client()); }

    //! The view's row showing \a title, or -1.
    int rowOf(const QString &title) const
    {
        for (int row = 0; row < model()->rowCount(); ++row) {
            if (model()->index(row, TitleColumn).data().toString() == title)
                return row;
        }
        return -1;
    }

    //! The Sync column's value (Qt::EditRole; it shows words).
    int syncStateOf(const QString &title) const
    {
        return model()->index(rowOf(title), SyncColumn).data(Qt::EditRole).toInt();
    }
    QString syncTextOf(const QString &title) const
    {
        return model()->index(rowOf(title), SyncColumn).data().toString();
    }

    QStringList titles() const
    {
        QStringList result;
        for (int row = 0; row < model()->rowCount(); ++row)
            result.append(model()->index(row, TitleColumn).data().toString());
        return result;
    }

    //! The observer's (the server's) record titled \a title.
    QVariantMap serverRecord(const QString &title) const
    {
        const auto records = m_observer->records();
        for (const QVariantMap &record : records) {
            if (record.value(u"title"_s).toString() == title)
                return record;
        }
        return {};
    }

    void typeTodo(const QString &title)
    {
        auto *field = m_window->findChild<QLineEdit *>();
        QVERIFY(field);
        QTest::keyClicks(field, title);
        QTest::keyClick(field, Qt::Key_Return);
    }

    void addConfirmed(const QString &title)
    {
        typeTodo(title);
        QCOMPARE(m_window->findChild<QLineEdit *>()->text(), QString());
        QVERIFY(rowOf(title) >= 0);
        QTRY_COMPARE(syncStateOf(title), int(ListModel::Synced));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // client ids go to QSettings
        QFile config(QStringLiteral(OPTIMIST_TODO_CONFIG));
        QVERIFY(config.open(QIODevice::ReadOnly));
        m_config = config.readAll();
    }

    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start(m_config));
        m_window = std::make_unique<TodoWindow>(m_server->server->url());
        m_viewModelTester = std::make_unique<QAbstractItemModelTester>(
            model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto *table = qobject_cast<QSortFilterProxyModel *>(model())->sourceModel();
        m_tableTester
            = std::make_unique<QAbstractItemModelTester>(table, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(
            client()->state() == SyncClient::Connected && !m_window->todos()->cursor().isEmpty(), 10000);
        m_observer = std::make_unique<Peer>(makePeer(m_server->server->url(), u"observer"_s));
        QTRY_VERIFY_WITH_TIMEOUT(isLive(*m_observer), 10000);
    }

    void cleanup()
    {
        m_observer.reset();
        m_viewModelTester.reset();
        m_tableTester.reset();
        m_window.reset();
        m_server.reset();
    }

    void shouldAddARowWhenEnterIsPressed()
    {
        // When the user types a title and presses Enter
        typeTodo(u"Buy oat milk"_s);

        // Then the field is cleared and the row is there at once, waiting for the server
        QCOMPARE(m_window->findChild<QLineEdit *>()->text(), QString());
        QCOMPARE(titles(), QStringList { u"Buy oat milk"_s });
        QCOMPARE(syncStateOf(u"Buy oat milk"_s), int(ListModel::PendingInsert));
        QCOMPARE(syncTextOf(u"Buy oat milk"_s), u"Adding…"_s);
        QCOMPARE(model()->index(0, SyncColumn).data(Qt::EditRole).toInt(), int(ListModel::PendingInsert));
        QCOMPARE(model()->index(0, DoneColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));

        // and the server confirms it.
        QTRY_COMPARE(syncStateOf(u"Buy oat milk"_s), int(ListModel::Synced));
        QCOMPARE(syncTextOf(u"Buy oat milk"_s), u"Synced"_s);
        QTRY_COMPARE(m_observer->model->count(), 1);
        QCOMPARE(serverRecord(u"Buy oat milk"_s).value(u"done"_s), QVariant(false));
        QCOMPARE(client()->outboxCount(), 0);
    }

    void shouldIgnoreABlankTitle()
    {
        typeTodo(u"   "_s);
        QCOMPARE(m_window->findChild<QLineEdit *>()->text(), u"   "_s);
        QCOMPARE(model()->rowCount(), 0);
        QCOMPARE(client()->outboxCount(), 0);
    }

    void shouldSaveAnEditOfTheTitleCell()
    {
        // Given a confirmed todo
        addConfirmed(u"Book flights"_s);

        // When its title cell is edited through the view's model
        const QModelIndex cell = model()->index(rowOf(u"Book flights"_s), TitleColumn);
        QVERIFY(model()->flags(cell).testFlag(Qt::ItemIsEditable));
        QVERIFY(model()->setData(cell, u"Book flights to Oslo"_s));

        // Then the view shows it at once and the server gets it.
        QCOMPARE(titles(), QStringList { u"Book flights to Oslo"_s });
        QCOMPARE(syncStateOf(u"Book flights to Oslo"_s), int(ListModel::PendingUpdate));
        QTRY_COMPARE(syncStateOf(u"Book flights to Oslo"_s), int(ListModel::Synced));
        QTRY_VERIFY(!serverRecord(u"Book flights to Oslo"_s).isEmpty());
        QCOMPARE(m_observer->model->count(), 1);
    }

    void shouldToggleDoneWithTheCheckBox()
    {
        // Given a confirmed todo
        addConfirmed(u"Water the plants"_s);
        const QModelIndex done = model()->index(rowOf(u"Water the plants"_s), DoneColumn);
        QVERIFY(model()->flags(done).testFlag(Qt::ItemIsUserCheckable));
        QCOMPARE(done.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));

        // When its Done check box is ticked
        QVERIFY(model()->setData(done, Qt::Checked, Qt::CheckStateRole));

        // Then it is checked at once, and on the server once confirmed
        QCOMPARE(done.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(syncStateOf(u"Water the plants"_s), int(ListModel::PendingUpdate));
        QTRY_COMPARE(syncStateOf(u"Water the plants"_s), int(ListModel::Synced));
        QTRY_COMPARE(serverRecord(u"Water the plants"_s).value(u"done"_s), QVariant(true));

        // and unticking it unchecks it there too.
        QVERIFY(model()->setData(done, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(done.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QTRY_COMPARE(serverRecord(u"Water the plants"_s).value(u"done"_s), QVariant(false));
    }

    void shouldToggleDoneWithTheSpaceKey()
    {
        // Given a confirmed todo whose Done cell is current
        addConfirmed(u"Water the plants"_s);
        const QPersistentModelIndex done = model()->index(rowOf(u"Water the plants"_s), DoneColumn);
        m_window->view()->setCurrentIndex(done);

        // When the user presses Space (the view hands it to the check box)
        QTest::keyClick(m_window->view(), Qt::Key_Space);

        // Then it is checked, on the server too, and no editor opened.
        QCOMPARE(done.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(m_window->view()->viewport()->findChild<QLineEdit *>(), nullptr); // no title editor
        QTRY_COMPARE(serverRecord(u"Water the plants"_s).value(u"done"_s), QVariant(true));
    }

    void shouldRollBackATitleTheServerRefuses()
    {
        // Given a confirmed todo
        addConfirmed(u"Review the pull request"_s);
        QSignalSpy rolledBack(m_window->todos(), &ListModel::rolledBack);

        // When its title is set to more than the server's 200 characters
        const QString tooLong(201, u'x');
        QVERIFY(model()->setData(model()->index(rowOf(u"Review the pull request"_s), TitleColumn), tooLong));
        QCOMPARE(titles(), QStringList { tooLong }); // optimistic

        // Then the server refuses it: the old title is back, marked failed,
        QTRY_COMPARE(titles(), QStringList { u"Review the pull request"_s });
        QCOMPARE(syncStateOf(u"Review the pull request"_s), int(ListModel::Failed));
        QCOMPARE(syncTextOf(u"Review the pull request"_s), u"Failed"_s);
        QCOMPARE(rolledBack.size(), 1);
        const QString message = rolledBack.constFirst().at(2).toString();
        QVERIFY2(message.contains(u"200"_s), qPrintable(message));
        // with the reason as the Sync cell's tooltip
        QCOMPARE(
            model()->index(rowOf(u"Review the pull request"_s), SyncColumn).data(Qt::ToolTipRole).toString(), message);

        // and the status bar says why.
        QCOMPARE(m_window->statusBar()->currentMessage(), u"Not saved: "_s + message);
        QCOMPARE(client()->outboxCount(), 0);
        QVERIFY(!serverRecord(u"Review the pull request"_s).isEmpty());
    }

    void shouldOfferARefusedInsertAgain()
    {
        // When a todo with a title over the server's 200 characters is added
        const QString tooLong(201, u'y');
        auto *field = m_window->findChild<QLineEdit *>();
        QVERIFY(field);
        field->setText(tooLong);
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(field->text(), QString());

        // Then the server refuses it: the row goes, its title comes back into the field,
        QTRY_COMPARE(field->text(), tooLong);
        QCOMPARE(titles(), QStringList());
        // and the status bar says why and what to do.
        const QString status = m_window->statusBar()->currentMessage();
        QVERIFY2(status.startsWith(u"Not added: "_s) && status.contains(u"200"_s), qPrintable(status));
        QCOMPARE(client()->outboxCount(), 0);
    }

    void shouldSortByTheTitleColumn()
    {
        // Given todos in creation order
        for (const QString &title : { u"Banana"_s, u"Cherry"_s, u"Apple"_s })
            addConfirmed(title);
        QCOMPARE(titles(), (QStringList { u"Banana"_s, u"Cherry"_s, u"Apple"_s }));

        // When the user clicks the Title header
        QHeaderView *header = m_window->view()->horizontalHeader();
        const QPoint titleSection(header->sectionViewportPosition(TitleColumn) + 10, header->height() / 2);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, titleSection);

        // Then the rows are in title order
        QCOMPARE(header->sortIndicatorSection(), int(TitleColumn));
        const Qt::SortOrder first = header->sortIndicatorOrder();
        const QStringList ascending { u"Apple"_s, u"Banana"_s, u"Cherry"_s };
        const QStringList descending { u"Cherry"_s, u"Banana"_s, u"Apple"_s };
        QCOMPARE(titles(), first == Qt::AscendingOrder ? ascending : descending);

        // and a second click reverses them.
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, titleSection);
        QVERIFY(header->sortIndicatorOrder() != first);
        QCOMPARE(titles(), first == Qt::AscendingOrder ? descending : ascending);

        // A new todo and a rename take their sorted places.
        m_window->view()->sortByColumn(TitleColumn, Qt::AscendingOrder);
        typeTodo(u"Blueberry"_s);
        QCOMPARE(titles(), (QStringList { u"Apple"_s, u"Banana"_s, u"Blueberry"_s, u"Cherry"_s }));
        QVERIFY(model()->setData(model()->index(rowOf(u"Apple"_s), TitleColumn), u"Damson"_s));
        QCOMPARE(titles(), (QStringList { u"Banana"_s, u"Blueberry"_s, u"Cherry"_s, u"Damson"_s }));
        QTRY_COMPARE(client()->outboxCount(), 0);
        QCOMPARE(titles(), (QStringList { u"Banana"_s, u"Blueberry"_s, u"Cherry"_s, u"Damson"_s }));
    }

    void shouldDeleteTheSelectedRowsInOneTransaction()
    {
        // Given three confirmed todos, two of them selected
        for (const QString &title : { u"One"_s, u"Two"_s, u"Three"_s })
            addConfirmed(title);
        QTRY_COMPARE(m_observer->model->count(), 3);
        auto *selection = m_window->view()->selectionModel();
        selection->select(model()->index(rowOf(u"One"_s), 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        selection->select(
            model()->index(rowOf(u"Three"_s), 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);

        // When the user clicks Delete
        QPushButton *remove = nullptr;
        for (auto *button : m_window->findChildren<QPushButton *>()) {
            if (button->text() == u"Delete"_s)
                remove = button;
        }
        QVERIFY(remove);
        QTest::mouseClick(remove, Qt::LeftButton);

        // Then both go at once, as one transaction, and from the server.
        QCOMPARE(titles(), QStringList { u"Two"_s });
        QCOMPARE(client()->outboxCount(), 1);
        QTRY_COMPARE(m_observer->model->count(), 1);
        QCOMPARE(serverRecord(u"Two"_s).isEmpty(), false);
        QTRY_COMPARE(client()->outboxCount(), 0);
    }
};

QTEST_MAIN(tst_WidgetsExample)

#include "tst_widgetsexample.moc"
