// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/field.h>
#include <optimist/optimistcore_export.h>
#include <optimist/transport.h>

#include <QtCore/QAbstractListModel>

#include <memory>

namespace Optimist {

class ListModelPrivate;
class Transaction;

//! An optimistic, server-backed list model.
//!
//! It holds one collection: the confirmed records the server last sent
//! (with the server's cursor) and the local edits the server has not yet
//! confirmed. The rows it shows are the confirmed records with every pending
//! edit replayed on top, in order. Local edits show at once; a rejected edit
//! rolls back exactly its own effects.
//!
//! Roles: one per field of the schema (see setFields()), plus the built-in
//! roles IdRole, PendingRole, SyncStateRole and ErrorStringRole. Qt::DisplayRole
//! and Qt::EditRole map to the display field (the first field by default).
//!
//! A transport feeds it the server's state through ListModelFeed
//! (<optimist/listmodelfeed.h>); an app only reads and edits.
class OPTIMIST_CORE_EXPORT ListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(QString collection READ collection WRITE setCollection NOTIFY collectionChanged)
    Q_PROPERTY(Optimist::Transport *client READ client WRITE setClient NOTIFY clientChanged)
    Q_PROPERTY(QVariantList fields READ fieldsVariant WRITE setFieldsVariant NOTIFY fieldsChanged)
    Q_PROPERTY(QString displayField READ displayField WRITE setDisplayField NOTIFY displayFieldChanged)
    Q_PROPERTY(QString sortField READ sortField WRITE setSortField NOTIFY sortChanged)
    Q_PROPERTY(Qt::SortOrder sortOrder READ sortOrder WRITE setSortOrder NOTIFY sortChanged)
    Q_PROPERTY(bool showPendingRemovals READ showPendingRemovals WRITE setShowPendingRemovals NOTIFY
            showPendingRemovalsChanged)
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(QVariantMap filterParams READ filterParams WRITE setFilterParams NOTIFY filterParamsChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int pendingCount READ pendingCount NOTIFY pendingCountChanged)
    Q_PROPERTY(bool hasPendingChanges READ hasPendingChanges NOTIFY pendingCountChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(QString cursor READ cursor NOTIFY cursorChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        PendingRole,
        SyncStateRole,
        ErrorStringRole,
        FirstFieldRole = Qt::UserRole + 16, //!< field i has role FirstFieldRole + i
    };
    Q_ENUM(Role)

    enum SyncState {
        Synced, //!< the row is what the server confirmed
        PendingInsert, //!< inserted locally, not yet confirmed
        PendingUpdate, //!< changed locally, not yet confirmed
        PendingRemove, //!< removed locally, not yet confirmed (see showPendingRemovals)
        Failed, //!< the last edit of this row was rejected (see errorString)
    };
    Q_ENUM(SyncState)

    explicit ListModel(QObject *parent = nullptr);
    ~ListModel() override;

    QString collection() const;
    void setCollection(const QString &collection);

    //! The transport that syncs this model (e.g. a SyncClient), or nullptr
    //! for a model fed by hand. Set the fields and the collection first.
    Transport *client() const;
    void setClient(Transport *client);

    //! The schema. Set it before a view binds to the model: views read
    //! roleNames() once. Changing the fields of a model that holds rows
    //! resets it.
    Fields fields() const;
    void setFields(const Fields &fields);
    QVariantList fieldsVariant() const;
    void setFieldsVariant(const QVariantList &fields);
    //! The role of field \a name, or -1.
    int roleForField(const QString &name) const;

    QString displayField() const;
    void setDisplayField(const QString &field);

    //! Rows are ordered by this field (empty: creation order), the id
    //! breaking ties. Changing it re-sorts with layoutChanged().
    QString sortField() const;
    void setSortField(const QString &field);
    Qt::SortOrder sortOrder() const;
    void setSortOrder(Qt::SortOrder order);

    //! By default a local remove() takes the row away at once. With this set,
    //! the row stays, in state PendingRemove, until the server confirms the
    //! removal (or comes back as it was if the server refuses it), for UIs
    //! that show a deletion in progress. Such a row cannot be edited.
    bool showPendingRemovals() const;
    void setShowPendingRemovals(bool show);

    //! Which records the model shows: an Optimist::Expression
    //! (<optimist/expression.h>, docs/security.md "The rule and filter
    //! language"), e.g. `record.list == $list && !record.done`. Empty (the
    //! default): every record. A record is shown when its current values,
    //! pending edits included, pass: an edit that moves a record out takes
    //! its row away at once (the edit stays pending, and update() and
    //! remove() still reach the record by id, so an edit can move it back
    //! in), one that moves it in shows it at once, and a rejection puts
    //! both back. What the filter reads:
    //! - `record.<field>` (and `record.id`): the record's values;
    //! - `$name`: filterParams()["name"];
    //! - `auth.<claim>`: the signed-in user, as the transport says it
    //!   (ListModelFeed::setFilterAuth(); SyncClient gives `auth.sub`, the
    //!   user id of its welcome, and nothing else, so other claims read
    //!   null here while the server knows them: filter on `auth.sub` only).
    //!
    //! Changing the filter (or its params) shows the rows that now pass and
    //! hides those that do not with rowsRemoved()/rowsInserted() only, no
    //! reset: the rows that stay keep their persistent indexes (current
    //! item, selection). A SyncClient then subscribes again with the new
    //! filter, and the server's snapshot replaces the records.
    //!
    //! An invalid filter (a syntax error, an unknown field, a `$name` that
    //! filterParams() lacks) shows no rows and sets errorString(), which
    //! says why and where, e.g. "invalid filter: expected ')' at 14"; a
    //! transport does not subscribe with it. A valid one clears that error.
    QString filter() const;
    void setFilter(const QString &filter);
    //! The values of the filter's `$name`s, by name (without the `$`):
    //! strings, numbers, bools, null, or lists of them.
    QVariantMap filterParams() const;
    void setFilterParams(const QVariantMap &params);

    int count() const;
    int pendingCount() const;
    bool hasPendingChanges() const;
    //! A subscription is on its way (set by the transport).
    bool isLoading() const;
    QString errorString() const;
    QString cursor() const;

    // Local edits. Each returns the transaction the edit joined (the one
    // passed in, Transaction::current(), or a new committed one). An edit
    // that breaks the schema changes nothing and returns a transaction that
    // is already Rejected with "validation_failed".
    Q_INVOKABLE Optimist::Transaction *insert(const QVariantMap &record, Optimist::Transaction *transaction = nullptr);
    Q_INVOKABLE Optimist::Transaction *update(
        const QString &id, const QVariantMap &fields, Optimist::Transaction *transaction = nullptr);
    Q_INVOKABLE Optimist::Transaction *remove(const QString &id, Optimist::Transaction *transaction = nullptr);

    //! The visible record with \a id (its fields plus "id"), or an empty map.
    Q_INVOKABLE QVariantMap get(const QString &id) const;
    //! The record at \a row, like get().
    Q_INVOKABLE QVariantMap at(int row) const;
    //! The row of \a id, or -1.
    Q_INVOKABLE int indexOf(const QString &id) const;
    Q_INVOKABLE bool contains(const QString &id) const;

    //! The confirmed (server) record with \a id, or an empty map.
    QVariantMap confirmedRecord(const QString &id) const;
    //! Transactions with edits in this model that are not yet settled, oldest first.
    QList<Transaction *> pendingTransactions() const;

    // QAbstractItemModel
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void collectionChanged();
    void clientChanged();
    void fieldsChanged();
    void displayFieldChanged();
    void sortChanged();
    void showPendingRemovalsChanged();
    void filterChanged();
    void filterParamsChanged();
    void countChanged();
    void pendingCountChanged();
    void loadingChanged();
    void errorStringChanged();
    void cursorChanged();
    //! A delta (ListModelFeed::applyDelta()) did not follow on from the
    //! model's cursor: the transport should resubscribe from cursor().
    void gapDetected(const QString &cursor, const QString &deltaPrevCursor);
    //! A transaction with edits here was committed: a transport can send it.
    void transactionCommitted(Optimist::Transaction *transaction);
    //! A local edit of \a id was rolled back: \a code and \a message say why
    //! (a reject's, docs/protocol.md "Error codes", or a local one such as
    //! `validation_failed`). \a record is the record as the model showed it
    //! with the edit, `id` included — for an insert, the values it tried to
    //! insert, which are gone from the model now — so an app can offer to
    //! edit and try again; empty if the model showed nothing for it.
    void rolledBack(const QString &id, const QString &code, const QString &message, const QVariantMap &record);

private:
    friend class Transaction;
    friend class TransactionPrivate;
    friend class ListModelPrivate;
    std::unique_ptr<ListModelPrivate> d;
};

} // namespace Optimist
