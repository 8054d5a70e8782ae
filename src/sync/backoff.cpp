// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "backoff_p.h"

#include <QtCore/QRandomGenerator>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace Optimist {

static qint64 steadyNow()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

Backoff::Backoff(Clock clock)
    : m_clock(clock ? std::move(clock) : Clock(&steadyNow))
{
}

double Backoff::ceiling() const
{
    return std::min<double>(maxMs, initialMs * std::pow(factor, m_attempt));
}

int Backoff::nextDelay(QRandomGenerator &random)
{
    // Full jitter: a uniform wait in [0, ceiling].
    const int delay = int(random.bounded(std::max(1.0, ceiling())));
    ++m_attempt;
    return delay;
}

void Backoff::reset()
{
    m_attempt = 0;
}

int Backoff::healthyAfterMs(int heartbeatMs)
{
    return std::min(10000, heartbeatMs);
}

void Backoff::connectionUp(int heartbeatMs)
{
    m_upSince = m_clock();
    m_healthyAfterMs = healthyAfterMs(heartbeatMs);
}

void Backoff::connectionDown()
{
    if (m_upSince >= 0 && m_clock() - m_upSince >= m_healthyAfterMs)
        m_attempt = 0;
    m_upSince = -1;
}

} // namespace Optimist
