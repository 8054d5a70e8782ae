// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "clientidentity_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLockFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QUuid>

using namespace Qt::StringLiterals;

namespace Optimist {

static const QString SettingsKey = u"Optimist/clientId"_s;

ClientIdentity::ClientIdentity() = default;
ClientIdentity::~ClientIdentity() = default;

QString ClientIdentity::idFilePath(const QString &storageDirectory)
{
    return QDir(storageDirectory).filePath(u"client-id"_s);
}

void ClientIdentity::setByApp(const QString &clientId)
{
    id = clientId;
    source = clientId.isEmpty() ? Source::None : Source::App;
    m_lock.reset();
}

static QString lockDirectoryDefault()
{
    return QStandardPaths::writableLocation(QStandardPaths::TempLocation);
}

bool ClientIdentity::ensure(const QString &storageDirectory)
{
    QSettings settings;
    return ensure(settings, lockDirectoryDefault(), storageDirectory);
}

QString ClientIdentity::renew()
{
    QSettings settings;
    return renew(settings, lockDirectoryDefault());
}

bool ClientIdentity::lock(const QString &candidate, const QString &lockDirectory)
{
    auto lockFile = std::make_unique<QLockFile>(lockDirectory + u"/optimist-client-"_s + candidate + u".lock"_s);
    lockFile->setStaleLockTime(0);
    if (!lockFile->tryLock())
        return false;
    m_lock = std::move(lockFile);
    return true;
}

//! The id a storage directory's files are named by, for a directory kept
//! before the id lived in it (so what is stored there is not orphaned):
//! \a preferred if some are its, else the newest file's.
static QString idOfStoredFiles(const QString &directory, const QString &preferred)
{
    static const QRegularExpression name(u"^(?:outbox-(.+)\\.json|cache-(.+)\\.sqlite)$"_s);
    QString newest;
    QDateTime newestTime;
    const QFileInfoList files = QDir(directory).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &file : files) {
        const QRegularExpressionMatch match = name.match(file.fileName());
        if (!match.hasMatch())
            continue;
        const QString fileId = match.captured(1).isEmpty() ? match.captured(2) : match.captured(1);
        if (fileId == preferred)
            return fileId;
        if (newest.isEmpty() || file.lastModified() > newestTime) {
            newest = fileId;
            newestTime = file.lastModified();
        }
    }
    return newest;
}

static QString readIdFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.read(256)).trimmed();
}

bool ClientIdentity::ensure(QSettings &settings, const QString &lockDirectory, const QString &storageDirectory)
{
    if (!id.isEmpty())
        return false;
    m_directory = storageDirectory;
    QString stored = settings.value(SettingsKey).toString();
    if (!storageDirectory.isEmpty()) {
        const QString kept = readIdFile(idFilePath(storageDirectory));
        stored = !kept.isEmpty() ? kept : idOfStoredFiles(storageDirectory, stored);
        source = Source::Directory;
    } else {
        source = Source::Settings;
    }
    const bool wasStored = !stored.isEmpty();
    if (wasStored && lock(stored, lockDirectory)) {
        id = stored;
    } else {
        id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        lock(id, lockDirectory);
        // Another process holds the kept id: this one's is its own, not kept.
        if (wasStored)
            source = Source::Unstored;
    }
    keep(settings);
    return true;
}

QString ClientIdentity::renew(QSettings &settings, const QString &lockDirectory)
{
    QString old = id;
    m_lock.reset();
    id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    lock(id, lockDirectory);
    keep(settings);
    return old;
}

void ClientIdentity::keep(QSettings &settings)
{
    errorString.clear();
    if (source == Source::Settings) {
        if (settings.value(SettingsKey).toString() != id)
            settings.setValue(SettingsKey, id);
        return;
    }
    if (source != Source::Directory)
        return;
    const QString path = idFilePath(m_directory);
    if (readIdFile(path) == id)
        return;
    QDir().mkpath(m_directory);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(id.toUtf8() + '\n') < 0 || !file.commit())
        errorString = u"cannot write %1: %2"_s.arg(path, file.errorString());
}

} // namespace Optimist
