// Uses the installed Optimist from C++ and from QML; exits non-zero on any failure.
#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>

#include <QtCore/QCoreApplication>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>

#include <cstdio>

static int fail(const char *what)
{
    std::fprintf(stderr, "consumer: %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);

    Optimist::ListModel model;
    model.setFields({ Optimist::Field(QStringLiteral("title"), Optimist::Field::Type::String, {}, true) });
    Optimist::ListModelFeed(&model).applySnapshot(QList<Optimist::SnapshotRecord>(), QStringLiteral("1"));
    Optimist::Transaction *tx = model.insert({ { QStringLiteral("title"), QStringLiteral("from C++") } });
    if (model.count() != 1 || tx->state() != Optimist::Transaction::Pending)
        return fail("C++ insert did not show optimistically");

    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(OPTIMIST_QML_IMPORT_DIR));
    QQmlComponent component(&engine);
    component.setData(R"(
        import QtQml
        import Optimist
        OptimisticListModel {
            fields: [{ name: "title", type: "string" }]
            Component.onCompleted: insert({ title: "from QML" })
        })",
        QUrl());
    std::unique_ptr<QObject> object(component.create());
    if (!object)
        return fail(qPrintable(component.errorString()));
    auto *qmlModel = qobject_cast<Optimist::ListModel *>(object.get());
    if (!qmlModel || qmlModel->count() != 1)
        return fail("QML model did not insert");
    std::printf("consumer: OK (C++ and QML against the installed package)\n");
    return 0;
}
