// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "outboxstore_p.h"

#include "messages_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QSaveFile>

using namespace Qt::StringLiterals;

namespace Optimist {

// The file's own keys. Its transactions are in their push form
// (Protocol::EncodedTransaction), but the file is no message: the
// protocol_keys test lets lines that say so pass.
namespace FileKey {
constexpr QLatin1StringView ClientId { "clientId" }; // not a message key
constexpr QLatin1StringView LastTx { "lastTx" }; // not a message key
constexpr QLatin1StringView Transactions { "transactions" }; // not a message key
constexpr QLatin1StringView MadeBy { "madeBy" }; // not a message key
} // namespace FileKey

OutboxStore::OutboxStore(const QString &directory, const QString &clientId)
    : m_path(QDir(directory).filePath(u"outbox-"_s + clientId + u".json"_s))
    , m_clientId(clientId)
{
}

bool OutboxStore::moveAside(const QString &reason, QString *error)
{
    const QString aside = m_path + u".bad-"_s + QDateTime::currentDateTimeUtc().toString(u"yyyyMMddThhmmsszzz"_s);
    *error = reason + (QFile::rename(m_path, aside) ? u"; kept as "_s + aside : u"; left in place"_s);
    return false;
}

bool OutboxStore::load(QList<StoredTransaction> *transactions, quint64 *lastTx, QString *error)
{
    transactions->clear();
    *lastTx = 0;
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (QFileInfo(m_path).isDir())
        return moveAside(u"%1 is a directory"_s.arg(m_path), error);
    if (!file.open(QIODevice::ReadOnly))
        return moveAside(u"cannot read %1: %2"_s.arg(m_path, file.errorString()), error);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    file.close();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return moveAside(u"%1 is not a JSON object"_s.arg(m_path), error);
    const QJsonObject root = doc.object();
    if (root.value(FileKey::ClientId).toString() != m_clientId)
        return moveAside(u"%1 belongs to another client id"_s.arg(m_path), error);
    const QJsonArray list = root.value(FileKey::Transactions).toArray();
    for (const QJsonValue &value : list) {
        StoredTransaction transaction { value.toObject(), std::nullopt };
        const QJsonValue madeBy = transaction.push.take(FileKey::MadeBy);
        if (!Protocol::EncodedTransaction::isStoredForm(transaction.push)
            || !(madeBy.isUndefined() || madeBy.isString())) {
            transactions->clear();
            return moveAside(u"%1 holds a malformed transaction"_s.arg(m_path), error);
        }
        if (madeBy.isString())
            transaction.madeBy = madeBy.toString();
        transactions->append(std::move(transaction));
    }
    *lastTx = quint64(std::max<qint64>(0, root.value(FileKey::LastTx).toInteger()));
    return true;
}

bool OutboxStore::save(const QList<StoredTransaction> &transactions, quint64 lastTx, QString *error)
{
    // Something else in its place (made since it was read) goes aside.
    if (QFileInfo(m_path).isDir()) {
        moveAside(u"%1 is a directory"_s.arg(m_path), error);
        if (QFileInfo(m_path).isDir())
            return false;
    }
    if (transactions.isEmpty()) {
        if (!QFile::exists(m_path) || QFile::remove(m_path))
            return true;
        *error = u"cannot remove %1"_s.arg(m_path);
        return false;
    }
    QJsonArray list;
    for (const StoredTransaction &transaction : transactions) {
        QJsonObject json = transaction.push;
        if (transaction.madeBy)
            json.insert(FileKey::MadeBy, *transaction.madeBy);
        list.append(json);
    }
    const QJsonObject root { { FileKey::ClientId, m_clientId }, { FileKey::LastTx, qint64(lastTx) },
        { FileKey::Transactions, list } };
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0
        || !file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(m_path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Optimist
