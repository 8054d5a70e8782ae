// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "serverstate_p.h"

namespace Optimist {

//! Who follows which collection, and bringing a subscriber up to date:
//! a resume from the change log, or a snapshot streamed a chunk at a time
//! while the socket keeps up, then the log from the snapshot's cursor.
//! Live deltas of this process's own writes come from the fan-out; those
//! of other processes from catchUp() (the change feed, changefeed.cpp).
class Subscriptions {
public:
    explicit Subscriptions(ServerState *state);

    void subscribe(Session *session, const QString &collection, const QString &cursor);
    void unsubscribe(Session *session, const QString &collection);
    //! \a session goes: it follows nothing any more.
    void removeSubscriber(Session *session);
    //! Sends the next chunks of \a session's snapshots while its socket keeps up.
    void pumpSnapshots(Session *session);
    //! Storage::changesCommitted(): brings every collection to \a toSeq.
    void catchUp(qint64 toSeq);

private:
    //! Adds \a session to the collection's live deltas.
    void follow(Session *session, const QString &name);
    //! Sends the logged changes of \a name after \a from.
    void replay(Session *session, const QString &name, qint64 from);
    //! The delta frames (one per seq) of \a name's logged changes with
    //! \a from < seq <= \a upTo, and the last one's cursor; false on a storage error.
    bool logDeltas(const QString &name, qint64 from, qint64 upTo, QStringList *deltas, qint64 *cursor = nullptr);
    void catchUp(const QString &name, Collection *c, qint64 toSeq);
    void startSnapshot(Session *session, const QString &name);
    //! Sends one chunk of \a session's first snapshot; false if the session closed.
    bool sendChunk(Session *session);
    void finishSnapshot(Session *session, const QString &name, qint64 cursor);

    ServerState *m_state;
};

} // namespace Optimist
