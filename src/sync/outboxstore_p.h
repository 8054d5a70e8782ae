// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

namespace Optimist {

//! One transaction as the storage directory keeps it: its push form, and
//! the user it was made by (nothing: made before any user was known).
struct StoredTransaction {
    QJsonObject push;
    std::optional<QString> madeBy;
};

//! Keeps a client's unsettled transactions on disk, so that edits made
//! offline survive a restart. One file per client id,
//! `<directory>/outbox-<clientId>.json`, replaced atomically on each save:
//!
//!     {"clientId": "…", "lastTx": 7,
//!      "transactions": [{"tx": 7, "mutations": […], "madeBy": "ann"}, {"mutations": […]}]}
//!
//! Each transaction is its push form (docs/protocol.md); "tx" is absent until
//! the server welcomed the client and the transaction got its number.
//! "madeBy" is the user it was made by (absent: not known, as in files of
//! earlier versions), taken out before the push form is read.
class OutboxStore {
public:
    OutboxStore(const QString &directory, const QString &clientId);

    QString filePath() const { return m_path; }

    //! Reads the stored transactions (none if there is no file). A file that
    //! cannot be read is moved aside (to `<file>.bad-<time>`, so nothing is
    //! lost) and false is returned with the reason.
    bool load(QList<StoredTransaction> *transactions, quint64 *lastTx, QString *error);
    //! Replaces the file with \a transactions (removes it when empty).
    bool save(const QList<StoredTransaction> &transactions, quint64 lastTx, QString *error);

private:
    bool moveAside(const QString &reason, QString *error);

    QString m_path;
    QString m_clientId;
};

} // namespace Optimist
