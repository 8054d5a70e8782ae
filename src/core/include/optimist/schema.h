// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/field.h>
#include <optimist/optimistcore_export.h>

#include <QtCore/QLatin1StringView>
#include <QtCore/QSharedDataPointer>

namespace Optimist {

class SchemaData;

class OPTIMIST_CORE_EXPORT Schema {
public:
    struct Error {
        QLatin1StringView code;
        QString message;
        bool isNull() const { return code.isEmpty(); }
        friend bool operator==(const Error &, const Error &) = default;
    };

    template<typename T> struct Result {
        T value;
        Error error;
        bool isValid() const { return error.isNull(); }
    };

    struct Changes {
        QList<int> indexes;
        QVariantList values;
    };

    Schema();
    explicit Schema(const Fields &fields, const QString &collection = {});
    Schema(const Schema &other);
    Schema(Schema &&other) noexcept;
    Schema &operator=(const Schema &other);
    Schema &operator=(Schema &&other) noexcept;
    ~Schema();

    Fields fields() const;
    QString collection() const;
    qsizetype size() const;
    bool isEmpty() const;
    const Field &field(qsizetype index) const;
    int indexOf(const QString &name) const;
    QVariantList defaultValues() const;

    static Error checkFields(const Fields &fields);

    Result<QVariantList> normaliseRecord(const QVariantMap &record) const;
    Result<Changes> normaliseUpdate(const QVariantMap &changes) const;
    Result<Mutation> normaliseMutation(const Mutation &mutation) const;

    friend OPTIMIST_CORE_EXPORT bool operator==(const Schema &, const Schema &);

private:
    QString unknownField(const QString &name) const;

    QSharedDataPointer<SchemaData> d;
};

} // namespace Optimist
