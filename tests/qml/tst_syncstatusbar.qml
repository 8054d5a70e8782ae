// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// SyncStatusBar says why, inline and by kind: a server that cannot be
// reached, and a storage directory that cannot keep edits offline.
import QtQuick
import QtTest
import Optimist

Item {
    width: 400
    height: 100

    Component {
        id: barComponent
        SyncStatusBar {
            width: 400
            client: SyncClient {}
        }
    }

    TestCase {
        name: "SyncStatusBar"
        when: windowShown

        function test_cannotReachTheServer() {
            const bar = createTemporaryObject(barComponent, this)
            bar.client.url = "ws://127.0.0.1:1" // nothing listens there
            tryVerify(() => bar.errorCode === "connection_failed", 15000, bar.statusText)
            verify(bar.statusText.startsWith("Cannot reach the server at ws://127.0.0.1:1: "), bar.statusText)
        }

        // An outside tester's finding: the bar said "Synced" while no edit
        // could be kept offline.
        function test_editsNotKeptOffline() {
            const bar = createTemporaryObject(barComponent, this)
            bar.client.active = false
            bar.client.clientId = "bar"
            const file = Qt.resolvedUrl("tst_syncstatusbar.qml").toString().replace(/^file:\/\//, "")
            ignoreWarning(/^cannot keep edits offline: /)
            bar.client.storageDirectory = file + "/sub"
            tryVerify(() => bar.client.storageError !== "", 5000)
            compare(bar.statusText, "Offline · cannot keep edits offline: " + file
                    + "/sub is not a writable directory: " + file + " is a file")
        }
    }
}
