// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// One typed value per message of docs/protocol.md, shared by both ends:
// toJson() writes the message, fromJson() reads one back or says, as a value,
// why the JSON is not one. (Qt Remote Objects keeps one serialize/deserialize
// pair per packet type the same way.)

#include <optimist/change.h>

#include <QtCore/QByteArray>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
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
    //! Refusing a subscribe (protocol 2): the refused subscription's key.
    QString subscription;

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
    //! Protocol 2: the signed-in user (the token's `sub`); empty (left
    //! out) for none.
    QString userId;

    QJsonObject toJson() const;
    static Result<WelcomeMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const WelcomeMessage &, const WelcomeMessage &) = default;
};

//! The type of a message that decode() accepted.
QString messageType(const QJsonObject &message);

//! hello (client → server): the first message of a connection.
struct HelloMessage {
    qint64 protocol = 0;
    //! 1 to 128 characters (Unicode code points).
    QString clientId;
    //! Absent or null reads as empty; the client always sends one.
    QString token;

    QJsonObject toJson() const;
    static Result<HelloMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const HelloMessage &, const HelloMessage &) = default;
};

//! A subscription's `subscription` (its key) is at most this many
//! characters (Unicode code points): every frame of it echoes the key.
inline constexpr int MaxSubscriptionKeyLength = 256;

//! subscribe (client → server).
struct SubscribeMessage {
    QString collection;
    //! The last cursor applied; empty for a first load (null on the wire).
    QString cursor;
    //! Protocol 2: the client's name for this subscription, unique on the
    //! connection; empty (left out) means the collection's name.
    QString subscription;
    //! Protocol 2: an expression (optimist/expression.h) a record must
    //! pass; empty (left out) for every readable record.
    QString filter;
    //! Protocol 2: the values of the filter's `$name`s.
    QJsonObject params;

    //! The subscription's key: subscription, or the collection's name.
    const QString &key() const { return subscription.isEmpty() ? collection : subscription; }

    QJsonObject toJson() const;
    static Result<SubscribeMessage> fromJson(const QJsonObject &json);
    //! The key a subscribe or unsubscribe names, read even when the rest
    //! of it is malformed, so a refusal can carry it; empty when it names
    //! none that could be valid (not a string, empty, or too long).
    static QString keyOf(const QJsonObject &json);
    friend bool operator==(const SubscribeMessage &, const SubscribeMessage &) = default;
};

//! unsubscribe (client → server).
struct UnsubscribeMessage {
    QString collection;
    //! Protocol 2: which subscription; empty for the collection's name.
    QString subscription;

    const QString &key() const { return subscription.isEmpty() ? collection : subscription; }

    QJsonObject toJson() const;
    static Result<UnsubscribeMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const UnsubscribeMessage &, const UnsubscribeMessage &) = default;
};

//! snapshot (server → client): one chunk of a collection's confirmed state.
struct SnapshotMessage {
    //! {id, rev, fields}, its fields left as JSON: a client converts only
    //! the records its model does not hold at that revision.
    struct Record {
        QString id;
        //! 0: left out on the wire (compare field by field).
        quint64 revision = 0;
        QJsonObject fields;
        friend bool operator==(const Record &, const Record &) = default;
    };

    QString collection;
    QString cursor;
    qint64 chunk = 0;
    bool last = false;
    QList<Record> records;
    //! Read only: why each malformed record was left out of records, so one
    //! bad record does not cost the client the rest of the snapshot.
    QStringList skipped;
    //! The subscribe's subscription, when it named one (protocol 2).
    QString subscription;

    QJsonObject toJson() const;
    static Result<SnapshotMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const SnapshotMessage &, const SnapshotMessage &) = default;
};

//! delta (server → client): changes since prevCursor, up to cursor.
struct DeltaMessage {
    QString collection;
    QString prevCursor;
    QString cursor;
    QList<RecordChange> changes;
    //! The receiver's transactions whose effects this delta contains.
    QList<qint64> acks;
    //! The subscribe's subscription, when it named one (protocol 2).
    QString subscription;

    QJsonObject toJson() const;
    static Result<DeltaMessage> fromJson(const QJsonObject &json);
    //! RecordChange has no operator== of its own: compared field by field.
    friend bool operator==(const DeltaMessage &, const DeltaMessage &);

    //! The server's fan-out: one frame encoded once for every subscriber,
    //! from changes already in JSON (changeToJson()), without acks.
    static QString frame(const QString &collection, qint64 prevCursor, qint64 cursor, const QJsonArray &changes,
        const QString &subscription = {});
    //! \a frame with a pusher's acks appended: the other subscribers' frame
    //! is not encoded again.
    static QString withAcks(QStringView frame, const QJsonArray &acks);
};

//! One transaction of a push: {tx, mutations}. A transaction's problems
//! are values in it, not a failure of the push: docs/protocol.md makes what
//! is wrong inside a transaction its reject, and a bad tx the place where
//! the server stops taking the push.
struct PushTransaction {
    //! ≥ 1; 0 when absent or not an integer ≥ 1 (the client's outbox keeps
    //! a transaction committed offline unnumbered, and writes no tx).
    qint64 tx = 0;
    QList<Mutation> mutations;
    //! The size of the mutations array as read, known before the mutations
    //! are (the server checks maxMutationsPerTransaction first).
    qsizetype mutationCount = 0;
    //! Why its mutations cannot be read, if they cannot (then none are).
    QString malformed;

    QJsonObject toJson() const;
    //! Never fails: see tx and malformed.
    static PushTransaction read(const QJsonValue &json);
    //! Mutation has no operator== of its own: compared field by field.
    friend bool operator==(const PushTransaction &, const PushTransaction &);
};

//! push (client → server).
struct PushMessage {
    //! The client holds the outcome of every transaction up to it.
    std::optional<qint64> settledTx;
    QList<PushTransaction> transactions;

    QJsonObject toJson() const;
    //! Fails on the push as a whole (transactions, settledTx) only.
    static Result<PushMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const PushMessage &, const PushMessage &) = default;
};

//! A transaction in its push form, encoded once: the client's outbox keeps
//! one per transaction, measures its UTF-8 size against maxFrameBytes and
//! builds push frames from it without encoding it again (PushFrame).
class EncodedTransaction {
public:
    EncodedTransaction() = default;
    explicit EncodedTransaction(const PushTransaction &transaction);
    //! From a push form kept in storage (see isStoredForm()).
    explicit EncodedTransaction(QJsonObject json);

    //! {mutations: [...], tx?: > 0}: what the outbox's storage may hold.
    static bool isStoredForm(const QJsonObject &json);

    qint64 tx() const { return m_tx; }
    void setTx(qint64 tx);
    qsizetype mutationCount() const { return m_mutationCount; }
    //! The push form, with tx once numbered.
    const QJsonObject &json() const { return m_json; }
    //! The transaction read back, as the server would read it.
    PushTransaction read() const { return PushTransaction::read(m_json); }
    //! Its UTF-8 size in a push, numbered \a tx.
    qsizetype bytes(qint64 tx) const;
    //! Appends it, numbered tx(), to a push frame.
    void appendTo(QByteArray *frame) const;

private:
    QJsonObject m_json;
    //! m_json without tx, compact UTF-8.
    QByteArray m_body;
    qint64 m_tx = 0;
    qsizetype m_mutationCount = 0;
};

//! A push frame built from encoded transactions:
//! prefix(settledTx), transactions separated by ',', Suffix.
namespace PushFrame {
QByteArray prefix(qint64 settledTx);
inline constexpr QByteArrayView Suffix = "]}";
} // namespace PushFrame

//! ping (either way); the answer is a pong with the same id.
struct PingMessage {
    //! Any JSON value, echoed as it is; undefined when absent (and then
    //! left out: a default QJsonValue would be null).
    QJsonValue id = QJsonValue::Undefined;

    QJsonObject toJson() const;
    static Result<PingMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const PingMessage &, const PingMessage &) = default;
};

//! pong (either way): answers a ping.
struct PongMessage {
    QJsonValue id = QJsonValue::Undefined;

    QJsonObject toJson() const;
    static Result<PongMessage> fromJson(const QJsonObject &json);
    friend bool operator==(const PongMessage &, const PongMessage &) = default;
};

} // namespace Optimist::Protocol
