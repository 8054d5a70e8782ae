// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The model's filter: the Expression that decides which records are rows,
// checked against the schema and the params, evaluated on each record's
// current values (compute() asks passesFilter()), and the rows diffed when
// the filter, its params or the user's claims change.
#include "listmodel_p.h"
#include "logging_p.h"

using namespace Qt::StringLiterals;

namespace Optimist {

namespace {
//! Where Filter::fields says "the record's id" (fieldIndex() gives -1 for none).
constexpr int IdIndex = -2;
} // namespace

bool ListModelPrivate::passesFilter(const Entry *entry, const QVariantList &values) const
{
    if (!filter.isSet())
        return true;
    if (filter.expression.isNull())
        return false; // invalid: no rows
    Expression::Context context { {}, filter.auth, filter.params, {} };
    for (const auto &[name, index] : filter.fields)
        context.record.insert(name, index == IdIndex ? QVariant(entry->id) : values.value(index));
    return filter.expression.evaluate(context);
}

namespace {

//! Why \a expression cannot be used with \a schema and \a params, or empty.
QString problemOf(const Expression &expression, const Schema &schema, const QVariantMap &params)
{
    Expression::ParseError error;
    // Before the fields are set (QML sets properties in its own order)
    // there is nothing to check against, and no record to show.
    if (!schema.isEmpty() && !expression.validate(schema.fields(), &error))
        return error.message;
    for (const QString &name : expression.referencedParams()) {
        if (!params.contains(name))
            return u"no value for $%1 in filterParams"_s.arg(name);
    }
    return {};
}

} // namespace

void ListModelPrivate::checkFilter()
{
    const QString before = filter.error;
    filter.expression = {};
    filter.fields.clear();
    filter.error.clear();
    filter.set = !filter.text.trimmed().isEmpty();
    if (filter.isSet()) {
        Expression::ParseError error;
        Expression parsed = Expression::parse(filter.text, &error);
        QString problem = parsed.isNull() ? error.message : problemOf(parsed, schema, filter.params);
        if (problem.isEmpty()) {
            for (const QString &name : parsed.referencedFields())
                filter.fields.append({ name, name == u"id" ? IdIndex : fieldIndex(name) });
            filter.expression = std::move(parsed);
        } else {
            filter.error = u"invalid filter: "_s + problem;
        }
    }
    if (!filter.error.isEmpty()) {
        qCWarning(lcCore).noquote() << u"collection '%1': %2"_s.arg(collection, filter.error);
        setErrorString(filter.error);
    } else if (!before.isEmpty() && errorString == before) {
        setErrorString({}); // the error was this filter's, and it is gone
    }
}

void ListModelPrivate::refilter()
{
    StatusGuard status(this);
    QList<Entry *> touched;
    touched.reserve(entries.size());
    for (Entry *entry : std::as_const(entries))
        touched.append(entry);
    commitTouched(std::move(touched));
}

} // namespace Optimist
