// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QtGlobal>

#include <functional>

class QRandomGenerator;

namespace Optimist {

//! The reconnection waits: exponential backoff with full jitter, a uniform
//! wait in [0, min(maxMs, initialMs × factor^attempt)]. `attempt` starts
//! over only once a welcomed connection stayed up min(10 s, heartbeatMs),
//! so a server that closes each connection right after its welcome sees the
//! waits grow, not a tight loop. The clock is injected (a monotonic time in
//! milliseconds), so the arithmetic is tested without waiting.
class Backoff {
public:
    using Clock = std::function<qint64()>;

    //! \a clock: a monotonic time in ms (default: std::chrono::steady_clock).
    explicit Backoff(Clock clock = {});

    int initialMs = 250;
    int maxMs = 30000;
    double factor = 2.0;

    //! How many attempts failed since the last healthy connection.
    int attempt() const { return m_attempt; }
    //! The longest wait of the next attempt.
    double ceiling() const;
    //! The wait before the next attempt, drawn from \a random; counts it.
    int nextDelay(QRandomGenerator &random);
    //! Starts over (a new url, open()).
    void reset();

    //! A welcomed connection is up, with the server's \a heartbeatMs.
    void connectionUp(int heartbeatMs);
    //! The connection ended: the attempts start over if it stayed up long
    //! enough to count as healthy.
    void connectionDown();
    //! How long a connection must stay up to count as healthy.
    static int healthyAfterMs(int heartbeatMs);

private:
    Clock m_clock;
    int m_attempt = 0;
    qint64 m_upSince = -1; //!< -1: no welcomed connection
    qint64 m_healthyAfterMs = 0;
};

} // namespace Optimist
