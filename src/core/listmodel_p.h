// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "listmodel.h"
#include "rowlist_p.h"

#include <QtCore/QHash>
#include <QtCore/QPointer>
#include <QtCore/QSet>

#include <functional>
#include <vector>

namespace Optimist {

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

    QString lastError; //!< message of the last rejected edit, until the next local edit
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
    int fieldIndex(const QString &name) const { return fieldIndexes.value(name, -1); }
    QVariantList defaultValues() const;
    //! Coerces a server record into schema order; unknown keys are ignored.
    QVariantList recordValues(const QVariantMap &record) const;
    //! Reads one snapshot record: its id, and whether it differs from what
    //! \a entry has confirmed (then its values are in \a values).
    class SnapshotReader;
    QVariantMap toMap(const Entry *entry, const QVariantList &values) const;

    // --- ordering
    //! The sort key of a record with these values (null without a sort field).
    const QVariant &sortKeyOf(const QVariantList &values) const;
    //! <0, 0, >0: where a record with these keys sorts against \a b.
    int compare(const QVariant &key, quint64 seq, const QString &id, const Entry *b) const;
    bool lessThan(const Entry *a, const Entry *b) const { return compare(a->sortKey, a->seq, a->id, b) < 0; }
    //! First row whose record sorts at or after the given keys.
    int lowerBound(const QVariant &key, quint64 seq, const QString &id) const;
    int rowOf(const Entry *entry) const;
    //! Moves \a entry (at \a row) to where \a key sorts, showing nothing
    //! new: its values change at the dataChanged that follows. Returns its row.
    int moveTo(Entry *entry, int row, const QVariant &key);

    // --- state
    Entry *entry(const QString &id) const { return entries.value(id); }
    //! Shown, and not waiting for its removal: local edits may touch it.
    Entry *editableEntry(const QString &id) const
    {
        Entry *e = entry(id);
        return e && e->visible && e->shownState != ListModel::PendingRemove ? e : nullptr;
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
    };
    Computed compute(const Entry *entry) const;

    //! Recomputes the touched entries and emits the minimal signals.
    void commitTouched(QList<Entry *> touched);
    void commitOne(Entry *entry, Computed now);
    void commitMany(const QList<Entry *> &touched);
    struct Planned;
    void removeRows(std::vector<Planned> &removals);
    void insertRows(std::vector<Planned> &insertions);
    void announceChanges(std::vector<Planned> &changes);
    //! Makes \a now what \a entry shows (and is ordered by).
    void show(Entry *entry, Computed &&now) const;
    QList<int> changedRoles(const Entry *entry, const Computed &now) const;
    void dropIfUnused(Entry *entry);
    void emitStatusChanges(int oldCount, int oldPending);

    // --- transactions
    PendingTransaction *pendingTransaction(quint64 id);
    void recordOp(Transaction *tx, Entry *entry, PendingOp op, const Mutation &mutation);
    //! Drops \a id's edits (settled by the server or rolled back). Returns
    //! the entries they touched.
    QList<Entry *> dropTransaction(quint64 id);
    void confirm(const QList<quint64> &ids);
    void rollback(Transaction *tx, const QString &code, const QString &message);
    class Edit;
    void setError(const QString &error);
    void setCursor(const QString &cursor);
    //! Applies \a change (a new sort field or order) inside one layout change.
    void resort(const std::function<void()> &change);
    void rebuildFieldIndexes();

    ListModel *q;
    QPointer<Transport> client;
    QString collection;
    Fields fields;
    QHash<QString, int> fieldIndexes;
    int displayIndex = 0;
    QString displayFieldName;
    QString sortFieldName;
    int sortIndex = -1;
    Field::Type sortType = Field::Type::String; //!< the type of the sort field
    Qt::SortOrder sortOrder = Qt::AscendingOrder;
    bool showPendingRemovals = false;

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
    QString error;
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
