// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The view optimist-bench-alternatives renders, one per contender: a plain
// ListView. Its model is set from C++, or is jsModel, the QML ListModel that
// reload() fills from JSON text the way a QML developer would.
import QtQuick

ListView {
    id: list
    width: 400
    height: 600
    clip: true

    property ListModel jsModel: ListModel {}

    function useJsModel() {
        model = jsModel;
    }

    // The whole list as JSON text from the server: replace the rows.
    function reload(text) {
        const rows = JSON.parse(text);
        jsModel.clear();
        jsModel.append(rows);
    }

    delegate: Rectangle {
        width: ListView.view.width
        height: 24
        color: index % 2 ? "white" : "whitesmoke"

        Text {
            anchors.verticalCenter: parent.verticalCenter
            x: 4
            text: (model.done ? "[x] " : "[ ] ") + model.title + "  p" + model.priority
        }
    }
}
