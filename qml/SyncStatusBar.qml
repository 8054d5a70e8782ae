// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Optimist

/*!
    \qmltype SyncStatusBar
    \inqmlmodule Optimist
    \brief A status bar that says whether edits are synced, being sent, or
    queued while offline.

    A coloured dot and a line saying whether edits are synced, being sent,
    or queued while offline (with the seconds to the next reconnection
    attempt and, while the client is not connected, why, worded by kind:
    "Cannot reach the server at ...: Connection refused", "TLS: ...",
    "Sign-in refused: a token is required", ...), whether edits cannot be
    kept offline, the client's last error as a tooltip, and a count of
    items left. A Qt Quick Controls ToolBar: it
    needs Qt Quick Controls and Qt Quick Layouts at run time.

    \qml
    SyncStatusBar {
        Layout.fillWidth: true
        client: sync                 // a SyncClient
        itemsLeft: activeTodos.count
    }
    \endqml
*/
ToolBar {
    id: root

    /*!
        \qmlproperty SyncClient SyncStatusBar::client
        The client whose state the bar shows. Required.
    */
    required property SyncClient client
    /*!
        \qmlproperty int SyncStatusBar::itemsLeft
        Shown as "N items left"; 0 by default.
    */
    property int itemsLeft: 0
    /*!
        \qmlproperty bool SyncStatusBar::embedded
        Whether to say "(embedded server)" once synced, for apps that run
        their own server. False by default.
    */
    property bool embedded: false

    /*!
        \qmlproperty int SyncStatusBar::retryInSeconds
        Seconds to the next reconnection attempt, refreshed while the client
        is reconnecting. Set by the bar itself.
    */
    property int retryInSeconds: 0
    Timer {
        interval: 250
        repeat: true
        running: root.client.state === SyncClient.Reconnecting
        triggeredOnStart: true
        onTriggered: root.retryInSeconds = Math.max(0, Math.ceil((root.client.nextRetryAt - new Date()) / 1000))
    }

    /*!
        \qmlmethod string SyncStatusBar::edits(int n)
        Returns \a n edits in words, translated: "1 edit", "3 edits".
    */
    function edits(n: int): string { return n === 1 ? qsTr("1 edit") : qsTr("%1 edits").arg(n) }

    /*!
        \qmlproperty string SyncStatusBar::errorCode
        \readonly
        The code of the client's last errorOccurred() since it was last
        connected ("connection_failed", "unauthorized", …); empty if none.
        Set by the bar itself; problem words the reason by it.
    */
    readonly property alias errorCode: codes.lastCode
    QtObject {
        id: codes
        property string lastCode: ""
    }
    Connections {
        target: root.client
        function onErrorOccurred(code: string, message: string) {
            if (code !== "storage_failed")
                codes.lastCode = code
        }
        function onStateChanged() {
            if (root.client.state === SyncClient.Connected)
                codes.lastCode = ""
        }
    }

    /*!
        \qmlproperty string SyncStatusBar::problem
        \readonly
        Why the client is not connected, in words for the user, worded by
        kind: "Cannot reach the server at …: Connection refused" when it
        cannot be reached, "TLS: …", "Sign-in refused: a token is required"
        when the server refused the token, "This app's version is not
        supported by the server: …", "The server refused this device's
        client id: …", or the client's errorString ("The server closed the
        connection: …", "The connection was lost"). Empty while connected.
    */
    readonly property string problem: {
        const error = root.client.errorString
        if (error === "" || root.client.state === SyncClient.Connected)
            return ""
        if (error.startsWith("TLS:"))
            return error
        switch (root.errorCode) {
        case "connection_failed":
            return qsTr("Cannot reach the server at %1: %2").arg(root.client.url).arg(error)
        case "unauthorized":
            return qsTr("Sign-in refused: %1").arg(error)
        case "unsupported_protocol":
            return qsTr("This app's version is not supported by the server: %1").arg(error)
        case "client_id_taken":
            return qsTr("The server refused this device's client id: %1").arg(error)
        default:
            return error.charAt(0).toUpperCase() + error.slice(1)
        }
    }

    /*!
        \qmlproperty string SyncStatusBar::statusText
        \readonly
        The line the bar shows: "Synced", "Syncing 2 edits…", "Connecting…",
        "Reconnecting in 3 s · 1 edit queued", "Offline", or the problem,
        e.g. "Sign-in refused: malformed token · 1 edit queued". While the
        client cannot keep edits offline (SyncClient::storageError), that
        follows: "Synced · cannot keep edits offline: …".
    */
    readonly property string statusText: {
        const storage = root.client.storageError
        return storage === "" ? root.connectionText : qsTr("%1 · %2").arg(root.connectionText).arg(storage)
    }
    /*!
        \qmlproperty string SyncStatusBar::connectionText
        \readonly
        The part of statusText about the connection and the queued edits,
        without the storage problem.
    */
    readonly property string connectionText: {
        const queued = root.client.outboxCount
        switch (root.client.state) {
        case SyncClient.Connected:
            return queued > 0 ? qsTr("Syncing %1…").arg(edits(queued))
                              : (root.embedded ? qsTr("Synced (embedded server)") : qsTr("Synced"))
        case SyncClient.Connecting:
            return root.problem !== "" ? root.problem : qsTr("Connecting…")
        case SyncClient.Reconnecting:
            return root.problem !== ""
                ? qsTr("%1 · retrying in %2 s · %3 queued").arg(root.problem).arg(root.retryInSeconds).arg(edits(queued))
                : qsTr("Reconnecting in %1 s · %2 queued").arg(root.retryInSeconds).arg(edits(queued))
        default:
            if (root.problem !== "")
                return queued > 0 ? qsTr("%1 · %2 queued").arg(root.problem).arg(edits(queued)) : root.problem
            return queued > 0 ? qsTr("Offline · %1 queued").arg(edits(queued)) : qsTr("Offline")
        }
    }
    /*!
        \qmlproperty color SyncStatusBar::statusColor
        \readonly
        The dot's colour: green when synced, amber while edits are being
        sent or the client is connecting, grey when disconnected.
    */
    readonly property color statusColor: {
        switch (root.client.state) {
        case SyncClient.Connected: return root.client.outboxCount > 0 ? "#f5a524" : "#30a46c"
        case SyncClient.Disconnected: return "#8b8d98"
        default: return "#f5a524"
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        Rectangle {
            width: 10; height: 10; radius: 5
            color: root.statusColor
        }
        Label {
            objectName: "statusText"
            text: root.statusText
            Layout.fillWidth: true
            elide: Text.ElideRight
            ToolTip.visible: statusHover.hovered && root.client.errorString !== ""
            ToolTip.text: root.client.errorString
            HoverHandler { id: statusHover }
        }
        Label {
            objectName: "itemsLeft"
            text: root.itemsLeft === 1 ? qsTr("1 item left") : qsTr("%1 items left").arg(root.itemsLeft)
            opacity: 0.75
        }
    }
}
