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

Schema::Schema()
    : d(new SchemaData)
{
}

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

Schema::Schema(const Schema &other) = default;
Schema::Schema(Schema &&other) noexcept = default;
Schema &Schema::operator=(const Schema &other) = default;
Schema &Schema::operator=(Schema &&other) noexcept = default;
Schema::~Schema() = default;

Fields Schema::fields() const
{
    return d->fields;
}

QString Schema::collection() const
{
    return d->collection;
}

qsizetype Schema::size() const
{
    return d->fields.size();
}

bool Schema::isEmpty() const
{
    return d->fields.isEmpty();
}

const Field &Schema::field(qsizetype index) const
{
    return d->fields.at(index);
}

int Schema::indexOf(const QString &name) const
{
    return d->indexes.value(name, -1);
}

QVariantList Schema::defaultValues() const
{
    return d->defaults;
}

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
