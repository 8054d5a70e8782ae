// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "recordrules_p.h"

using namespace Qt::StringLiterals;

namespace Optimist::RecordRules {

// Where the first `$` outside a string literal is, in code points: \a text
// parsed, so its strings are well formed.
static int firstParamPosition(const QString &text)
{
    qsizetype at = 0;
    for (; at < text.size() && text[at] != u'$'; ++at) {
        if (text[at] != u'"' && text[at] != u'\'')
            continue;
        const QChar quote = text[at];
        for (++at; at < text.size() && text[at] != quote; ++at) {
            if (text[at] == u'\\')
                ++at;
        }
    }
    return int(QStringView(text).first(std::min(at, text.size())).toUcs4().size());
}

static bool loadRule(const QString &text, const Fields &fields, Expression *rule, QString *problem)
{
    if (text.isEmpty())
        return true;
    Expression::ParseError error;
    const Expression parsed = Expression::parse(text, &error);
    if (parsed.isNull() || !parsed.validate(fields, &error)) {
        *problem = error.message;
        return false;
    }
    // A rule has no parameters to read one from: it would always read null.
    if (const QStringList params = parsed.referencedParams(); !params.isEmpty()) {
        *problem = u"parameter '$%1' at %2: only subscription filters have parameters"_s.arg(params.constFirst())
                       .arg(firstParamPosition(text));
        return false;
    }
    *rule = parsed;
    return true;
}

bool load(const QString &collection, const ServerConfig::CollectionRules &rules, const Fields &fields, Expression *read,
    Expression *write, QString *error)
{
    QString problem;
    if (!loadRule(rules.read, fields, read, &problem)) {
        *error = u"collection '%1', read rule: %2"_s.arg(collection, problem);
        return false;
    }
    if (!loadRule(rules.write, fields, write, &problem)) {
        *error = u"collection '%1', write rule: %2"_s.arg(collection, problem);
        return false;
    }
    return true;
}

QJsonObject ruleRecord(const QString &id, QJsonObject record)
{
    record.insert(u"id"_s, id);
    return record;
}

bool allows(const Expression &rule, const Identity &identity, const QJsonObject &ruleRecord)
{
    if (rule.isNull())
        return true;
    Expression::Context context;
    context.auth = identity.claims;
    context.jsonRecord = ruleRecord;
    return rule.evaluate(context);
}

bool canRead(const ServerState &state, const QString &name, const Collection &collection, const Identity &identity,
    const QJsonObject &ruleRecord)
{
    // The default authorizer allows every record: spare it the call.
    return allows(collection.readRule, identity, ruleRecord)
        && (!state.customAuthorizer || state.customAuthorizer->canReadRecord(identity, name, ruleRecord));
}

} // namespace Optimist::RecordRules
