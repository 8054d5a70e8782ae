// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// push: the typed message, and the client's pieces encoded once that push
// frames are built from.
#include "messages_p.h"

#include "reader_p.h"

#include <QtCore/QJsonDocument>

namespace Optimist::Protocol {

QJsonObject PushTransaction::toJson() const
{
    QJsonArray mutationsJson;
    for (const Mutation &mutation : mutations)
        mutationsJson.append(Protocol::toJson(mutation));
    QJsonObject json { { Key::Mutations, mutationsJson } };
    if (tx != 0)
        json.insert(Key::Tx, tx);
    return json;
}

PushTransaction PushTransaction::read(const QJsonValue &json)
{
    PushTransaction transaction;
    const QJsonObject object = json.toObject();
    if (const QJsonValue tx = object.value(Key::Tx); isInteger(tx, 1))
        transaction.tx = tx.toInteger();
    const QJsonValue mutations = object.value(Key::Mutations);
    if (!mutations.isArray()) {
        transaction.malformed = u"field 'mutations' must be an array"_s;
        return transaction;
    }
    const QJsonArray array = mutations.toArray();
    transaction.mutationCount = array.size();
    transaction.mutations.reserve(array.size());
    for (const QJsonValue &value : array) {
        Mutation mutation;
        if (!mutationFromJson(value, &mutation, &transaction.malformed)) {
            transaction.mutations.clear();
            break;
        }
        transaction.mutations.append(std::move(mutation));
    }
    return transaction;
}

bool operator==(const PushTransaction &a, const PushTransaction &b)
{
    const auto same = [](const Mutation &x, const Mutation &y) {
        return x.kind == y.kind && x.collection == y.collection && x.id == y.id && x.fields == y.fields;
    };
    return a.tx == b.tx && a.mutationCount == b.mutationCount && a.malformed == b.malformed
        && std::equal(a.mutations.begin(), a.mutations.end(), b.mutations.begin(), b.mutations.end(), same);
}

QJsonObject PushMessage::toJson() const
{
    QJsonArray transactionsJson;
    for (const PushTransaction &transaction : transactions)
        transactionsJson.append(transaction.toJson());
    QJsonObject json { { Key::Type, Type::Push }, { Key::Transactions, transactionsJson } };
    if (settledTx)
        json.insert(Key::SettledTx, *settledTx);
    return json;
}

Result<PushMessage> PushMessage::fromJson(const QJsonObject &json)
{
    PushMessage push;
    Reader reader(json, Type::Push);
    const QJsonValue transactions = json.value(Key::Transactions);
    if (!transactions.isArray())
        reader.fail(u"field 'transactions' must be an array"_s);
    if (reader.isPresent(Key::SettledTx)) {
        if (const QJsonValue settled = json.value(Key::SettledTx); isInteger(settled, 0))
            push.settledTx = settled.toInteger();
        else
            reader.fail(u"field 'settledTx' must be an integer ≥ 0"_s);
    }
    if (reader.failed())
        return reader.failure();
    push.transactions.reserve(transactions.toArray().size());
    for (const QJsonValue &transaction : transactions.toArray())
        push.transactions.append(PushTransaction::read(transaction));
    return push;
}

// ---------------------------------------------------------- EncodedTransaction

//! What a numbered transaction adds to its body: {…,"tx":N}.
static constexpr QByteArrayView TxKey = R"(,"tx":)";

EncodedTransaction::EncodedTransaction(const PushTransaction &transaction)
    : EncodedTransaction(transaction.toJson())
{
}

EncodedTransaction::EncodedTransaction(QJsonObject json)
    : m_json(std::move(json))
    , m_tx(m_json.value(Key::Tx).toInteger())
    , m_mutationCount(m_json.value(Key::Mutations).toArray().size())
{
    QJsonObject body = m_json;
    body.remove(Key::Tx);
    m_body = QJsonDocument(body).toJson(QJsonDocument::Compact);
}

bool EncodedTransaction::isStoredForm(const QJsonObject &json)
{
    const QJsonValue tx = json.value(Key::Tx);
    return json.value(Key::Mutations).isArray() && (tx.isUndefined() || tx.toInteger() > 0);
}

void EncodedTransaction::setTx(qint64 tx)
{
    m_tx = tx;
    m_json.insert(Key::Tx, tx);
}

qsizetype EncodedTransaction::bytes(qint64 tx) const
{
    return m_body.size() + TxKey.size() + QByteArray::number(tx).size();
}

void EncodedTransaction::appendTo(QByteArray *frame) const
{
    frame->append(QByteArrayView(m_body).chopped(1)); // its closing brace
    frame->append(TxKey);
    frame->append(QByteArray::number(m_tx));
    frame->append('}');
}

QByteArray PushFrame::prefix(qint64 settledTx)
{
    // The keys in the order QJsonDocument writes them.
    return R"({"type":"push","settledTx":)" + QByteArray::number(settledTx) + R"(,"transactions":[)";
}

} // namespace Optimist::Protocol
