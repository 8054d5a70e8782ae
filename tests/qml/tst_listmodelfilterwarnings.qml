// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// An OptimisticListModel checks its filter once QML has set all its
// properties: a filter declared before its filterParams is no error (every
// optimist-todo run printed "invalid filter: no value for $list" twice),
// and a parameter truly missing still is, naming the collection.
import QtQuick
import QtTest
import Optimist

TestCase {
    name: "OptimisticListModelFilterWarnings"

    function create(params) {
        return Qt.createQmlObject(`
            import Optimist
            OptimisticListModel {
                filter: "record.list == $list"
                ${params}
                collection: "todos"
                fields: [ { name: "title", type: "string" }, { name: "list", type: "string" } ]
            }`, this)
    }

    function test_filterBeforeItsParams() {
        failOnWarning(/invalid filter/)
        const model = create(`filterParams: ({ list: "home" })`)
        compare(model.errorString, "")
        compare(model.filter, "record.list == $list")
        compare(model.filterParams.list, "home")
        model.destroy()
    }

    function test_aMissingParamIsStillAnError() {
        ignoreWarning(/^collection 'todos': invalid filter: no value for \$list in filterParams$/)
        const model = create(`filterParams: ({ other: "x" })`)
        compare(model.errorString, "invalid filter: no value for $list in filterParams")
        model.destroy()
    }
}
