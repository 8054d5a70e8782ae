// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// tst_multiuser's instruments: a tap on every frame a SyncClient receives,
// a raw protocol-2 observer per user (a second, independent client), and a
// reader of the server's SQLite file (its records and its change log).

#include "multiuseroracle.h"

#include <optimist/syncclient.h>

#include <QtCore/QChildEvent>
#include <QtCore/QPointer>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>

namespace MultiUser {

using Clock = std::function<qint64()>;

//! Records every text frame the SyncClient's own sockets receive. The
//! client makes a new QWebSocket child per connection; the tap hooks each
//! one right after it is made (before it can have connected), so it sees a
//! connection's frames from its welcome on (checked: firstFrameNotWelcome).
class FrameTap : public QObject {
public:
    FrameTap(Optimist::SyncClient *client, const QString &user, Clock clock, QList<Frame> *frames)
        : m_user(user)
        , m_clock(std::move(clock))
        , m_frames(frames)
    {
        client->installEventFilter(this);
    }

    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::ChildAdded) {
            // Still under construction: hook it once the event loop turns.
            QPointer<QObject> child = static_cast<QChildEvent *>(event)->child();
            QMetaObject::invokeMethod(
                this, [this, child] { hook(child); }, Qt::QueuedConnection);
        }
        return false;
    }

    //! Connections whose first frame was not a welcome (the tap was late).
    int firstFrameNotWelcome = 0;

private:
    void hook(QObject *child)
    {
        auto *socket = qobject_cast<QWebSocket *>(child);
        if (!socket)
            return;
        const int index = ++m_sockets;
        auto first = std::make_shared<bool>(true);
        connect(socket, &QWebSocket::textMessageReceived, this, [this, index, first](const QString &text) {
            if (std::exchange(*first, false) && !text.contains(u"\"welcome\""_s))
                ++firstFrameNotWelcome;
            m_frames->append({ m_user + u"/client"_s, m_user, index, m_clock(), text });
        });
    }

    QString m_user;
    Clock m_clock;
    QList<Frame> *m_frames;
    int m_sockets = 0;
};

//! A bare client for one user. With protocol 2 three subscriptions: "all"
//! (unfiltered), "list" (`record.list == $list`) and "others"
//! (`record.owner != auth.sub`: owner changes move records in and out);
//! with protocol 1 one, keyed "todos" (a v1 client must get only what it may
//! read too, in dense deltas). It builds its state from what it receives,
//! resumes each subscription from its own cursor after reconnect(), and
//! pushes updates and removes of any id, the other users' private ones too.
class RawObserver : public QObject {
public:
    RawObserver(const QString &user, Clock clock, QList<Frame> *frames)
        : m_user(user)
        , m_clock(std::move(clock))
        , m_frames(frames)
    {
        connect(&m_socket, &QWebSocket::textMessageReceived, this, &RawObserver::receive);
        connect(&m_socket, &QWebSocket::connected, this, &RawObserver::sayHello);
    }

    bool start(const QUrl &url, const QString &token, int protocol, const QString &list)
    {
        m_url = url;
        m_token = token;
        m_protocol = protocol;
        m_list = list;
        m_socket.open(url);
        const qsizetype subscriptions = protocol == 1 ? 1 : 3;
        return QTest::qWaitFor([&] { return m_cursors.size() == subscriptions || !problems.isEmpty(); }, 10000)
            && problems.isEmpty();
    }

    //! Drops the connection and opens a new one that resumes every
    //! subscription from its cursor (only when no push is unanswered).
    void reconnect()
    {
        ++m_socketIndex;
        m_welcomed = false;
        m_socket.abort();
        m_socket.open(m_url);
    }

    bool isLive() const { return m_welcomed; }
    int protocol() const { return m_protocol; }
    QString list() const { return m_list; }
    QMap<QString, QJsonObject> records(const QString &subscription) const { return m_records.value(subscription); }

    //! Pushes one transaction of one mutation.
    void push(const QJsonObject &mutation)
    {
        send({ { u"type"_s, u"push"_s },
            { u"transactions"_s,
                QJsonArray { QJsonObject {
                    { u"tx"_s, m_lastTx + ++m_pushed }, { u"mutations"_s, QJsonArray { mutation } } } } } });
    }
    //! Connected, every push answered, no snapshot half received.
    bool settled() const { return m_welcomed && m_answered == m_pushed && m_chunks.isEmpty(); }
    int pending() const { return m_pushed - m_answered; }
    int accepted() const { return m_accepted; }

    //! What went wrong on the wire (gaps, unexpected errors), in words.
    QStringList problems;

private:
    void sayHello()
    {
        send({ { u"type"_s, u"hello"_s }, { u"protocol"_s, m_protocol }, { u"clientId"_s, QString(m_user + u"-raw"_s) },
            { u"token"_s, m_token } });
    }

    void subscribe(const QString &key, const QString &filter, const QJsonObject &params)
    {
        QJsonObject message { { u"type"_s, u"subscribe"_s }, { u"collection"_s, u"todos"_s } };
        if (m_protocol == 2)
            message.insert(u"subscription"_s, key);
        if (!filter.isEmpty())
            message.insert(u"filter"_s, filter);
        if (!params.isEmpty())
            message.insert(u"params"_s, params);
        if (m_cursors.contains(key))
            message.insert(u"cursor"_s, m_cursors.value(key));
        send(message);
    }

    void welcomed(const QJsonObject &welcome)
    {
        m_welcomed = true;
        m_lastTx = welcome.value(u"lastTx"_s).toInteger();
        m_pushed = m_answered = 0;
        if (m_protocol == 1) {
            subscribe(u"todos"_s, {}, {});
            return;
        }
        subscribe(u"all"_s, {}, {});
        subscribe(u"list"_s, u"record.list == $list"_s, { { u"list"_s, m_list } });
        subscribe(u"others"_s, u"record.owner != auth.sub"_s, {});
    }

    void send(const QJsonObject &message)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }

    void receive(const QString &text)
    {
        m_frames->append({ m_user + u"/raw"_s, m_user, m_socketIndex, m_clock(), text });
        const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = message.value(u"type"_s).toString();
        const QString subscription = message.value(u"subscription"_s).toString(u"todos"_s);
        if (type == u"welcome"_s) {
            welcomed(message);
        } else if (type == u"snapshot"_s) {
            applySnapshot(subscription, message);
        } else if (type == u"delta"_s) {
            applyDelta(subscription, message);
        } else if (type == u"ack"_s || type == u"reject"_s) {
            ++m_answered;
            m_accepted += type == u"ack"_s ? 1 : 0;
        } else if (type != u"pong"_s) {
            problems.append(m_user + u"/raw got "_s + text);
        }
    }

    void applySnapshot(const QString &subscription, const QJsonObject &message)
    {
        if (message.value(u"chunk"_s).toInt() == 0)
            m_chunks[subscription].clear();
        for (const QJsonValue &record : message.value(u"records"_s).toArray()) {
            const QJsonObject object = record.toObject();
            m_chunks[subscription].insert(
                object.value(u"id"_s).toString(), normalized(object.value(u"fields"_s).toObject()));
        }
        if (message.value(u"last"_s).toBool()) {
            m_records[subscription] = m_chunks.take(subscription);
            m_cursors[subscription] = message.value(u"cursor"_s).toString();
        }
    }

    void applyDelta(const QString &subscription, const QJsonObject &message)
    {
        if (message.value(u"prevCursor"_s).toString() != m_cursors.value(subscription)) {
            problems.append(u"%1/raw, subscription %2: delta from %3, but its cursor is %4"_s.arg(
                m_user, subscription, message.value(u"prevCursor"_s).toString(), m_cursors.value(subscription)));
        }
        QMap<QString, QJsonObject> &records = m_records[subscription];
        for (const QJsonValue &value : message.value(u"changes"_s).toArray()) {
            const QJsonObject change = value.toObject();
            const QString id = change.value(u"id"_s).toString();
            if (change.value(u"op"_s).toString() == u"remove"_s)
                records.remove(id);
            else
                records.insert(id, normalized(change.value(u"fields"_s).toObject()));
        }
        m_cursors[subscription] = message.value(u"cursor"_s).toString();
    }

    QString m_user;
    Clock m_clock;
    QList<Frame> *m_frames;
    QWebSocket m_socket;
    QUrl m_url;
    QString m_token;
    int m_socketIndex = 1;
    int m_protocol = 2;
    QString m_list;
    bool m_welcomed = false;
    qint64 m_lastTx = 0;
    int m_pushed = 0;
    int m_answered = 0;
    int m_accepted = 0;
    QHash<QString, QMap<QString, QJsonObject>> m_chunks;
    QHash<QString, QMap<QString, QJsonObject>> m_records;
    QHash<QString, QString> m_cursors;
};

//! The server's truth, read from its SQLite file with a connection of our
//! own: the records now, and every version the change log holds.
struct ServerTruth {
    QMap<QString, QJsonObject> records;
    QList<Version> history;
    qint64 lastSeq = 0;
    QString error;
};

inline ServerTruth readServerTruth(const QString &path)
{
    ServerTruth truth;
    const QString name = u"tst_multiuser_truth"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        const bool opened = db.open();
        QSqlQuery records(db);
        QSqlQuery changes(db);
        if (!opened || !records.exec(u"SELECT id, data FROM records WHERE collection = 'todos'"_s)
            || !changes.exec(
                u"SELECT seq, record_id, op, data FROM changes WHERE collection = 'todos' ORDER BY seq, idx"_s)) {
            truth.error = db.lastError().text() + records.lastError().text() + changes.lastError().text();
        }
        while (records.next()) {
            truth.records.insert(records.value(0).toString(),
                normalized(QJsonDocument::fromJson(records.value(1).toString().toUtf8()).object()));
        }
        while (changes.next()) {
            Version version { changes.value(1).toString(), changes.value(0).toLongLong(),
                changes.value(2).toString() == u"remove"_s, {} };
            if (!version.removed)
                version.fields = normalized(QJsonDocument::fromJson(changes.value(3).toString().toUtf8()).object());
            truth.lastSeq = std::max(truth.lastSeq, version.seq);
            truth.history.append(version);
        }
    }
    QSqlDatabase::removeDatabase(name);
    return truth;
}

} // namespace MultiUser
