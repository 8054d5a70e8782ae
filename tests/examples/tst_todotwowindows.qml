// Two todo windows on one optimist-server process, signed in as two users:
// what one does in the shared list shows up in the other's; what one keeps
// in the personal list never reaches the other.
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
            // One server serves every test function: start from empty lists.
            for (const user of ["alice", "bob"]) {
                const window = createWindow(url, user)
                removeAll(window)
                showList(window, 1)
                removeAll(window)
            }
        }

        function cleanupTestCase() {
            serverProcess.stop()
        }

        function test_editsInOneWindowShowInTheOther() {
            const alice = createWindow(url, "alice")
            const bob = createWindow(url, "bob")
            showList(alice, 1)
            showList(bob, 1)
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
            const alice = createWindow(url, "alice")
            const bob = createWindow(url, "bob")
            showList(alice, 1)
            showList(bob, 1)
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

        function test_personalListsStayPrivate() {
            const alice = createWindow(url, "alice")
            const bob = createWindow(url, "bob")
            const bobSaw = watch(bob)
            addConfirmed(alice, "Alice's secret")
            addConfirmed(bob, "Bob's secret")
            showList(alice, 1)
            addConfirmed(alice, "For everyone")

            // Bob's personal list holds only his own; his shared list the shared one.
            compare(titlesOf(bob), ["Bob's secret"])
            showList(bob, 1)
            tryCompare(listView(bob), "count", 1)
            compare(titlesOf(bob), ["For everyone"])
            showList(alice, 0)
            compare(titlesOf(alice), ["Alice's secret"])

            // Bob ticks the shared todo off: done for Alice too.
            mouseClick(findChild(rowOf(bob, "For everyone"), "doneBox"))
            showList(alice, 1)
            tryVerify(() => rowOf(alice, "For everyone") !== null && rowOf(alice, "For everyone").done, 10000,
                      "Bob's tick did not reach Alice")

            // Alice's private todo never reached Bob's model, not even for a moment.
            verify(!seen(bobSaw, { title: "Alice's secret" }), "Bob's model showed Alice's private todo")
            verify(seen(bobSaw, { title: "For everyone" }))
            tryCompare(syncClient(alice), "outboxCount", 0)
            tryCompare(syncClient(bob), "outboxCount", 0)
        }
    }
}
