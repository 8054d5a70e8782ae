// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "qmllistmodel_p.h"

#include <QtCore/QPointer>

namespace Optimist {

class QmlListModelPrivate {
public:
    bool creating = false; //!< between classBegin() and componentComplete()
    QPointer<Transport> pendingClient; //!< the client QML set while creating
};

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
    // Collection and fields are set by now: the client attaches once, to them.
    if (Transport *client = d->pendingClient.data()) {
        d->pendingClient.clear();
        setClient(client); // notifies clientChanged() a second time, with the same value
    }
}

} // namespace Optimist
