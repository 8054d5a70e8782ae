// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The write pipeline alone, without a socket: the per-client ledger
// (numbering, a resend answered from its recorded outcome, the settled
// floor) against a real SQLite file.
#include "sqlitestorage_p.h"
#include "writepipeline_p.h"
#include <optimist/errorcodes.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace Optimist;
using namespace Qt::StringLiterals;

namespace {

const QString Client = u"client-a"_s;
const QString Todos = u"todos"_s;
const QString Owned = u"owned"_s;

//! One push of a test row: "<tx>:<what>", what being ok (inserts record
//! t<tx>), bad (an unknown field), half (an insert, then a bad update).
QueuedTransaction transaction(const QString &spec)
{
    const QStringList parts = spec.split(u':');
    QueuedTransaction pending;
    pending.clientId = Client;
    pending.tx = parts.at(0).toLongLong();
    const QString id = u"t"_s + parts.at(0);
    const QString what = parts.at(1);
    if (what == u"bad")
        pending.mutations.append({ Mutation::Kind::Insert, Todos, id, { { u"nope"_s, 1 } } });
    else
        pending.mutations.append({ Mutation::Kind::Insert, Todos, id, { { u"title"_s, spec } } });
    if (what == u"half")
        pending.mutations.append({ Mutation::Kind::Update, Todos, id, { { u"done"_s, u"not a bool"_s } } });
    return pending;
}

//! "applied", "before" or "rejected:<code>".
QString describe(const TransactionOutcome &outcome)
{
    switch (outcome.kind) {
    case TransactionOutcome::Kind::Applied:
        return u"applied"_s;
    case TransactionOutcome::Kind::AppliedBefore:
        return u"before"_s;
    case TransactionOutcome::Kind::Rejected:
        break;
    }
    return u"rejected:"_s + outcome.code;
}

//! A transaction of one mutation of an owned record pushed by \a user (no
//! session): "<user> insert|update|remove <id> [<owner>]"; user "-" has
//! no claims (a static token), owner "-" leaves it out.
QueuedTransaction ownedTransaction(qint64 tx, const QString &spec)
{
    const QStringList parts = spec.split(u' ');
    QueuedTransaction pending;
    pending.clientId = Client;
    pending.tx = tx;
    if (parts.at(0) != u"-")
        pending.identity = { parts.at(0), { { u"sub"_s, parts.at(0) } }, {} };
    const QString &op = parts.at(1);
    const Mutation::Kind kind = op == u"insert" ? Mutation::Kind::Insert
        : op == u"update"                       ? Mutation::Kind::Update
                                                : Mutation::Kind::Remove;
    QVariantMap fields;
    if (kind != Mutation::Kind::Remove)
        fields.insert(u"title"_s, spec);
    if (parts.size() > 3 && parts.at(3) != u"-")
        fields.insert(u"owner"_s, parts.at(3));
    pending.mutations.append({ kind, Owned, parts.at(2), fields });
    return pending;
}

} // namespace

class tst_WritePipeline : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void ledger_data();
    void ledger();
    void recordedOutcomeAfterRestart();
    void settledFloor_data();
    void settledFloor();
    void enqueueProcessesOnTheNextPass();
    void rulesShouldUseEachTransactionsIdentity_data();
    void rulesShouldUseEachTransactionsIdentity();

private:
    //! Opens (again) the storage and a pipeline on it.
    void open();
    //! Queues \a specs as one batch and processes it.
    QList<TransactionOutcome> push(const QStringList &specs);
    Storage::Lookup findRejection(qint64 tx, QString *message = nullptr);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SqliteStorage> m_storage;
    ServerState m_state;
    //! Runs the pipeline's queued processQueue(), and goes with it (as the
    //! Server does with its ServerPrivate).
    std::unique_ptr<QObject> m_context;
    std::unique_ptr<WritePipeline> m_pipeline;
    QList<TransactionOutcome> m_delivered;
};

void tst_WritePipeline::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    ServerConfig config;
    config.addCollection(
        Todos, { Field(u"title"_s, Field::Type::String, u""_s), Field(u"done"_s, Field::Type::Bool, false) });
    // Owned records (docs/security.md, "Rules").
    config.addCollection(
        Owned, { Field(u"title"_s, Field::Type::String, u""_s), Field(u"owner"_s, Field::Type::String) });
    config.setCollectionRules(
        Owned, { u"record.owner == auth.sub"_s, u"auth.sub != null && record.owner == auth.sub"_s });
    m_state.config = config;
    m_state.defaultAuthorizer = std::make_unique<TokenAuthorizer>(QStringList());
    open();
}

void tst_WritePipeline::cleanup()
{
    m_context.reset();
    m_pipeline.reset();
    if (m_storage)
        m_storage->close();
    m_storage.reset();
    m_state.storage = nullptr;
    m_dir.reset();
}

void tst_WritePipeline::open()
{
    m_context = std::make_unique<QObject>();
    m_pipeline.reset();
    if (m_storage)
        m_storage->close();
    m_storage = std::make_unique<SqliteStorage>(m_dir->filePath(u"server.db"_s));
    QVERIFY2(m_storage->open(), qPrintable(m_storage->errorString()));
    m_state.storage = m_storage.get();
    m_state.loadCollections();
    m_pipeline = std::make_unique<WritePipeline>(&m_state, m_context.get(),
        [this](const QList<QueuedTransaction> &batch, const QList<TransactionOutcome> &outcomes) {
            QCOMPARE(outcomes.size(), batch.size());
            m_delivered.append(outcomes);
        });
    m_pipeline->lastSeq = m_storage->lastSeq();
}

QList<TransactionOutcome> tst_WritePipeline::push(const QStringList &specs)
{
    QList<QueuedTransaction> batch;
    for (const QString &spec : specs)
        batch.append(transaction(spec));
    m_delivered.clear();
    m_pipeline->enqueue(std::move(batch));
    // Directly, not on the next event-loop pass: one batch, in this call.
    m_pipeline->processQueue();
    return std::exchange(m_delivered, {});
}

Storage::Lookup tst_WritePipeline::findRejection(qint64 tx, QString *message)
{
    QString code;
    QString text;
    const Storage::Lookup found = m_storage->findRejection(Client, tx, &code, &text);
    if (message)
        *message = text;
    return found;
}

void tst_WritePipeline::ledger_data()
{
    QTest::addColumn<QList<QStringList>>("batches");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<qint64>("lastTx");
    QTest::addColumn<qint64>("records");

    const auto row = [](const char *name, QList<QStringList> batches, QStringList expected, qint64 lastTx,
                         qint64 records) { QTest::newRow(name) << batches << expected << lastTx << records; };
    row("numbered in order", { { u"1:ok"_s, u"2:ok"_s }, { u"3:ok"_s } }, { u"applied"_s, u"applied"_s, u"applied"_s },
        3, 3);
    row("a rejection takes its number", { { u"1:bad"_s }, { u"2:ok"_s } },
        { u"rejected:validation_failed"_s, u"applied"_s }, 2, 1);
    row("one past the next is refused", { { u"1:ok"_s }, { u"3:ok"_s } }, { u"applied"_s, u"rejected:internal"_s }, 1,
        1);
    row("far past the next is refused", { { u"1:ok"_s, u"100:ok"_s } }, { u"applied"_s, u"rejected:internal"_s }, 1, 1);
    row("first number other than 1 is refused", { { u"2:ok"_s } }, { u"rejected:internal"_s }, 0, 0);
    row("resend of an applied one, same batch", { { u"1:ok"_s, u"1:ok"_s } }, { u"applied"_s, u"before"_s }, 1, 1);
    row("resend of an applied one, later batch", { { u"1:ok"_s, u"2:ok"_s }, { u"1:ok"_s } },
        { u"applied"_s, u"applied"_s, u"before"_s }, 2, 2);
    row("resend of a rejected one", { { u"1:bad"_s }, { u"1:bad"_s } },
        { u"rejected:validation_failed"_s, u"rejected:validation_failed"_s }, 1, 0);
    // The resend's content does not matter: the outcome is the recorded one.
    row("resend of a rejected one, now valid", { { u"1:bad"_s }, { u"1:ok"_s } },
        { u"rejected:validation_failed"_s, u"rejected:validation_failed"_s }, 1, 0);
    row("resend of an applied one, now invalid", { { u"1:ok"_s }, { u"1:bad"_s } }, { u"applied"_s, u"before"_s }, 1,
        1);
    row("a half-valid transaction is undone whole", { { u"1:half"_s, u"2:ok"_s } },
        { u"rejected:validation_failed"_s, u"applied"_s }, 2, 1);
}

void tst_WritePipeline::ledger()
{
    QFETCH(QList<QStringList>, batches);
    QFETCH(QStringList, expected);
    QFETCH(qint64, lastTx);
    QFETCH(qint64, records);

    QStringList outcomes;
    for (const QStringList &batch : std::as_const(batches)) {
        for (const TransactionOutcome &outcome : push(batch))
            outcomes.append(describe(outcome));
    }
    QCOMPARE(outcomes, expected);

    // What the pipeline holds and what a new one reads back agree.
    qint64 tx = -1;
    QVERIFY(m_pipeline->lastTx(Client, &tx));
    QCOMPARE(tx, lastTx);
    open();
    QVERIFY(m_pipeline->lastTx(Client, &tx));
    QCOMPARE(tx, lastTx);
    qint64 stored = 0;
    QVERIFY(m_storage->lastTx(Client, &stored));
    QCOMPARE(stored, lastTx);
    // Every applied transaction wrote one record, one seq.
    QCOMPARE(m_state.collections.value(Todos).head, records);
}

void tst_WritePipeline::recordedOutcomeAfterRestart()
{
    QList<TransactionOutcome> first = push({ u"1:ok"_s, u"2:bad"_s });
    QCOMPARE(first.size(), 2);
    const qint64 head = m_state.collections.value(Todos).head;

    open();
    qint64 tx = 0;
    QVERIFY(m_pipeline->lastTx(Client, &tx));
    QCOMPARE(tx, 2);
    const QList<TransactionOutcome> again = push({ u"1:ok"_s, u"2:bad"_s });
    QCOMPARE(again.size(), 2);
    // The applied one is answered with the collection's cursor.
    QCOMPARE(describe(again.at(0)), u"before"_s);
    QCOMPARE(again.at(0).cursors.value(Todos).toString(), QString::number(head));
    QVERIFY(again.at(0).deltas.isEmpty());
    // The rejected one with its recorded code and message, word for word.
    QCOMPARE(again.at(1).code, first.at(1).code);
    QCOMPARE(again.at(1).message, first.at(1).message);
    QVERIFY(!again.at(1).message.isEmpty());
}

void tst_WritePipeline::settledFloor_data()
{
    QTest::addColumn<QList<qint64>>("settles");
    QTest::addColumn<qint64>("floor");

    // Transactions 1 and 2 rejected, 3 applied.
    QTest::newRow("nothing settled") << QList<qint64> {} << qint64(0);
    QTest::newRow("settled 0") << QList<qint64> { 0 } << qint64(0);
    QTest::newRow("settled 1") << QList<qint64> { 1 } << qint64(1);
    QTest::newRow("settled the last rejected") << QList<qint64> { 2 } << qint64(2);
    QTest::newRow("settled everything processed") << QList<qint64> { 3 } << qint64(3);
    QTest::newRow("one past what was processed") << QList<qint64> { 4 } << qint64(3);
    QTest::newRow("far past what was processed") << QList<qint64> { 1000 } << qint64(3);
    QTest::newRow("never lowered") << QList<qint64> { 2, 1 } << qint64(2);
    QTest::newRow("raised") << QList<qint64> { 1, 2 } << qint64(2);
}

void tst_WritePipeline::settledFloor()
{
    QFETCH(QList<qint64>, settles);
    QFETCH(qint64, floor);

    push({ u"1:bad"_s, u"2:bad"_s, u"3:ok"_s });
    for (qint64 tx : std::as_const(settles))
        m_pipeline->settle(Client, tx);
    QCOMPARE(m_pipeline->settledFloor.value(Client), floor);
    // Nothing trimmed before the next batch commits.
    QCOMPARE(findRejection(1), Storage::Lookup::Found);
    QCOMPARE(findRejection(2), Storage::Lookup::Found);

    QCOMPARE(describe(push({ u"4:ok"_s }).value(0)), u"applied"_s);
    QVERIFY(m_pipeline->settled.isEmpty());
    for (qint64 tx : { 1, 2 })
        QCOMPARE(findRejection(tx), tx <= floor ? Storage::Lookup::Missing : Storage::Lookup::Found);

    // The floor is stored: a new pipeline reads it back with lastTx.
    open();
    qint64 tx = 0;
    QVERIFY(m_pipeline->lastTx(Client, &tx));
    QCOMPARE(tx, 4);
    QCOMPARE(m_pipeline->settledFloor.value(Client), floor);
}

void tst_WritePipeline::enqueueProcessesOnTheNextPass()
{
    // Pushes that arrive together share one batch.
    m_pipeline->enqueue({ transaction(u"1:ok"_s) });
    m_pipeline->enqueue({ transaction(u"2:ok"_s) });
    QVERIFY(m_delivered.isEmpty());
    QTRY_COMPARE(m_delivered.size(), 2);
    QCOMPARE(describe(m_delivered.at(0)), u"applied"_s);
    QCOMPARE(describe(m_delivered.at(1)), u"applied"_s);
}

void tst_WritePipeline::rulesShouldUseEachTransactionsIdentity_data()
{
    QTest::addColumn<QStringList>("specs");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("owner and others") << QStringList { u"alice insert o1 alice"_s, u"bob update o1"_s,
        u"bob remove o1"_s, u"alice update o1"_s, u"alice update o1 bob"_s, u"bob insert o2 alice"_s,
        u"alice remove o1"_s, u"alice remove o1"_s }
                                      << QStringList { u"applied"_s, u"rejected:forbidden"_s, u"rejected:forbidden"_s,
                                             u"applied"_s, u"rejected:forbidden"_s, u"rejected:forbidden"_s,
                                             u"applied"_s, u"rejected:forbidden"_s };
    QTest::newRow("no claims") << QStringList { u"- insert o1 -"_s, u"- insert o2 alice"_s, u"alice insert o3 alice"_s,
        u"- update o3"_s, u"- remove o3"_s }
                               << QStringList { u"rejected:forbidden"_s, u"rejected:forbidden"_s, u"applied"_s,
                                      u"rejected:forbidden"_s, u"rejected:forbidden"_s };
}

void tst_WritePipeline::rulesShouldUseEachTransactionsIdentity()
{
    QFETCH(QStringList, specs);
    QFETCH(QStringList, expected);
    // One client, no session: each transaction is checked with the
    // identity it was pushed with, all in one batch.
    QList<QueuedTransaction> batch;
    for (const QString &spec : std::as_const(specs))
        batch.append(ownedTransaction(batch.size() + 1, spec));
    m_delivered.clear();
    m_pipeline->enqueue(std::move(batch));
    m_pipeline->processQueue();
    QStringList outcomes;
    for (const TransactionOutcome &outcome : std::exchange(m_delivered, {}))
        outcomes.append(describe(outcome));
    QCOMPARE(outcomes, expected);
    // A refusal names neither owner nor title.
    for (qint64 tx = 1; tx <= specs.size(); ++tx) {
        QString message;
        if (findRejection(tx, &message) == Storage::Lookup::Found) {
            QVERIFY2(!message.contains(u"alice"_s) && !message.contains(u"bob"_s), qPrintable(message));
            QVERIFY2(!message.contains(u"insert"_s), qPrintable(message));
        }
    }
}

QTEST_GUILESS_MAIN(tst_WritePipeline)
#include "tst_writepipeline.moc"
