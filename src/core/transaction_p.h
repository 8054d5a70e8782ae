// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "transaction.h"

#include <QtCore/QPointer>

namespace Optimist {

class TransactionPrivate {
public:
    explicit TransactionPrivate(Transaction *q);

    static TransactionPrivate *get(Transaction *tx) { return tx->d.get(); }

    //! A model applied \a mutation as part of this transaction.
    void addEdit(ListModel *model, const Mutation &mutation);
    //! \a model dropped this transaction from its pending log because its
    //! confirmed state now contains it.
    void modelConfirmed(ListModel *model);
    //! Rolls back every model and finishes as Rejected. With \a deferSignals
    //! the signals are queued, for a caller that has not seen the
    //! transaction yet.
    void rejectEverywhere(const QString &code, const QString &message, bool deferSignals);
    //! A model that is going away forgets the transaction.
    void forgetModel(ListModel *model);
    void finish(Transaction::State state, bool deferSignals);

    static Transaction *create(ListModel *owner);

    Transaction *q;
    quint64 id;
    Transaction::State state = Transaction::Pending;
    bool committed = false;
    bool autoDelete = false;
    //! Set while the call that builds the transaction runs (the model edit
    //! that created it, or run()): its caller cannot have connected yet, so
    //! finishing then queues the signals.
    bool inCreatingCall = false;
    QString errorCode;
    QString errorString;
    QList<Mutation> mutations;
    QList<QPointer<ListModel>> models;
    QList<QPointer<ListModel>> unconfirmed;
};

} // namespace Optimist
