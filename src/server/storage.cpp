// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "storage.h"

namespace Optimist {

Storage::Storage(QObject *parent)
    : QObject(parent)
{
}

Storage::~Storage() = default;

Storage::RecordStream::~RecordStream() = default;

} // namespace Optimist
