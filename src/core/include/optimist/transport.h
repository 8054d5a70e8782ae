// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistcore_export.h>

#include <QtCore/QObject>

namespace Optimist {

class ListModel;

//! What carries a ListModel's collection to and from a server.
//!
//! A model bound with ListModel::setClient() is attached to its transport,
//! which from then on feeds it through a ListModelFeed (applySnapshot(),
//! applyDelta(), acknowledge()) and Transaction::reject(), and
//! sends the transactions the model commits. Optimist::SyncClient is the
//! WebSocket implementation; Core itself knows no network.
class OPTIMIST_CORE_EXPORT Transport : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    //! \a model is bound: start syncing its collection.
    virtual void attachModel(ListModel *model) = 0;
    //! \a model is unbound or going away: stop touching it.
    virtual void detachModel(ListModel *model) = 0;
};

} // namespace Optimist
