// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Not compiled: src/protocol may spell every key.
constexpr QLatin1StringView Type { "type" };
