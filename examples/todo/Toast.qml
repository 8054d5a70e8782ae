// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls

// A non-blocking message that fades out by itself.
Label {
    id: root
    objectName: "toast"

    function show(message) {
        text = message
        fade.restart()
    }

    opacity: 0
    visible: opacity > 0
    padding: 10
    leftPadding: 16
    rightPadding: 16
    width: Math.min(implicitWidth, parent ? parent.width - 32 : implicitWidth)
    wrapMode: Text.Wrap
    color: "white"
    background: Rectangle { color: "#e0303030"; radius: 6 }

    SequentialAnimation {
        id: fade
        NumberAnimation { target: root; property: "opacity"; to: 1; duration: 150 }
        PauseAnimation { duration: 3500 }
        NumberAnimation { target: root; property: "opacity"; to: 0; duration: 400 }
    }
}
