// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "messages_p.h"
#include "outboxstore_p.h"

#include <optimist/transaction.h>

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QPointer>

#include <deque>

namespace Optimist {

//! A committed transaction on its way to the server.
struct OutboxEntry {
    //! An entry for a transaction in its push form (numbered if it has a tx).
    static OutboxEntry fromPush(Protocol::EncodedTransaction push);

    QPointer<Transaction> transaction;
    quint64 localId = 0;
    quint64 wireTx = 0; //!< the client's transaction number; 0 until welcomed
    //! Its push form, as the storage directory keeps it, encoded once:
    //! pushes are built and measured from it.
    Protocol::EncodedTransaction push;
    bool inFlight = false;
    bool sentAlone = false; //!< in flight in a push of its own
    bool sendAlone = false; //!< the server could not read a push holding it
    //! The user it was made by: the last welcome's (or, before any welcome,
    //! the one the storage directory's records and outbox are for).
    //! Nothing: no user was known yet; the next welcome's user takes it.
    std::optional<QString> madeBy;
};

//! An outbox entry refused by the client itself, and why.
struct LocalRefusal {
    OutboxEntry entry;
    QString message;
};

//! The limits of the server's last welcome (docs/protocol.md, "Limits").
struct ServerLimits {
    qint64 maxFrameBytes = 1048576;
    qsizetype maxMutationsPerTransaction = 1000;
    int maxPendingPushes = 256;
};

//! The committed transactions the server has not settled, in commit order:
//! their numbers (contiguous per client id, given after a welcome), the
//! pushes that carry them under the server's limits, and what a refused
//! push means for each (docs/protocol.md, "The outbox under the server's
//! limits"). Plain data: no socket, no signals; the client sends what it
//! plans, and settles what it refuses (LocalRefusal) with the app's code.
class Outbox {
public:
    ServerLimits limits;
    bool knowsLimits = false; //!< a welcome told them (kept for offline commits)

    qsizetype size() const { return qsizetype(m_entries.size()); }
    bool isEmpty() const { return m_entries.empty(); }
    //! The highest number given.
    quint64 lastTx() const { return m_lastTx; }
    const std::deque<OutboxEntry> &entries() const { return m_entries; }
    OutboxEntry &at(qsizetype i) { return m_entries[size_t(i)]; }
    OutboxEntry *find(quint64 wireTx);
    bool holdsTransaction(quint64 localId) const;

    //! Queues \a entry, numbered at once if \a numbered (welcomed). Returns
    //! why it can never fit the known limits instead (then it is not queued).
    QString commit(OutboxEntry entry, bool numbered);
    //! Puts transactions an earlier run left (stored form, oldest first)
    //! before everything committed in this run.
    void restore(const QList<StoredTransaction> &stored, quint64 storedLastTx);
    //! At a welcome for \a userId, before numberAtWelcome(): takes out what
    //! another user made (never sent under this user's token), and closes
    //! up the numbers above \a serverLastTx behind them. What no user was
    //! known for becomes \a userId's.
    QList<LocalRefusal> takeMadeByOthers(const QString &userId, quint64 serverLastTx);
    //! Numbers the outbox at a welcome: what was never sent gets numbers
    //! above \a serverLastTx; what can never fit is refused first.
    QList<LocalRefusal> numberAtWelcome(quint64 serverLastTx);
    //! Renumbers every entry numbered \a first or above (none of which the
    //! server took) contiguously from \a first, in outbox order.
    void renumberFrom(quint64 first);
    //! An error answering a push, with the number the server takes next:
    //! the entries refused here (out of the outbox, renumbered past).
    QList<LocalRefusal> refusePush(const QString &code, const QString &text, quint64 expectedTx);
    //! Takes the entry numbered \a wireTx out; false if there is none.
    bool settle(quint64 wireTx);
    //! Nothing is in flight any more (the connection ended, or an older
    //! server refused a push without saying where it stopped).
    void resendAll(bool connectionLost);

    //! The highest number N such that every transaction ≤ N is settled.
    quint64 settledOutbox() const;
    //! Why \a entry, numbered \a tx, can never reach the server under its
    //! limits (empty: it can).
    QString tooLargeReason(const OutboxEntry &entry, quint64 tx) const;
    //! The pushes to send now, each within maxFrameBytes (one that fits with
    //! no other goes alone), until maxPendingPushes transactions are in flight.
    QList<QList<OutboxEntry *>> planPushes(quint64 settledTx);
    //! The push frame of \a batch; marks its entries in flight.
    static QByteArray takePush(const QList<OutboxEntry *> &batch, quint64 settledTx);
    //! The outbox as the storage directory keeps it.
    QList<StoredTransaction> storedForm() const;

private:
    void setNumber(OutboxEntry &entry, quint64 tx);
    //! Why the push refused with \a code leaves \a entry refused here (empty: sent again).
    QString refusalReason(OutboxEntry &entry, const QString &code, const QString &text, quint64 expectedTx) const;

    std::deque<OutboxEntry> m_entries; //!< in commit order
    quint64 m_lastTx = 0; //!< highest transaction number assigned
};

} // namespace Optimist
