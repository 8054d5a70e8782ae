// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "serverstate_p.h"

#include <QtCore/QJsonArray>
#include <QtCore/QPointer>

#include <functional>

namespace Optimist {

//! A pushed transaction waiting for the next batch.
struct QueuedTransaction {
    //! Null for a transaction whose connection went (or in a test).
    QPointer<Session> session;
    QString clientId;
    qint64 tx = 0;
    QList<Mutation> mutations;
    //! Who pushed it: the rules are checked with this identity, even when
    //! its connection has gone or another one took over its clientId.
    Identity identity;
    //! Set when the session already knows the transaction must be rejected
    //! (unreadable, too large).
    QLatin1StringView rejectCode;
    QString rejectMessage;
};

//! What became of one queued transaction.
struct TransactionOutcome {
    enum class Kind { Applied, AppliedBefore, Rejected };
    struct Delta {
        QString collection;
        qint64 prevCursor = 0;
        QJsonArray changes;
        //! Per change, the record before and after: which subscriber sees
        //! it come, change or leave.
        QList<ChangeImages> images;
    };

    Kind kind = Kind::Rejected;
    QString code;
    QString message;
    qint64 seq = 0;
    QList<Delta> deltas;
    //! For AppliedBefore: each collection's cursor when it was answered.
    //! (An applied transaction's ack names the cursors of its batch.)
    QJsonObject cursors;

    static TransactionOutcome rejected(QLatin1StringView code, const QString &message)
    {
        TransactionOutcome outcome;
        outcome.code = code;
        outcome.message = message;
        return outcome;
    }
};

//! The write pipeline: queues pushed transactions, applies them in batches
//! (one database transaction each), and keeps the per-client ledger —
//! which numbers are taken, the last one processed, and the settled floor
//! under which outcomes may be forgotten. It answers nothing itself: each
//! processed batch goes to \c deliver (the fan-out). No socket involved.
class WritePipeline {
public:
    using Deliver = std::function<void(const QList<QueuedTransaction> &, const QList<TransactionOutcome> &)>;

    //! \a context runs the queued processQueue() (its thread).
    WritePipeline(ServerState *state, QObject *context, Deliver deliver);

    //! Loads (and caches) what welcome reports as lastTx; false on a DB error.
    bool lastTx(const QString &clientId, qint64 *tx);
    //! The client holds the outcome of every transaction up to \a tx: its
    //! recorded rejections up to there can go (with the next batch).
    void settle(const QString &clientId, qint64 tx);
    //! Queues \a transactions; they are processed on the next event-loop pass.
    void enqueue(QList<QueuedTransaction> &&transactions);
    //! Processes everything queued, a batch at a time.
    void processQueue();
    //! Forgets the ledger (Server::close()).
    void clear();

    //! The highest seq (cursor) assigned.
    qint64 lastSeq = 0;
    QHash<QString, qint64> lastTxByClient;
    //! Per clientId, the highest tx taken (processed or queued, on any
    //! connection); the next new transaction must be this + 1.
    QHash<QString, qint64> takenTx;
    //! settledTx of pushes, applied with the next batch.
    QHash<QString, qint64> settled;
    //! Per clientId, the highest settledTx taken: outcomes at or below it
    //! may be forgotten, so a resend there is refused, never answered.
    QHash<QString, qint64> settledFloor;

private:
    //! What applying one mutation gave: its change for the delta, or why not.
    struct MutationResult {
        //! Empty when applied.
        QLatin1StringView code;
        QString message;
        QJsonObject change;
        ChangeImages images;

        bool applied() const { return code.isEmpty(); }
        static MutationResult failed(QLatin1StringView code, const QString &message)
        {
            return { code, message, {}, {} };
        }
    };
    //! A transaction's mutations applied in order, up to the first failure.
    struct Changes {
        QLatin1StringView code;
        QString message;
        QHash<QString, ChangeBatch> byCollection;
        //! The collections in the order first touched.
        QStringList touched;
    };

    //! One batch: its outcomes, committed, or all rejected if the database failed.
    QList<TransactionOutcome> processBatch(QList<QueuedTransaction> *batch);
    //! Writes the batch's ledger and trims; false if the database failed.
    bool commitBatch();
    //! Restores what the failed batch changed in memory and rejects all of it.
    QList<TransactionOutcome> undoBatch(qint64 savedLastSeq, QList<QueuedTransaction> *batch);
    TransactionOutcome process(const QueuedTransaction &pending);
    //! A transaction at or below lastTx: its recorded outcome.
    TransactionOutcome recordedOutcome(const QueuedTransaction &pending);
    Changes applyMutations(const QueuedTransaction &pending, qint64 seq);
    TransactionOutcome appliedOutcome(qint64 seq, const Changes &changes);
    MutationResult applyMutation(const QueuedTransaction &pending, const Mutation &mutation, qint64 seq, int index);
    //! Checks \a checked's fields against the schema, normalising values
    //! and (for an insert) filling in defaults.
    MutationResult validate(const Collection &c, Mutation *checked) const;
    // The collection's rules and the per-record hooks (writerules.cpp;
    // docs/security.md, "Rules").
    //! Whether \a identity may make \a checked, which turns \a before
    //! (empty for an insert) into \a after (empty for a remove).
    MutationResult checkRules(const Collection &c, const Identity &identity, const Mutation &checked,
        const QJsonObject &before, const QJsonObject &after) const;
    //! \a record with \a checked's fields: what an insert or update makes.
    static QJsonObject merged(QJsonObject record, const Mutation &checked);
    static MutationResult forbidden(const Mutation &mutation);
    //! The answer to an update or remove of an id that does not exist, and
    //! the same to one of a record the user cannot read.
    static MutationResult notFound(const Collection &c, const Mutation &mutation);
    //! The record as stored (cache first); a conflict if it must (not) exist.
    MutationResult readCurrent(Collection *c, const Mutation &mutation, QJsonObject *record);
    MutationResult write(
        Collection *c, const Mutation &mutation, const Mutation &checked, QJsonObject record, qint64 seq, int index);
    void forgetCached(const QList<std::pair<QString, QString>> &records);
    //! After a failed batch: answers every queued transaction of its clients
    //! too (they were taken on top of the failed ones) and takes their
    //! numbers back to lastTx, so that nothing above it stays taken.
    void dropTaken(QList<QueuedTransaction> *batch);

    ServerState *m_state;
    QObject *m_context;
    Deliver m_deliver;
    QList<QueuedTransaction> m_queue;

    // The batch being processed: in-memory state to restore if its database
    // transaction fails.
    bool m_databaseFailed = false;
    QHash<QString, qint64> m_undoHeads;
    QHash<QString, qint64> m_undoLastTx;
    //! lastTx per client to write before the batch commits: one row per
    //! client and batch instead of one per transaction.
    QHash<QString, qint64> m_batchLastTx;
    //! Records the current transaction wrote to the cache.
    QList<std::pair<QString, QString>> m_txCached;
};

} // namespace Optimist
