// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistcore_export.h>

#include <QtCore/QObject>

namespace Optimist {

class ListModel;

class OPTIMIST_CORE_EXPORT Transport : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    virtual void attachModel(ListModel *model) = 0;
    virtual void detachModel(ListModel *model) = 0;
};

} // namespace Optimist
