// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "listmodel_p.h"
#include "values_p.h"

#include <QtCore/QVarLengthArray>

#include <vector>

namespace Optimist {

//! Reads server records. The records of one snapshot share their keys, so
//! it learns which field each key position holds once and afterwards only
//! checks that the key there is still the same (no tree or hash lookups).
class SnapshotReader {
public:
    explicit SnapshotReader(const ListModelPrivate &d)
        : d(d)
        , defaults(d.schema.defaultValues())
        , byField(d.schema.size())
    {
        for (const Field &field : d.schema.fields())
            fieldTypes.append(field.type() == Field::Type::Json ? QMetaType() : field.metaType());
    }

    //! Reads \a record's fields; an "id" key is not one of them.
    void read(const QVariantMap &record)
    {
        std::fill(byField.begin(), byField.end(), nullptr);
        size_t position = 0;
        for (auto it = record.cbegin(); it != record.cend(); ++it, ++position) {
            if (position == slots.size())
                slots.push_back({ it.key(), slotFor(it.key()) });
            else if (slots[position].key != it.key())
                slots[position] = { it.key(), slotFor(it.key()) };
            if (const int field = slots[position].field; field >= 0)
                byField[field] = &it.value();
        }
    }

    //! Whether the record read last equals \a confirmed. Values that do not
    //! have their field's type yet count as different: values() coerces them.
    bool sameAs(const QVariantList &confirmed) const
    {
        for (qsizetype i = 0; i < byField.size(); ++i) {
            const QVariant *raw = byField[i];
            if (raw && raw->metaType() != fieldTypes.at(i))
                return false;
            if (!sameValue(confirmed.at(i), raw ? *raw : defaults.at(i)))
                return false;
        }
        return true;
    }

    //! The record read last in schema order, coerced, defaults filled in.
    QVariantList values() const;

private:
    static constexpr int IdSlot = -2;
    int slotFor(const QString &key) const { return key == QLatin1StringView("id") ? IdSlot : d.fieldIndex(key); }

    struct Slot {
        QString key;
        int field;
    };
    const ListModelPrivate &d;
    const QVariantList defaults; //!< the schema's, for the fields a record leaves out
    std::vector<Slot> slots;
    QVarLengthArray<const QVariant *, 16> byField;
    QList<QMetaType> fieldTypes;
};

} // namespace Optimist
