// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "outbox_p.h"

#include "logging_p.h"

#include <optimist/errorcodes.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Optimist {

OutboxEntry OutboxEntry::fromPush(Protocol::EncodedTransaction push)
{
    OutboxEntry entry;
    entry.wireTx = quint64(push.tx());
    entry.push = std::move(push);
    return entry;
}

OutboxEntry *Outbox::find(quint64 wireTx)
{
    for (OutboxEntry &entry : m_entries) {
        if (entry.wireTx == wireTx)
            return &entry;
    }
    return nullptr;
}

bool Outbox::holdsTransaction(quint64 localId) const
{
    return std::any_of(
        m_entries.begin(), m_entries.end(), [localId](const OutboxEntry &e) { return e.localId == localId; });
}

QString Outbox::commit(OutboxEntry entry, bool numbered)
{
    // Refused before it takes a number if it can never fit (offline: by
    // the limits of the last welcome; the next one checks again).
    const auto unnumbered = quint64(
        std::count_if(m_entries.begin(), m_entries.end(), [](const OutboxEntry &e) { return e.wireTx == 0; }));
    if (knowsLimits) {
        if (QString why = tooLargeReason(entry, m_lastTx + 1 + unnumbered); !why.isEmpty())
            return why;
    }
    if (numbered)
        setNumber(entry, ++m_lastTx);
    m_entries.push_back(std::move(entry));
    return {};
}

void Outbox::restore(const QList<StoredTransaction> &stored, quint64 storedLastTx)
{
    m_lastTx = std::max(m_lastTx, storedLastTx);
    // Older than anything committed in this run: they go first.
    for (auto it = stored.crbegin(); it != stored.crend(); ++it) {
        OutboxEntry entry = OutboxEntry::fromPush(Protocol::EncodedTransaction(it->push));
        entry.madeBy = it->madeBy;
        m_lastTx = std::max(m_lastTx, entry.wireTx);
        m_entries.push_front(std::move(entry));
    }
}

static QString userName(const QString &userId)
{
    return userId.isEmpty() ? u"no user"_s : u"'"_s + userId + u"'"_s;
}

QList<LocalRefusal> Outbox::takeMadeByOthers(const QString &userId, quint64 serverLastTx)
{
    QList<LocalRefusal> taken;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (!it->madeBy)
            it->madeBy = userId;
        if (*it->madeBy == userId) {
            ++it;
            continue;
        }
        QString why = u"an edit made by %1 is not sent: %2 signed in on this client"_s.arg(
            userName(*it->madeBy), userName(userId));
        taken.append({ std::move(*it), std::move(why) });
        it = m_entries.erase(it);
    }
    // The server took nothing above its lastTx: what is left there moves up.
    if (!taken.isEmpty())
        renumberFrom(serverLastTx + 1);
    return taken;
}

void Outbox::setNumber(OutboxEntry &entry, quint64 tx)
{
    entry.wireTx = tx;
    entry.push.setTx(qint64(tx));
}

QList<LocalRefusal> Outbox::numberAtWelcome(quint64 serverLastTx)
{
    // The server takes serverLastTx + 1 next, whatever numbers were given
    // before: a server with a fresh database knows none of them (a number
    // kept past a gap would only be refused out_of_order). One the server
    // never took that can never fit is refused; what follows closes up.
    QList<LocalRefusal> refused;
    quint64 contiguous = serverLastTx + 1; // the next number, while all keep theirs
    quint64 next = 0; // numbering from here on (0: not yet)
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const bool taken = it->wireTx != 0 && it->wireTx <= serverLastTx;
        const bool keeps = taken || (it->wireTx == contiguous && tooLargeReason(*it, it->wireTx).isEmpty());
        if (next == 0 && keeps) {
            contiguous = std::max(contiguous, it->wireTx + 1);
            ++it; // keeps its number
            continue;
        }
        if (next == 0)
            next = contiguous;
        if (QString why = tooLargeReason(*it, next); !why.isEmpty() && !taken) {
            refused.append({ std::move(*it), std::move(why) });
            it = m_entries.erase(it);
            continue;
        }
        setNumber(*it, next++);
        ++it;
    }
    m_lastTx = (next != 0 ? next : contiguous) - 1;
    return refused;
}

void Outbox::renumberFrom(quint64 first)
{
    quint64 next = first;
    for (OutboxEntry &entry : m_entries) {
        if (entry.wireTx != 0 && entry.wireTx < first)
            continue;
        if (entry.wireTx != next)
            qCDebug(lcSync) << "transaction" << entry.wireTx << "is now" << next;
        setNumber(entry, next++);
    }
    m_lastTx = next - 1;
}

QString Outbox::refusalReason(OutboxEntry &entry, const QString &code, const QString &text, quint64 expectedTx) const
{
    if (code == ErrorCode::InvalidMessage) // our bug: resending cannot help
        return u"the server could not read the push of this transaction: "_s + text;
    if (code != ErrorCode::TooLarge)
        return {};
    // The frame could not be read: one per push from now on, and one that
    // was alone (the push the server stopped at) can never be.
    entry.sendAlone = true;
    QString why = tooLargeReason(entry, entry.wireTx);
    if (why.isEmpty() && entry.wireTx == expectedTx && entry.sentAlone)
        why = u"the server could not read a push of this transaction alone: "_s + text;
    return why;
}

QList<LocalRefusal> Outbox::refusePush(const QString &code, const QString &text, quint64 expectedTx)
{
    // The server took everything below expectedTx (answers come) and
    // nothing at or above it: those are sent again, by the rule of the code.
    QList<LocalRefusal> refused;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (!it->inFlight || it->wireTx < expectedTx) {
            ++it;
            continue;
        }
        it->inFlight = false;
        QString why = refusalReason(*it, code, text, expectedTx);
        if (why.isEmpty()) {
            ++it;
            continue;
        }
        refused.append({ std::move(*it), std::move(why) });
        it = m_entries.erase(it);
    }
    // Numbers have no holes: the server skipped none, so the client must
    // not either; what follows a transaction refused here moves up. (Not
    // after rate_limited: E may then be a resend's, below numbers taken.)
    if (code == ErrorCode::OutOfOrder)
        renumberFrom(expectedTx);
    else if (!refused.isEmpty())
        renumberFrom(refused.first().entry.wireTx);
    return refused;
}

bool Outbox::settle(quint64 wireTx)
{
    const auto it = std::find_if(
        m_entries.begin(), m_entries.end(), [wireTx](const OutboxEntry &entry) { return entry.wireTx == wireTx; });
    if (it == m_entries.end())
        return false;
    m_entries.erase(it);
    return true;
}

void Outbox::resendAll(bool connectionLost)
{
    for (OutboxEntry &entry : m_entries) {
        entry.inFlight = false;
        if (connectionLost)
            entry.sentAlone = false;
    }
}

quint64 Outbox::settledOutbox() const
{
    // The outbox is in number order: below its first number all is settled.
    for (const OutboxEntry &entry : m_entries) {
        if (entry.wireTx != 0)
            return entry.wireTx - 1;
    }
    return m_lastTx;
}

QString Outbox::tooLargeReason(const OutboxEntry &entry, quint64 tx) const
{
    if (entry.push.mutationCount() > limits.maxMutationsPerTransaction) {
        return u"the transaction has %1 mutations; the server takes at most %2 (maxMutationsPerTransaction)"_s
            .arg(entry.push.mutationCount())
            .arg(limits.maxMutationsPerTransaction);
    }
    // Alone in a push: its settledTx is below tx, so at most as long.
    const qsizetype bytes = Protocol::PushFrame::prefix(qint64(tx) - 1).size() + entry.push.bytes(qint64(tx))
        + Protocol::PushFrame::Suffix.size();
    if (bytes > limits.maxFrameBytes) {
        return u"the transaction needs a push of %1 bytes; the server reads at most %2 (maxFrameBytes)"_s.arg(bytes)
            .arg(limits.maxFrameBytes);
    }
    return {};
}

QList<QList<OutboxEntry *>> Outbox::planPushes(quint64 settledTx)
{
    auto inFlight = int(std::count_if(m_entries.begin(), m_entries.end(), [](const auto &e) { return e.inFlight; }));
    const qsizetype overhead
        = Protocol::PushFrame::prefix(qint64(settledTx)).size() + Protocol::PushFrame::Suffix.size();
    QList<QList<OutboxEntry *>> pushes;
    QList<OutboxEntry *> batch;
    qsizetype bytes = overhead;
    auto flush = [&] {
        if (!batch.isEmpty())
            pushes.append(std::exchange(batch, {}));
        bytes = overhead;
    };
    for (OutboxEntry &entry : m_entries) {
        if (inFlight >= limits.maxPendingPushes)
            break;
        if (entry.inFlight)
            continue;
        const qsizetype size = entry.push.bytes(qint64(entry.wireTx));
        // One that does not fit with others goes alone (the server says
        // whether it can read it).
        const bool alone = entry.sendAlone || overhead + size > limits.maxFrameBytes;
        if (alone || bytes + (batch.isEmpty() ? 0 : 1) + size > limits.maxFrameBytes)
            flush();
        bytes += (batch.isEmpty() ? 0 : 1) + size;
        batch.append(&entry);
        ++inFlight;
        if (alone)
            flush();
    }
    flush();
    return pushes;
}

QByteArray Outbox::takePush(const QList<OutboxEntry *> &batch, quint64 settledTx)
{
    QByteArray frame = Protocol::PushFrame::prefix(qint64(settledTx));
    for (OutboxEntry *entry : batch) {
        if (entry != batch.first())
            frame.append(',');
        entry->push.appendTo(&frame);
        entry->inFlight = true;
        entry->sentAlone = batch.size() == 1;
    }
    frame.append(Protocol::PushFrame::Suffix);
    return frame;
}

QList<StoredTransaction> Outbox::storedForm() const
{
    QList<StoredTransaction> transactions;
    for (const OutboxEntry &entry : m_entries)
        transactions.append({ entry.push.json(), entry.madeBy });
    return transactions;
}

} // namespace Optimist
