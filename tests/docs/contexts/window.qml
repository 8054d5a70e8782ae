// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Around QML fragments that are members of an app's window: a SyncClient
// `sync` (the guide's server), a model `todos` of the todo collection and
// a TabBar `listBar`, as in the guide's minimal QML app.
import QtQuick
import QtQuick.Controls
import Optimist

ApplicationWindow {
    width: 400
    height: 300
    visible: true

    SyncClient {
        id: sync
        url: "ws://127.0.0.1:8787"
    }

    OptimisticListModel {
        id: todos
        client: sync
        collection: "todos"
        fields: [
            { name: "title", type: "string", required: true },
            { name: "done", type: "bool", default: false },
            { name: "created", type: "datetime" }
        ]
    }

    TabBar {
        id: listBar
        TabButton { text: "Personal" }
        TabButton { text: "Shared" }
    }

    // SNIPPET
}
