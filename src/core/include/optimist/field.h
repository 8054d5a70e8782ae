// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistcore_export.h>

#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QVariant>

namespace Optimist {

//! One column of a collection's schema: a name, a Qt type, a default and
//! whether a record must carry it. Fields become the model's roles.
class OPTIMIST_CORE_EXPORT Field {
    Q_GADGET
public:
    enum class Type { String, Int, Double, Bool, DateTime, Json };
    Q_ENUM(Type)

    Field() = default;
    Field(const QString &name, Type type, const QVariant &defaultValue = {}, bool required = false);

    QString name;
    Type type = Type::String;
    QVariant defaultValue;
    bool required = false;
    //! For strings: the longest value accepted (0 = no limit).
    int maxLength = 0;

    //! The QVariant metatype a value of this field has once coerced.
    QMetaType metaType() const;

    //! Converts \a value to this field's type. Returns false, leaving
    //! \a out untouched, when the value cannot be represented without loss
    //! (e.g. 1.5 for an int field, "yes" for a bool field). A null value
    //! coerces to a null QVariant of the field's type.
    bool coerce(const QVariant &value, QVariant *out) const;

    //! Describes why coerce() or a constraint failed, for error messages.
    QString checkValue(const QVariant &value, QVariant *out) const;

    static QString typeName(Type type);
    static bool typeFromName(const QString &name, Type *type);

    //! Builds a field from a QML/JSON style description:
    //! { name: "title", type: "string", default: "", required: true, maxLength: 200 }.
    //! Returns an empty-named field and sets \a error on bad input.
    static Field fromVariantMap(const QVariantMap &map, QString *error = nullptr);
    QVariantMap toVariantMap() const;

    friend bool operator==(const Field &, const Field &) = default;
};

using Fields = QList<Field>;

} // namespace Optimist
