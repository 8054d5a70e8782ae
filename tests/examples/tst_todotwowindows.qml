// Two todo windows on one optimist-server process: what one user does in
// one window shows up in the other's list.
import QtQuick
import QtTest

Item {
    width: 100
    height: 100

    TodoTestCase {
        name: "TodoTwoWindows"
        when: windowShown

        property url url

        function initTestCase() {
            url = serverProcess.start()
            verify(url.toString().startsWith("ws://127.0.0.1:"), "optimist-server did not start")
        }

        function init() {
            // One server serves every test function: start from an empty list.
            const window = createWindow(url)
            removeAll(window)
        }

        function cleanupTestCase() {
            serverProcess.stop()
        }

        function test_editsInOneWindowShowInTheOther() {
            const alice = createWindow(url)
            const bob = createWindow(url)
            verify(syncClient(alice).clientId !== syncClient(bob).clientId)
            compare(titlesOf(alice), [])
            compare(titlesOf(bob), [])

            // Add in Alice's window → in Bob's list.
            addTodo(alice, "Buy oat milk")
            tryVerify(() => rowOf(bob, "Buy oat milk") !== null, 10000, "the new todo did not reach Bob")
            const bobRow = rowOf(bob, "Buy oat milk")
            compare(bobRow.done, false)
            compare(bobRow.pending, false)
            compare(itemsLeft(bob), "1 item left")

            // Bob ticks it off → done in Alice's list.
            mouseClick(findChild(bobRow, "doneBox"))
            tryVerify(() => rowOf(alice, "Buy oat milk").done, 10000, "Bob's tick did not reach Alice")
            compare(itemsLeft(alice), "0 items left")

            // Bob renames it → renamed for Alice.
            rename(bob, bobRow, "Buy oat milk and bread")
            tryVerify(() => rowOf(alice, "Buy oat milk and bread") !== null, 10000, "Bob's rename did not reach Alice")
            compare(titlesOf(alice), ["Buy oat milk and bread"])

            // Alice deletes it → gone from Bob's list.
            mouseClick(findChild(rowOf(alice, "Buy oat milk and bread"), "deleteButton"))
            compare(titlesOf(alice), [])
            tryCompare(listView(bob), "count", 0)
            compare(titlesOf(bob), [])

            // Nothing is left unsent or unconfirmed on either side.
            tryCompare(syncClient(alice), "outboxCount", 0)
            tryCompare(syncClient(bob), "outboxCount", 0)
        }

        function test_bothAddAtOnce() {
            const alice = createWindow(url)
            const bob = createWindow(url)
            addTodo(alice, "From Alice")
            addTodo(bob, "From Bob")
            // Each sees its own at once, and the other's once the server has it.
            for (const window of [alice, bob])
                tryCompare(listView(window), "count", 2)
            compare(titlesOf(alice).sort(), ["From Alice", "From Bob"])
            compare(titlesOf(bob).sort(), ["From Alice", "From Bob"])
            tryCompare(syncClient(alice), "outboxCount", 0)
            tryCompare(syncClient(bob), "outboxCount", 0)
        }
    }
}
