// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// OptimisticListModel binds its client once QML has set everything: in any
// order of `client`, `collection` and `fields` (each a literal or a
// binding), the transport attaches once, to the final collection and fields.
import QtQuick
import QtTest
import Optimist

TestCase {
    name: "OptimisticListModelSettled"

    readonly property var lines: ({
        client: "client: transport",
        collection: "collection: \"todos\"",
        collectionBinding: "collection: root.name",
        fields: "fields: [{ name: \"title\", type: \"string\" }, { name: \"done\", type: \"bool\" }]"
    })

    function permutations(items) {
        if (items.length <= 1)
            return [items]
        const result = []
        items.forEach((item, i) => {
            const rest = items.slice(0, i).concat(items.slice(i + 1))
            permutations(rest).forEach(p => result.push([item].concat(p)))
        })
        return result
    }

    function test_attachesOnceWhateverTheOrder_data() {
        const rows = []
        for (const collection of ["collection", "collectionBinding"]) {
            for (const order of permutations(["client", collection, "fields"]))
                rows.push({ tag: order.join(", "), order: order })
        }
        return rows
    }

    function test_attachesOnceWhateverTheOrder(data) {
        const body = data.order.map(key => lines[key]).join("\n")
        const root = Qt.createQmlObject(`
            import QtQuick
            import Optimist
            import OptimistTest
            Item {
                id: root
                property string name: "todos"
                property alias transport: transport
                property alias model: model
                RecordingTransport { id: transport }
                OptimisticListModel {
                    id: model
                    ${body}
                }
            }`, this, data.tag)
        verify(root)
        compare(root.transport.attached, ["todos/2"])
        compare(root.model.client, root.transport)
        compare(root.model.collection, "todos")
        root.destroy()
    }

    function test_clientSetLaterTakesEffectAtOnce() {
        const root = Qt.createQmlObject(`
            import QtQuick
            import Optimist
            import OptimistTest
            Item {
                property alias transport: transport
                property alias model: model
                RecordingTransport { id: transport }
                OptimisticListModel {
                    id: model
                    collection: "notes"
                    fields: [{ name: "text", type: "string" }]
                }
            }`, this, "later")
        compare(root.transport.attached, [])
        root.model.client = root.transport
        compare(root.transport.attached, ["notes/1"])
        compare(root.model.client, root.transport)
        root.destroy()
    }
}
