// The todo window when its server cannot be reached: the status bar and the
// empty list say why, instead of "Nothing to do".
import QtQuick
import QtTest
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
    }
}
