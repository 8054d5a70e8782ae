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
    connectTimer.setSingleShot(true);
    QObject::connect(&connectTimer, &QTimer::timeout, q, [this] { onConnectTimeout(); });
    QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectNow(); });
    QObject::connect(&heartbeatTimer, &QTimer::timeout, q, [this] { onHeartbeat(); });
    QObject::connect(&retryTimer, &QTimer::timeout, q, [this] { pushPending(); });
}

// ---------------------------------------------------------------- SyncClient

/*!
    \fn void Optimist::SyncClient::errorOccurred(const QString &code, const QString &message)

    Emitted when the server reports an error, with its \a code (one of
    Optimist::ErrorCode, docs/protocol.md, "Error codes") and \a message, or
    when a connection attempt fails before the welcome, with code
    \c connection_failed (ErrorCode::ConnectionFailed) and a \a message
    saying why ("Connection refused", "TLS: …", a hint to use \c{wss://}).

    A connection failure is told once per reason, not at every retry, and
    its message is also errorString. So is the message of a server error,
    except for a push the server refused with the number to resend from
    (\c out_of_order, \c rate_limited, \c too_large, \c invalid_message):
    the client resends by itself, and the transactions it cannot send are
    rejected on their Transaction. A refused subscription
    (\c unknown_collection, \c forbidden, \c invalid_filter, …) also sets
    the model's ListModel::errorString and stops its loading. After
    \c unauthorized or \c unsupported_protocol the client stops for good
    (state Disconnected) until a new token or url, or open(). So it does
    when another connection with the same clientId replaced this one (close
    code 4005): code \c replaced (ErrorCode::Replaced), and errorString
    says so; reconnecting would only knock the other one off in turn.

    An attempt that gets no welcome within connectTimeoutMs (a server that
    accepts the connection and stays silent) fails with
    \c connection_failed too, and the client retries.

    A rejected transaction is not reported here but on its Transaction.

    \sa errorString, tokenExpired()
*/

/*!
    \fn void Optimist::SyncClient::tokenExpired()

    Emitted when the server refused the token because it expired, at
    \c hello or during the session (close code 4001, reason
    \c token_expired; docs/security.md, "Expiry during a session"). The
    client stays Disconnected, keeping every pending edit, until setToken()
    gives it another token; then it reconnects and sends them. Emitted after
    the state changed, so a slot may call setToken() at once.

    A token refused for another reason is told by errorOccurred() with code
    \c unauthorized; the client waits for setToken() then too.
*/

/*!
    \fn void Optimist::SyncClient::snapshotReceived(const QString &collection, int records)

    Emitted when a full snapshot of \a collection, of \a records records in
    all its chunks, was applied to one of its models: at the first load, for
    a new filter or new params, or on a resume from a cursor the server's
    change log no longer reaches. The model's loading is over.
*/

/*!
    \fn void Optimist::SyncClient::restoredTransactionRejected(const QString &code, const QString &message)

    Emitted when a transaction restored from the storageDirectory that no
    bound model showed is refused, by the server (a \c reject with \a code
    and \a message) or by the client itself (\c too_large or
    \c invalid_message: it cannot be sent under the server's limits).
    Nothing rolls back, since no model showed it; the app may tell its user.
*/

/*!
    \fn void Optimist::SyncClient::urlChanged()
    Emitted when url changes.
*/

/*!
    \fn void Optimist::SyncClient::tokenChanged()
    Emitted when token changes.
*/

/*!
    \fn void Optimist::SyncClient::clientIdChanged()
    Emitted when clientId changes, also when one is generated.
*/

/*!
    \fn void Optimist::SyncClient::activeChanged()
    Emitted when active changes.
*/

/*!
    \fn void Optimist::SyncClient::stateChanged()
    Emitted when state changes.
*/

/*!
    \fn void Optimist::SyncClient::errorStringChanged()
    Emitted when errorString changes.
*/

/*!
    \fn void Optimist::SyncClient::outboxCountChanged()
    Emitted when outboxCount may have changed: a transaction was committed,
    settled, refused by the client or restored.
*/

/*!
    \fn void Optimist::SyncClient::storageDirectoryChanged()
    Emitted when storageDirectory changes.
*/

/*!
    \fn void Optimist::SyncClient::nextRetryAtChanged()
    Emitted when nextRetryAt changes.
*/

/*!
    \fn void Optimist::SyncClient::backoffChanged()
    Emitted when initialBackoffMs, maxBackoffMs or backoffFactor changes.
*/

/*!
    \fn void Optimist::SyncClient::connectTimeoutMsChanged()
    Emitted when connectTimeoutMs changes.
*/

/*!
    \class Optimist::SyncClient
    \inmodule Optimist
    \inheaderfile optimist/syncclient.h
    \brief One WebSocket connection to an Optimist server, shared by every
    model bound to it.

    A model is bound with ListModel::setClient() in C++, or \c{client:} in
    QML, where this class is the \c SyncClient type of \c{import Optimist}.

    The client says \c hello, subscribes each bound model's collection
    (resuming from the model's cursor), applies snapshots and deltas,
    resubscribes on a gap, pushes committed transactions in order and settles
    them with the server's acks and rejects (docs/protocol.md). When the
    connection drops it reconnects with exponential backoff and full jitter
    (initialBackoffMs, maxBackoffMs, backoffFactor), and resends what is
    unsettled; edits made meanwhile keep working optimistically and wait in
    the outbox (outboxCount).

    Each bound model is a subscription of its own, with the model's filter
    and filterParams (ListModel::filter()): several models, filtered apart,
    may share one collection and one client. A model whose filter or params
    change is subscribed again without a cursor (its rows were diffed at
    once); one the server refuses (\c invalid_filter, \c forbidden,
    \c unknown_collection, \c too_many_subscriptions, \c internal) gets the server's
    message as its ListModel::errorString and stops loading. The filters read
    \c auth.sub as the user id of the server's welcome; a welcome for another
    user than the one a model's records came for empties the model at once
    and reloads it.

    Each committed transaction belongs to the user it was made as: the last
    welcome's, or offline before any welcome the user the storage
    directory's outbox and records are for. A welcome for another user (a
    new token) never sends the previous user's unsettled transactions: each
    is rejected with ErrorCode::UserChanged (\c user_changed; its models
    roll it back), errorOccurred() says how many, and they are not kept.

    What goes wrong is told in three places: state and errorString (why the
    connection is down, in words), errorOccurred() (each error with its
    code, once per reason), and, for a refused transaction, the Transaction
    and the model's row it touched (Transaction::reject()).

    \code
    Optimist::SyncClient client;
    client.setUrl(QUrl(u"ws://localhost:8080"_s));
    client.setToken(token);
    model.setClient(&client);
    \endcode

    \sa ListModel, Transport
*/

/*!
    \enum Optimist::SyncClient::State

    Where the connection is. Read it from state(); stateChanged() tells of
    each change.

    \value Disconnected Not connected, and no attempt is under way or
        scheduled: the client is not active, has no valid url, or was
        stopped for good because the server refused its protocol version
        (close code 4000) or its token (close code 4001, see tokenExpired()),
        or because another connection with the same clientId replaced this
        one (close code 4005, ErrorCode::Replaced). errorString says why it
        stopped; a new url or token, or open(),
        starts again. The initial state.
    \value Connecting The first attempt after open(), setActive(true) or a
        new url is under way, up to the server's welcome.
    \value Connected The server welcomed the client: models are subscribed
        and transactions are pushed.
    \value Reconnecting The connection was lost or an attempt failed: the
        client waits until nextRetryAt and then tries again (the state stays
        Reconnecting during that attempt, up to the welcome).
*/

/*!
    Constructs a client with the given \a parent. It is active, with no url:
    it connects once setUrl() gives it one.
*/
SyncClient::SyncClient(QObject *parent)
    : Transport(parent)
    , d(std::make_unique<SyncClientPrivate>(this))
{
}

/*!
    Destroys the client: writes the outbox to the storage directory if a
    save was still due, unbinds every model (their ListModel::client()
    becomes \nullptr; their rows and pending edits stay) and aborts the
    connection without a close handshake.
*/
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

/*!
    \property Optimist::SyncClient::url
    \brief the server's WebSocket URL, \c{ws://host:port} or, with TLS,
    \c{wss://host:port}.

    Empty by default: the client does not connect. Setting a new url while
    active connects to it on the next event-loop pass, as a first attempt
    (Connecting, the backoff starting over), and lifts a stop for good after
    a refused token or protocol version. An invalid url starts no
    attempt.

    \sa sslConfiguration(), state
*/
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

/*!
    \property Optimist::SyncClient::token
    \brief the token sent with \c hello, e.g. a JSON Web Token from the app's
    identity provider (docs/security.md, "Identity and tokens").

    Empty by default: a server that requires no token lets the client in, any
    other refuses it (\c unauthorized). A new token takes effect at the next
    connection: an open connection keeps the session it has. After the
    server refused the old one (tokenExpired() included) the client, which
    had stopped, reconnects with the new one after the usual backoff wait, so
    that fresh tokens refused too (a skewed clock) do not hammer the server.

    \sa tokenExpired(), errorOccurred()
*/
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

/*!
    \property Optimist::SyncClient::clientId
    \brief the id of this installation, under which the server counts its
    transaction numbers and keeps their outcomes.

    Empty by default: then one is generated (a UUID without braces) on first
    use, that is at the first connection attempt or when the storage
    directory is first read, and kept so that it is stable across restarts:
    with a storageDirectory, in the file \c{client-id} there (the outbox and
    cache there are that id's; a directory kept by an earlier version, with
    files but no \c{client-id}, keeps the id its files are named by, so
    nothing stored is orphaned); without one, in QSettings under the key
    \c{Optimist/clientId}. So two users of one app on one machine, each with
    a storage directory of their own, have an id each. A second process
    running at the same time gets a fresh one (a lock file in the temporary
    directory, \c{optimist-client-<id>.lock}, guards the kept id).
    clientIdChanged() is emitted when it is generated.

    The server binds a client id to the first user who says hello with it
    (docs/protocol.md). When it refuses a generated id as another user's
    (\c client_id_taken, close code 4009), the client takes a new one
    (clientIdChanged()), keeps it where it kept the old one, renames its
    files in storageDirectory to it, and connects again at once; its unsent
    edits go out under the new id. Nothing is reported to the app.

    Set it explicitly, and before the first connection, for several clients
    in one process. An id the app set is the app's choice: when the server
    refuses it as another user's, the client stops (state Disconnected),
    errorString says why and errorOccurred() reports \c client_id_taken;
    setting another id connects again.

    Keep it secret among sessions without a user id: the server binds an id
    to a user, and all of those count as one (docs/security.md).
*/
QString SyncClient::clientId() const
{
    return d->identity.id;
}

void SyncClient::setClientId(const QString &clientId)
{
    if (d->identity.id == clientId)
        return;
    d->identity.setByApp(clientId);
    Q_EMIT clientIdChanged();
    // Stopped because the server refused the old one: try the new one.
    if (std::exchange(d->stopForGood, false) && d->active && !d->socket)
        d->scheduleReconnect();
}

/*!
    \property Optimist::SyncClient::active
    \brief whether the client wants to be connected.

    \c true by default: the client connects as soon as it has a url.
    Setting it to \c true connects at once, as a first attempt; setting it
    to \c false closes the connection (close code 1000) or cancels a
    scheduled retry, and the state becomes Disconnected. open() and close()
    set it.
*/
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
        d->cancelRetry();
        d->connectTimer.stop();
        if (d->socket)
            d->socket->close(QWebSocketProtocol::CloseCodeNormal);
        else
            d->setState(Disconnected);
    }
}

/*!
    \property Optimist::SyncClient::state
    \brief where the connection is: Disconnected, Connecting, Connected or
    Reconnecting.

    Read-only; Disconnected at first.

    \sa errorString, nextRetryAt
*/
SyncClient::State SyncClient::state() const
{
    return d->state;
}
/*!
    \property Optimist::SyncClient::errorString
    \brief why the connection is down or stopped, or what last went wrong
    with it, in words; cleared by each welcome.

    It holds the last of: a failed connection attempt (the message of
    errorOccurred() with code \c connection_failed, e.g. "Connection
    refused", "TLS: …", a hint to use \c{wss://}, or "the server at <url>
    did not answer within <n> s", see connectTimeoutMs); a close by the
    server, "the server closed the connection: <close code> <reason>";
    "the connection was lost"; "the server stopped answering" (no message
    for more than twice the server's heartbeat interval); a replaced
    connection (code \c replaced: another one with this clientId took
    over); the message (or, without one, the code) of an \c error frame
    from the server about the connection; a storage directory that cannot
    be used (see storageDirectory). So while Connected it is empty unless
    the server sent such an error frame since the welcome.

    A subscription the server refuses is not the connection's error: it is
    its model's ListModel::errorString (and errorOccurred()). Refusals of a
    push that the client handles itself (\c out_of_order, \c rate_limited,
    \c too_large with the number to resend from) are told by
    errorOccurred() only.

    \sa errorOccurred(), state
*/
QString SyncClient::errorString() const
{
    return d->errorString;
}
/*!
    \property Optimist::SyncClient::storageError
    \brief why the client cannot keep its edits in storageDirectory, in one
    sentence; empty while it can (and without a storage directory).

    Set when the directory is not a writable directory or a file in it
    cannot be written: "cannot keep edits offline: <dir> is not a writable
    directory: <dir>/afile is a file", "cannot keep edits offline: cannot
    write <dir>/outbox-<clientId>.json: …". errorOccurred() reports it once
    per reason with code \c storage_failed (ErrorCode::StorageFailed). The
    client keeps syncing, but edits made offline would not survive a
    restart; it tries again at each save, and the property is cleared once
    a save works. Unlike errorString, a welcome does not clear it.
    SyncStatusBar shows it.

    \sa storageDirectory
*/
QString SyncClient::storageError() const
{
    return d->storageError;
}

/*!
    \fn void Optimist::SyncClient::storageErrorChanged()
    Emitted when storageError changes.
*/

/*!
    \property Optimist::SyncClient::outboxCount
    \brief the number of committed transactions the server has not settled
    (acked or rejected) yet, those restored from storageDirectory included.

    Read-only; 0 at first. A non-zero count while Connected means pushes are
    on their way; while not connected, edits waiting to be sent.
*/
int SyncClient::outboxCount() const
{
    return int(d->outbox.size());
}

/*!
    Returns the TLS settings used for \c{wss://} urls; a null configuration
    (the default) means Qt's default one.

    \sa setSslConfiguration()
*/
QSslConfiguration SyncClient::sslConfiguration() const
{
    return d->sslConfiguration;
}

/*!
    Sets the TLS settings for \c{wss://} urls to \a configuration, e.g. the
    CA certificates to trust (the system's by default). A certificate that
    does not verify fails the connection attempt: errorOccurred() with code
    \c connection_failed and errorString say "TLS: " and why; the client keeps
    retrying. Takes effect at the next connection attempt.
*/
void SyncClient::setSslConfiguration(const QSslConfiguration &configuration)
{
    d->sslConfiguration = configuration;
}

/*!
    \property Optimist::SyncClient::storageDirectory
    \brief where the client keeps what must outlive the process, per client
    id.

    Two files: the outbox, \c{outbox-<clientId>.json}, written after each
    change to it, and a copy of every collection the client syncs,
    \c{cache-<clientId>.sqlite} (SQLite), written after each snapshot and
    delta. A filtered model's records are kept apart, by collection, filter
    and params, each with the server and user they came from; a welcome
    drops the copies of other servers and users.

    Empty (the default): nothing is kept. Set it before the client connects:
    once the storage was read or a welcome arrived, a change is ignored with
    a warning (transactions numbered since could clash with the stored ones).
    It takes a local path or a \c{file:} URL (as QML's StandardPaths and
    folder dialogs give), and reads back as the local path. Any other URL
    (\c{qrc:}, \c{http:}) is refused: errorString says "storageDirectory must
    be a local directory or a file: URL, not '…'" and the directory is left
    unchanged. A directory that is not a writable directory, or a file in
    it that cannot be written, sets storageError and is reported by
    errorOccurred() with \c storage_failed; the client carries on without
    it and tries again at each save.

    On the next run, a bound model starts from its cached records and cursor
    before any connection (the app shows its data offline), and its
    subscription resumes from that cursor. The outbox is sent before
    anything new, with its original transaction numbers, so the server
    applies each once. Each restored transaction is replayed on the bound
    models as pending again (a new Transaction), so it settles or rolls back
    like any edit; one no model can take (its collection is not bound, or its
    record is not in the model) is sent all the same, appears when
    confirmed, and a refusal is reported by restoredTransactionRejected().
    Files that cannot be read (an outbox that is a directory included) are
    moved aside (\c{….bad-<time>}), never deleted; errorString says so.
    The file \c{client-id} holds the generated clientId.
*/
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
/*!
    \property Optimist::SyncClient::nextRetryAt
    \brief when the next reconnection attempt is due, in UTC, while the
    client waits in the Reconnecting state.

    Set each time a retry is scheduled, a wait drawn as described under
    initialBackoffMs; invalid once that attempt starts, and when the client
    is closed (close(), active set to false). Read-only.
*/
QDateTime SyncClient::nextRetryAt() const
{
    return d->nextRetryAt;
}
/*!
    \property Optimist::SyncClient::initialBackoffMs
    \brief the longest wait before the first retry, in milliseconds.

    250 by default; values below 1 are ignored. The wait before retry \e n
    (from 0) is drawn uniformly from [0, min(maxBackoffMs, initialBackoffMs ×
    backoffFactor^\e n)] ("full jitter"). \e n starts over at open(), at a new
    url, and once a welcomed connection stayed up for min(10 s, the server's
    heartbeat interval): a server that closes each connection right after
    its welcome sees the waits grow, not a tight loop. Takes effect at the
    next wait. backoffChanged() is emitted for each of the three backoff
    properties.
*/
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

/*!
    \property Optimist::SyncClient::maxBackoffMs
    \brief the cap on the longest wait before a retry, in milliseconds.

    30000 (30 s) by default; values below 1 are ignored.

    \sa initialBackoffMs
*/
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

/*!
    \property Optimist::SyncClient::backoffFactor
    \brief how much the longest wait grows with each failed attempt.

    2.0 by default; values below 1.0 are ignored.

    \sa initialBackoffMs
*/
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

/*!
    Connects now, as a first attempt (Connecting, the backoff starting
    over), unless the client is active and already connected, connecting or
    waiting to retry. Also retries at once after a stop for good (a refused
    token or protocol version), with the same token. Sets active to \c true.
*/
void SyncClient::open()
{
    if (d->active && d->state != Disconnected)
        return;
    d->active = false; // so that setActive() reconnects and notifies
    setActive(true);
}

/*!
    Closes the connection (close code 1000) or cancels a scheduled retry,
    and stays Disconnected until open(). Sets active to \c false. Pending
    edits stay in the models and the outbox.
*/
void SyncClient::close()
{
    setActive(false);
}

/*!
    \reimp

    Called by ListModel::setClient(): binds \a model and subscribes its
    collection with its filter and params once the client is welcomed. A
    model without a collection is not bound (a warning is logged); one bound
    already is left as it is. With a storageDirectory, the model is first
    filled from the cached copy of its collection, if it is empty. From
    then on the model is loading (ListModel::loading) until its first
    snapshot, unless the cache filled it (it shows those rows, and catches
    up from their cursor once connected) or its filter cannot be used; a
    refused subscription, or a client stopped for good, ends it. Edits
    the model committed before it was bound are sent too.
*/
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
    // Loading from now until the first snapshot (or a refusal): a model
    // filled from the cache has its rows and cursor, and is not.
    if (model->cursor().isEmpty() && ListModelFeed(model).filterError().isEmpty())
        ListModelFeed(model).setLoading(true);
    // Edits made before binding are sent too.
    for (Transaction *transaction : model->pendingTransactions()) {
        if (transaction->isCommitted())
            d->onCommitted(transaction);
    }
    d->subscribe(key);
}

/*!
    \reimp

    Called by ListModel::setClient() and the model's destructor: unbinds
    \a model and, while connected, unsubscribes it. Its transactions already
    in the outbox are still sent and settled.
*/
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
