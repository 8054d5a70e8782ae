// The todo app's window (TodoApp's Main.qml) on the embedded server, driven
// like a user: typing, clicking, double-clicking, pressing Enter.
import QtQuick
import QtQuick.Controls
import QtTest
import Optimist

Item {
    width: 100
    height: 100

    TodoTestCase {
        name: "TodoApp"
        when: windowShown

        property var win: null

        function init() {
            win = createWindow(serverUrl)
            // One server serves every test function: start from an empty list.
            removeAll(win)
            compare(itemsLeft(win), "0 items left")
        }

        function test_addShowsAtOnceThenConfirms() {
            const states = watch(win)
            addTodo(win, "Buy oat milk")
            const row = rowOf(win, "Buy oat milk")
            verify(row, "the new row is not in the list")
            compare(itemsLeft(win), "1 item left")

            // It showed at once, before the server had answered,
            compare(states[0].title, "Buy oat milk")
            compare(states[0].id, row.id)
            compare(states[0].pending, true)
            compare(states[0].syncState, OptimisticListModel.PendingInsert)

            // then confirmed by the server.
            tryCompare(row, "pending", false)
            compare(row.syncState, OptimisticListModel.Synced)
            verify(!findChild(row, "pendingDot").visible)
            verify(!findChild(row, "failedMark").visible)
            compare(titlesOf(win), ["Buy oat milk"])

            // and a newcomer loads it from the server.
            const other = createWindow(serverUrl)
            compare(titlesOf(other), ["Buy oat milk"])
        }

        function test_addIgnoresBlankTitles() {
            const field = findChild(win, "newTodo")
            mouseClick(field)
            typeText("   ")
            keyClick(Qt.Key_Return)
            compare(model(win).count, 0)
            compare(syncClient(win).outboxCount, 0)
        }

        function test_toggleMarksDone() {
            const row = addConfirmed(win, "Water the plants")
            compare(row.done, false)
            compare(itemsLeft(win), "1 item left")

            const states = watch(win)
            mouseClick(findChild(row, "doneBox"))
            compare(row.done, true)
            verify(seen(states, { id: row.id, done: true, pending: true, syncState: OptimisticListModel.PendingUpdate }))
            compare(itemsLeft(win), "0 items left")
            tryCompare(row, "pending", false)
            compare(row.syncState, OptimisticListModel.Synced)
            compare(model(win).get(row.id).done, true)

            mouseClick(findChild(row, "doneBox"))
            compare(row.done, false)
            compare(itemsLeft(win), "1 item left")
            tryCompare(row, "pending", false)
        }

        function test_renameInPlace() {
            const row = addConfirmed(win, "Book flights")

            const states = watch(win)
            rename(win, row, "Book flights to Oslo")
            compare(row.title, "Book flights to Oslo")
            verify(seen(states, { title: "Book flights to Oslo", pending: true,
                                  syncState: OptimisticListModel.PendingUpdate }))
            tryCompare(row, "pending", false)
            compare(row.syncState, OptimisticListModel.Synced)
            compare(row.title, "Book flights to Oslo")

            const other = createWindow(serverUrl)
            compare(titlesOf(other), ["Book flights to Oslo"])
        }

        function test_escapeCancelsARename() {
            const row = addConfirmed(win, "Call the plumber")
            mouseDoubleClickSequence(row)
            const editor = findChild(row, "titleEditor")
            verify(editor.activeFocus)
            typeText(" now")
            keyClick(Qt.Key_Escape)
            verify(!editor.visible)
            compare(row.title, "Call the plumber")
            compare(syncClient(win).outboxCount, 0)
        }

        function test_deleteRemovesTheRow() {
            addConfirmed(win, "Keep me")
            const row = addConfirmed(win, "Delete me")
            compare(listView(win).count, 2)

            mouseClick(findChild(row, "deleteButton"))
            // gone at once
            compare(rowOf(win, "Delete me"), null)
            compare(listView(win).count, 1)
            // and stays gone once the server has it
            tryCompare(syncClient(win), "outboxCount", 0)
            compare(titlesOf(win), ["Keep me"])

            const other = createWindow(serverUrl)
            compare(titlesOf(other), ["Keep me"])
        }

        function test_rejectedEditRollsBackAndSaysWhy() {
            const row = addConfirmed(win, "Review the pull request")

            // The app does not know the server's 200-character rule.
            const tooLong = "x".repeat(201)
            const states = watch(win)
            rename(win, row, tooLong)
            verify(seen(states, { id: row.id, title: tooLong, pending: true }), "the edit did not show at once")

            // The server refuses it: the old title comes back, the row is marked failed
            tryCompare(row, "title", "Review the pull request")
            tryCompare(row, "syncState", OptimisticListModel.Failed)
            verify(!row.pending)
            verify(findChild(row, "failedMark").visible)
            verify(row.errorString.indexOf("200") >= 0, row.errorString)

            // and the toast gives the server's reason.
            const toast = findChild(win, "toast")
            tryVerify(() => toast.visible, 5000, "no toast")
            compare(toast.text, "Not saved: " + row.errorString)
            compare(syncClient(win).outboxCount, 0)

            // The server still has the old title.
            const other = createWindow(serverUrl)
            compare(titlesOf(other), ["Review the pull request"])

            // A good edit afterwards clears the failed mark.
            rename(win, row, "Review the pull request today")
            tryCompare(row, "pending", false)
            compare(row.syncState, OptimisticListModel.Synced)
            verify(!findChild(row, "failedMark").visible)
        }

        function test_refusedAddComesBackToTheField() {
            const field = findChild(win, "newTodo")
            const tooLong = "y".repeat(201)
            const states = watch(win)
            field.text = tooLong
            field.accepted()
            compare(field.text, "")
            verify(seen(states, { title: tooLong, pending: true }), "the new todo did not show at once")

            // The server refuses it: the row goes, its title is back in the field
            tryCompare(field, "text", tooLong)
            compare(titlesOf(win), [])
            // and the toast says why and what to do.
            const toast = findChild(win, "toast")
            tryVerify(() => toast.visible, 5000, "no toast")
            verify(toast.text.startsWith("Not added: ") && toast.text.indexOf("200") >= 0, toast.text)
            compare(syncClient(win).outboxCount, 0)
        }

        function test_filterAllActiveDone() {
            addConfirmed(win, "Active one")
            addConfirmed(win, "Active two")
            const done = addConfirmed(win, "Done one")
            mouseClick(findChild(done, "doneBox"))
            tryCompare(syncClient(win), "outboxCount", 0)
            compare(itemsLeft(win), "2 items left")

            const bar = findChild(win, "filterBar")
            mouseClick(bar.itemAt(1))
            compare(bar.currentIndex, 1)
            compare(titlesOf(win).sort(), ["Active one", "Active two"])

            mouseClick(bar.itemAt(2))
            compare(titlesOf(win), ["Done one"])

            // Done under "Active" leaves the list at once.
            mouseClick(bar.itemAt(1))
            mouseClick(findChild(rowOf(win, "Active one"), "doneBox"))
            compare(titlesOf(win), ["Active two"])
            compare(itemsLeft(win), "1 item left")

            mouseClick(bar.itemAt(0))
            compare(titlesOf(win).sort(), ["Active one", "Active two", "Done one"])
            tryCompare(syncClient(win), "outboxCount", 0)
        }

        function test_clearCompletedIsOneTransaction() {
            addConfirmed(win, "Keep")
            for (const title of ["Done A", "Done B"]) {
                const row = addConfirmed(win, title)
                mouseClick(findChild(row, "doneBox"))
                tryCompare(row, "pending", false)
            }
            const clear = findChild(win, "clearCompleted")
            verify(clear.enabled)
            compare(itemsLeft(win), "1 item left")

            mouseClick(clear)
            compare(titlesOf(win), ["Keep"])
            compare(syncClient(win).outboxCount, 1) // both removals in one transaction
            verify(!clear.enabled)
            tryCompare(syncClient(win), "outboxCount", 0)
            compare(titlesOf(win), ["Keep"])
            compare(itemsLeft(win), "1 item left")

            const other = createWindow(serverUrl)
            compare(titlesOf(other), ["Keep"])
        }

        function test_emptyListSaysSo() {
            const list = listView(win)
            const hint = findChild(win, "emptyHint")
            verify(hint.visible)
            compare(hint.text, "Nothing to do. Add something above.")
            addTodo(win, "Something")
            tryVerify(() => !hint.visible)

            const bar = findChild(win, "filterBar")
            mouseClick(bar.itemAt(2))
            compare(list.count, 0)
            // (ListView says countChanged at its next layout)
            tryVerify(() => hint.visible)
            compare(hint.text, "Nothing here.")
        }
    }
}
