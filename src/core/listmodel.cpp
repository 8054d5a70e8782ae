// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodel.h"

#include "errorcodes.h"
#include "listmodel_p.h"
#include "logging_p.h"
#include "transaction_p.h"
#include "transport.h"
#include "values_p.h"

#include <QtCore/QUuid>

using namespace Qt::StringLiterals;

namespace Optimist {

/*!
    Constructs an empty model, without fields, collection or client, with
    the given \a parent.
*/
ListModel::ListModel(QObject *parent)
    : QAbstractListModel(parent)
    , d(std::make_unique<ListModelPrivate>(this))
{
}

/*!
    Destroys the model: it detaches from its client, and the transactions
    that still hold its edits forget it.
*/
ListModel::~ListModel()
{
    if (d->client)
        d->client->detachModel(this);
    for (const PendingTransaction &pt : std::as_const(d->pending)) {
        if (pt.transaction)
            TransactionPrivate::get(pt.transaction)->forgetModel(this);
    }
    qDeleteAll(d->entries);
}

QString ListModel::collection() const
{
    return d->collection;
}

void ListModel::setCollection(const QString &collection)
{
    if (d->collection == collection)
        return;
    if (d->client)
        d->client->detachModel(this);
    d->collection = collection;
    d->rebuildSchema(d->schema.fields()); // its messages name the collection
    if (d->client)
        d->client->attachModel(this);
    Q_EMIT collectionChanged();
}

Transport *ListModel::client() const
{
    return d->client;
}

void ListModel::setClient(Transport *client)
{
    if (d->client == client)
        return;
    if (d->client) {
        d->client->detachModel(this);
        d->setLoading(false); // nothing loads it any more
    }
    d->client = client;
    if (client)
        client->attachModel(this);
    Q_EMIT clientChanged();
}

/*!
    Returns the schema: the model's fields, in role order.
    \sa setFields(), fields
*/
Fields ListModel::fields() const
{
    return d->schema.fields();
}

/*!
    Sets the schema to \a fields. Set it before a view binds to the model:
    views read roleNames() once. Changing the fields of a model that holds
    rows does nothing but warn and set errorString (the fields cannot change
    once the model holds records); invalid fields (Schema::checkFields())
    likewise.
*/
void ListModel::setFields(const Fields &fields)
{
    if (d->schema.fields() == fields)
        return;
    if (!d->entries.isEmpty()) {
        const QString message = u"the fields of '%1' cannot change once it holds records"_s.arg(d->collection);
        qCWarning(lcCore).noquote() << message;
        d->setErrorString(message);
        return;
    }
    if (const Schema::Error problem = Schema::checkFields(fields); !problem.isNull()) {
        qCWarning(lcCore).noquote() << problem.message;
        d->setErrorString(problem.message);
        return;
    }
    // No rows exist yet, but a view may have read roleNames(): tell it.
    beginResetModel();
    d->rebuildSchema(fields);
    endResetModel();
    Q_EMIT fieldsChanged();
}

QVariantList ListModel::fieldsVariant() const
{
    QVariantList list;
    for (const Field &field : d->schema.fields())
        list.append(field.toVariantMap());
    return list;
}

void ListModel::setFieldsVariant(const QVariantList &list)
{
    Fields fields;
    for (const QVariant &item : list) {
        QString message;
        const Field field = Field::fromVariantMap(item.toMap(), &message);
        if (field.name().isEmpty()) {
            qCWarning(lcCore).noquote() << message;
            d->setErrorString(message);
            return;
        }
        fields.append(field);
    }
    setFields(fields);
}

/*!
    Returns the role of the field called \a name, or -1 if there is none.
*/
int ListModel::roleForField(const QString &name) const
{
    const int i = d->fieldIndex(name);
    return i < 0 ? -1 : FirstFieldRole + i;
}

QString ListModel::displayField() const
{
    return d->schema.isEmpty() ? QString() : d->schema.field(d->displayIndex).name();
}

void ListModel::setDisplayField(const QString &field)
{
    if (d->displayFieldName == field)
        return;
    d->displayFieldName = field;
    d->updateFieldIndexes();
    if (!d->rows.empty())
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), { Qt::DisplayRole, Qt::EditRole });
    Q_EMIT displayFieldChanged();
}

QString ListModel::sortField() const
{
    return d->sortFieldName;
}

void ListModel::setSortField(const QString &field)
{
    if (d->sortFieldName == field)
        return;
    if (!field.isEmpty() && d->fieldIndex(field) < 0 && !d->schema.isEmpty()) {
        const QString message = u"cannot sort by unknown field '%1'"_s.arg(field);
        qCWarning(lcCore).noquote() << message;
        d->setErrorString(message);
        return;
    }
    d->resort([this, &field] {
        d->sortFieldName = field;
        d->updateFieldIndexes();
    });
    Q_EMIT sortChanged();
}

Qt::SortOrder ListModel::sortOrder() const
{
    return d->sortOrder;
}

void ListModel::setSortOrder(Qt::SortOrder order)
{
    if (d->sortOrder == order)
        return;
    d->resort([this, order] { d->sortOrder = order; });
    Q_EMIT sortChanged();
}

bool ListModel::showPendingRemovals() const
{
    return d->showPendingRemovals;
}

void ListModel::setShowPendingRemovals(bool show)
{
    if (d->showPendingRemovals == show)
        return;
    d->showPendingRemovals = show;
    QList<Entry *> touched;
    for (Entry *entry : std::as_const(d->entries)) {
        if (!entry->ops.isEmpty())
            touched.append(entry);
    }
    {
        StatusGuard status(d.get());
        d->commitTouched(touched);
    }
    Q_EMIT showPendingRemovalsChanged();
}

QString ListModel::filter() const
{
    return d->filter.text;
}

void ListModel::setFilter(const QString &filter)
{
    if (d->filter.text == filter)
        return;
    {
        StatusGuard status(d.get());
        d->filter.text = filter;
        d->checkFilter();
        d->refilter();
    }
    Q_EMIT filterChanged();
}

QVariantMap ListModel::filterParams() const
{
    return d->filter.params;
}

void ListModel::setFilterParams(const QVariantMap &params)
{
    if (d->filter.params == params)
        return;
    {
        StatusGuard status(d.get());
        d->filter.params = params;
        d->checkFilter();
        d->refilter();
    }
    Q_EMIT filterParamsChanged();
}

int ListModel::count() const
{
    return int(d->rows.size());
}
int ListModel::pendingCount() const
{
    return d->pending.size();
}
bool ListModel::hasPendingChanges() const
{
    return !d->pending.isEmpty();
}
bool ListModel::isLoading() const
{
    return d->loading;
}

QString ListModel::errorString() const
{
    return d->errorString;
}
QString ListModel::cursor() const
{
    return d->cursor;
}

/*!
    Inserts \a record, a map of field name to value, and returns the
    transaction the edit joined: \a transaction if given, else
    Transaction::current(), else a new one committed at once.

    The record's \c id, if given, is its key; without one the model makes a
    UUID. Missing fields take their default. The row shows at once, in state
    PendingInsert. An edit refused at once changes nothing and returns a
    transaction that is already Rejected: \c conflict for an id the model
    holds already, \c validation_failed with a message that says which field
    and why for a record that breaks the schema (Schema::normaliseRecord()).
    An edit into a \a transaction that is committed already changes nothing
    and sets errorString.
*/
Transaction *ListModel::insert(const QVariantMap &record, Transaction *transaction)
{
    ListModelPrivate::Edit edit(d.get(), transaction);
    if (!edit.usable())
        return edit.tx;
    Transaction *tx = edit.tx;

    QString id = record.value(u"id"_s).toString();
    if (id.isEmpty())
        id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (d->editableEntry(id))
        return edit.refuse(ErrorCode::Conflict, u"a record with id '%1' exists already"_s.arg(id));
    Schema::Result<QVariantList> normalised = d->schema.normaliseRecord(record);
    if (!normalised.isValid())
        return edit.refuse(normalised.error.code, normalised.error.message);
    QVariantList values = std::move(normalised.value);

    StatusGuard status(d.get());
    Entry *entry = d->ensureEntry(id);
    Mutation mutation { Mutation::Kind::Insert, d->collection, id, d->toMap(entry, values) };
    mutation.fields.remove(u"id"_s);
    d->recordOp(tx, entry, PendingOp { Mutation::Kind::Insert, tx->id(), values, {} }, mutation);
    d->commitTouched({ entry });
    return tx;
}

/*!
    Sets the fields in \a changes (field name to new value) of the record
    \a id and returns the transaction the edit joined, as insert() does
    (\a transaction, Transaction::current() or a new committed one).

    Only the given fields change; \c id cannot. An unknown id is rejected
    with \c not_found, a change that breaks the schema with
    \c validation_failed, and then nothing changes.
*/
Transaction *ListModel::update(const QString &id, const QVariantMap &changes, Transaction *transaction)
{
    ListModelPrivate::Edit edit(d.get(), transaction);
    if (!edit.usable())
        return edit.tx;
    Transaction *tx = edit.tx;

    Entry *entry = d->editableEntry(id);
    if (!entry)
        return edit.refuse(ErrorCode::NotFound, u"no record with id '%1'"_s.arg(id));
    const Schema::Result<Schema::Changes> normalised = d->schema.normaliseUpdate(changes);
    if (!normalised.isValid())
        return edit.refuse(normalised.error.code, normalised.error.message);
    PendingOp op { Mutation::Kind::Update, tx->id(), {}, {} };
    Mutation mutation { Mutation::Kind::Update, d->collection, id, {} };
    for (qsizetype k = 0; k < normalised.value.indexes.size(); ++k) {
        const int i = normalised.value.indexes.at(k);
        const QVariant &value = normalised.value.values.at(k);
        if (sameValue(value, entry->values.at(i)))
            continue; // setting what is shown already changes nothing
        op.fieldIndexes.append(i);
        op.values.append(value);
        mutation.fields.insert(d->schema.field(i).name(), value);
    }
    if (op.fieldIndexes.isEmpty())
        return tx;

    StatusGuard status(d.get());
    d->recordOp(tx, entry, std::move(op), mutation);
    d->commitTouched({ entry });
    return tx;
}

/*!
    Removes the record \a id and returns the transaction the edit joined,
    as insert() does (\a transaction, Transaction::current() or a new
    committed one). An unknown id is rejected with \c not_found.

    \sa showPendingRemovals
*/
Transaction *ListModel::remove(const QString &id, Transaction *transaction)
{
    ListModelPrivate::Edit edit(d.get(), transaction);
    if (!edit.usable())
        return edit.tx;
    Transaction *tx = edit.tx;
    Entry *entry = d->editableEntry(id);
    if (!entry)
        return edit.refuse(ErrorCode::NotFound, u"no record with id '%1'"_s.arg(id));
    StatusGuard status(d.get());
    d->recordOp(tx, entry, PendingOp { Mutation::Kind::Remove, tx->id(), {}, {} },
        Mutation { Mutation::Kind::Remove, d->collection, id, {} });
    d->commitTouched({ entry });
    return tx;
}

/*!
    Returns the visible record \a id: its fields by name plus \c id, as shown
    now (pending edits applied), or an empty map if no row shows it.
*/
QVariantMap ListModel::get(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->visible ? d->toMap(entry, entry->values) : QVariantMap();
}

/*!
    Returns the record at \a row, like get(), or an empty map if \a row is
    out of range.
*/
QVariantMap ListModel::at(int row) const
{
    if (row < 0 || row >= count())
        return {};
    const Entry *entry = d->rows[row];
    return d->toMap(entry, entry->values);
}

/*!
    Returns the row of record \a id, or -1 if no row shows it.
*/
int ListModel::indexOf(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->visible ? d->rowOf(entry) : -1;
}

/*!
    Returns whether a row shows record \a id.
*/
bool ListModel::contains(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->visible;
}

/*!
    Returns the record \a id as the server last confirmed it (fields plus
    \c id, without pending edits), or an empty map if the server has not
    confirmed one.
*/
QVariantMap ListModel::confirmedRecord(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->hasConfirmed ? d->toMap(entry, entry->confirmed) : QVariantMap();
}

/*!
    Returns the transactions with edits in this model that are not yet
    settled, oldest first.
*/
QList<Transaction *> ListModel::pendingTransactions() const
{
    QList<Transaction *> result;
    for (const PendingTransaction &pt : std::as_const(d->pending)) {
        if (pt.transaction)
            result.append(pt.transaction);
    }
    return result;
}

/*!
    \reimp
*/
int ListModel::rowCount(const QModelIndex &parent) const
{
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : count();
}

/*!
    \reimp

    Returns the value of \a role (see \l {Roles}) for the row of \a index.
*/
QVariant ListModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    if (!index.isValid() || index.row() >= count())
        return {};
    const Entry *entry = d->rows[index.row()];
    switch (role) {
    case IdRole:
        return entry == d->renamed ? d->renamedFrom : entry->id;
    case PendingRole:
        return isPendingState(entry->shownState);
    case SyncStateRole:
        return int(entry->shownState);
    case ErrorStringRole:
        return entry->shownError;
    case Qt::DisplayRole:
    case Qt::EditRole:
        return entry->values.value(d->displayIndex);
    default: {
        const int i = role - FirstFieldRole;
        return i >= 0 && i < entry->values.size() ? entry->values.at(i) : QVariant();
    }
    }
}

/*!
    \reimp

    Sets the field of \a role (a field's role, or Qt::EditRole and
    Qt::DisplayRole for displayField) in the row of \a index to \a value with
    update(). Returns false when the edit is refused at once (no such field,
    or the schema refuses the value).
*/
bool ListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    if (!index.isValid() || d->schema.isEmpty())
        return false;
    const int i = (role == Qt::EditRole || role == Qt::DisplayRole) ? d->displayIndex : role - FirstFieldRole;
    if (i < 0 || i >= d->schema.size())
        return false;
    const Transaction *tx = update(d->rows[index.row()]->id, { { d->schema.field(i).name(), value } });
    return tx->state() != Transaction::Rejected;
}

/*!
    \reimp
*/
Qt::ItemFlags ListModel::flags(const QModelIndex &index) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::ParentIsInvalid));
    const Qt::ItemFlags base = QAbstractListModel::flags(index);
    return index.isValid() ? base | Qt::ItemIsEditable | Qt::ItemNeverHasChildren : base;
}

/*!
    \reimp

    Returns Qt's role names plus \c id, \c pending, \c syncState,
    \c errorString and one per field, named after the field.
*/
QHash<int, QByteArray> ListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(PendingRole, "pending");
    names.insert(SyncStateRole, "syncState");
    names.insert(ErrorStringRole, "errorString");
    for (int i = 0; i < d->schema.size(); ++i)
        names.insert(FirstFieldRole + i, d->schema.field(i).name().toUtf8());
    return names;
}

} // namespace Optimist
