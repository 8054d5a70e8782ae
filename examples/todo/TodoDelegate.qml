// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Optimist

ItemDelegate {
    id: root

    required property string id
    required property string title
    required property bool done
    required property bool pending
    required property int syncState
    required property string errorString

    signal toggled(string id, bool done)
    signal renamed(string id, string title)
    signal deleted(string id)

    readonly property bool failed: syncState === OptimisticListModel.Failed
    property bool editing: false

    objectName: "todo:" + title
    height: 48
    hoverEnabled: true

    // A refused edit flashes the row red while it slides back to what the server has.
    // The ids below make background and contentItem immediate instead of
    // deferred, which only matters to a style that replaces them.
    // qmllint disable deferred-property-id
    background: Rectangle {
        color: root.hovered ? root.palette.alternateBase : root.palette.base
        Rectangle {
            id: flash
            anchors.fill: parent
            color: "#e5484d"
            opacity: 0
        }
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: root.palette.mid
            opacity: 0.3
        }
    }
    // Double-click the row to edit its title in place.
    onDoubleClicked: {
        editor.text = root.title
        root.editing = true
        editor.forceActiveFocus()
    }

    onFailedChanged: if (failed) flashAnimation.restart()
    SequentialAnimation {
        id: flashAnimation
        NumberAnimation { target: flash; property: "opacity"; to: 0.35; duration: 120 }
        NumberAnimation { target: flash; property: "opacity"; to: 0.08; duration: 900; easing.type: Easing.OutQuad }
    }

    contentItem: RowLayout {
        spacing: 8
        CheckBox {
            objectName: "doneBox"
            checked: root.done
            onToggled: root.toggled(root.id, checked)
        }
        Label {
            id: titleLabel
            objectName: "titleLabel"
            Layout.fillWidth: true
            visible: !root.editing
            text: root.title
            elide: Text.ElideRight
            font.strikeout: root.done
            opacity: root.done ? 0.55 : 1
        }
        TextField {
            id: editor
            objectName: "titleEditor"
            Layout.fillWidth: true
            visible: root.editing
            onAccepted: {
                root.editing = false
                if (text !== root.title)
                    root.renamed(root.id, text)
            }
            Keys.onEscapePressed: root.editing = false
            onActiveFocusChanged: if (!activeFocus) root.editing = false
        }
        // Sync state: a soft pulse while unconfirmed, a red mark when refused.
        Rectangle {
            objectName: "pendingDot"
            visible: root.pending
            width: 8; height: 8; radius: 4
            color: root.palette.highlight
            SequentialAnimation on opacity {
                running: root.pending
                loops: Animation.Infinite
                NumberAnimation { to: 0.25; duration: 600 }
                NumberAnimation { to: 1; duration: 600 }
            }
            ToolTip.visible: pendingHover.hovered
            ToolTip.text: qsTr("Saving…")
            HoverHandler { id: pendingHover }
        }
        Label {
            objectName: "failedMark"
            visible: root.failed && !root.pending
            text: "⚠"
            color: "#e5484d"
            ToolTip.visible: failedHover.hovered
            ToolTip.text: root.errorString
            HoverHandler { id: failedHover }
        }
        ToolButton {
            objectName: "deleteButton"
            text: "✕"
            opacity: root.hovered ? 1 : 0.35
            onClicked: root.deleted(root.id)
        }
    }
}
