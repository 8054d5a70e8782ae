// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "qmllistmodel_p.h"

#include <QtCore/QPointer>

#include <optional>

namespace Optimist {

class QmlListModelPrivate {
public:
    bool creating = false; //!< between classBegin() and componentComplete()
    QPointer<Transport> pendingClient; //!< the client QML set while creating
    std::optional<QString> pendingFilter; //!< the filter QML set while creating
    std::optional<QVariantMap> pendingParams; //!< the filterParams QML set while creating
};

/*!
    \qmltype OptimisticListModel
    \inqmlmodule Optimist
    \brief An optimistic, server-backed list model for QML views.

    OptimisticListModel is the C++ Optimist::ListModel in QML (read that
    class for the details of each property and function): it holds one
    server collection, shows local edits at once and rolls back exactly the
    edits the server rejects. Bind it to a \l SyncClient with \l client; it
    attaches only once QML has set every property, whatever order QML
    assigns them in, so it subscribes once, to the final collection, fields
    and filter.

    \qml
    import Optimist

    SyncClient { id: sync; url: "ws://localhost:8080" }

    OptimisticListModel {
        id: todos
        collection: "todos"
        fields: [
            { name: "title", type: "string", required: true, maxLength: 200 },
            { name: "done", type: "bool", default: false }
        ]
        sortField: "title"
        client: sync
        onRolledBack: (id, code, message, record) => console.warn(message)
    }

    ListView {
        model: todos
        delegate: CheckDelegate {
            required property string id
            required property string title
            required property bool done
            required property bool pending
            required property int syncState
            required property string errorString
            text: title + (pending ? " …" : "")
            checked: done
            onToggled: todos.update(id, { done: checked })
            ToolTip.visible: syncState === OptimisticListModel.Failed && hovered
            ToolTip.text: errorString
        }
    }
    \endqml

    \section1 Roles a delegate sees

    \table
    \header \li Role \li Type \li Value
    \row \li \c id \li string \li The record's id.
    \row \li one per field, by its name (\c title, \c done, ...)
         \li the field's type
         \li The value shown now: the server's, with pending edits applied.
    \row \li \c display \li the displayField's type
         \li The value of \l displayField (the first field by default), for
             views that show one text.
    \row \li \c pending \li bool \li An edit of this row waits for the
             server.
    \row \li \c syncState \li int (enumeration)
         \li Where the row is: \c OptimisticListModel.Synced,
             \c OptimisticListModel.PendingInsert,
             \c OptimisticListModel.PendingUpdate,
             \c OptimisticListModel.PendingRemove (only with
             \l showPendingRemovals) or \c OptimisticListModel.Failed (the
             last edit was rejected).
    \row \li \c errorString \li string
         \li Why the row's last edit was refused (the server's or the
             schema's message), until its next edit; empty otherwise.
    \endtable

    \section1 Enumerations

    The row states, for comparing the \c syncState role:
    \c OptimisticListModel.Synced, \c OptimisticListModel.PendingInsert,
    \c OptimisticListModel.PendingUpdate, \c OptimisticListModel.PendingRemove,
    \c OptimisticListModel.Failed (Optimist::ListModel::SyncState).

    The role numbers, for code that reads roles by number:
    \c OptimisticListModel.IdRole, \c OptimisticListModel.PendingRole,
    \c OptimisticListModel.SyncStateRole, \c OptimisticListModel.ErrorStringRole
    and \c OptimisticListModel.FirstFieldRole (field \e i has role
    FirstFieldRole + \e i; Optimist::ListModel::Role).

    \sa SyncClient, FilterModel, SyncStatusBar, Optimist
*/

/*!
    \qmlproperty string OptimisticListModel::collection
    The name of the server collection the model shows. Empty by default.
*/

/*!
    \qmlproperty Transport OptimisticListModel::client
    The client that syncs the model (a SyncClient, or any Transport), or
    \c null for a model fed by hand. Set while the model is created, it
    attaches once every other property is set.
*/

/*!
    \qmlproperty list OptimisticListModel::fields
    The schema: a list of field descriptions such as
    \c {{ name: "title", type: "string", default: "", required: true, maxLength: 200 }}.
    \c type is one of \c string, \c int, \c double, \c bool, \c datetime,
    \c json (\c string if left out). Each field becomes a role named after
    it. Set it before a view binds to the model; fields cannot change once
    the model holds records (errorString says so). See
    Optimist::Field::fromVariantMap().
*/

/*!
    \qmlproperty string OptimisticListModel::displayField
    The field the \c display role shows. Empty (the default): the first
    field.
*/

/*!
    \qmlproperty string OptimisticListModel::sortField
    The field rows are ordered by, the id breaking ties. Empty (the
    default): creation order.
*/

/*!
    \qmlproperty enumeration OptimisticListModel::sortOrder
    \c Qt.AscendingOrder (the default) or \c Qt.DescendingOrder.
*/

/*!
    \qmlproperty bool OptimisticListModel::showPendingRemovals
    False (the default): remove() takes the row away at once. True: the row
    stays, with \c syncState \c OptimisticListModel.PendingRemove, until the
    server confirms the removal (or comes back if the server refuses it).
*/

/*!
    \qmlproperty string OptimisticListModel::filter
    Which records the model shows: an expression such as
    \c {record.list == $list && !record.done} (docs/security.md, "The rule
    and filter language"). Empty (the default): every record. It reads
    \c {record.<field>}, \c {$name} (from \l filterParams) and \c auth.sub
    (the signed-in user's id). An invalid filter shows no rows and sets
    \l errorString, e.g. "invalid filter: expected ')' at 14". See
    Optimist::ListModel::filter.
*/

/*!
    \qmlproperty var OptimisticListModel::filterParams
    The values of the filter's \c {$name}s, by name without the \c $: an
    object of strings, numbers, bools, null, or lists of them.
*/

/*!
    \qmlproperty int OptimisticListModel::count
    \readonly
    The number of rows shown now.
*/

/*!
    \qmlproperty int OptimisticListModel::pendingCount
    \readonly
    The number of transactions with edits in this model that the server has
    not yet settled.
*/

/*!
    \qmlproperty bool OptimisticListModel::hasPendingChanges
    \readonly
    Whether \l pendingCount is not 0.
*/

/*!
    \qmlproperty bool OptimisticListModel::loading
    \readonly
    True from the moment the model gets its \l client until the first
    snapshot arrives (also while the server cannot be reached), and while a
    new filter's does; false again when the server refuses the
    subscription, the filter cannot be used, or the client stopped for good
    (a refused token). A model filled from the client's storageDirectory
    cache is not loading: it shows the cached rows at once. So
    \c{!loading && count === 0} is an empty list, or, with an errorString,
    one that could not load.
*/

/*!
    \qmlproperty string OptimisticListModel::errorString
    \readonly
    The last thing that went wrong in this model, for people: a refused edit,
    a refused subscription, an invalid filter. Empty until then. A row's own
    error is its \c errorString role.
*/

/*!
    \qmlproperty string OptimisticListModel::cursor
    \readonly
    The server's opaque cursor of the records the model holds; empty until
    the model has loaded once.
*/

/*!
    \qmlsignal OptimisticListModel::rolledBack(string id, string code, string message, var record)
    A local edit of record \a id was rolled back. \a code (such as
    \c validation_failed, \c forbidden, \c conflict; docs/protocol.md "Error
    codes") and \a message say why. \a record is the record as the model
    showed it with the edit, so that the app can offer to edit and try again;
    empty if the model showed nothing for it.
*/

/*!
    \qmlsignal OptimisticListModel::gapDetected(string cursor, string deltaPrevCursor)
    For transports: a delta did not follow on from the model's \a cursor (it
    started at \a deltaPrevCursor); the client subscribes again.
*/

/*!
    \qmlsignal OptimisticListModel::transactionCommitted(Transaction transaction)
    For transports: \a transaction, which holds edits of this model, was
    committed and can be sent.
*/

/*!
    \qmlmethod Transaction OptimisticListModel::insert(object record, Transaction transaction)
    Inserts \a record (field name to value; an \c id is made if it has
    none) and returns the Transaction the edit joined: \a transaction if
    given, the one of an enclosing \l {Optimist}{Optimist.transaction()},
    else a new one. An edit the schema refuses changes nothing and returns a
    transaction that is already rejected, with \c validation_failed.
*/

/*!
    \qmlmethod Transaction OptimisticListModel::update(string id, object fields, Transaction transaction)
    Sets \a fields (field name to new value) of record \a id and returns the
    Transaction the edit joined, as insert() does (\a transaction is
    optional). An unknown id is refused with \c not_found.
*/

/*!
    \qmlmethod Transaction OptimisticListModel::remove(string id, Transaction transaction)
    Removes record \a id and returns the Transaction the edit joined, as
    insert() does (\a transaction is optional). An unknown id is refused
    with \c not_found.
*/

/*!
    \qmlmethod var OptimisticListModel::get(string id)
    Returns the visible record \a id as an object: its fields plus \c id, as
    shown now, or an empty object.
*/

/*!
    \qmlmethod var OptimisticListModel::at(int row)
    Returns the record at \a row, like get(), or an empty object.
*/

/*!
    \qmlmethod int OptimisticListModel::indexOf(string id)
    Returns the row of record \a id, or -1.
*/

/*!
    \qmlmethod bool OptimisticListModel::contains(string id)
    Returns whether a row shows record \a id.
*/
QmlListModel::QmlListModel(QObject *parent)
    : ListModel(parent)
    , d(std::make_unique<QmlListModelPrivate>())
{
}

QmlListModel::~QmlListModel() = default;

Transport *QmlListModel::qmlClient() const
{
    return d->creating ? d->pendingClient.data() : client();
}

void QmlListModel::setQmlClient(Transport *client)
{
    if (!d->creating) {
        setClient(client);
        return;
    }
    if (d->pendingClient == client)
        return;
    d->pendingClient = client;
    Q_EMIT clientChanged();
}

QString QmlListModel::qmlFilter() const
{
    return d->pendingFilter.value_or(filter());
}

void QmlListModel::setQmlFilter(const QString &filter)
{
    if (!d->creating)
        return setFilter(filter);
    if (qmlFilter() == filter)
        return;
    d->pendingFilter = filter;
    Q_EMIT filterChanged();
}

QVariantMap QmlListModel::qmlFilterParams() const
{
    return d->pendingParams.value_or(filterParams());
}

void QmlListModel::setQmlFilterParams(const QVariantMap &params)
{
    if (!d->creating)
        return setFilterParams(params);
    if (qmlFilterParams() == params)
        return;
    d->pendingParams = params;
    Q_EMIT filterParamsChanged();
}

QVariant QmlListModel::get(const QString &id) const
{
    return ListModel::get(id);
}

QVariant QmlListModel::at(int row) const
{
    return ListModel::at(row);
}

void QmlListModel::classBegin()
{
    d->creating = true;
}

void QmlListModel::componentComplete()
{
    d->creating = false;
    // Params first: the filter they go with is checked once, with them.
    if (auto params = std::exchange(d->pendingParams, std::nullopt))
        setFilterParams(*params);
    if (auto filter = std::exchange(d->pendingFilter, std::nullopt))
        setFilter(*filter);
    // Collection and fields are set by now: the client attaches once, to them.
    if (Transport *client = d->pendingClient.data()) {
        d->pendingClient.clear();
        setClient(client); // notifies clientChanged() a second time, with the same value
    }
}

} // namespace Optimist
