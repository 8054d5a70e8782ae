// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The write pipeline's rule checks (docs/security.md, "Rules"): what a
// write rule sees, and answers that tell a client nothing about records it
// cannot read.
#include "writepipeline_p.h"

#include "protocol_p.h"
#include "recordrules_p.h"
#include <optimist/errorcodes.h>

using namespace Qt::StringLiterals;

namespace Optimist {

WritePipeline::MutationResult WritePipeline::checkRules(const Collection &c, const Identity &identity,
    const Mutation &checked, const QJsonObject &before, const QJsonObject &after) const
{
    Authorizer *hooks = m_state->customAuthorizer;
    if (c.readRule.isNull() && c.writeRule.isNull() && !hooks)
        return {};
    QJsonObject ruleBefore;
    QJsonObject ruleAfter;
    if (checked.kind != Mutation::Kind::Insert) {
        ruleBefore = RecordRules::ruleRecord(checked.id, before);
        // What the user may not read does not exist for them.
        if (!RecordRules::canRead(*m_state, checked.collection, c, identity, ruleBefore))
            return notFound(c, checked);
        if (!RecordRules::allows(c.writeRule, identity, ruleBefore))
            return forbidden(checked);
    }
    if (checked.kind != Mutation::Kind::Remove) {
        ruleAfter = RecordRules::ruleRecord(checked.id, after);
        if (!RecordRules::allows(c.writeRule, identity, ruleAfter))
            return forbidden(checked);
    }
    if (hooks && !hooks->canWriteRecord(identity, checked, ruleBefore, ruleAfter))
        return forbidden(checked);
    return {};
}

QJsonObject WritePipeline::merged(QJsonObject record, const Mutation &checked)
{
    for (auto it = checked.fields.cbegin(); it != checked.fields.cend(); ++it)
        record.insert(it.key(), Protocol::toJson(it.value()));
    return record;
}

// Only what the client sent (the id, the collection) goes into the texts
// below: never a value or the owner of a stored record.
WritePipeline::MutationResult WritePipeline::forbidden(const Mutation &mutation)
{
    return MutationResult::failed(
        ErrorCode::Forbidden, u"not allowed to write '%1' in '%2'"_s.arg(mutation.id, mutation.collection));
}

WritePipeline::MutationResult WritePipeline::notFound(const Collection &c, const Mutation &mutation)
{
    // With a read rule, a record may exist that this user cannot read: the
    // answer to a missing one must not differ from the answer to that.
    if (!c.readRule.isNull()) {
        return MutationResult::failed(
            ErrorCode::Forbidden, u"no record '%1' you may write in '%2'"_s.arg(mutation.id, mutation.collection));
    }
    return MutationResult::failed(
        ErrorCode::Conflict, u"no record '%1' in '%2'"_s.arg(mutation.id, mutation.collection));
}

} // namespace Optimist
