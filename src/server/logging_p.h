// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Optimist {
Q_DECLARE_LOGGING_CATEGORY(lcServer)
}
