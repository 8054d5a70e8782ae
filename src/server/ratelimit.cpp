// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "ratelimit_p.h"

#include "server_p.h"

#include <algorithm>

namespace Optimist {

void RateBucket::setRate(qint64 perSecond, qint64 burst)
{
    m_perSecond = perSecond;
    m_burst = std::max(burst, perSecond);
    m_tokens = double(m_burst);
    m_clock.start();
}

bool RateBucket::take(qint64 amount)
{
    const qint64 elapsedNs = m_clock.nsecsElapsed();
    m_clock.restart();
    m_tokens = std::min(double(m_burst), m_tokens + double(elapsedNs) * double(m_perSecond) / 1e9);
    m_tokens -= double(amount);
    return m_tokens >= 0;
}

void RateLimitedLog::note(const QString &address, const QString &what)
{
    const QString key = what + u'\n' + address;
    const auto it = m_entries.find(key);
    if (it != m_entries.end() && !it->since.hasExpired(IntervalMs)) {
        ++it->suppressed;
        return;
    }
    qCInfo(lcServer).noquote() << what << "from" << address;
    Entry entry;
    entry.since.start();
    entry.what = what;
    entry.address = address;
    m_entries.insert(key, entry);
}

qint64 RateLimitedLog::flush()
{
    qint64 next = -1;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const qint64 left = IntervalMs - it->since.elapsed();
        if (left > 0) {
            if (it->suppressed > 0)
                next = next < 0 ? left : std::min(next, left);
            ++it;
            continue;
        }
        if (it->suppressed > 0) {
            qCInfo(lcServer).noquote() << it->suppressed << "more:" << it->what << "from" << it->address
                                       << "in the last" << IntervalMs / 1000 << "s";
        }
        it = m_entries.erase(it);
    }
    return next;
}

} // namespace Optimist
