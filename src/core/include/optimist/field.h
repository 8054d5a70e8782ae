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
    //! For strings: the longest value accepted, in characters, i.e. Unicode
    //! code points (0 = no limit).
    int maxLength = 0;

    //! An int is an integer in [-MaxInt, MaxInt], both ends included: the
    //! integers every JSON reader (JavaScript's included) holds exactly.
    static constexpr qint64 MaxInt = qint64(1) << 53;
    //! How deeply arrays and objects may nest in a json value: a scalar is
    //! 0 deep, [] and {} are 1, [[1]] is 2.
    static constexpr int MaxJsonDepth = 32;

    //! The QVariant metatype a value of this field has once coerced.
    QMetaType metaType() const;

    //! Converts \a value to this field's type. Returns false, leaving
    //! \a out untouched, when the value is not one of the type's valid
    //! values (docs/protocol.md, "Values"): never rounded or clamped into one.
    //! A null value coerces to a null QVariant of the field's type; a
    //! datetime to UTC.
    bool coerce(const QVariant &value, QVariant *out) const;

    //! Coerces \a value and checks the field's constraints (required,
    //! maxLength). Returns why the value is refused, in the schema's and
    //! JSON's words ("field 'done' expects a bool, got a string"), or an
    //! empty string, having set \a out, when it is fine.
    QString checkValue(const QVariant &value, QVariant *out) const;

    //! The length of \a text in characters as maxLength counts them:
    //! Unicode code points, so an emoji outside the BMP is one.
    static qsizetype characterCount(QStringView text);

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
