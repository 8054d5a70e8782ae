// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLatin1StringView>

// The closed list of docs/protocol.md, "Error codes".
namespace Optimist::ErrorCode {

inline constexpr QLatin1StringView InvalidMessage { "invalid_message" };
inline constexpr QLatin1StringView UnsupportedProtocol { "unsupported_protocol" };
inline constexpr QLatin1StringView Unauthorized { "unauthorized" };
inline constexpr QLatin1StringView Forbidden { "forbidden" };
inline constexpr QLatin1StringView UnknownCollection { "unknown_collection" };
inline constexpr QLatin1StringView ValidationFailed { "validation_failed" };
inline constexpr QLatin1StringView Conflict { "conflict" };
inline constexpr QLatin1StringView OutOfOrder { "out_of_order" };
inline constexpr QLatin1StringView TooLarge { "too_large" };
inline constexpr QLatin1StringView RateLimited { "rate_limited" };
inline constexpr QLatin1StringView Internal { "internal" };
// Protocol 2 only.
inline constexpr QLatin1StringView InvalidFilter { "invalid_filter" };
inline constexpr QLatin1StringView TooManySubscriptions { "too_many_subscriptions" };
inline constexpr QLatin1StringView ClientIdTaken { "client_id_taken" };

// Local only: never on the wire.
inline constexpr QLatin1StringView NotFound { "not_found" };
inline constexpr QLatin1StringView Aborted { "aborted" };
inline constexpr QLatin1StringView ConnectionFailed { "connection_failed" };
inline constexpr QLatin1StringView StorageFailed { "storage_failed" };
inline constexpr QLatin1StringView UserChanged { "user_changed" };
inline constexpr QLatin1StringView Replaced { "replaced" };

inline bool isRetryable(QLatin1StringView code)
{
    return code == RateLimited || code == Internal;
}

} // namespace Optimist::ErrorCode
