// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Optimist

ApplicationWindow {
    id: window

    required property url serverUrl
    property bool embedded: true
    property bool demo: false
    //! Where unsent edits are kept across restarts; empty: in memory only.
    property string storageDirectory
    //! Who is signed in (the token's `sub`), and the token the server checks.
    property string user: "alice"
    property string token
    //! The list shown: the user's own "Personal" list, or the "Shared" one
    //! every user sees (the server's read rule, examples/config/todo-app.json).
    readonly property string currentList: listBar.currentIndex === 0 ? "Personal" : "Shared"
    //! The list has loaded (and, in demo mode, the demo states are on screen).
    signal ready()

    width: 520
    height: 640
    visible: true
    title: qsTr("Optimist Todos — %1").arg(user)

    SyncClient {
        id: sync
        objectName: "sync"
        url: window.serverUrl
        token: window.token
        storageDirectory: window.storageDirectory
    }

    OptimisticListModel {
        id: todos
        objectName: "todos"
        collection: "todos"
        client: sync
        sortField: "created"
        // Only the chosen list; the server sends only what this user may read.
        filter: "record.list == $list"
        filterParams: ({ list: window.currentList })
        // The server also says a title has at most 200 characters; the app
        // leaves that rule to the server, so a refused edit can be seen.
        fields: [
            { name: "title", type: "string", required: true },
            { name: "done", type: "bool", default: false },
            { name: "created", type: "datetime" },
            { name: "owner", type: "string", required: true },
            { name: "list", type: "string", required: true }
        ]
        onRolledBack: (id, code, message, record) => window.showRollback(id, message, record)
    }

    FilterModel {
        id: visibleTodos
        sourceModel: todos
        filterRoleName: "done"
        filterValue: filterBar.currentIndex === 0 ? undefined : filterBar.currentIndex === 2
    }

    FilterModel {
        id: activeTodos
        sourceModel: todos
        filterRoleName: "done"
        filterValue: false
    }

    //! Says why an edit was refused. A refused insert leaves no row: its
    //! title goes back into the field, to edit and add again.
    function showRollback(id: string, message: string, record: var): void {
        const insertRefused = todos.get(id).id === undefined && record.title !== undefined
        if (insertRefused && newTodo.text === "")
            newTodo.text = record.title
        toast.show(insertRefused ? qsTr("Not added: %1. The title is back in the field above.").arg(message)
                                 : qsTr("Not saved: %1").arg(message))
    }

    function addTodo(title) {
        const trimmed = title.trim()
        if (trimmed.length === 0)
            return false
        todos.insert({ title: trimmed, created: new Date(), owner: user, list: currentList })
        return true
    }

    // A function, not a script block: qmllint 6.4 checks a ScriptAction's
    // script block as a value binding and refuses any value it ends with.
    function insertWhileOffline(): void {
        sync.active = false
        todos.insert({ title: "Pick up the dry cleaning", created: new Date(), owner: user, list: currentList })
    }

    function clearCompleted() {
        const doneIds = []
        for (let row = 0; row < todos.count; ++row) {
            const todo = todos.at(row)
            if (todo.done)
                doneIds.push(todo.id)
        }
        if (doneIds.length === 0)
            return
        // One transaction: all of them go, or none does.
        Optimist.transaction(() => doneIds.forEach(id => todos.remove(id)))
    }

    header: ToolBar {
        padding: 8
        RowLayout {
            anchors.fill: parent
            spacing: 8
            TextField {
                id: newTodo
                objectName: "newTodo"
                Layout.fillWidth: true
                placeholderText: qsTr("What needs to be done?")
                onAccepted: if (window.addTodo(text)) clear()
            }
            Button {
                text: qsTr("Add")
                enabled: newTodo.text.trim().length > 0
                onClicked: if (window.addTodo(newTodo.text)) newTodo.clear()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        TabBar {
            id: listBar
            objectName: "listBar"
            Layout.fillWidth: true
            TabButton { objectName: "personalTab"; text: qsTr("Personal") }
            TabButton { objectName: "sharedTab"; text: qsTr("Shared") }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 8
            TabBar {
                id: filterBar
                objectName: "filterBar"
                TabButton { text: qsTr("All"); width: implicitWidth + 16 }
                TabButton { text: qsTr("Active"); width: implicitWidth + 16 }
                TabButton { text: qsTr("Done"); width: implicitWidth + 16 }
            }
            Item { Layout.fillWidth: true }
            Button {
                objectName: "clearCompleted"
                text: qsTr("Clear completed")
                flat: true
                enabled: todos.count > activeTodos.count
                onClicked: window.clearCompleted()
            }
        }

        ListView {
            id: list
            objectName: "todoList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: visibleTodos
            delegate: TodoDelegate {
                width: ListView.view.width
                onToggled: (id, done) => todos.update(id, { done: done })
                onRenamed: (id, title) => todos.update(id, { title: title })
                onDeleted: id => todos.remove(id)
            }
            ScrollBar.vertical: ScrollBar {}

            Label {
                objectName: "emptyHint"
                anchors.centerIn: parent
                // Loading lasts while the server cannot be reached: say so then.
                visible: list.count === 0 && (!todos.loading || sync.errorString !== "")
                width: Math.min(implicitWidth, list.width - 32)
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
                // "Nothing to do" only for a list that has loaded; else why not.
                text: todos.errorString !== "" && todos.cursor === "" ? todos.errorString
                    : todos.cursor === "" ? qsTr("Not loaded yet: the server cannot be reached.")
                    : todos.count === 0 ? qsTr("Nothing to do. Add something above.") : qsTr("Nothing here.")
                color: palette.placeholderText
            }
            BusyIndicator {
                anchors.centerIn: parent
                running: todos.loading && sync.errorString === ""
            }
        }

        SyncStatusBar {
            Layout.fillWidth: true
            client: sync
            itemsLeft: activeTodos.count
            embedded: window.embedded
        }
    }

    Toast {
        id: toast
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 48
    }

    // ---- first load, and the demo states for screenshots

    property bool loaded: sync.state === SyncClient.Connected && !todos.loading && todos.cursor !== ""
    onLoadedChanged: if (loaded) demo ? demoSteps.start() : readyTimer.start()

    Timer {
        // one more frame so the list is drawn before ready()
        id: readyTimer
        interval: 100
        onTriggered: window.ready()
    }

    SequentialAnimation {
        id: demoSteps
        ScriptAction {
            script: {
                if (todos.count > 0)
                    return
                const samples = ["Water the plants", "Book flights to Oslo", "Review Optimist pull request",
                                 "Buy oat milk", "Call the plumber"]
                Optimist.transaction(() => samples.forEach((title, i) =>
                    todos.insert({ title: title, done: i === 1, created: new Date(Date.now() + i),
                                   owner: window.user, list: window.currentList })))
            }
        }
        PauseAnimation { duration: 300 }
        ScriptAction {
            // A title over the server's 200 characters: refused, rolled back, marked failed.
            script: if (todos.count > 2) todos.update(todos.at(2).id, { title: "x".repeat(201) })
        }
        PauseAnimation { duration: 300 }
        ScriptAction {
            // Offline for a moment: the new todo stays pending, queued in the outbox.
            script: window.insertWhileOffline()
        }
        PauseAnimation { duration: 600 }
        ScriptAction { script: window.ready() }
    }
}
