// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QString>

namespace Optimist {

//! A token bucket: up to \a burst at once, refilled at \a perSecond.
class RateBucket {
public:
    void setRate(qint64 perSecond, qint64 burst);
    //! Takes \a amount; false once the bucket is overdrawn.
    bool take(qint64 amount);

private:
    QElapsedTimer m_clock;
    double m_tokens = 0;
    qint64 m_perSecond = 0;
    qint64 m_burst = 0;
};

//! One log line per key and interval: the first event is logged at once,
//! later ones within the interval as one summary when it ends (flush()).
class RateLimitedLog {
public:
    static constexpr qint64 IntervalMs = 10000;

    //! Logs "\a what from \a address", or counts it.
    void note(const QString &address, const QString &what);
    //! Logs the summaries of the intervals that ended; returns the ms until
    //! the next one ends (-1: none pending).
    qint64 flush();

private:
    struct Entry {
        QElapsedTimer since;
        QString what;
        QString address;
        int suppressed = 0;
    };
    QHash<QString, Entry> m_entries;
};

} // namespace Optimist
