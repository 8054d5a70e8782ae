// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <memory>

class QLockFile;
class QSettings;

namespace Optimist {

//! The client id that numbers this client's transactions. One the app did
//! not set is kept in the storage directory (the file "client-id"), whose
//! outbox and cache are that id's, or without one in QSettings
//! ("Optimist/clientId"); a lock file guards it while a process uses it:
//! two running clients with one id would hand the server clashing
//! transaction numbers.
class ClientIdentity {
public:
    //! Where the id came from, and so where a new one is kept.
    enum class Source { None, App, Settings, Directory, Unstored };

    ClientIdentity();
    ~ClientIdentity();
    ClientIdentity(const ClientIdentity &) = delete;
    ClientIdentity &operator=(const ClientIdentity &) = delete;

    QString id;
    Source source = Source::None;
    //! Why the id could not be kept (the id file not written); empty if it was.
    QString errorString;

    //! The app chose \a clientId (empty: choose one again when needed).
    void setByApp(const QString &clientId);
    //! Chooses an id if there is none: the one kept in \a storageDirectory
    //! (or, for a directory without one, the one its files are named by),
    //! else in \a settings, unless another process holds it: then a new one.
    //! A new id is kept where the old one would have been. True if it chose
    //! one. \a lockDirectory holds the lock files.
    bool ensure(QSettings &settings, const QString &lockDirectory, const QString &storageDirectory = {});
    //! The same, with the app's QSettings and the temporary directory.
    bool ensure(const QString &storageDirectory);
    //! Replaces a chosen id (not the app's) with a new one, kept where the
    //! old one was. Returns the old id.
    QString renew(QSettings &settings, const QString &lockDirectory);
    QString renew();

    static QString idFilePath(const QString &storageDirectory);

private:
    bool lock(const QString &candidate, const QString &lockDirectory);
    void keep(QSettings &settings);

    QString m_directory; //!< the storage directory of a Directory id
    std::unique_ptr<QLockFile> m_lock; //!< held while this process uses the id
};

} // namespace Optimist
