// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// QML names for the Core and Sync types: Optimist::Core links Qt6::Core only,
// so the registration lives here. OptimisticListModel is QmlListModel
// (qmllistmodel_p.h), which adds what only QML needs.

#include <optimist/syncclient.h>
#include <optimist/transaction.h>
#include <optimist/transport.h>

#include <QtQml/qqml.h>

struct TransactionForeign {
    Q_GADGET
    QML_FOREIGN(Optimist::Transaction)
    QML_NAMED_ELEMENT(Transaction)
    QML_UNCREATABLE("Transactions come from model edits or Optimist.transaction()")
};

struct TransportForeign {
    Q_GADGET
    QML_FOREIGN(Optimist::Transport)
    QML_NAMED_ELEMENT(Transport)
    QML_UNCREATABLE("Transport is an interface; use SyncClient")
};

struct SyncClientForeign {
    Q_GADGET
    QML_FOREIGN(Optimist::SyncClient)
    QML_NAMED_ELEMENT(SyncClient)
};
