// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "optimist/serverconfig.h"

#include <QtCore/QLatin1StringView>

#include <span>

class QJsonValue;

namespace Optimist::ServerLimits {

//! A limit's key in the JSON config, its smallest usable value and its member.
struct Spec {
    QLatin1StringView key;
    int minimum;
    int ServerConfig::Limits::*member;
};

std::span<const Spec> specs();
//! Why \a limits cannot be used (the first limit below its minimum), or empty.
QString check(const ServerConfig::Limits &limits);
//! Reads the JSON config's "limits" (undefined: the defaults) into \a limits.
bool read(const QJsonValue &json, ServerConfig::Limits *limits, QString *error);

} // namespace Optimist::ServerLimits
