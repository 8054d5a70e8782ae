// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/optimistcore_export.h>

#include <QtCore/QObject>

#include <functional>
#include <memory>

namespace Optimist {

class ListModel;
class TransactionPrivate;

//! A group of local edits that the server accepts or rejects as a whole.
//!
//! Every edit a ListModel makes belongs to a transaction: insert(), update()
//! and remove() open one of their own unless you pass one in, or run them
//! inside Transaction::run(). A transaction shows its edits at once, then
//! goes Pending → Sent → Accepted | Rejected. On rejection every model it
//! touched rolls back exactly its edits; edits made after it survive.
//!
//! A transaction the library created deletes itself (deleteLater()) after
//! finished(), like a QNetworkReply with auto-delete: keep a QPointer, or
//! connect to its signals, rather than a raw pointer.
class OPTIMIST_CORE_EXPORT Transaction : public QObject {
    Q_OBJECT
    Q_PROPERTY(quint64 id READ id CONSTANT)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool finished READ isFinished NOTIFY stateChanged)
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)

public:
    enum State {
        Pending, //!< applied locally, not yet handed to a transport
        Sent, //!< a transport sent it; waiting for the server
        Accepted, //!< the server applied it and the models show its confirmed state
        Rejected, //!< refused (locally or by the server); its edits are rolled back
    };
    Q_ENUM(State)

    explicit Transaction(QObject *parent = nullptr);
    ~Transaction() override;

    //! Process-wide, increasing in creation order; never reused.
    quint64 id() const;
    State state() const;
    bool isFinished() const;
    bool isCommitted() const;
    QString errorCode() const;
    QString errorString() const;

    //! The edits, in the order they were made.
    QList<Mutation> mutations() const;
    //! The models this transaction edits.
    QList<ListModel *> models() const;

    //! When true the transaction calls deleteLater() after finished().
    bool autoDelete() const;
    void setAutoDelete(bool autoDelete);

    //! Closes the transaction to further edits and emits committed(): from
    //! here on a transport may send it. An empty transaction is accepted at
    //! once. Committing twice does nothing.
    void commit();

    //! Makes this the current transaction while \a edits runs, so that model
    //! edits made inside it join this transaction, then commits. Nested
    //! run() calls join the outer transaction.
    void run(const std::function<void()> &edits);

    //! The transaction that edits join, inside run(); nullptr elsewhere.
    static Transaction *current();

    // Transport API: what a sync layer calls.

    //! The transport handed the transaction to the server.
    void markSent();
    //! The server (or the transport) refused the transaction: every model it
    //! touched rolls back its edits, then rejected() and finished() follow.
    void reject(const QString &code, const QString &message);

Q_SIGNALS:
    void stateChanged();
    void committed();
    void accepted();
    void rejected(const QString &code, const QString &message);
    void finished();

private:
    friend class ListModel;
    friend class ListModelPrivate;
    friend class TransactionPrivate;
    std::unique_ptr<TransactionPrivate> d;
};

} // namespace Optimist
