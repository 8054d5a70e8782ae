// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// A raw TCP client for the abuse tests: binds a loopback source address of
// its own (127.0.0.2, ...), speaks as much WebSocket as an attacker needs
// and parses what the server sends, never through QWebSocket. Waits run
// the event loop: the server under test lives in the same thread.

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QtEndian>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QTest>

#include <functional>

using namespace Qt::StringLiterals;

//! A masked client frame (the mask is zero: the payload goes as is).
inline QByteArray clientFrame(quint8 opcode, const QByteArray &payload, qint64 declaredSize = -1)
{
    const quint64 size = declaredSize < 0 ? quint64(payload.size()) : quint64(declaredSize);
    QByteArray frame(1, char(0x80 | opcode));
    if (size < 126) {
        frame.append(char(0x80 | size));
    } else if (size < 65536) {
        frame.append(char(0x80 | 126));
        frame.append(char(size >> 8)).append(char(size & 0xff));
    } else {
        frame.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((size >> shift) & 0xff));
    }
    frame.append(QByteArray(4, '\0'));
    return frame + payload;
}

inline QByteArray textFrame(const QJsonObject &message)
{
    return clientFrame(0x1, QJsonDocument(message).toJson(QJsonDocument::Compact));
}

inline QJsonObject helloMessage(const QString &clientId, const QString &token = {})
{
    QJsonObject hello { { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 }, { u"clientId"_s, clientId } };
    if (!token.isEmpty())
        hello.insert(u"token"_s, token);
    return hello;
}

class Abuser {
public:
    Abuser()
    {
        // Read as it arrives: what a closed socket held is gone.
        QObject::connect(&tcp, &QTcpSocket::readyRead, &tcp, [this] {
            if (reading)
                read();
        });
    }

    //! Connects from \a source to the server on 127.0.0.1:\a port.
    bool connectFrom(const QString &source, quint16 port, int receiveBuffer = 0)
    {
        if (!tcp.bind(QHostAddress(source)))
            return false;
        if (receiveBuffer > 0)
            tcp.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, receiveBuffer);
        tcp.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([this] { return tcp.state() != QAbstractSocket::ConnectingState; }, 10000)
            && tcp.state() == QAbstractSocket::ConnectedState;
    }

    //! Sends the WebSocket upgrade request; the answer is read as it comes
    //! (onUpgraded runs once it said 101).
    void requestUpgrade()
    {
        requested = true;
        tcp.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    //! The WebSocket handshake; true once the server answered 101.
    bool upgrade()
    {
        requestUpgrade();
        QTest::qWaitFor(
            [this] {
                read();
                return upgraded || !isOpen();
            },
            10000);
        return upgraded;
    }

    bool isOpen() const { return tcp.state() == QAbstractSocket::ConnectedState; }

    //! Reads what arrived and parses whole frames.
    void read()
    {
        if (tcp.isOpen())
            buffer += tcp.readAll();
        if (requested && !upgraded) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0 || !buffer.startsWith("HTTP/1.1 101"))
                return;
            buffer.remove(0, end + 4);
            upgraded = true;
            if (onUpgraded)
                onUpgraded(*this);
        }
        while (upgraded && buffer.size() >= 2) {
            const quint8 opcode = quint8(buffer.at(0)) & 0x0f;
            quint64 size = quint8(buffer.at(1)) & 0x7f;
            qsizetype header = 2;
            if (size == 126) {
                if (buffer.size() < 4)
                    return;
                size = qFromBigEndian<quint16>(buffer.constData() + 2);
                header = 4;
            } else if (size == 127) {
                if (buffer.size() < 10)
                    return;
                size = qFromBigEndian<quint64>(buffer.constData() + 2);
                header = 10;
            }
            if (quint64(buffer.size() - header) < size)
                return;
            const QByteArray payload = buffer.mid(header, qsizetype(size));
            buffer.remove(0, header + qsizetype(size));
            if (opcode == 0x8 && payload.size() >= 2)
                closeCode = qFromBigEndian<quint16>(payload.constData());
            else if (opcode == 0x1)
                messages.append(QJsonDocument::fromJson(payload).object());
        }
    }

    //! Waits (reading) until the server closed the connection.
    bool waitClosed(int ms = 10000)
    {
        reading = true;
        tcp.setReadBufferSize(0);
        return QTest::qWaitFor(
            [this] {
                read();
                return !isOpen();
            },
            ms);
    }

    //! Waits for a message or the end of the connection.
    QJsonObject take(int ms = 10000)
    {
        QTest::qWaitFor(
            [this] {
                read();
                return !messages.isEmpty() || !isOpen();
            },
            ms);
        return messages.isEmpty() ? QJsonObject() : messages.takeFirst();
    }

    QTcpSocket tcp;
    //! Off: reads nothing (with a small read buffer, the kernel's fills).
    bool reading = true;
    bool requested = false;
    bool upgraded = false;
    std::function<void(Abuser &)> onUpgraded;
    QByteArray buffer;
    QList<QJsonObject> messages;
    int closeCode = -1;
};
