// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "serverstate_p.h"

namespace Optimist {

namespace Protocol {
struct SubscribeMessage;
}

//! Who follows which collection, and bringing a subscription up to date:
//! a resume from the change log, or a snapshot streamed a chunk at a time
//! while the socket keeps up, then the log from the snapshot's cursor.
//! Each subscription sees what its rule and filter let it
//! (Subscription::view()). Live deltas of this process's own writes come
//! from the fan-out; those of other processes from catchUp() (the change
//! feed, changefeed.cpp).
class Subscriptions {
public:
    explicit Subscriptions(ServerState *state);

    //! Starts the subscription \a request asks for (restarts the one of
    //! its key), or refuses it with an error.
    void subscribe(Session *session, const Protocol::SubscribeMessage &request);
    void unsubscribe(Session *session, const QString &key);
    //! \a session goes: it follows nothing any more.
    void removeSubscriber(Session *session);
    //! Sends the next chunks of \a session's snapshots while its socket keeps up.
    void pumpSnapshots(Session *session);
    //! Storage::changesCommitted(): brings every collection to \a toSeq.
    void catchUp(qint64 toSeq);

private:
    //! Adds \a subscription to its collection's live deltas.
    void follow(Subscription *subscription);
    void unfollow(Subscription *subscription);
    //! Sends the logged changes after \a from that \a subscription sees.
    void replay(Subscription *subscription, qint64 from);
    //! \a name's logged changes with \a from < seq <= \a upTo, one batch
    //! per seq; false on a storage error.
    bool readLog(const QString &name, qint64 from, qint64 upTo, QList<ChangeBatch> *batches);
    void catchUp(const QString &name, Collection *c, qint64 toSeq);
    //! Sends each subscriber of \a c its view of \a batches (the change
    //! feed); one whose view needs a lost before-image gets a snapshot.
    void sendLogged(Collection *c, const QList<ChangeBatch> &batches);
    void startSnapshot(Subscription *subscription);
    //! Sends one chunk of \a session's first snapshot; false if the session closed.
    bool sendChunk(Session *session);
    void finishSnapshot(Subscription *subscription, qint64 cursor);

    ServerState *m_state;
};

} // namespace Optimist
