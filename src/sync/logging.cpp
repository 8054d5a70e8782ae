// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "logging_p.h"

namespace Optimist {
Q_LOGGING_CATEGORY(lcSync, "optimist.sync", QtWarningMsg)
}
