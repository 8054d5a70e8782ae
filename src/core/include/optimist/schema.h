// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/field.h>
#include <optimist/optimistcore_export.h>

#include <QtCore/QLatin1StringView>
#include <QtCore/QSharedDataPointer>

namespace Optimist {

class SchemaData;

//! A collection's schema: its fields, found by name, and the one definition
//! of what a record, an update and a mutation of it may hold.
//!
//! Client and server agree on what is valid because both ask this type: the
//! model's insert() and update() and the server's write path validate with
//! it, so an edit the model accepts is one the server accepts, and one it
//! refuses is refused with the same code and message on both ends
//! (docs/architecture.md, "One schema"). Values are coerced with
//! Field::checkValue() (docs/protocol.md, "Values").
//!
//! Implicitly shared: copies are cheap, and the model and the server each
//! keep one per collection.
class OPTIMIST_CORE_EXPORT Schema {
public:
    //! Why something is not valid: a code of errorcodes.h
    //! (ErrorCode::ValidationFailed) and a message in the schema's and
    //! JSON's words ("field 'done' expects a bool, got a string"). Null when
    //! it is valid.
    struct Error {
        //! One of errorcodes.h's constants, empty when valid.
        QLatin1StringView code;
        QString message;
        bool isNull() const { return code.isEmpty(); }
        friend bool operator==(const Error &, const Error &) = default;
    };

    //! A value normalised by the schema, or why it could not be.
    template<typename T> struct Result {
        T value;
        Error error;
        bool isValid() const { return error.isNull(); }
    };

    //! The fields an update changes, by index, with their coerced values.
    struct Changes {
        QList<int> indexes;
        QVariantList values;
    };

    Schema();
    //! The schema of \a fields. \a collection, if given, names the
    //! collection in messages ("unknown field 'colour' in 'todos'").
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
    //! The index of the field named \a name, or -1.
    int indexOf(const QString &name) const;
    //! Every field's default, in schema order.
    QVariantList defaultValues() const;

    //! Why \a fields cannot make a schema (an empty name, "id", a name
    //! twice), or a null error.
    static Error checkFields(const Fields &fields);

    //! A whole record, as an insert gives it: each field coerced, missing
    //! ones at their default, in schema order. Its "id", if there, is the
    //! record's key, not a field, and is not looked at.
    Result<QVariantList> normaliseRecord(const QVariantMap &record) const;
    //! The fields an update sets, coerced; "id" cannot change.
    Result<Changes> normaliseUpdate(const QVariantMap &changes) const;
    //! A mutation of this schema's collection as a transport carries it:
    //! an insert's fields all coerced (defaults filled in), an update's
    //! given ones coerced, a remove as it is.
    Result<Mutation> normaliseMutation(const Mutation &mutation) const;

    friend OPTIMIST_CORE_EXPORT bool operator==(const Schema &, const Schema &);

private:
    QString unknownField(const QString &name) const;

    QSharedDataPointer<SchemaData> d;
};

} // namespace Optimist
