// The todo window when its server cannot be reached: the status bar and the
// empty list say why, instead of "Nothing to do"; a refused token is
// said inline, not only in a tooltip.
import QtQuick
import QtTest
import Optimist
import TodoApp

Item {
    width: 100
    height: 100

    TestCase {
        name: "TodoErrors"
        when: windowShown

        Component {
            id: mainComponent
            Main {}
        }

        function test_serverNotRunning() {
            // Port 1 on loopback: nothing listens there.
            const window = createTemporaryObject(mainComponent, null,
                                                 { serverUrl: "ws://127.0.0.1:1", user: "alice", token: "t" })
            verify(window)
            const status = findChild(window, "statusText")
            tryVerify(() => status.text.startsWith("Cannot reach the server at ws://127.0.0.1:1: "), 15000,
                      status.text)
            verify(status.text.indexOf("refused") >= 0, status.text)
            const hint = findChild(window, "emptyHint")
            verify(hint.visible)
            verify(hint.text.indexOf("Nothing to do") < 0, hint.text)
            compare(hint.text, "Not loaded yet: the server cannot be reached.")
        }

        function test_tokenRefused_data() {
            return [
                { tag: "no token", token: "", reason: "a token is required" },
                { tag: "malformed", token: "not-a-token", reason: "malformed token" }
            ]
        }

        // The bar said only "Offline · 1 edit queued"; the reason was in a tooltip.
        function test_tokenRefused(data) {
            const window = createTemporaryObject(mainComponent, null,
                                                 { serverUrl: serverUrl, user: "alice", token: data.token })
            verify(window)
            const status = findChild(window, "statusText")
            const sync = findChild(window, "sync")
            tryVerify(() => sync.state === SyncClient.Disconnected && sync.errorString !== "", 15000, status.text)
            compare(status.text, "Sign-in refused: " + data.reason)
            window.addTodo("queued")
            tryCompare(status, "text", "Sign-in refused: " + data.reason + " · 1 edit queued")
        }
    }
}
