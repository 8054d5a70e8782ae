// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "modelsignalreplayer.h"
#include "todofixture.h"

#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>

#include <QtCore/QPointer>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Optimist;
using namespace OptimistTest;

namespace {

std::unique_ptr<ListModel> makeModel(const QString &collection, const QList<QVariantMap> &records)
{
    auto model = std::make_unique<ListModel>();
    model->setCollection(collection);
    model->setFields(todoFields());
    new QAbstractItemModelTester(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest, model.get());
    ListModelFeed(model.get()).applySnapshot(records, u"c1"_s);
    return model;
}

//! Counts a transaction's signals.
struct TransactionSpies {
    explicit TransactionSpies(Transaction *tx)
        : accepted(tx, &Transaction::accepted)
        , rejected(tx, &Transaction::rejected)
        , finished(tx, &Transaction::finished)
        , committed(tx, &Transaction::committed)
    {
    }
    QSignalSpy accepted;
    QSignalSpy rejected;
    QSignalSpy finished;
    QSignalSpy committed;
};

bool confirm(ListModel &model, Transaction *tx)
{
    QList<RecordChange> changes;
    for (const Mutation &m : tx->mutations()) {
        if (m.collection != model.collection())
            continue;
        if (m.kind == Mutation::Kind::Remove) {
            changes.append(RecordChange::remove(m.id));
        } else {
            QVariantMap record = model.confirmedRecord(m.id);
            for (auto it = m.fields.cbegin(); it != m.fields.cend(); ++it)
                record.insert(it.key(), it.value());
            changes.append(RecordChange::upsert(m.id, record));
        }
    }
    const QString next = u"c"_s + QString::number(model.cursor().mid(1).toInt() + 1);
    return ListModelFeed(&model).applyDelta(changes, model.cursor(), next, { tx->id() });
}

} // namespace

class tst_Transaction : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldGoFromPendingThroughSentToAccepted()
    {
        // Given a model and an edit's transaction
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        QPointer<Transaction> tx = model->update(u"a"_s, { { u"title"_s, u"A2"_s } });
        TransactionSpies spies(tx);
        QSignalSpy stateChanged(tx.data(), &Transaction::stateChanged);
        QCOMPARE(tx->state(), Transaction::Pending);
        QVERIFY(tx->isCommitted());
        QVERIFY(!tx->isFinished());
        QVERIFY(tx->autoDelete());
        QCOMPARE(tx->models(), QList<ListModel *> { model.get() });
        // When the transport sends it
        tx->markSent();
        tx->markSent();
        // Then it is Sent, once
        QCOMPARE(tx->state(), Transaction::Sent);
        QCOMPARE(stateChanged.size(), 1);
        // When the server confirms it
        QVERIFY(confirm(*model, tx));
        // Then it is Accepted and says so exactly once
        QCOMPARE(tx->state(), Transaction::Accepted);
        QVERIFY(tx->isFinished());
        QCOMPARE(spies.accepted.size(), 1);
        QCOMPARE(spies.finished.size(), 1);
        QCOMPARE(spies.rejected.size(), 0);
        QCOMPARE(stateChanged.size(), 2);
        // When a late reject or markSent arrives
        tx->markSent();
        tx->reject(u"internal"_s, u"late"_s);
        // Then nothing changes
        QCOMPARE(tx->state(), Transaction::Accepted);
        QCOMPARE(spies.rejected.size(), 0);
        QCOMPARE(spies.finished.size(), 1);
        QCOMPARE(model->get(u"a"_s).value(u"title"_s), QVariant(u"A2"_s));
        // And it deletes itself afterwards
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(!tx);
    }

    void shouldGoFromSentToRejected()
    {
        // Given a sent transaction
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        QPointer<Transaction> tx = model->update(u"a"_s, { { u"title"_s, u"A2"_s } });
        TransactionSpies spies(tx);
        tx->markSent();
        // When the server rejects it
        tx->reject(u"forbidden"_s, u"read only"_s);
        // Then it is Rejected once, with the reason, and the edit is rolled back
        QCOMPARE(tx->state(), Transaction::Rejected);
        QCOMPARE(tx->errorCode(), u"forbidden"_s);
        QCOMPARE(tx->errorString(), u"read only"_s);
        QCOMPARE(spies.rejected.size(), 1);
        QCOMPARE(spies.rejected.at(0).at(0).toString(), u"forbidden"_s);
        QCOMPARE(spies.rejected.at(0).at(1).toString(), u"read only"_s);
        QCOMPARE(spies.finished.size(), 1);
        QCOMPARE(spies.accepted.size(), 0);
        QCOMPARE(model->get(u"a"_s).value(u"title"_s), QVariant(u"A"_s));
        // When it is rejected again
        tx->reject(u"internal"_s, u"again"_s);
        // Then nothing more happens
        QCOMPARE(spies.rejected.size(), 1);
        QCOMPARE(tx->errorCode(), u"forbidden"_s);
    }

    void shouldRollBackEveryModelOfARejectedTransaction()
    {
        // Given one transaction editing two models
        auto todos = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        auto notes = makeModel(u"notes"_s, { todo(u"n"_s, u"N"_s) });
        ModelSignalReplayer todosReplay(todos.get());
        ModelSignalReplayer notesReplay(notes.get());
        Transaction tx;
        TransactionSpies spies(&tx);
        QSignalSpy todosCommitted(todos.get(), &ListModel::transactionCommitted);
        tx.run([&] {
            todos->update(u"a"_s, { { u"title"_s, u"A2"_s } });
            notes->insert(todo(u"m"_s, u"M"_s));
            notes->remove(u"n"_s);
        });
        QCOMPARE(spies.committed.size(), 1);
        QCOMPARE(todosCommitted.size(), 1);
        QCOMPARE(tx.models(), (QList<ListModel *> { todos.get(), notes.get() }));
        QCOMPARE(tx.mutations().size(), 3);
        QCOMPARE(tx.mutations().at(1).collection, u"notes"_s);
        QCOMPARE(ids(*notes), QStringList { u"m"_s });
        // When it is rejected
        tx.reject(u"conflict"_s, u"no"_s);
        // Then both models roll back
        QCOMPARE(todos->get(u"a"_s).value(u"title"_s), QVariant(u"A"_s));
        QCOMPARE(ids(*notes), QStringList { u"n"_s });
        QCOMPARE(todos->pendingCount(), 0);
        QCOMPARE(notes->pendingCount(), 0);
        QCOMPARE(spies.rejected.size(), 1);
        QCOMPARE(todosReplay.verify(), QString());
        QCOMPARE(notesReplay.verify(), QString());
    }

    void shouldAcceptOnlyWhenEveryModelConfirmed()
    {
        // Given one transaction editing two models
        auto todos = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        auto notes = makeModel(u"notes"_s, {});
        Transaction tx;
        TransactionSpies spies(&tx);
        tx.run([&] {
            todos->update(u"a"_s, { { u"done"_s, true } });
            notes->insert(todo(u"m"_s, u"M"_s));
        });
        // When one model confirms
        QVERIFY(confirm(*todos, &tx));
        // Then it is not accepted yet
        QCOMPARE(tx.state(), Transaction::Pending);
        QCOMPARE(spies.accepted.size(), 0);
        QCOMPARE(todos->pendingCount(), 0);
        QCOMPARE(notes->pendingCount(), 1);
        // When the other confirms
        QVERIFY(confirm(*notes, &tx));
        // Then it is
        QCOMPARE(tx.state(), Transaction::Accepted);
        QCOMPARE(spies.accepted.size(), 1);
        QCOMPARE(spies.finished.size(), 1);
    }

    void shouldGroupEditsInRun()
    {
        // Given a model and a transaction
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        Transaction tx;
        QVERIFY(!tx.autoDelete());
        QCOMPARE(Transaction::current(), nullptr);
        Transaction *seenInside = nullptr;
        Transaction *returned = nullptr;
        // When edits run inside it
        tx.run([&] {
            seenInside = Transaction::current();
            returned = model->insert(todo(u"b"_s, u"B"_s));
            model->update(u"a"_s, { { u"rank"_s, 4 } });
        });
        // Then they joined it, it is current only inside, and it is committed after
        QCOMPARE(seenInside, &tx);
        QCOMPARE(returned, &tx);
        QCOMPARE(Transaction::current(), nullptr);
        QVERIFY(tx.isCommitted());
        QCOMPARE(tx.mutations().size(), 2);
        QCOMPARE(model->pendingCount(), 1);
        QCOMPARE(model->pendingTransactions(), QList<Transaction *> { &tx });
    }

    void shouldJoinOuterTransactionInNestedRun()
    {
        // Given an outer and an inner transaction
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        Transaction outer;
        Transaction inner;
        TransactionSpies outerSpies(&outer);
        Transaction *currentInInner = nullptr;
        // When the inner runs inside the outer
        outer.run([&] {
            model->insert(todo(u"b"_s, u"B"_s));
            inner.run([&] {
                currentInInner = Transaction::current();
                model->insert(todo(u"c"_s, u"C"_s));
            });
            // Then the outer is not committed before its own run ends
            QVERIFY(!outer.isCommitted());
            QCOMPARE(Transaction::current(), &outer);
        });
        // Then every edit joined the outer
        QCOMPARE(currentInInner, &outer);
        QCOMPARE(outer.mutations().size(), 2);
        QVERIFY(inner.mutations().isEmpty());
        QCOMPARE(outerSpies.committed.size(), 1);
        QCOMPARE(Transaction::current(), nullptr);
        QCOMPARE(model->pendingCount(), 1);
    }

    void shouldRejectWholeTransactionOnValidationFailure()
    {
        // Given a multi-edit transaction whose third edit breaks the schema
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        ModelSignalReplayer replay(model.get());
        Transaction tx;
        TransactionSpies spies(&tx);
        QSignalSpy rolledBack(model.get(), &ListModel::rolledBack);
        Transaction *afterFailure = nullptr;
        // When it runs
        tx.run([&] {
            model->insert(todo(u"b"_s, u"B"_s));
            model->update(u"a"_s, { { u"title"_s, u"A2"_s } });
            model->update(u"a"_s, { { u"rank"_s, u"high"_s } });
            afterFailure = model->insert(todo(u"c"_s, u"C"_s));
        });
        // Then the whole transaction is rejected and its earlier edits are rolled back;
        // the signals come on the next turn, so a caller of run() can still connect
        QCOMPARE(tx.state(), Transaction::Rejected);
        QCOMPARE(tx.errorCode(), u"validation_failed"_s);
        QCOMPARE(spies.rejected.size(), 0);
        QVERIFY(spies.rejected.wait());
        QCOMPARE(spies.rejected.size(), 1);
        QCOMPARE(spies.finished.size(), 1);
        QCOMPARE(spies.accepted.size(), 0);
        QCOMPARE(ids(*model), QStringList { u"a"_s });
        QCOMPARE(model->get(u"a"_s).value(u"title"_s), QVariant(u"A"_s));
        QCOMPARE(model->pendingCount(), 0);
        QCOMPARE(rolledBack.size(), 2);
        // ... and later edits in it are refused
        QCOMPARE(afterFailure, &tx);
        QVERIFY(!model->contains(u"c"_s));
        QCOMPARE(replay.verify(), QString());
    }

    void shouldRefuseEditsThroughCommittedTransaction()
    {
        // Given a committed transaction
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        ModelSignalReplayer replay(model.get());
        Transaction tx;
        tx.run([&] { model->update(u"a"_s, { { u"done"_s, true } }); });
        QVERIFY(tx.isCommitted());
        QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
        // When an edit passes it explicitly
        Transaction *returned = model->insert(todo(u"b"_s, u"B"_s), &tx);
        // Then the edit is refused, with an error on the model
        QCOMPARE(returned, &tx);
        QCOMPARE(inserted.size(), 0);
        QVERIFY(!model->contains(u"b"_s));
        QCOMPARE(tx.mutations().size(), 1);
        QVERIFY(model->errorString().contains(u"committed"_s));
        QCOMPARE(tx.state(), Transaction::Pending);
        QCOMPARE(replay.verify(), QString());
    }

    void shouldCollectEditsPassedExplicitly()
    {
        // Given an open transaction passed to each call
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        Transaction tx;
        TransactionSpies spies(&tx);
        model->insert(todo(u"b"_s, u"B"_s), &tx);
        model->remove(u"a"_s, &tx);
        // Then nothing is committed until commit()
        QVERIFY(!tx.isCommitted());
        QCOMPARE(spies.committed.size(), 0);
        tx.commit();
        tx.commit();
        QCOMPARE(spies.committed.size(), 1);
        QCOMPARE(tx.mutations().size(), 2);
        QCOMPARE(tx.mutations().at(1).kind, Mutation::Kind::Remove);
        QCOMPARE(ids(*model), QStringList { u"b"_s });
    }

    void shouldDeleteAutoDeleteTransactionAfterFinished()
    {
        // Given a model-created transaction and a user one with autoDelete
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        QPointer<Transaction> created = model->update(u"a"_s, { { u"done"_s, true } });
        QPointer<Transaction> own = new Transaction;
        own->setAutoDelete(true);
        own->run([&] { model->update(u"a"_s, { { u"rank"_s, 1 } }); });
        // When they are still pending
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        // Then they live
        QVERIFY(created);
        QVERIFY(own);
        // When they finish
        created->reject(u"forbidden"_s, u"no"_s);
        QVERIFY(confirm(*model, own));
        QCOMPARE(own->state(), Transaction::Accepted);
        // Then they delete themselves
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(!created);
        QVERIFY(!own);
    }

    void shouldRollBackWhenPendingTransactionIsDestroyed()
    {
        // Given a pending transaction with edits
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        ModelSignalReplayer replay(model.get());
        QSignalSpy rolledBack(model.get(), &ListModel::rolledBack);
        auto *tx = new Transaction;
        tx->run([&] {
            model->insert(todo(u"b"_s, u"B"_s));
            model->update(u"a"_s, { { u"title"_s, u"A2"_s } });
        });
        QCOMPARE(model->rowCount(), 2);
        // When it is destroyed
        delete tx;
        // Then its edits are rolled back
        QCOMPARE(ids(*model), QStringList { u"a"_s });
        QCOMPARE(model->get(u"a"_s).value(u"title"_s), QVariant(u"A"_s));
        QCOMPARE(model->pendingCount(), 0);
        QCOMPARE(model->pendingTransactions(), QList<Transaction *>());
        QCOMPARE(rolledBack.size(), 2);
        QCOMPARE(replay.verify(), QString());
    }

    void shouldSurviveModelDestroyedBeforeTransaction()
    {
        // Given a transaction over two models
        auto todos = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        auto notes = makeModel(u"notes"_s, {});
        Transaction tx;
        TransactionSpies spies(&tx);
        tx.run([&] {
            todos->update(u"a"_s, { { u"done"_s, true } });
            notes->insert(todo(u"m"_s, u"M"_s));
        });
        // When one model goes away and the other confirms
        notes.reset();
        QCOMPARE(tx.models(), QList<ListModel *> { todos.get() });
        QVERIFY(confirm(*todos, &tx));
        // Then the transaction is accepted
        QCOMPARE(tx.state(), Transaction::Accepted);
        QCOMPARE(spies.accepted.size(), 1);
    }

    void shouldAcceptUpdateThatChangesNothing()
    {
        // Given a model
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        // When an update sets what the row has
        QPointer<Transaction> tx = model->update(u"a"_s, { { u"title"_s, u"A"_s } });
        TransactionSpies spies(tx);
        // Then the transaction has no mutations and is accepted on the next turn
        QVERIFY(tx->mutations().isEmpty());
        QCOMPARE(spies.accepted.size(), 0);
        QVERIFY(spies.accepted.wait());
        QCOMPARE(spies.accepted.size(), 1);
        QCOMPARE(spies.finished.size(), 1);
        QCOMPARE(tx->state(), Transaction::Accepted);
        QCOMPARE(model->pendingCount(), 0);
        // And an empty user transaction is accepted at once, its signals on the next turn
        Transaction empty;
        TransactionSpies emptySpies(&empty);
        empty.run([] {});
        QCOMPARE(empty.state(), Transaction::Accepted);
        QCOMPARE(emptySpies.accepted.size(), 0);
        QVERIFY(emptySpies.accepted.wait());
        QCOMPARE(emptySpies.accepted.size(), 1);
        QCOMPARE(emptySpies.committed.size(), 0);
    }

    void shouldQueueSignalsOfTransactionFinishedInsideCreatingCall()
    {
        // Given a transport that acknowledges every committed transaction synchronously
        auto model = makeModel(u"todos"_s, { todo(u"a"_s, u"A"_s) });
        connect(model.get(), &ListModel::transactionCommitted, this,
            [&](Transaction *tx) { ListModelFeed(model.get()).acknowledge(tx->id(), model->cursor()); });
        // When an edit is made
        QPointer<Transaction> tx = model->update(u"a"_s, { { u"done"_s, true } });
        // Then it is accepted already, but the caller can still connect in time
        QCOMPARE(tx->state(), Transaction::Accepted);
        TransactionSpies spies(tx);
        QCOMPARE(spies.accepted.size(), 0);
        QTRY_COMPARE(spies.finished.size(), 1);
        QCOMPARE(spies.accepted.size(), 1);
        QCOMPARE(spies.rejected.size(), 0);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(!tx);
    }

    void shouldGiveIncreasingIds()
    {
        Transaction a;
        Transaction b;
        QVERIFY(b.id() > a.id());
        QVERIFY(a.id() > 0);
    }
};

QTEST_GUILESS_MAIN(tst_Transaction)
#include "tst_transaction.moc"
