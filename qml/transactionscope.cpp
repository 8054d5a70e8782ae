// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "transactionscope.h"

#include <optimist/errorcodes.h>

#include <QtQml/QQmlEngine>

using namespace Qt::StringLiterals;

namespace Optimist {

/*!
    \class Optimist::TransactionScope
    \inmodule Optimist
    \inheaderfile optimist/transactionscope.h
    \brief The \l [QML] {Optimist} singleton of the QML module: groups edits
    made in JavaScript into one transaction.

    In C++, use Transaction::run().
*/

/*!
    \qmltype Optimist
    \inqmlmodule Optimist
    \instantiates Optimist::TransactionScope
    \brief A singleton that groups model edits into one transaction.

    The singleton \c Optimist runs a function with a new Transaction
    current, so that every model edit inside it joins that transaction, which
    the server then accepts or rejects as a whole:

    \qml
    Optimist.transaction(() => {
        todos.remove(a)
        todos.remove(b)
    }).rejected.connect((code, message) => console.warn(message))
    \endqml
*/

/*!
    \qmlmethod Transaction Optimist::transaction(function edits)
    Runs \a edits with a new transaction current, so that every model edit
    inside it joins that transaction, then commits it and returns it. If
    \a edits throws, the transaction is rejected with \c aborted and its edits
    roll back. Inside another transaction's function, the edits join the
    outer one, and the transaction returned has no edits (it is accepted at
    once). Throws a TypeError if \a edits is not a function.
*/

/*!
    Constructs the singleton with the given \a parent; QML does this.
*/
TransactionScope::TransactionScope(QObject *parent)
    : QObject(parent)
{
}

/*!
    Runs \a edits (a JavaScript function) with a new transaction current, so
    that every model edit inside it joins that transaction, then commits it
    and returns it (it deletes itself once finished). If \a edits throws, the
    transaction is rejected with ErrorCode::Aborted and its edits roll back.
    Returns \c nullptr, throwing a TypeError in QML, if \a edits is not
    callable.
*/
Transaction *TransactionScope::transaction(const QJSValue &edits)
{
    if (!edits.isCallable()) {
        if (QQmlEngine *engine = qmlEngine(this))
            engine->throwError(QJSValue::TypeError, u"Optimist.transaction() takes a function"_s);
        return nullptr;
    }
    auto *tx = new Transaction(this);
    tx->setAutoDelete(true);
    // QML must not garbage-collect it while a transport still needs it.
    QQmlEngine::setObjectOwnership(tx, QQmlEngine::CppOwnership);
    tx->run([&] {
        const QJSValue result = edits.call();
        if (result.isError())
            tx->reject(ErrorCode::Aborted, result.toString());
    });
    if (!tx->isCommitted())
        tx->commit(); // nested in another transaction, which took the edits
    return tx;
}

} // namespace Optimist
