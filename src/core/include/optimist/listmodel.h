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
        FirstFieldRole = Qt::UserRole + 16,
    };
    Q_ENUM(Role)

    enum SyncState {
        Synced,
        PendingInsert,
        PendingUpdate,
        PendingRemove,
        Failed,
    };
    Q_ENUM(SyncState)

    explicit ListModel(QObject *parent = nullptr);
    ~ListModel() override;

    QString collection() const;
    void setCollection(const QString &collection);

    Transport *client() const;
    void setClient(Transport *client);

    Fields fields() const;
    void setFields(const Fields &fields);
    QVariantList fieldsVariant() const;
    void setFieldsVariant(const QVariantList &fields);
    int roleForField(const QString &name) const;

    QString displayField() const;
    void setDisplayField(const QString &field);

    QString sortField() const;
    void setSortField(const QString &field);
    Qt::SortOrder sortOrder() const;
    void setSortOrder(Qt::SortOrder order);

    bool showPendingRemovals() const;
    void setShowPendingRemovals(bool show);

    QString filter() const;
    void setFilter(const QString &filter);
    QVariantMap filterParams() const;
    void setFilterParams(const QVariantMap &params);

    int count() const;
    int pendingCount() const;
    bool hasPendingChanges() const;
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

    Q_INVOKABLE QVariantMap get(const QString &id) const;
    Q_INVOKABLE QVariantMap at(int row) const;
    Q_INVOKABLE int indexOf(const QString &id) const;
    Q_INVOKABLE bool contains(const QString &id) const;

    QVariantMap confirmedRecord(const QString &id) const;
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
    void gapDetected(const QString &cursor, const QString &deltaPrevCursor);
    void transactionCommitted(Optimist::Transaction *transaction);
    void rolledBack(const QString &id, const QString &code, const QString &message, const QVariantMap &record);

private:
    friend class Transaction;
    friend class TransactionPrivate;
    friend class ListModelPrivate;
    std::unique_ptr<ListModelPrivate> d;
};

} // namespace Optimist
