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

class OPTIMIST_SYNC_EXPORT SyncClient : public Optimist::Transport { // qualified for qmltyperegistrar
    Q_OBJECT
    // FINAL: QML's compiled bindings read only properties no subclass can shadow.
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged FINAL)
    Q_PROPERTY(QString token READ token WRITE setToken NOTIFY tokenChanged FINAL)
    Q_PROPERTY(QString clientId READ clientId WRITE setClientId NOTIFY clientIdChanged FINAL)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged FINAL)
    Q_PROPERTY(State state READ state NOTIFY stateChanged FINAL)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged FINAL)
    Q_PROPERTY(QString storageError READ storageError NOTIFY storageErrorChanged FINAL)
    Q_PROPERTY(int outboxCount READ outboxCount NOTIFY outboxCountChanged FINAL)
    Q_PROPERTY(
        QString storageDirectory READ storageDirectory WRITE setStorageDirectory NOTIFY storageDirectoryChanged FINAL)
    Q_PROPERTY(QDateTime nextRetryAt READ nextRetryAt NOTIFY nextRetryAtChanged FINAL)
    Q_PROPERTY(int initialBackoffMs READ initialBackoffMs WRITE setInitialBackoffMs NOTIFY backoffChanged FINAL)
    Q_PROPERTY(int maxBackoffMs READ maxBackoffMs WRITE setMaxBackoffMs NOTIFY backoffChanged FINAL)
    Q_PROPERTY(double backoffFactor READ backoffFactor WRITE setBackoffFactor NOTIFY backoffChanged FINAL)
    Q_PROPERTY(
        int connectTimeoutMs READ connectTimeoutMs WRITE setConnectTimeoutMs NOTIFY connectTimeoutMsChanged FINAL)

public:
    enum State {
        Disconnected,
        Connecting,
        Connected,
        Reconnecting,
    };
    Q_ENUM(State)

    explicit SyncClient(QObject *parent = nullptr);
    ~SyncClient() override;

    QUrl url() const;
    void setUrl(const QUrl &url);
    QString token() const;
    void setToken(const QString &token);

    QString clientId() const;
    void setClientId(const QString &clientId);

    bool isActive() const;
    void setActive(bool active);

    State state() const;
    QString errorString() const;
    QString storageError() const;
    int outboxCount() const;

    QSslConfiguration sslConfiguration() const;
    void setSslConfiguration(const QSslConfiguration &configuration);

    QString storageDirectory() const;
    void setStorageDirectory(const QString &path);
    QDateTime nextRetryAt() const;

    int initialBackoffMs() const;
    void setInitialBackoffMs(int ms);
    int maxBackoffMs() const;
    void setMaxBackoffMs(int ms);
    double backoffFactor() const;
    void setBackoffFactor(double factor);
    int connectTimeoutMs() const;
    void setConnectTimeoutMs(int ms);

    Q_INVOKABLE void open();
    Q_INVOKABLE void close();

    void attachModel(ListModel *model) override;
    void detachModel(ListModel *model) override;

Q_SIGNALS:
    void storageDirectoryChanged();
    void restoredTransactionRejected(const QString &code, const QString &message);
    void urlChanged();
    void tokenChanged();
    void clientIdChanged();
    void activeChanged();
    void stateChanged();
    void errorStringChanged();
    void storageErrorChanged();
    void outboxCountChanged();
    void nextRetryAtChanged();
    void backoffChanged();
    void connectTimeoutMsChanged();
    void snapshotReceived(const QString &collection, int records);
    void errorOccurred(const QString &code, const QString &message);
    void tokenExpired();

private:
    friend class SyncClientPrivate;
    std::unique_ptr<SyncClientPrivate> d;
};

} // namespace Optimist
