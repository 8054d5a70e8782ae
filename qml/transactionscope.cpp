// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "transactionscope.h"

#include <optimist/errorcodes.h>

#include <QtQml/QQmlEngine>

using namespace Qt::StringLiterals;

namespace Optimist {

TransactionScope::TransactionScope(QObject *parent)
    : QObject(parent)
{
}

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
