// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Uses the installed Optimist::Core alone; exits non-zero on any failure.
#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>

#include <QtCore/QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Optimist::ListModel model;
    model.setFields({ Optimist::Field(QStringLiteral("title"), Optimist::Field::Type::String, {}, true) });
    Optimist::ListModelFeed(&model).applySnapshot(QList<Optimist::SnapshotRecord>(), QStringLiteral("1"));
    Optimist::Transaction *tx = model.insert({ { QStringLiteral("title"), QStringLiteral("core only") } });
    if (model.count() != 1 || tx->state() != Optimist::Transaction::Pending) {
        std::fprintf(stderr, "core-consumer: the insert did not show optimistically\n");
        return 1;
    }
    std::printf("core-consumer: OK (Optimist::Core with Qt6::Core only)\n");
    return 0;
}
