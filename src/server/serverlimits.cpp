// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "serverlimits_p.h"

#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace Qt::StringLiterals;

namespace Optimist::ServerLimits {

using L = ServerConfig::Limits;

// The minimums documented in ServerConfig::Limits (serverconfig.cpp).
static constexpr Spec table[] = {
    { "maxFrameBytes"_L1, 64, &L::maxFrameBytes },
    { "maxMutationsPerTransaction"_L1, 1, &L::maxMutationsPerTransaction },
    { "maxPendingPushes"_L1, 1, &L::maxPendingPushes },
    { "maxConnections"_L1, 1, &L::maxConnections },
    { "snapshotChunkRecords"_L1, 1, &L::snapshotChunkRecords },
    { "changeLogRetention"_L1, 1, &L::changeLogRetention },
    { "heartbeatMs"_L1, 10, &L::heartbeatMs },
    { "maxQueuedBytes"_L1, 1024, &L::maxQueuedBytes },
    { "maxSubscriptionsPerConnection"_L1, 1, &L::maxSubscriptionsPerConnection },
    { "maxFilterLength"_L1, 1, &L::maxFilterLength },
    { "maxParamValues"_L1, 1, &L::maxParamValues },
    { "maxParamBytes"_L1, 2, &L::maxParamBytes },
    { "handshakeTimeoutMs"_L1, 10, &L::handshakeTimeoutMs },
    { "helloTimeoutMs"_L1, 10, &L::helloTimeoutMs },
    { "maxPendingConnections"_L1, 1, &L::maxPendingConnections },
    { "maxConnectionsPerAddress"_L1, 1, &L::maxConnectionsPerAddress },
    { "maxFailedSignInsPerAddress"_L1, 1, &L::maxFailedSignInsPerAddress },
    { "failedSignInDelayMs"_L1, 0, &L::failedSignInDelayMs },
    { "maxMessagesPerSecond"_L1, 1, &L::maxMessagesPerSecond },
    { "maxInboundBytesPerSecond"_L1, 1024, &L::maxInboundBytesPerSecond },
    { "maxPartialFrameBytes"_L1, 1024, &L::maxPartialFrameBytes },
};

std::span<const Spec> specs()
{
    return table;
}

QString check(const ServerConfig::Limits &limits)
{
    for (const Spec &spec : table) {
        if (limits.*spec.member < spec.minimum)
            return u"limits.%1 is %2, must be ≥ %3"_s.arg(spec.key).arg(limits.*spec.member).arg(spec.minimum);
    }
    return {};
}

//! Levenshtein distance, case-insensitive: for "did you mean".
static qsizetype distance(QStringView a, QStringView b)
{
    std::vector<qsizetype> row(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (qsizetype i = 1; i <= a.size(); ++i) {
        qsizetype diagonal = std::exchange(row[0], i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const bool same = a[i - 1].toCaseFolded() == b[j - 1].toCaseFolded();
            diagonal = std::exchange(row[j], std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1) }));
        }
    }
    return row[b.size()];
}

static QString unknownLimit(const QString &key)
{
    QString message = u"unknown limit '%1' in \"limits\""_s.arg(key);
    const auto closest
        = std::ranges::min_element(table, {}, [&](const Spec &spec) { return distance(key, QString(spec.key)); });
    if (distance(key, QString(closest->key)) <= 3)
        message += u" (did you mean '%1'?)"_s.arg(closest->key);
    return message;
}

bool read(const QJsonValue &json, ServerConfig::Limits *limits, QString *error)
{
    if (json.isUndefined())
        return true;
    if (!json.isObject()) {
        *error = u"'limits' must be an object"_s;
        return false;
    }
    const QJsonObject object = json.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        // A misspelt limit would silently keep its default.
        const auto spec = std::ranges::find(table, it.key(), &Spec::key);
        if (spec == std::end(table)) {
            *error = unknownLimit(it.key());
            return false;
        }
        const double number = it.value().toDouble(-1);
        if (!it.value().isDouble() || number < spec->minimum || number > std::numeric_limits<int>::max()
            || number != std::floor(number)) {
            *error = u"limits.%1 must be an integer ≥ %2"_s.arg(spec->key).arg(spec->minimum);
            return false;
        }
        limits->*spec->member = int(number);
    }
    return true;
}

} // namespace Optimist::ServerLimits
