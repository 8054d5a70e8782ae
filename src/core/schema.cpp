// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "schema.h"

#include "errorcodes.h"

#include <QtCore/QHash>
#include <QtCore/QSet>

using namespace Qt::StringLiterals;

namespace Optimist {

class SchemaData : public QSharedData {
public:
    Fields fields;
    QString collection;
    QHash<QString, int> indexes;
    QVariantList defaults;
    //! Per field, why its default cannot fill a record that leaves it out
    //! (a required field without one, a default its constraints refuse).
    QStringList defaultProblems;
};

namespace {

Schema::Error invalid(const QString &message)
{
    return { ErrorCode::ValidationFailed, message };
}

QString defaultProblem(const Field &field)
{
    if (field.isRequired() && field.defaultValue().isNull())
        return u"field '%1' is required"_s.arg(field.name());
    QVariant value;
    return field.checkValue(field.defaultValue(), &value);
}

} // namespace

/*!
    \class Optimist::Schema
    \inmodule Optimist
    \inheaderfile optimist/schema.h
    \brief A collection's schema: its fields, found by name, and the one
    definition of what a record, an update and a mutation of it may hold.

    Client and server agree on what is valid because both ask this type: the
    model's ListModel::insert() and ListModel::update() and the server's
    write path validate with it, so an edit the model accepts is one the
    server accepts, and one it refuses is refused with the same code and
    message on both ends (docs/architecture.md, "One schema"). Values are
    coerced with Field::checkValue() (docs/protocol.md, "Values").

    Implicitly shared: copies are cheap, and the model and the server each
    keep one per collection.
*/

/*!
    \struct Optimist::Schema::Error
    \inmodule Optimist
    \brief Why something is not valid, or a null error when it is.
*/

/*!
    \variable Optimist::Schema::Error::code
    \brief One of the ErrorCode constants (ErrorCode::ValidationFailed),
    empty when valid.
*/

/*!
    \variable Optimist::Schema::Error::message
    \brief Why, in the schema's and JSON's words: "field 'done' expects a
    bool, got a string". Empty when valid.
*/

/*!
    \fn bool Optimist::Schema::Error::isNull() const

    Returns whether this is no error (the code is empty).
*/

/*!
    \fn bool Optimist::Schema::Error::operator==(const Optimist::Schema::Error &a, const Optimist::Schema::Error &b)

    Returns whether \a a and \a b have the same code and message.
*/

/*!
    \struct Optimist::Schema::Result
    \inmodule Optimist
    \brief A value normalised by the schema, or why it could not be.
*/

/*!
    \variable Optimist::Schema::Result::value
    \brief The normalised value; meaningless when error is set.
*/

/*!
    \variable Optimist::Schema::Result::error
    \brief Why the value could not be normalised, or a null error.
*/

/*!
    \fn template <typename T> bool Optimist::Schema::Result<T>::isValid() const

    Returns whether the value was normalised (error is null).
*/

/*!
    \struct Optimist::Schema::Changes
    \inmodule Optimist
    \brief The fields an update changes, by index, with their coerced values.
*/

/*!
    \variable Optimist::Schema::Changes::indexes
    \brief The schema indexes of the changed fields, in the update's order.
*/

/*!
    \variable Optimist::Schema::Changes::values
    \brief The coerced new value of each field in indexes, at the same
    position.
*/

/*!
    \fn bool Optimist::Schema::operator==(const Optimist::Schema &a, const Optimist::Schema &b)

    Returns whether \a a and \a b have the same fields and collection name.
*/

/*!
    Constructs an empty schema: no fields, no collection.
*/
Schema::Schema()
    : d(new SchemaData)
{
}

/*!
    Constructs the schema of \a fields. \a collection, if given, names the
    collection in messages ("unknown field 'colour' in 'todos'"). The fields
    are not checked here: see checkFields().
*/
Schema::Schema(const Fields &fields, const QString &collection)
    : d(new SchemaData)
{
    d->fields = fields;
    d->collection = collection;
    d->indexes.reserve(fields.size());
    for (int i = 0; i < fields.size(); ++i) {
        const Field &field = fields.at(i);
        d->indexes.insert(field.name(), i);
        d->defaults.append(field.defaultValue());
        d->defaultProblems.append(defaultProblem(field));
    }
}

/*!
    \fn Optimist::Schema::Schema(const Optimist::Schema &other)

    Constructs a copy of \a other (cheap: the data is shared).
*/

/*!
    \fn Optimist::Schema::Schema(Optimist::Schema &&other)

    Move-constructs a schema from \a other.
*/

/*!
    \fn Optimist::Schema &Optimist::Schema::operator=(const Optimist::Schema &other)

    Assigns \a other to this schema.
*/

/*!
    \fn Optimist::Schema &Optimist::Schema::operator=(Optimist::Schema &&other)

    Move-assigns \a other to this schema.
*/

/*!
    \fn Optimist::Schema::~Schema()

    Destroys the schema.
*/
Schema::Schema(const Schema &other) = default;
Schema::Schema(Schema &&other) noexcept = default;
Schema &Schema::operator=(const Schema &other) = default;
Schema &Schema::operator=(Schema &&other) noexcept = default;
Schema::~Schema() = default;

/*!
    Returns the fields, in schema order.
*/
Fields Schema::fields() const
{
    return d->fields;
}

/*!
    Returns the collection name that messages use, or an empty string.
*/
QString Schema::collection() const
{
    return d->collection;
}

/*!
    Returns the number of fields.
*/
qsizetype Schema::size() const
{
    return d->fields.size();
}

/*!
    Returns whether the schema has no fields.
*/
bool Schema::isEmpty() const
{
    return d->fields.isEmpty();
}

/*!
    Returns the field at \a index, which must be in [0, size()).
*/
const Field &Schema::field(qsizetype index) const
{
    return d->fields.at(index);
}

/*!
    Returns the index of the field called \a name, or -1.
*/
int Schema::indexOf(const QString &name) const
{
    return d->indexes.value(name, -1);
}

/*!
    Returns every field's default, in schema order.
*/
QVariantList Schema::defaultValues() const
{
    return d->defaults;
}

/*!
    Returns why \a fields cannot make a schema (an empty name, \c id, a name
    twice), or a null error.
*/
Schema::Error Schema::checkFields(const Fields &fields)
{
    QSet<QString> names;
    for (const Field &field : fields) {
        const QString name = field.name();
        if (name.isEmpty() || name == u"id"_s || names.contains(name))
            return invalid(u"invalid or duplicate field name '%1'"_s.arg(name));
        names.insert(name);
    }
    return {};
}

/*!
    Normalises a whole \a record, as an insert gives it: each field coerced,
    missing ones at their default, in schema order. Its \c id, if there, is
    the record's key, not a field, and is not looked at. The error is
    \c validation_failed for an unknown field, a value not of its field's
    type, a missing required field or a string over maxLength.
*/
Schema::Result<QVariantList> Schema::normaliseRecord(const QVariantMap &record) const
{
    Result<QVariantList> result { d->defaults, {} };
    QList<bool> given(d->fields.size(), false);
    for (auto it = record.cbegin(); it != record.cend(); ++it) {
        if (it.key() == u"id"_s)
            continue;
        const int i = indexOf(it.key());
        if (i < 0)
            return { {}, invalid(unknownField(it.key())) };
        const QString problem = d->fields.at(i).checkValue(it.value(), &result.value[i]);
        if (!problem.isEmpty())
            return { {}, invalid(problem) };
        given[i] = true;
    }
    for (qsizetype i = 0; i < d->fields.size(); ++i) {
        if (!given.at(i) && !d->defaultProblems.at(i).isEmpty())
            return { {}, invalid(d->defaultProblems.at(i)) };
    }
    return result;
}

/*!
    Normalises the fields an update sets, \a changes (field name to value):
    each coerced; \c id cannot change. Errors as normaliseRecord().
*/
Schema::Result<Schema::Changes> Schema::normaliseUpdate(const QVariantMap &changes) const
{
    Result<Changes> result;
    result.value.indexes.reserve(changes.size());
    result.value.values.reserve(changes.size());
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const int i = indexOf(it.key());
        if (i < 0) {
            const bool isId = it.key() == u"id"_s;
            return { {}, invalid(isId ? u"the id of a record cannot change"_s : unknownField(it.key())) };
        }
        QVariant value;
        const QString problem = d->fields.at(i).checkValue(it.value(), &value);
        if (!problem.isEmpty())
            return { {}, invalid(problem) };
        result.value.indexes.append(i);
        result.value.values.append(std::move(value));
    }
    return result;
}

/*!
    Normalises \a mutation, an edit of this schema's collection as a
    transport carries it: an insert's fields all coerced (defaults filled
    in), an update's given ones coerced, a remove as it is.
*/
Schema::Result<Mutation> Schema::normaliseMutation(const Mutation &mutation) const
{
    Result<Mutation> result { mutation, {} };
    result.value.fields.clear();
    switch (mutation.kind) {
    case Mutation::Kind::Remove:
        return result;
    case Mutation::Kind::Insert: {
        // A wire insert names its record by the mutation's id: an "id" among
        // its fields is a field the schema does not have.
        if (mutation.fields.contains(u"id"_s))
            return { {}, invalid(unknownField(u"id"_s)) };
        const Result<QVariantList> record = normaliseRecord(mutation.fields);
        if (!record.isValid())
            return { {}, record.error };
        for (qsizetype i = 0; i < d->fields.size(); ++i)
            result.value.fields.insert(d->fields.at(i).name(), record.value.at(i));
        return result;
    }
    case Mutation::Kind::Update: {
        const Result<Changes> changes = normaliseUpdate(mutation.fields);
        if (!changes.isValid())
            return { {}, changes.error };
        for (qsizetype k = 0; k < changes.value.indexes.size(); ++k)
            result.value.fields.insert(d->fields.at(changes.value.indexes.at(k)).name(), changes.value.values.at(k));
        return result;
    }
    }
    return result;
}

QString Schema::unknownField(const QString &name) const
{
    return d->collection.isEmpty() ? u"unknown field '%1'"_s.arg(name)
                                   : u"unknown field '%1' in '%2'"_s.arg(name, d->collection);
}

bool operator==(const Schema &a, const Schema &b)
{
    return a.d == b.d || (a.d->fields == b.d->fields && a.d->collection == b.d->collection);
}

} // namespace Optimist
