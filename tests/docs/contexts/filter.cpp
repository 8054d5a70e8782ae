// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Around a C++ fragment that binds a filtered model to the client `sync`,
// with the todo app's `fields`.
#include <optimist/field.h>
#include <optimist/listmodel.h>
#include <optimist/syncclient.h>

using Optimist::Field;

void bind(Optimist::SyncClient &sync, const QList<Field> &fields)
{
    // SNIPPET
}

int main()
{
    Optimist::SyncClient sync;
    sync.setActive(false);
    bind(sync,
        { Field(QStringLiteral("title"), Field::Type::String, {}, true),
            Field(QStringLiteral("list"), Field::Type::String, {}, true),
            Field(QStringLiteral("owner"), Field::Type::String, {}, true) });
}
