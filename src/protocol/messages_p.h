// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// One typed value per message of docs/protocol.md, shared by both ends:
// toJson() writes the message, fromJson() reads one back or says, as a value,
// why the JSON is not one. (Qt Remote Objects keeps one serialize/deserialize
// pair per packet type the same way.)

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringView>

#include <optional>
#include <utility>

namespace Optimist::Protocol {

//! Why a JSON object is not the message it claims to be.
struct Failure {
    QString error;
};

//! A decoded message, or the Failure that says why there is none.
template<typename T> class Result {
public:
    Result(T value)
        : m_value(std::move(value))
    {
    }
    Result(Failure failure)
        : m_error(std::move(failure.error))
    {
    }

    explicit operator bool() const { return m_value.has_value(); }
    const T &operator*() const { return *m_value; }
    const T *operator->() const { return &*m_value; }
    //! In the words of an invalid_message error ("field 'tx' must be …").
    const QString &error() const { return m_error; }

private:
    std::optional<T> m_value;
    QString m_error;
};

//! error (server → client): a problem with a message rather than with a transaction.
struct ErrorMessage {
    QString code;
    QString message;
    //! The type of the offending message, when known.
    QString ref;
    //! Only with rate_limited; 0 is left out.
    int retryAfterMs = 0;
    //! Answering a push: the transaction number to resend from.
    std::optional<qint64> expectedTx;
    //! Answering a hello of an unsupported protocol: the versions spoken.
    QList<int> supported;

    QJsonObject toJson() const;
    static Result<ErrorMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const ErrorMessage &, const ErrorMessage &) = default;
};

//! ack (server → client): transaction tx is applied.
struct AckMessage {
    qint64 tx = 0;
    //! Per collection the transaction changed, a cursor whose state contains it.
    QJsonObject cursors;

    QJsonObject toJson() const;
    //! The frame encode(toJson()) makes, written directly.
    QString toFrame() const;
    //! The same from cursors already encoded as a JSON object. The server
    //! answers every transaction with an ack and encodes the cursors a batch
    //! shares once: building and encoding a QJsonObject per ack was a large
    //! part of its time.
    static QString frame(QStringView encodedCursors, qint64 tx);
    static Result<AckMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const AckMessage &, const AckMessage &) = default;
};

//! reject (server → client): transaction tx was not applied and never will be.
struct RejectMessage {
    qint64 tx = 0;
    QString code;
    QString message;
    //! The same edits could succeed later as a new transaction.
    bool retryable = false;

    QJsonObject toJson() const;
    static Result<RejectMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const RejectMessage &, const RejectMessage &) = default;
};

//! What a welcome says of the server's limits (docs/protocol.md, "Limits");
//! each may be left out, and the client then assumes the reference default.
struct WelcomeLimits {
    std::optional<qint64> maxFrameBytes;
    std::optional<qint64> maxMutationsPerTransaction;
    std::optional<qint64> maxPendingPushes;

    friend bool operator==(const WelcomeLimits &, const WelcomeLimits &) = default;
};

//! welcome (server → client): the hello is accepted.
struct WelcomeMessage {
    qint64 protocol = 0;
    QString clientId;
    QString serverId;
    qint64 heartbeatMs = 0;
    //! The highest transaction number of this clientId the server processed.
    qint64 lastTx = 0;
    WelcomeLimits limits;

    QJsonObject toJson() const;
    static Result<WelcomeMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const WelcomeMessage &, const WelcomeMessage &) = default;
};

} // namespace Optimist::Protocol
