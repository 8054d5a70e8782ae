// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistsync_export.h>
#include <optimist/transport.h>

#include <QtCore/QDateTime>
#include <QtCore/QUrl>
#include <QtNetwork/QSslConfiguration>

#include <memory>

namespace Optimist {

class SyncClientPrivate;

//! One WebSocket connection to an Optimist server, shared by every model
//! bound to it (ListModel::setClient(), or `client:` in QML).
//!
//! It says hello, subscribes each bound model's collection (resuming from
//! the model's cursor), applies snapshots and deltas, resubscribes on a gap,
//! pushes committed transactions in order and settles them with the
//! server's acks and rejects. When the connection drops it reconnects with
//! exponential backoff and full jitter, and resends what is unsettled; edits
//! made meanwhile keep working optimistically and wait in the outbox.
//!
//! Each bound model is a subscription of its own, with the model's filter
//! and filterParams (ListModel::filter()): several models, filtered apart,
//! may share one collection and one client. A model whose filter or params
//! change is subscribed again without a cursor (its rows were diffed at
//! once); one the server refuses (`invalid_filter`, `forbidden`, …) gets
//! the server's message as its errorString and stops loading. The filters
//! read `auth.sub` as the user id of the server's welcome; a welcome for
//! another user than the one a model's records came for empties the model
//! at once and reloads it.
//!
//! Each committed transaction belongs to the user it was made as: the last
//! welcome's, or offline before any welcome the user the storage
//! directory's outbox and records are for. A welcome for another user (a
//! new token) never sends the previous user's unsettled transactions: each
//! is rejected with ErrorCode::UserChanged (`user_changed`; its models roll
//! it back), errorOccurred() says how many, and they are not kept.
class OPTIMIST_SYNC_EXPORT SyncClient : public Optimist::Transport { // qualified for qmltyperegistrar
    Q_OBJECT
    // FINAL: QML's compiled bindings read only properties no subclass can shadow.
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged FINAL)
    Q_PROPERTY(QString token READ token WRITE setToken NOTIFY tokenChanged FINAL)
    Q_PROPERTY(QString clientId READ clientId WRITE setClientId NOTIFY clientIdChanged FINAL)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged FINAL)
    Q_PROPERTY(State state READ state NOTIFY stateChanged FINAL)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged FINAL)
    Q_PROPERTY(int outboxCount READ outboxCount NOTIFY outboxCountChanged FINAL)
    Q_PROPERTY(
        QString storageDirectory READ storageDirectory WRITE setStorageDirectory NOTIFY storageDirectoryChanged FINAL)
    Q_PROPERTY(QDateTime nextRetryAt READ nextRetryAt NOTIFY nextRetryAtChanged FINAL)
    Q_PROPERTY(int initialBackoffMs READ initialBackoffMs WRITE setInitialBackoffMs NOTIFY backoffChanged FINAL)
    Q_PROPERTY(int maxBackoffMs READ maxBackoffMs WRITE setMaxBackoffMs NOTIFY backoffChanged FINAL)
    Q_PROPERTY(double backoffFactor READ backoffFactor WRITE setBackoffFactor NOTIFY backoffChanged FINAL)

public:
    enum State {
        Disconnected, //!< not active, or stopped for good (see errorString)
        Connecting, //!< first connection attempt under way
        Connected, //!< welcomed by the server: syncing live
        Reconnecting, //!< lost the connection; retrying at nextRetryAt
    };
    Q_ENUM(State)

    explicit SyncClient(QObject *parent = nullptr);
    ~SyncClient() override;

    QUrl url() const;
    void setUrl(const QUrl &url);
    QString token() const;
    //! The token sent with hello. A new one takes effect at the next
    //! connection; after the server refused the old one (tokenExpired()
    //! included) the client reconnects with it, after the usual backoff.
    void setToken(const QString &token);

    //! Identifies this installation to the server, which counts transaction
    //! numbers per client id. Empty by default: then one is generated on
    //! first use and kept in QSettings (key "Optimist/clientId"), so it is
    //! stable across restarts; a second process running at the same time
    //! gets a fresh one (a lock file guards the stored id). Set it
    //! explicitly for several clients in one process.
    QString clientId() const;
    void setClientId(const QString &clientId);

    //! Whether the client wants to be connected (default true: it connects
    //! as soon as it has a url). open() and close() set it.
    bool isActive() const;
    void setActive(bool active);

    State state() const;
    //! Why the connection is down or stopped, or what last went wrong
    //! with it, in words (empty once a welcome arrives).
    QString errorString() const;
    //! Committed transactions the server has not settled yet.
    int outboxCount() const;

    //! TLS settings for wss:// urls, e.g. the CA certificates to trust (the
    //! system's by default). A certificate that does not verify fails the
    //! connection, with the reason in errorString; the client keeps retrying.
    //! Takes effect at the next connection.
    QSslConfiguration sslConfiguration() const;
    void setSslConfiguration(const QSslConfiguration &configuration);

    //! Where the client keeps what must outlive the process, per client id:
    //! the outbox (`outbox-<clientId>.json`, written after each change) and
    //! a copy of every collection it syncs (`cache-<clientId>.sqlite`,
    //! SQLite, written after each snapshot and delta; a filtered model's
    //! records apart, by collection, filter and params, each with the server
    //! and user they came from; a welcome drops other servers' and users'
    //! copies). Empty (the default): nothing is kept. Set it before the
    //! client connects. A local path or a `file:` URL (as QML's StandardPaths
    //! and folder dialogs give; read back as its local path); any other URL
    //! is refused, with the reason in errorString and the directory unchanged.
    //!
    //! On the next run, a bound model starts from its cached records and
    //! cursor before any connection (the app shows its data offline), and
    //! its subscription resumes from that cursor. The outbox is sent before
    //! anything new, with its original transaction numbers, so the server
    //! applies each once. Each restored transaction is replayed on the bound
    //! models as pending again (a new Transaction), so it settles or rolls
    //! back like any edit; one no model can take (its collection is not
    //! bound, or its record is not in the model) is sent all the same,
    //! appears when confirmed, and a refusal is reported by
    //! restoredTransactionRejected(). Files that cannot be read are moved
    //! aside (`….bad-<time>`), never deleted.
    QString storageDirectory() const;
    void setStorageDirectory(const QString &path);
    //! When the next reconnection attempt is due, while Reconnecting.
    QDateTime nextRetryAt() const;

    int initialBackoffMs() const;
    void setInitialBackoffMs(int ms);
    int maxBackoffMs() const;
    void setMaxBackoffMs(int ms);
    double backoffFactor() const;
    void setBackoffFactor(double factor);

    Q_INVOKABLE void open();
    Q_INVOKABLE void close();

    void attachModel(ListModel *model) override;
    void detachModel(ListModel *model) override;

Q_SIGNALS:
    void storageDirectoryChanged();
    //! The server refused a transaction restored from the storage directory
    //! that no model showed (see storageDirectory), so nothing rolled back.
    void restoredTransactionRejected(const QString &code, const QString &message);
    void urlChanged();
    void tokenChanged();
    void clientIdChanged();
    void activeChanged();
    void stateChanged();
    void errorStringChanged();
    void outboxCountChanged();
    void nextRetryAtChanged();
    void backoffChanged();
    //! A full snapshot of \a collection was applied to one of its models
    //! (first load, a new filter, or a resume from a cursor the server's
    //! change log no longer reaches).
    void snapshotReceived(const QString &collection, int records);
    //! The server reported an error (docs/protocol.md, "Error codes"), or,
    //! with code `connection_failed` (ErrorCode::ConnectionFailed), a
    //! connection attempt failed before the welcome: \a message says why
    //! ("Connection refused", "TLS: …", a hint to use wss://) and is also
    //! errorString. Told once per reason, not at every retry.
    void errorOccurred(const QString &code, const QString &message);
    //! The server refused the token or ended the session because the token
    //! expired (close code 4001, reason "token_expired"). The client stays
    //! disconnected, keeping every pending edit, until setToken() gives it
    //! another token; then it reconnects and sends them.
    void tokenExpired();

private:
    friend class SyncClientPrivate;
    std::unique_ptr<SyncClientPrivate> d;
};

} // namespace Optimist
