// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "clientidentity_p.h"

#include <QtCore/QLockFile>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QUuid>

using namespace Qt::StringLiterals;

namespace Optimist {

ClientIdentity::ClientIdentity() = default;
ClientIdentity::~ClientIdentity() = default;

bool ClientIdentity::ensure()
{
    QSettings settings;
    return ensure(settings, QStandardPaths::writableLocation(QStandardPaths::TempLocation));
}

bool ClientIdentity::ensure(QSettings &settings, const QString &lockDirectory)
{
    if (!id.isEmpty())
        return false;
    const QString stored = settings.value(u"Optimist/clientId"_s).toString();
    auto tryLock = [&](const QString &candidate) {
        auto lock = std::make_unique<QLockFile>(lockDirectory + u"/optimist-client-"_s + candidate + u".lock"_s);
        lock->setStaleLockTime(0);
        return lock->tryLock() ? std::move(lock) : nullptr;
    };
    if (!stored.isEmpty())
        m_lock = tryLock(stored);
    if (m_lock) {
        id = stored;
    } else {
        id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_lock = tryLock(id);
        if (stored.isEmpty())
            settings.setValue(u"Optimist/clientId"_s, id);
    }
    return true;
}

} // namespace Optimist
