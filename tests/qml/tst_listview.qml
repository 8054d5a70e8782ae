// A ListView bound to OptimisticListModel: optimistic rows show at once,
// confirmed rows stay, rejected rows go.
import QtQuick
import QtTest
import Optimist

Item {
    width: 300
    height: 400

    OptimisticListModel {
        id: todos
        collection: "todos"
        fields: [
            { name: "title", type: "string", required: true },
            { name: "done", type: "bool", default: false }
        ]
    }

    ListView {
        id: view
        anchors.fill: parent
        model: todos
        delegate: Text {
            required property string title
            required property bool pending
            required property int syncState
            required property string errorString
            text: title + (pending ? " …" : "")
        }
    }

    TestCase {
        name: "OptimisticListView"
        when: windowShown

        function init() {
            transport.snapshot(todos, [], "0")
            compare(todos.count, 0)
        }

        function delegateText(row) {
            view.forceLayout()
            const item = view.itemAtIndex(row)
            verify(item, "no delegate at row " + row)
            return item.text
        }

        function test_insertShowsAtOnceAndRejectRemovesIt() {
            const tx = todos.insert({ title: "Buy milk" })
            // Optimistic: in the view before any server answer.
            compare(view.count, 1)
            compare(delegateText(0), "Buy milk …")
            compare(todos.hasPendingChanges, true)

            const rejected = signalSpy.createObject(null, { target: tx, signalName: "rejected" })
            transport.reject(tx, "forbidden", "no milk today")
            compare(rejected.count, 1)
            compare(view.count, 0)
            compare(todos.hasPendingChanges, false)
            compare(todos.errorString, "no milk today")
        }

        function test_confirmedInsertStaysWithoutPendingMark() {
            const tx = todos.insert({ title: "Walk the dog" })
            compare(delegateText(0), "Walk the dog …")
            const accepted = signalSpy.createObject(null, { target: tx, signalName: "accepted" })
            transport.accept(tx)
            compare(accepted.count, 1)
            compare(view.count, 1)
            compare(delegateText(0), "Walk the dog")
            compare(view.itemAtIndex(0).syncState, OptimisticListModel.Synced)
        }

        function test_rejectedUpdateRollsBackAndShowsError() {
            transport.snapshot(todos, [{ id: "a", title: "Old title", done: false }], "1")
            const tx = todos.update("a", { title: "New title" })
            compare(delegateText(0), "New title …")
            transport.reject(tx, "validation_failed", "title taken")
            compare(delegateText(0), "Old title")
            compare(view.itemAtIndex(0).syncState, OptimisticListModel.Failed)
            compare(view.itemAtIndex(0).errorString, "title taken")
        }

        function test_invalidEditIsRefusedAtOnce() {
            const tx = todos.insert({ title: 42 })
            compare(tx.state, Transaction.Rejected)
            compare(tx.errorCode, "validation_failed")
            compare(view.count, 0)
        }

        function test_transactionGroupsEditsAndRollsThemBackTogether() {
            transport.snapshot(todos, [{ id: "a", title: "A" }, { id: "b", title: "B" }], "1")
            const tx = Optimist.transaction(() => {
                todos.remove("a")
                todos.update("b", { done: true })
                todos.insert({ id: "c", title: "C" })
            })
            compare(tx.state, Transaction.Pending)
            compare(view.count, 2)
            compare(todos.get("b").done, true)
            transport.reject(tx, "conflict", "somebody else was faster")
            compare(view.count, 2)
            compare(todos.get("a").title, "A")
            compare(todos.get("b").done, false)
            compare(todos.contains("c"), false)
        }

        function test_throwingTransactionIsAbortedAndLeavesNothing() {
            const tx = Optimist.transaction(() => {
                todos.insert({ id: "x", title: "X" })
                throw new Error("changed my mind")
            })
            compare(tx.state, Transaction.Rejected)
            compare(tx.errorCode, "aborted")
            compare(view.count, 0)
        }
    }

    Component {
        id: signalSpy
        SignalSpy {}
    }
}
