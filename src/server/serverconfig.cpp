// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "serverconfig.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

using namespace Qt::StringLiterals;

namespace Optimist {

static bool readLimit(const QJsonObject &limits, QLatin1StringView key, int minimum, int *out, QString *error)
{
    if (!limits.contains(key))
        return true;
    const QJsonValue value = limits.value(key);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != double(int(number)) || number < minimum) {
        *error = u"limits.%1 must be an integer ≥ %2"_s.arg(key).arg(minimum);
        return false;
    }
    *out = int(number);
    return true;
}

static bool readJwtAlgorithm(const QJsonValue &value, ServerConfig::Jwt::Algorithm *out, QString *error)
{
    using Algorithm = ServerConfig::Jwt::Algorithm;
    static const QHash<QString, Algorithm> names { { u"HS256"_s, Algorithm::HS256 }, { u"RS256"_s, Algorithm::RS256 },
        { u"ES256"_s, Algorithm::ES256 } };
    const auto it = names.constFind(value.toString());
    if (!value.isString() || it == names.cend()) {
        *error = u"auth.jwt.algorithm must be \"HS256\", \"RS256\" or \"ES256\""_s;
        return false;
    }
    *out = it.value();
    return true;
}

//! "auth": {"jwt": {...}}; absent: JWTs are not accepted.
static bool readJwt(const QJsonObject &root, ServerConfig::Jwt *jwt, QString *error)
{
    const QJsonValue auth = root.value("auth"_L1);
    if (auth.isUndefined())
        return true;
    if (!auth.isObject() || !auth.toObject().value("jwt"_L1).isObject()) {
        *error = u"'auth' must be an object with a 'jwt' object"_s;
        return false;
    }
    const QJsonObject object = auth.toObject().value("jwt"_L1).toObject();
    if (!readJwtAlgorithm(object.value("algorithm"_L1), &jwt->algorithm, error))
        return false;
    for (const auto key : { "secret"_L1, "secretFile"_L1, "publicKeyFile"_L1, "issuer"_L1, "audience"_L1 }) {
        if (object.contains(key) && !object.value(key).isString()) {
            *error = u"auth.jwt.%1 must be a string"_s.arg(key);
            return false;
        }
    }
    jwt->secret = object.value("secret"_L1).toString().toUtf8();
    jwt->secretFile = object.value("secretFile"_L1).toString();
    jwt->publicKeyFile = object.value("publicKeyFile"_L1).toString();
    jwt->issuer = object.value("issuer"_L1).toString();
    jwt->audience = object.value("audience"_L1).toString();
    const QJsonValue leeway = object.value("leewaySeconds"_L1);
    if (leeway.isUndefined())
        return true;
    if (!leeway.isDouble() || leeway.toDouble() != double(leeway.toInt(-1)) || leeway.toInt() < 0) {
        *error = u"auth.jwt.leewaySeconds must be an integer ≥ 0"_s;
        return false;
    }
    jwt->leewaySeconds = leeway.toInt();
    return true;
}

//! A collection's "rules": {"read": "...", "write": "..."}; absent: none.
static bool readRules(const QString &name, const QJsonValue &value, ServerConfig *config, QString *error)
{
    if (value.isUndefined())
        return true;
    if (!value.isObject()) {
        *error = u"collection '%1': 'rules' must be an object with 'read' and/or 'write' strings"_s.arg(name);
        return false;
    }
    const QJsonObject object = value.toObject();
    ServerConfig::CollectionRules rules;
    for (auto it = object.begin(); it != object.end(); ++it) {
        QString *rule = it.key() == u"read" ? &rules.read : it.key() == u"write" ? &rules.write : nullptr;
        // A misspelt rule would silently allow everything.
        if (!rule) {
            *error = u"collection '%1': unknown rule '%2' (expected 'read' or 'write')"_s.arg(name, it.key());
            return false;
        }
        if (!it.value().isString() || it.value().toString().trimmed().isEmpty()) {
            *error = u"collection '%1': rules.%2 must be a non-empty string"_s.arg(name, it.key());
            return false;
        }
        *rule = it.value().toString();
    }
    config->setCollectionRules(name, rules);
    return true;
}

//! The "collections" object into \a config.
static bool readCollections(const QJsonValue &collections, ServerConfig *config, QString *error)
{
    if (!collections.isObject()) {
        *error = u"'collections' must be an object"_s;
        return false;
    }
    const QJsonObject collectionObject = collections.toObject();
    for (auto it = collectionObject.begin(); it != collectionObject.end(); ++it) {
        const QJsonValue fieldList = it.value().toObject().value("fields"_L1);
        if (!fieldList.isArray()) {
            *error = u"collection '%1' needs a 'fields' array"_s.arg(it.key());
            return false;
        }
        Fields fields;
        for (const QJsonValue &fieldJson : fieldList.toArray()) {
            QString problem;
            const Field field = Field::fromVariantMap(fieldJson.toObject().toVariantMap(), &problem);
            if (field.name().isEmpty()) {
                *error = u"collection '%1': %2"_s.arg(it.key(), problem);
                return false;
            }
            fields.append(field);
        }
        config->addCollection(it.key(), fields);
        if (!readRules(it.key(), it.value().toObject().value("rules"_L1), config, error))
            return false;
    }
    return true;
}

class ServerConfigData : public QSharedData {
public:
    QMap<QString, Fields> collections;
    QMap<QString, ServerConfig::CollectionRules> rules;
    ServerConfig::Limits limits;
    QStringList tokens;
    ServerConfig::Jwt jwt;
};

ServerConfig::ServerConfig()
    : d(new ServerConfigData)
{
}
ServerConfig::ServerConfig(const ServerConfig &other) = default;
ServerConfig::ServerConfig(ServerConfig &&other) noexcept = default;
ServerConfig &ServerConfig::operator=(const ServerConfig &other) = default;
ServerConfig &ServerConfig::operator=(ServerConfig &&other) noexcept = default;
ServerConfig::~ServerConfig() = default;

QMap<QString, Fields> ServerConfig::collections() const
{
    return d->collections;
}
void ServerConfig::setCollections(const QMap<QString, Fields> &collections)
{
    d->collections = collections;
}
void ServerConfig::addCollection(const QString &name, const Fields &fields)
{
    d->collections.insert(name, fields);
}
ServerConfig::CollectionRules ServerConfig::collectionRules(const QString &name) const
{
    return d->rules.value(name);
}
void ServerConfig::setCollectionRules(const QString &name, const CollectionRules &rules)
{
    if (rules.isEmpty())
        d->rules.remove(name);
    else
        d->rules.insert(name, rules);
}
QStringList ServerConfig::collectionsWithRules() const
{
    return d->rules.keys();
}
ServerConfig::Limits ServerConfig::limits() const
{
    return d->limits;
}
void ServerConfig::setLimits(const Limits &limits)
{
    d->limits = limits;
}
QStringList ServerConfig::tokens() const
{
    return d->tokens;
}
void ServerConfig::setTokens(const QStringList &tokens)
{
    d->tokens = tokens;
}
ServerConfig::Jwt ServerConfig::jwt() const
{
    return d->jwt;
}
void ServerConfig::setJwt(const Jwt &jwt)
{
    d->jwt = jwt;
}

bool operator==(const ServerConfig &a, const ServerConfig &b)
{
    return a.d == b.d
        || (a.d->collections == b.d->collections && a.d->rules == b.d->rules && a.d->limits == b.d->limits
            && a.d->tokens == b.d->tokens && a.d->jwt == b.d->jwt);
}

ServerConfig ServerConfig::fromJson(const QByteArray &json, QString *error)
{
    QString problem;
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return ServerConfig();
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(u"not JSON: %1 at offset %2"_s.arg(parseError.errorString()).arg(parseError.offset));
    if (!doc.isObject())
        return fail(u"the config must be a JSON object"_s);
    const QJsonObject root = doc.object();

    ServerConfig config;
    if (!readCollections(root.value("collections"_L1), &config, &problem))
        return fail(problem);

    const QJsonObject limits = root.value("limits"_L1).toObject();
    Limits &l = config.d->limits;
    if (!readLimit(limits, "maxFrameBytes"_L1, 64, &l.maxFrameBytes, &problem)
        || !readLimit(limits, "maxMutationsPerTransaction"_L1, 1, &l.maxMutationsPerTransaction, &problem)
        || !readLimit(limits, "maxPendingPushes"_L1, 1, &l.maxPendingPushes, &problem)
        || !readLimit(limits, "maxConnections"_L1, 1, &l.maxConnections, &problem)
        || !readLimit(limits, "snapshotChunkRecords"_L1, 1, &l.snapshotChunkRecords, &problem)
        || !readLimit(limits, "changeLogRetention"_L1, 1, &l.changeLogRetention, &problem)
        || !readLimit(limits, "heartbeatMs"_L1, 10, &l.heartbeatMs, &problem)
        || !readLimit(limits, "maxQueuedBytes"_L1, 1024, &l.maxQueuedBytes, &problem)
        || !readLimit(limits, "maxSubscriptionsPerConnection"_L1, 1, &l.maxSubscriptionsPerConnection, &problem)
        || !readLimit(limits, "maxFilterLength"_L1, 1, &l.maxFilterLength, &problem)
        || !readLimit(limits, "maxParamValues"_L1, 1, &l.maxParamValues, &problem)
        || !readLimit(limits, "maxParamBytes"_L1, 2, &l.maxParamBytes, &problem)
        || !readLimit(limits, "handshakeTimeoutMs"_L1, 10, &l.handshakeTimeoutMs, &problem)
        || !readLimit(limits, "helloTimeoutMs"_L1, 10, &l.helloTimeoutMs, &problem)
        || !readLimit(limits, "maxPendingConnections"_L1, 1, &l.maxPendingConnections, &problem)
        || !readLimit(limits, "maxConnectionsPerAddress"_L1, 1, &l.maxConnectionsPerAddress, &problem)
        || !readLimit(limits, "maxFailedSignInsPerAddress"_L1, 1, &l.maxFailedSignInsPerAddress, &problem)
        || !readLimit(limits, "failedSignInDelayMs"_L1, 0, &l.failedSignInDelayMs, &problem)
        || !readLimit(limits, "maxMessagesPerSecond"_L1, 1, &l.maxMessagesPerSecond, &problem)
        || !readLimit(limits, "maxInboundBytesPerSecond"_L1, 1024, &l.maxInboundBytesPerSecond, &problem)
        || !readLimit(limits, "maxPartialFrameBytes"_L1, 1024, &l.maxPartialFrameBytes, &problem))
        return fail(problem);

    const QJsonValue tokens = root.value("tokens"_L1);
    if (!tokens.isUndefined() && !tokens.isArray())
        return fail(u"'tokens' must be an array of strings"_s);
    for (const QJsonValue &token : tokens.toArray()) {
        if (!token.isString())
            return fail(u"'tokens' must be an array of strings"_s);
        config.d->tokens.append(token.toString());
    }
    if (!readJwt(root, &config.d->jwt, &problem))
        return fail(problem);
    if (error)
        error->clear();
    return config;
}

ServerConfig ServerConfig::fromFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return {};
    }
    ServerConfig config = fromJson(file.readAll(), error);
    // Key files beside the config, wherever the server is started from.
    const QDir dir = QFileInfo(path).absoluteDir();
    for (QString *file : { &config.d->jwt.secretFile, &config.d->jwt.publicKeyFile }) {
        if (!file->isEmpty())
            *file = QDir::cleanPath(dir.absoluteFilePath(*file));
    }
    return config;
}

} // namespace Optimist
