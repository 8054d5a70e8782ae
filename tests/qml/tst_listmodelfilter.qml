// OptimisticListModel's filter and filterParams from QML: a ListView shows
// the records that pass, edits move rows out and in at once, changing the
// params diffs the rows (the current item stays), an invalid filter says why.
import QtQuick
import QtTest
import Optimist

Item {
    width: 300
    height: 400

    OptimisticListModel {
        id: todos
        // Declared before the fields and params: QML may assign in any order.
        filter: "record.list == $list && (record.owner == auth.sub || record.shared)"
        filterParams: ({ list: "home" })
        collection: "todos"
        fields: [
            { name: "title", type: "string", required: true },
            { name: "list", type: "string" },
            { name: "owner", type: "string" },
            { name: "shared", type: "bool", default: false }
        ]
    }

    ListView {
        id: view
        anchors.fill: parent
        model: todos
        delegate: Text {
            required property string title
            text: title
        }
    }

    TestCase {
        name: "OptimisticListModelFilter"
        when: windowShown

        function init() {
            todos.filterParams = { list: "home" }
            todos.filter = "record.list == $list && (record.owner == auth.sub || record.shared)"
            transport.signIn(todos, "ann")
            transport.snapshot(todos, [
                { id: "a", title: "A", list: "home", owner: "ann" },
                { id: "b", title: "B", list: "home", owner: "bob" },
                { id: "c", title: "C", list: "home", owner: "bob", shared: true },
                { id: "d", title: "D", list: "work", owner: "ann" }
            ], "1")
        }

        function titles() {
            let result = []
            for (let row = 0; row < todos.count; ++row)
                result.push(todos.at(row).title)
            return result
        }

        function test_showsOnlyWhatPasses() {
            compare(titles(), ["A", "C"])
            compare(view.count, 2)
            compare(todos.errorString, "")
        }

        function test_editMovesOutAtOnceAndRejectionPutsBack() {
            const tx = todos.update("a", { list: "work" })
            compare(titles(), ["C"])
            compare(tx.state, Transaction.Pending)
            compare(todos.hasPendingChanges, true)
            transport.reject(tx, "forbidden", "not yours")
            compare(titles(), ["A", "C"])
        }

        function test_confirmedMoveOutLeavesNoRow() {
            const tx = todos.update("c", { shared: false })
            compare(titles(), ["A"])
            transport.accept(tx)
            compare(titles(), ["A"])
            compare(todos.hasPendingChanges, false)
        }

        function test_insertThatPassesShowsAtOnce() {
            const shown = todos.insert({ id: "e", title: "E", list: "home", owner: "ann" })
            compare(titles(), ["A", "C", "E"])
            const hidden = todos.insert({ id: "f", title: "F", list: "work", owner: "ann" })
            compare(titles(), ["A", "C", "E"])
            compare(hidden.state, Transaction.Pending)
            transport.reject(shown, "forbidden", "no")
            transport.reject(hidden, "forbidden", "no")
            compare(titles(), ["A", "C"])
        }

        function test_paramsChangeKeepsTheCurrentItem() {
            todos.filter = "record.owner == auth.sub"
            compare(titles(), ["A", "D"])
            view.currentIndex = 1
            compare(view.currentItem.text, "D")
            const removed = signalSpy.createObject(null, { target: todos, signalName: "rowsRemoved" })
            const reset = signalSpy.createObject(null, { target: todos, signalName: "modelReset" })
            todos.filterParams = { list: "work" } // the filter has no $list: nothing changes
            compare(removed.count, 0)
            todos.filter = "record.list == $list && record.owner == auth.sub"
            compare(titles(), ["D"])
            compare(removed.count, 1)
            compare(reset.count, 0)
            view.forceLayout() // the view takes the model's changes in
            compare(view.currentIndex, 0)
            compare(view.currentItem.text, "D")
        }

        function test_invalidFilterShowsNothingAndSaysWhy() {
            todos.filter = "record.list =="
            compare(todos.count, 0)
            verify(todos.errorString.startsWith("invalid filter: "), todos.errorString)
            verify(todos.errorString.endsWith(" at 14"), todos.errorString)
            todos.filter = "record.list == $list && (record.owner == auth.sub || record.shared)"
            compare(todos.errorString, "")
            compare(titles(), ["A", "C"])
        }

        function test_claimsComeFromTheTransport() {
            transport.signIn(todos, "bob")
            compare(titles(), ["B", "C"])
        }
    }

    Component {
        id: signalSpy
        SignalSpy {}
    }
}
