// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistqml_export.h>
#include <optimist/transaction.h>

#include <QtQml/QJSValue>
#include <QtQml/qqmlregistration.h>

namespace Optimist {

class OPTIMIST_QML_EXPORT TransactionScope : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(Optimist)
    QML_SINGLETON

public:
    explicit TransactionScope(QObject *parent = nullptr);

    Q_INVOKABLE Optimist::Transaction *transaction(const QJSValue &edits);
};

} // namespace Optimist
