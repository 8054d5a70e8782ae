// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "snapshotreader_p.h"

#include "logging_p.h"

namespace Optimist {

QVariantList SnapshotReader::values() const
{
    QVariantList values;
    values.reserve(byField.size());
    for (qsizetype i = 0; i < byField.size(); ++i) {
        const Field &field = d.schema.field(i);
        const QVariant *raw = byField[i];
        QVariant value;
        if (!raw)
            value = defaults.at(i);
        else if (raw->metaType() == fieldTypes.at(i))
            value = *raw;
        else if (!field.coerce(*raw, &value)) {
            qCWarning(lcCore) << d.collection << "server value for" << field.name() << "is not a"
                              << Field::typeName(field.type()) << "; using the default";
            value = defaults.at(i);
        }
        values.append(std::move(value));
    }
    return values;
}

QVariantList ListModelPrivate::recordValues(const QVariantMap &record) const
{
    SnapshotReader reader(*this);
    reader.read(record);
    return reader.values();
}

} // namespace Optimist
