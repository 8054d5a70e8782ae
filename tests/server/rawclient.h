// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// A bare protocol client for the server tests: a QWebSocket that queues
// every message it receives, no SyncClient involved.

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QSignalSpy>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;

class RawClient : public QObject {
public:
    RawClient()
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) {
            frames.append(frame);
            received.append(QJsonDocument::fromJson(frame.toUtf8()).object());
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closeCode = socket.closeCode(); });
    }

    bool open(const QUrl &url)
    {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        return connected.wait(10000);
    }

    void send(const QJsonObject &message)
    {
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson()));
    }

    //! The next message, waiting for it if needed; an empty object on timeout.
    QJsonObject take()
    {
        if (received.isEmpty()) {
            QSignalSpy spy(&socket, &QWebSocket::textMessageReceived);
            spy.wait(10000);
        }
        return received.isEmpty() ? QJsonObject() : received.takeFirst();
    }

    //! Sends hello and returns the answer.
    QJsonObject hello(const QString &clientId, const QString &token = {}, int protocol = 1)
    {
        QJsonObject message { { u"type"_s, u"hello"_s }, { u"protocol"_s, protocol }, { u"clientId"_s, clientId } };
        if (!token.isEmpty())
            message.insert(u"token"_s, token);
        send(message);
        return take();
    }

    //! Round-trips a ping: everything the server sent before the pong is
    //! returned, so a test can prove the server sent nothing else.
    QList<QJsonObject> sync()
    {
        send({ { u"type"_s, u"ping"_s }, { u"id"_s, ++pingId } });
        QList<QJsonObject> before;
        for (QJsonObject message = take(); !message.isEmpty(); message = take()) {
            if (message.value(u"type"_s) == u"pong"_s && message.value(u"id"_s) == pingId)
                return before;
            before.append(message);
        }
        before.append({ { u"type"_s, u"timeout"_s } });
        return before;
    }

    //! Sends a push of one transaction.
    void push(qint64 tx, const QJsonArray &mutations)
    {
        send({ { u"type"_s, u"push"_s },
            { u"transactions"_s, QJsonArray { QJsonObject { { u"tx"_s, tx }, { u"mutations"_s, mutations } } } } });
    }

    //! Subscribes and collects a whole snapshot: its records and cursor.
    QJsonArray snapshot(const QString &collection, QString *cursor = nullptr, int *chunks = nullptr)
    {
        send({ { u"type"_s, u"subscribe"_s }, { u"collection"_s, collection } });
        QJsonArray records;
        for (int chunk = 0;; ++chunk) {
            const QJsonObject message = take();
            if (message.value(u"type"_s) != u"snapshot"_s || message.value(u"chunk"_s).toInt(-1) != chunk)
                return { QJsonObject { { u"unexpected"_s, message } } };
            for (const QJsonValue &record : message.value(u"records"_s).toArray())
                records.append(record);
            if (cursor)
                *cursor = message.value(u"cursor"_s).toString();
            if (chunks)
                *chunks = chunk + 1;
            if (message.value(u"last"_s).toBool())
                return records;
        }
    }

    QWebSocket socket;
    QList<QJsonObject> received;
    //! Every text frame as it came, for tests that scan the raw bytes.
    QStringList frames;
    int closeCode = -1;
    int pingId = 0;
};

inline QJsonObject insertTodo(const QString &id, const QString &title)
{
    return { { u"op"_s, u"insert"_s }, { u"collection"_s, u"todos"_s }, { u"id"_s, id },
        { u"fields"_s, QJsonObject { { u"title"_s, title } } } };
}

inline QJsonObject updateTodo(const QString &id, const QJsonObject &fields)
{
    return { { u"op"_s, u"update"_s }, { u"collection"_s, u"todos"_s }, { u"id"_s, id }, { u"fields"_s, fields } };
}

inline QJsonObject removeTodo(const QString &id)
{
    return { { u"op"_s, u"remove"_s }, { u"collection"_s, u"todos"_s }, { u"id"_s, id } };
}
