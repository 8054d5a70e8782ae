// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <memory>

class QLockFile;
class QSettings;

namespace Optimist {

//! The client id that numbers this installation's transactions. One the
//! app did not set is kept in QSettings ("Optimist/clientId") and guarded by
//! a lock file while a process uses it: two running clients with one id
//! would hand the server clashing transaction numbers.
class ClientIdentity {
public:
    ClientIdentity();
    ~ClientIdentity();
    ClientIdentity(const ClientIdentity &) = delete;
    ClientIdentity &operator=(const ClientIdentity &) = delete;

    QString id;

    //! Chooses an id if there is none: the stored one unless another
    //! process holds it, else a new one (stored if none was). True if it
    //! chose one. \a lockDirectory holds the lock files.
    bool ensure(QSettings &settings, const QString &lockDirectory);
    //! The same, with the app's QSettings and the temporary directory.
    bool ensure();

private:
    std::unique_ptr<QLockFile> m_lock; //!< held while this process uses the stored id
};

} // namespace Optimist
