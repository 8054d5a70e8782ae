// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "expression.h"
#include "listmodel.h"
#include "listmodelfeed.h"
#include "rowlist_p.h"
#include "schema.h"

#include <QtCore/QHash>
#include <QtCore/QPointer>
#include <QtCore/QSet>

#include <functional>
#include <vector>

namespace Optimist {

class SnapshotReader;

//! One pending local edit of one record.
struct PendingOp {
    Mutation::Kind kind;
    quint64 transactionId;
    //! Insert: every field's value. Update: the changed fields.
    QVariantList values;
    //! Update: which fields \a values holds, in schema order.
    QList<int> fieldIndexes;
};

//! Everything the model knows about one id: the confirmed record, the
//! pending edits on it, and what the view currently shows.
struct Entry {
    QString id;
    quint64 seq = 0; //!< creation order: the default sort key
    bool hasConfirmed = false;
    QVariantList confirmed;
    quint64 confirmedRevision = 0; //!< 0: unknown
    QList<PendingOp> ops; //!< in the order they were made

    // What the rows show right now: what the model's signals announced.
    bool visible = false;
    QVariantList values;
    //! The sort field's value rows[] is ordered by: that of values, except
    //! while a moved row waits for the dataChanged that shows its new values.
    QVariant sortKey;
    ListModel::SyncState shownState = ListModel::Synced;
    QString shownError;
    //! Not shown only because the filter refuses its values: local edits
    //! may still touch it (and move it back in).
    bool filteredOut = false;

    QString errorString; //!< message of the last rejected edit, until the next local edit
    quint64 snapshotGeneration = 0; //!< the last snapshot that named this id
    size_t snapshotPosition = 0; //!< its index in that snapshot (see snapshotOrder)
};

//! One transaction's footprint in this model.
struct PendingTransaction {
    quint64 id;
    QPointer<Transaction> transaction;
    QStringList ids; //!< records it edits here
};

class ListModelPrivate {
public:
    explicit ListModelPrivate(ListModel *q)
        : q(q)
    {
    }

    static ListModelPrivate *get(ListModel *model) { return model->d.get(); }

    // --- schema
    int fieldIndex(const QString &name) const { return schema.indexOf(name); }
    //! Coerces a server record into schema order; unknown keys are ignored.
    QVariantList recordValues(const QVariantMap &record) const;
    QVariantMap toMap(const Entry *entry, const QVariantList &values) const;

    // --- ordering
    //! The sort key of a record with these values (null without a sort field).
    const QVariant &sortKeyOf(const QVariantList &values) const;
    //! <0, 0, >0: where a record with the keys \a a sorts against one with \a b.
    int compareKeys(const QVariant &aKey, quint64 aSeq, const QString &aId, const QVariant &bKey, quint64 bSeq,
        const QString &bId) const;
    //! <0, 0, >0: where a record with these keys sorts against \a b.
    int compare(const QVariant &key, quint64 seq, const QString &id, const Entry *b) const
    {
        return compareKeys(key, seq, id, b->sortKey, b->seq, b->id);
    }
    bool lessThan(const Entry *a, const Entry *b) const { return compare(a->sortKey, a->seq, a->id, b) < 0; }
    //! First row whose record sorts at or after the given keys.
    int lowerBound(const QVariant &key, quint64 seq, const QString &id) const;
    int rowOf(const Entry *entry) const;
    //! Applies \a change (a new sort field or order) inside one layout change.
    void resort(const std::function<void()> &change);

    // --- state
    Entry *entry(const QString &id) const { return entries.value(id); }
    //! Shown, and not waiting for its removal: local edits may touch it.
    Entry *editableEntry(const QString &id) const
    {
        Entry *e = entry(id);
        return e && (e->visible || e->filteredOut) && e->shownState != ListModel::PendingRemove ? e : nullptr;
    }
    Entry *ensureEntry(const QString &id);
    //! Sets what the server confirmed for \a entry; false if nothing changed.
    bool setConfirmed(Entry *entry, QVariantList values, quint64 revision);
    //! The server removed \a entry's record; false if it had none.
    bool clearConfirmed(Entry *entry);
    struct Computed {
        bool visible;
        QVariantList values;
        ListModel::SyncState state;
        QString error;
        bool filteredOut = false;
    };
    Computed compute(const Entry *entry) const;

    //! Recomputes the touched entries and emits the minimal row signals:
    //! planned by planRows(), emitted by a RowSignalExecutor.
    void commitTouched(QList<Entry *> touched);
    class RowSignalExecutor;
    //! Makes \a now what \a entry shows (and is ordered by).
    void show(Entry *entry, Computed &&now) const;
    QList<int> changedRoles(const Entry *entry, const Computed &now) const;
    void dropIfUnused(Entry *entry);

    // --- transactions
    PendingTransaction *pendingTransaction(quint64 id);
    void recordOp(Transaction *tx, Entry *entry, PendingOp op, const Mutation &mutation);
    //! Drops \a id's edits (settled by the server or rolled back). Returns
    //! the entries they touched.
    QList<Entry *> dropTransaction(quint64 id);
    //! Drops the transactions in \a ids the server applied (unknown ones are
    //! ignored) and returns the entries they touched. Each is told it is
    //! confirmed here when the outermost StatusGuard ends, after the rows and
    //! the status show it.
    QList<Entry *> settle(const QList<quint64> &ids);
    //! Settles \a ids now and commits.
    void confirm(const QList<quint64> &ids);
    void rollback(Transaction *tx, const QString &code, const QString &message);
    class Edit;
    //! Rebuilds the schema from \a fields (and the collection's name).
    void rebuildSchema(const Fields &fields);
    //! Finds the display and sort fields in the schema.
    void updateFieldIndexes();

    // --- the filter (filter.cpp)
    //! Whether a record of \a entry with \a values passes the filter
    //! (always without one, never with an invalid one).
    bool passesFilter(const Entry *entry, const QVariantList &values) const;
    //! Parses filter.text and checks it against the schema and the params:
    //! sets filter.expression, or filter.error (and errorString).
    void checkFilter();
    //! Shows every record as the filter now says: rows leave and come, no reset.
    void refilter();

    // --- status (see StatusGuard): these set the value; the guard notifies
    void setErrorString(const QString &message);
    void setCursor(const QString &cursor);
    void setLoading(bool loading);

    // --- the feed (see ListModelFeed)
    void applySnapshot(const QList<SnapshotRecord> &records, const QString &cursor);
    //! Finds or creates the entry of snapshot record \a id, walking the
    //! previous snapshot's order alongside (\a expected: where it probably is).
    Entry *snapshotEntry(const QString &id, const std::vector<Entry *> &previousOrder, size_t &expected);
    //! Takes the record of a named entry; true if its confirmed record changed.
    bool takeSnapshotRecord(Entry *entry, const SnapshotRecord &record, SnapshotReader &reader);
    //! Clears the confirmed records the snapshot of \a generation did not name.
    void sweepUnnamed(quint64 generation, QList<Entry *> &touched);
    //! The first load: one reset.
    void loadFirst(QList<Entry *> touched);
    bool applyDelta(const QList<RecordChange> &changes, const QString &prevCursor, const QString &cursor,
        const QList<quint64> &acknowledged);
    void acknowledge(quint64 transactionId, const QString &cursor);
    void renameRecord(const QString &oldId, const QString &newId);
    void forgetCursor();

    ListModel *q;
    QPointer<Transport> client;
    QString collection;
    Schema schema; //!< the fields, and what an edit may hold
    int displayIndex = 0;
    QString displayFieldName;
    QString sortFieldName;
    int sortIndex = -1;
    Field::Type sortType = Field::Type::String; //!< the type of the sort field
    Qt::SortOrder sortOrder = Qt::AscendingOrder;
    bool showPendingRemovals = false;

    struct Filter {
        QString text;
        QVariantMap params;
        QVariantMap auth;
        Expression expression; //!< null: no filter, or an invalid one
        //! The fields it reads: names and schema indexes (see filter.cpp for the id).
        QList<std::pair<QString, int>> fields;
        QString error; //!< why text is no usable filter (empty: it is)
        bool isSet() const { return !text.trimmed().isEmpty(); }
    } filter;

    QHash<QString, Entry *> entries;
    qsizetype confirmedCount = 0; //!< entries with hasConfirmed
    RowList rows;
    quint64 nextSeq = 1;
    quint64 snapshotGeneration = 0;
    //! The entries of the last snapshot in its order: servers send records
    //! in a stable order, so the next snapshot finds most entries here with
    //! one id comparison instead of a hash lookup. Valid while no entry was
    //! deleted since (entryDeletions).
    std::vector<Entry *> snapshotOrder;
    quint64 snapshotOrderDeletions = 0;
    quint64 entryDeletions = 0;
    QList<PendingTransaction> pending;
    QHash<QString, QList<quint64>> acksAwaitingCursor;
    //! Cursors the model moved past while transactions were pending.
    QSet<QString> passedCursors;

    //! While a renamed row moves: it, and the id it shows until the dataChanged.
    const Entry *renamed = nullptr;
    QString renamedFrom;

    QString cursor;
    bool loaded = false;
    bool loading = false;
    QString errorString;

    //! What the outermost StatusGuard saw when it began.
    struct Status {
        int count;
        qsizetype pendingCount;
        bool loading;
        QString errorString;
        QString cursor;
    };
    Status statusBefore;
    int statusDepth = 0;
    //! Settled transactions to tell when the outermost guard ends.
    QList<QPointer<Transaction>> settledToTell;
};

//! Emits the status signals (countChanged, pendingCountChanged,
//! loadingChanged, errorStringChanged, cursorChanged) of what changed, once each,
//! when the outermost guard ends, after the row signals: a handler finds the
//! rows and every status property final. Then tells the settled transactions.
class StatusGuard {
public:
    explicit StatusGuard(ListModelPrivate *d);
    ~StatusGuard();
    Q_DISABLE_COPY_MOVE(StatusGuard)

private:
    ListModelPrivate *const d;
};

//! One local edit call (insert, update, remove): joins the transaction it is
//! given or the current one, or creates one and commits it when the call
//! ends. A committed transaction cannot take more edits: usable() is false.
class ListModelPrivate::Edit {
    // Declared first: tx's initializer sets m_created.
    ListModelPrivate *const d;
    bool m_created;
    bool m_usable = true;

public:
    Edit(ListModelPrivate *d, Transaction *requested);
    ~Edit();
    Q_DISABLE_COPY_MOVE(Edit)

    bool usable() const { return m_usable; }
    //! Refuses the edit: the whole transaction is rejected and rolled back.
    Transaction *refuse(QLatin1StringView code, const QString &message);

    Transaction *const tx;
};

} // namespace Optimist
