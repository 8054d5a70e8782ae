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
    QVariant defaultValue() const;
    void setDefaultValue(const QVariant &value);
    bool isRequired() const;
    void setRequired(bool required);
    int maxLength() const;
    void setMaxLength(int maxLength);

    static constexpr qint64 MaxInt = qint64(1) << 53;
    static constexpr int MaxJsonDepth = 32;

    QMetaType metaType() const;

    bool coerce(const QVariant &value, QVariant *out) const;

    QString checkValue(const QVariant &value, QVariant *out) const;

    static qsizetype characterCount(QStringView text);

    static QString typeName(Type type);
    static bool typeFromName(const QString &name, Type *type);

    static Field fromVariantMap(const QVariantMap &map, QString *error = nullptr);
    QVariantMap toVariantMap() const;

    friend OPTIMIST_CORE_EXPORT bool operator==(const Field &, const Field &);

private:
    QSharedDataPointer<FieldData> d;
};

using Fields = QList<Field>;

} // namespace Optimist

Q_DECLARE_SHARED(Optimist::Field)
