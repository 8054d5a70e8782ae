// A TestCase with the helpers the todo app tests share: opening a todo
// window (Main.qml) and using it the way a user does.
import QtQuick
import QtTest
import Optimist
import TodoApp

TestCase {
    id: testCase

    Component {
        id: mainComponent
        Main {}
    }

    //! A new todo window on \a url signed in as \a user (default: alice;
    //! destroyed after the test function), once its list has loaded and it
    //! has the keyboard.
    function createWindow(url, user) {
        const name = user === undefined ? "alice" : user
        const window = createTemporaryObject(mainComponent, null,
                                             { serverUrl: url, user: name, token: devTokens.mint(name) })
        verify(window, "Main.qml did not load")
        tryVerify(() => window.loaded, 15000, "the list did not load")
        activate(window)
        return window
    }

    function activate(window) {
        window.requestActivate()
        tryVerify(() => window.active, 5000, "the window did not become active")
    }

    function model(window) { return findChild(window, "todos") }
    //! Shows \a window's "Personal" (0) or "Shared" (1) list and waits for it.
    function showList(window, index) {
        findChild(window, "listBar").currentIndex = index
        tryVerify(() => !model(window).loading, 10000, "the list did not load")
    }
    function syncClient(window) { return findChild(window, "sync") }
    function listView(window) { return findChild(window, "todoList") }
    function itemsLeft(window) { return findChild(window, "itemsLeft").text }

    //! The delegate showing \a title, or null.
    function rowOf(window, title) {
        const list = listView(window)
        list.forceLayout()
        for (let row = 0; row < list.count; ++row) {
            const item = list.itemAtIndex(row)
            if (item && item.title === title)
                return item
        }
        return null
    }

    //! The titles the list shows, top to bottom.
    function titlesOf(window) {
        const list = listView(window)
        list.forceLayout()
        const titles = []
        for (let row = 0; row < list.count; ++row) {
            const item = list.itemAtIndex(row)
            verify(item, "no delegate for row " + row)
            titles.push(item.title)
        }
        return titles
    }

    //! Records each state the rows of \a window's model show, as it shows
    //! it: the optimistic state of an edit is seen even when the server
    //! answers before the test looks. Returns the (growing) list of
    //! { id, title, done, pending, syncState }.
    function watch(window) {
        const todos = model(window)
        const states = []
        const record = (first, last) => {
            for (let row = first; row <= last; ++row) {
                const index = todos.index(row, 0)
                states.push({
                    id: todos.data(index, OptimisticListModel.IdRole),
                    title: todos.data(index, Qt.DisplayRole),
                    done: todos.data(index, OptimisticListModel.FirstFieldRole + 1),
                    pending: todos.data(index, OptimisticListModel.PendingRole),
                    syncState: todos.data(index, OptimisticListModel.SyncStateRole)
                })
            }
        }
        todos.rowsInserted.connect((parent, first, last) => record(first, last))
        todos.dataChanged.connect((topLeft, bottomRight) => record(topLeft.row, bottomRight.row))
        return states
    }

    //! Whether \a states holds one with every property of \a expected.
    function seen(states, expected) {
        return states.some(state => Object.keys(expected).every(key => state[key] === expected[key]))
    }

    //! Removes every todo through \a window's model and waits for the server.
    function removeAll(window) {
        const todos = model(window)
        const ids = []
        for (let row = 0; row < todos.count; ++row)
            ids.push(todos.at(row).id)
        if (ids.length > 0)
            Optimist.transaction(() => ids.forEach(id => todos.remove(id)))
        tryCompare(syncClient(window), "outboxCount", 0)
        compare(todos.count, 0)
    }

    function typeText(text) {
        for (const character of text)
            keyClick(character)
    }

    //! Types \a title into the "What needs to be done?" field and presses Enter.
    function addTodo(window, title) {
        activate(window)
        const field = findChild(window, "newTodo")
        mouseClick(field)
        verify(field.activeFocus, "the text field did not take the focus")
        typeText(title)
        compare(field.text, title)
        keyClick(Qt.Key_Return)
        compare(field.text, "")
    }

    //! addTodo(), then waits for the server to confirm the row; returns it.
    function addConfirmed(window, title) {
        addTodo(window, title)
        const row = rowOf(window, title)
        verify(row, "no row for " + title)
        tryCompare(row, "pending", false)
        compare(row.syncState, 0) // Synced
        return row
    }

    //! Double-clicks the title of \a row in \a window, replaces it with \a title, presses Enter.
    function rename(window, row, title) {
        activate(window)
        mouseDoubleClickSequence(findChild(row, "titleLabel")) // on the title
        const editor = findChild(row, "titleEditor")
        verify(editor.visible, "no editor after a double click")
        verify(editor.activeFocus, "the editor has no focus")
        compare(editor.text, row.title)
        keyClick(Qt.Key_A, Qt.ControlModifier) // select all
        typeText(title)
        compare(editor.text, title)
        keyClick(Qt.Key_Return)
        verify(!editor.visible)
    }
}
