// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Must NOT pass qmllint: proves that the qmllint ctest fails on a warning and
// that qmllint reads the Optimist types (each line below misuses one).
import QtQml
import Optimist

QtObject {
    id: root
    property OptimisticListModel model: OptimisticListModel {
        client: root.model // a list model is no Transport
        collection: 42
    }
    property bool typo: root.model.pendingCuont > 0
}
