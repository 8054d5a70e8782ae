// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// SyncClient, the facade: its properties, and binding models. The work is
// done by SyncClientPrivate's parts (syncclient_p.h says which file does what).
#include "syncclient.h"

#include "logging_p.h"
#include "syncclient_p.h"

#include <optimist/listmodelfeed.h>

#include <QtCore/QRegularExpression>

namespace Optimist {

SyncClientPrivate::SyncClientPrivate(SyncClient *q)
    : q(q)
{
    reconnectTimer.setSingleShot(true);
    retryTimer.setSingleShot(true);
    QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectNow(); });
    QObject::connect(&heartbeatTimer, &QTimer::timeout, q, [this] { onHeartbeat(); });
    QObject::connect(&retryTimer, &QTimer::timeout, q, [this] { pushPending(); });
}

// ---------------------------------------------------------------- SyncClient

SyncClient::SyncClient(QObject *parent)
    : Transport(parent)
    , d(std::make_unique<SyncClientPrivate>(this))
{
}

SyncClient::~SyncClient()
{
    if (d->storage.saveScheduled)
        d->saveOutbox(); // edits committed in the last event-loop pass
    const auto bindings = std::exchange(d->subscriptions.bindings, {});
    for (const Binding &binding : bindings) {
        for (const auto &connection : binding.connections)
            disconnect(connection);
        if (binding.model)
            binding.model->setClient(nullptr);
    }
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

QUrl SyncClient::url() const
{
    return d->url;
}

void SyncClient::setUrl(const QUrl &url)
{
    if (d->url == url)
        return;
    d->url = url;
    d->stopForGood = false;
    Q_EMIT urlChanged();
    if (d->active) {
        d->backoff.reset();
        QTimer::singleShot(0, this, [this] { d->connectNow(); });
    }
}

QString SyncClient::token() const
{
    return d->token;
}

void SyncClient::setToken(const QString &token)
{
    if (d->token == token)
        return;
    d->token = token;
    const bool refused = std::exchange(d->stopForGood, false);
    Q_EMIT tokenChanged();
    // Refused with the old token: try the new one, with the backoff, so
    // that an app whose fresh tokens are refused too (a skewed clock) does
    // not hammer the server.
    if (refused && d->active && !d->socket)
        d->scheduleReconnect();
}

QString SyncClient::clientId() const
{
    return d->identity.id;
}

void SyncClient::setClientId(const QString &clientId)
{
    if (d->identity.id == clientId)
        return;
    d->identity.id = clientId;
    Q_EMIT clientIdChanged();
}

bool SyncClient::isActive() const
{
    return d->active;
}

void SyncClient::setActive(bool active)
{
    if (d->active == active)
        return;
    d->active = active;
    Q_EMIT activeChanged();
    if (active) {
        d->stopForGood = false;
        d->backoff.reset();
        d->connectNow();
    } else {
        d->reconnectTimer.stop();
        if (d->socket)
            d->socket->close(QWebSocketProtocol::CloseCodeNormal);
        else
            d->setState(Disconnected);
    }
}

SyncClient::State SyncClient::state() const
{
    return d->state;
}
QString SyncClient::errorString() const
{
    return d->errorString;
}
int SyncClient::outboxCount() const
{
    return int(d->outbox.size());
}

QSslConfiguration SyncClient::sslConfiguration() const
{
    return d->sslConfiguration;
}

void SyncClient::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

QString SyncClient::storageDirectory() const
{
    return d->storage.directory;
}

//! \a text as a local directory: a path as it is, a `file:` URL (what
//! QML's StandardPaths and folder dialogs give) as its local path. Empty,
//! and \a error, for any other URL (`qrc:`, `http:`), which names no
//! directory files can be written to.
static QString localDirectory(const QString &text, QString *error)
{
    using namespace Qt::StringLiterals;
    static const QRegularExpression scheme(u"^[A-Za-z][A-Za-z0-9+.-]+:"_s); // not a drive letter "C:"
    if (!scheme.match(text).hasMatch())
        return text;
    const QUrl url(text);
    if (url.isLocalFile())
        return url.toLocalFile();
    *error = u"storageDirectory must be a local directory or a file: URL, not '%1'"_s.arg(text);
    return {};
}

void SyncClient::setStorageDirectory(const QString &path)
{
    QString problem;
    const QString directory = localDirectory(path, &problem);
    if (!problem.isEmpty()) {
        qCWarning(lcSync).noquote() << problem;
        d->setErrorString(problem);
        return;
    }
    if (d->storage.directory == directory)
        return;
    if (d->storage.isOpen() || d->everWelcomed) {
        // Transactions numbered since could clash with the stored ones.
        qCWarning(lcSync) << "set the storage directory before the client connects; ignored";
        return;
    }
    d->storage.directory = directory;
    Q_EMIT storageDirectoryChanged();
    d->scheduleSave();
}
QDateTime SyncClient::nextRetryAt() const
{
    return d->nextRetryAt;
}
int SyncClient::initialBackoffMs() const
{
    return d->backoff.initialMs;
}

void SyncClient::setInitialBackoffMs(int ms)
{
    if (d->backoff.initialMs == ms || ms < 1)
        return;
    d->backoff.initialMs = ms;
    Q_EMIT backoffChanged();
}

int SyncClient::maxBackoffMs() const
{
    return d->backoff.maxMs;
}

void SyncClient::setMaxBackoffMs(int ms)
{
    if (d->backoff.maxMs == ms || ms < 1)
        return;
    d->backoff.maxMs = ms;
    Q_EMIT backoffChanged();
}

double SyncClient::backoffFactor() const
{
    return d->backoff.factor;
}

void SyncClient::setBackoffFactor(double factor)
{
    if (qFuzzyCompare(d->backoff.factor, factor) || factor < 1.0)
        return;
    d->backoff.factor = factor;
    Q_EMIT backoffChanged();
}

void SyncClient::open()
{
    if (d->active && d->state != Disconnected)
        return;
    d->active = false; // so that setActive() reconnects and notifies
    setActive(true);
}

void SyncClient::close()
{
    setActive(false);
}

void SyncClient::attachModel(ListModel *model)
{
    const QString collection = model->collection();
    if (collection.isEmpty()) {
        qCWarning(lcSync) << "a model without a collection cannot sync";
        return;
    }
    if (!d->subscriptions.keyOf(model).isEmpty())
        return; // bound already
    const QString key = d->subscriptions.keyFor(model);
    Binding &binding = d->subscriptions.bindings[key];
    binding = Binding {};
    binding.model = model;
    binding.collection = collection;
    const auto filterChanged = [this, model] { d->onFilterChanged(model); };
    binding.connections = {
        connect(model, &ListModel::transactionCommitted, this,
            [this](Transaction *transaction) { d->onCommitted(transaction); }),
        connect(model, &ListModel::filterChanged, this, filterChanged),
        connect(model, &ListModel::filterParamsChanged, this, filterChanged),
    };
    if (d->welcomed)
        ListModelFeed(model).setFilterAuth(Subscriptions::authOf(d->userId));
    d->loadCached(key);
    // Edits made before binding are sent too.
    for (Transaction *transaction : model->pendingTransactions()) {
        if (transaction->isCommitted())
            d->onCommitted(transaction);
    }
    d->subscribe(key);
}

void SyncClient::detachModel(ListModel *model)
{
    const QString key = d->subscriptions.keyOf(model);
    if (key.isEmpty())
        return;
    const Binding binding = d->subscriptions.bindings.take(key);
    for (const auto &connection : binding.connections)
        disconnect(connection);
    if (d->welcomed)
        d->send(
            Protocol::UnsubscribeMessage { binding.collection, key == binding.collection ? QString() : key }.toJson());
}

} // namespace Optimist
