// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Around QML statements in a function of an app's window, with a model
// `todos` and two of its ids, `firstId` and `secondId`. The function is
// compiled, not called.
import QtQuick
import QtQuick.Controls
import Optimist

ApplicationWindow {
    property string firstId
    property string secondId

    OptimisticListModel {
        id: todos
        collection: "todos"
        fields: [ { name: "title", type: "string", required: true } ]
    }

    function edit(): void {
        // SNIPPET
    }
}
