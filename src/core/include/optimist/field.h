// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/optimistcore_export.h>

#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QSharedDataPointer>
#include <QtCore/QString>
#include <QtCore/QVariant>

namespace Optimist {

class FieldData;

//! One column of a collection's schema: a name, a Qt type, a default and
//! whether a record must carry it. Fields become the model's roles.
//! A value type, implicitly shared: a schema copies its fields freely.
class OPTIMIST_CORE_EXPORT Field {
    Q_GADGET
public:
    enum class Type { String, Int, Double, Bool, DateTime, Json };
    Q_ENUM(Type)

    Field();
    Field(const QString &name, Type type, const QVariant &defaultValue = {}, bool required = false);
    Field(const Field &other);
    Field(Field &&other) noexcept;
    Field &operator=(const Field &other);
    Field &operator=(Field &&other) noexcept;
    ~Field();
    void swap(Field &other) noexcept { d.swap(other.d); }

    QString name() const;
    void setName(const QString &name);
    Type type() const;
    void setType(Type type);
    //! What a record that leaves the field out holds; set as given, held
    //! as the field's own type once it coerces to it (a null default as a
    //! typed null).
    QVariant defaultValue() const;
    void setDefaultValue(const QVariant &value);
    //! Whether a record must hold a value other than null.
    bool isRequired() const;
    void setRequired(bool required);
    //! For strings: the longest value accepted, in characters, i.e. Unicode
    //! code points (0 = no limit).
    int maxLength() const;
    void setMaxLength(int maxLength);

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

    friend OPTIMIST_CORE_EXPORT bool operator==(const Field &, const Field &);

private:
    QSharedDataPointer<FieldData> d;
};

using Fields = QList<Field>;

} // namespace Optimist

Q_DECLARE_SHARED(Optimist::Field)
