// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The QML view the model benchmark renders: a plain ListView whose delegate
// shows every field. Its model is set from C++.
import QtQuick

ListView {
    id: list
    width: 400
    height: 600
    clip: true
    delegate: Rectangle {
        required property int index
        required property string title
        required property bool done
        required property int priority
        required property date updated

        width: ListView.view.width
        height: 24
        color: ListView.isCurrentItem ? "lightsteelblue" : (index % 2 ? "white" : "whitesmoke")

        Text {
            anchors.verticalCenter: parent.verticalCenter
            x: 4
            text: (done ? "[x] " : "[ ] ") + title + "  p" + priority + "  " + Qt.formatDateTime(updated, "yyyy-MM-dd hh:mm")
        }
    }
}
