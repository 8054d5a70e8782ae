// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistqml_export.h>
#include <optimist/transaction.h>

#include <QtQml/QJSValue>
#include <QtQml/qqmlregistration.h>

namespace Optimist {

//! The `Optimist` singleton in QML: groups edits into one transaction.
//!
//!     Optimist.transaction(() => {
//!         todos.remove(a)
//!         todos.remove(b)
//!     }).rejected.connect((code, message) => console.warn(message))
class OPTIMIST_QML_EXPORT TransactionScope : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(Optimist)
    QML_SINGLETON

public:
    explicit TransactionScope(QObject *parent = nullptr);

    //! Runs \a edits (a JS function) with a new transaction current, so that
    //! every model edit inside it joins that transaction, then commits it.
    //! If \a edits throws, the transaction is rejected with "aborted" and its
    //! edits roll back.
    Q_INVOKABLE Optimist::Transaction *transaction(const QJSValue &edits);
};

} // namespace Optimist
