// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "serverconfig.h"

#include "serverlimits_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

using namespace Qt::StringLiterals;

namespace Optimist {

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

/*!
    \class Optimist::ServerConfig
    \inmodule Optimist
    \inheaderfile optimist/serverconfig.h
    \brief What an Optimist::Server serves: its collections with their
    schemas and rules, its limits, and the tokens it accepts.

    A value type, implicitly shared: a config is copied into every server
    (Server::setConfig(), ServerThread::setConfig()). Build one in code, or
    read it from JSON with fromJson() or fromFile() (the format of the
    \c optimist-server executable):

    \code
    Optimist::ServerConfig config;
    config.addCollection(u"todos"_s, {
        Optimist::Field(u"title"_s, Optimist::Field::Type::String),
        Optimist::Field(u"done"_s, Optimist::Field::Type::Bool),
    });
    config.setCollectionRules(u"todos"_s, { u"record.owner == auth.sub"_s,
    u"record.owner == auth.sub"_s });
    \endcode

    \sa Server, Limits, Jwt, CollectionRules
*/
/*!
    \class Optimist::ServerConfig::Limits
    \inmodule Optimist
    \inheaderfile optimist/serverconfig.h
    \brief The limits a Server enforces (docs/protocol.md, "Limits";
    docs/security.md, "Limits and abuse").

    In the JSON config, the \c "limits" object, with the members' names as
    keys; each must be an integer at or above the minimum given below, or
    fromJson() fails. Keys not given keep their defaults; an unknown key (a
    misspelt limit) or a \c "limits" that is not an object makes fromJson()
    fail too ("unknown limit 'maxFrameByte' in \"limits\" (did you mean
    'maxFrameBytes'?)").

    Limits set in code (ServerConfig::setLimits()) are held to the same
    minimums by Server::listen(), which fails naming the first limit below
    its minimum ("limits.heartbeatMs is 5, must be ≥ 10").

    \sa ServerConfig::setLimits()
*/

/*!
    \fn bool Optimist::ServerConfig::Limits::operator==(const Optimist::ServerConfig::Limits &a, const Optimist::ServerConfig::Limits &b)
    Returns \c true when every limit of \a a equals that of \a b.
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxFrameBytes
    \brief the largest message a client may send, in bytes of UTF-8. A
    larger one is answered with \c too_large (a push with the number to
    resend from); one over 4 × this is refused by Qt's WebSocket layer,
    which closes the connection (close code 1009). Announced to clients in
    the welcome: the client splits its pushes to fit.

    Default 1048576 (1 MiB); at least 64 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxMutationsPerTransaction
    \brief the most mutations in one transaction; a larger one is rejected
    \c too_large. Announced in the welcome: the client refuses a larger
    transaction itself.

    Default 1000; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxPendingPushes
    \brief the most transactions taken and not yet answered on one
    connection; past it a push is refused \c rate_limited, with the number
    to resend from. Announced in the welcome.

    Default 256; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxConnections
    \brief the most WebSocket connections at once, welcomed or not; one more
    is closed with close code 4003.

    Default 1000; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::snapshotChunkRecords
    \brief the number of records per snapshot chunk.

    Default 1000; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::changeLogRetention
    \brief the number of change-log entries kept for resuming, one per
    applied transaction (one per cursor); trimmed in steps of 1/16 of it. A
    client resuming from a cursor older than the log gets a new snapshot.

    Default 100000; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::heartbeatMs
    \brief the heartbeat interval announced to clients, in milliseconds: a
    client pings at this interval, and a welcomed connection silent for 3 ×
    this is closed (close code 4002).

    Default 15000; at least 10 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxQueuedBytes
    \brief the most bytes waiting to be sent on one connection, control frames
    included; past it the connection is closed (close code 4004, usually
    seen as a reset). Checked when the server has another frame for it, so
    one larger frame still goes out. Snapshot chunks are read and sent only
    while less than 1/8 of it is waiting.

    Default 8388608 (8 MiB); at least 1024 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxSubscriptionsPerConnection
    \brief the most subscriptions held on one connection; one more is
    answered \c too_many_subscriptions.

    Default 64; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxFilterLength
    \brief the longest filter of a \c subscribe, in characters (code
    points); a longer one is answered \c invalid_filter.

    Default 4096; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxParamValues
    \brief the most JSON values in a \c subscribe's params, counting each
    parameter's value and every element and member inside it; more are
    answered \c invalid_filter.

    Default 1024; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxParamBytes
    \brief the largest \c subscribe params, as compact JSON in bytes of
    UTF-8; larger ones are answered \c invalid_filter.

    Default 65536 (64 KiB); at least 2 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::handshakeTimeoutMs
    \brief the time allowed, in milliseconds, from TCP accept to the end of
    the TLS and WebSocket handshake; past it the TCP connection is closed
    (no close code yet).

    Default 5000; at least 10 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::helloTimeoutMs
    \brief the time allowed, in milliseconds, from the WebSocket handshake
    to an accepted \c hello; past it close code 4006.

    Default 5000; at least 10 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxPendingConnections
    \brief the most connections pending at once (in the handshake or before an
    accepted \c hello), over all addresses; past it the oldest pending
    connection of the address with the most pending ones is closed to make
    room.

    Default 128; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxConnectionsPerAddress
    \brief the most open connections from one IP address, pending or not; a
    connection over it is reset at once.

    Default 256; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxFailedSignInsPerAddress
    \brief the most refused \c{hello}s (\c unauthorized) per address in a
    minute; past it new connections from that address are reset at once
    until the minute is over, and a \c hello on one opened before is refused
    without its token being checked.

    Default 20; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::failedSignInDelayMs
    \brief how long, in milliseconds, a refused \c hello waits for its
    answer, every one after the first of its address in the minute.

    Default 1000; at least 0 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxMessagesPerSecond
    \brief the most messages (text or binary, \c hello included) per
    connection and second, in bursts of up to one second's worth; past it
    \c rate_limited, then close code 4007.

    Default 1000; at least 1 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxInboundBytesPerSecond
    \brief the most bytes received per connection and second, WebSocket control
    frames and headers included, in bursts of up to max(this, 4 ×
    maxFrameBytes + 14); past it \c rate_limited, then close code 4007.

    Default 16777216 (16 MiB); at least 1024 (JSON config and listen()).
*/

/*!
    \variable Optimist::ServerConfig::Limits::maxPartialFrameBytes
    \brief the most bytes of partly received frames over all connections; the
    connection whose frame pushes the total over it is closed with close
    code 4008.

    Default 67108864 (64 MiB); at least 1024 (JSON config and listen()).
*/

/*!
    \class Optimist::ServerConfig::Jwt
    \inmodule Optimist
    \inheaderfile optimist/serverconfig.h
    \brief How the default Authorizer verifies JSON Web Tokens
    (docs/security.md, "Identity and tokens").

    In the JSON config, \c{"auth": {"jwt": {...}}} with the members' names
    as keys. DevelopmentTokens::jwt() gives the settings for its tokens.

    \sa ServerConfig::setJwt(), TokenAuthorizer
*/

/*!
    \enum Optimist::ServerConfig::Jwt::Algorithm

    The one algorithm tokens must be signed with; a token whose header
    names another is refused, whatever it says.

    \value Disabled No JSON Web Tokens: hello tokens are checked against
        ServerConfig::tokens() only. The default.
    \value HS256 HMAC-SHA256 with a shared secret (secret or secretFile).
        JSON: \c{"HS256"}.
    \value RS256 RSA-SHA256, verified with an identity provider's public key
        (publicKeyFile). JSON: \c{"RS256"}.
    \value ES256 ECDSA with P-256 and SHA-256, verified with an identity
        provider's public key (publicKeyFile). JSON: \c{"ES256"}.
*/

/*!
    \variable Optimist::ServerConfig::Jwt::algorithm
    \brief the algorithm tokens must be signed with; Algorithm::Disabled by
    default.
*/

/*!
    \variable Optimist::ServerConfig::Jwt::secret
    \brief for HS256, the shared secret: at least 32 bytes, or
    Server::listen() fails. Empty by default; HS256 takes exactly one of it
    and secretFile, RS256 and ES256 neither.
*/

/*!
    \variable Optimist::ServerConfig::Jwt::secretFile
    \brief for HS256, a file holding the secret, read when the server starts
    (a trailing newline is dropped). fromFile() resolves a relative path
    against the config file's folder. Empty by default.
*/

/*!
    \variable Optimist::ServerConfig::Jwt::publicKeyFile
    \brief for RS256 and ES256, the PEM file of the identity provider's
    public key, read when the server starts. fromFile() resolves a relative
    path against the config file's folder. Empty by default.
*/

/*!
    \variable Optimist::ServerConfig::Jwt::issuer
    \brief the \c iss claim a token must carry; empty (the default): not
    checked.
*/

/*!
    \variable Optimist::ServerConfig::Jwt::audience
    \brief the \c aud claim a token must carry, or contain when it is a list;
    empty (the default): not checked.
*/

/*!
    \variable Optimist::ServerConfig::Jwt::leewaySeconds
    \brief the clock skew allowed on \c exp and \c nbf, in seconds; 30 by
    default, at least 0 in the JSON config.

    A token is valid from \c{nbf - leeway} up to and including
    \c{exp + leeway}, and the server ends a session at that time
    (Identity::expiresAt).
*/

/*!
    \fn bool Optimist::ServerConfig::Jwt::isEnabled() const
    Returns whether JSON Web Tokens are accepted: algorithm is not
    Algorithm::Disabled.
*/

/*!
    \fn bool Optimist::ServerConfig::Jwt::operator==(const Optimist::ServerConfig::Jwt &a, const Optimist::ServerConfig::Jwt &b)
    Returns \c true when every member of \a a equals that of \a b.
*/

/*!
    \class Optimist::ServerConfig::CollectionRules
    \inmodule Optimist
    \inheaderfile optimist/serverconfig.h
    \brief A collection's read and write rules (docs/security.md, "Rules").

    Each is an expression in the rule language of Optimist::Expression,
    reading \c{record.<field>}, \c record.id and \c{auth.<claim>} (the
    claims of the user's token), without \c{$param}s. Empty: no rule, all
    allowed. Server::listen() parses them and checks them against the
    collection's fields, and fails on a bad one. In the JSON config, a
    collection's \c{"rules": {"read": "...", "write": "..."}}.

    \sa ServerConfig::setCollectionRules(), Authorizer
*/

/*!
    \variable Optimist::ServerConfig::CollectionRules::read
    \brief which records a user may read: what subscriptions send, and the
    records an update or remove may touch (others are answered as if they
    did not exist).
*/

/*!
    \variable Optimist::ServerConfig::CollectionRules::write
    \brief which records a user may write: an insert's new record, an
    update's record before and after, a remove's record before. A write it
    refuses is rejected \c forbidden.
*/

/*!
    \fn bool Optimist::ServerConfig::CollectionRules::isEmpty() const
    Returns whether neither rule is set.
*/

/*!
    \fn bool Optimist::ServerConfig::CollectionRules::operator==(const Optimist::ServerConfig::CollectionRules &a, const Optimist::ServerConfig::CollectionRules &b)
    Returns \c true when both rules of \a a equal those of \a b.
*/
class ServerConfigData : public QSharedData {
public:
    QMap<QString, Fields> collections;
    QMap<QString, ServerConfig::CollectionRules> rules;
    ServerConfig::Limits limits;
    QStringList tokens;
    ServerConfig::Jwt jwt;
};

/*!
    Constructs an empty config: no collections, no rules, the default
    limits, no tokens and JWTs disabled, so that a server accepts any token.
*/
ServerConfig::ServerConfig()
    : d(new ServerConfigData)
{
}
/*!
    \fn Optimist::ServerConfig::ServerConfig(const Optimist::ServerConfig &other)
    Constructs a copy of \a other; it shares its data until one changes.
*/

/*!
    \fn Optimist::ServerConfig::ServerConfig(Optimist::ServerConfig &&other)
    Move-constructs a config from \a other, which must then be assigned to
    or destroyed only.
*/

/*!
    \fn Optimist::ServerConfig &Optimist::ServerConfig::operator=(const Optimist::ServerConfig &other)
    Assigns \a other to this config and returns a reference to it.
*/

/*!
    \fn Optimist::ServerConfig &Optimist::ServerConfig::operator=(Optimist::ServerConfig &&other)
    Move-assigns \a other to this config and returns a reference to it.
*/

/*!
    \fn Optimist::ServerConfig::~ServerConfig()
    Destroys the config.
*/
ServerConfig::ServerConfig(const ServerConfig &other) = default;
ServerConfig::ServerConfig(ServerConfig &&other) noexcept = default;
ServerConfig &ServerConfig::operator=(const ServerConfig &other) = default;
ServerConfig &ServerConfig::operator=(ServerConfig &&other) noexcept = default;
ServerConfig::~ServerConfig() = default;

/*!
    Returns the collections served: collection name → its fields (its
    schema). A client subscribing to or writing any other is answered
    \c unknown_collection. Empty by default.
*/
QMap<QString, Fields> ServerConfig::collections() const
{
    return d->collections;
}
/*!
    Sets the collections served to \a collections, name → fields, replacing
    any set before (their rules stay).
*/
void ServerConfig::setCollections(const QMap<QString, Fields> &collections)
{
    d->collections = collections;
}
/*!
    Adds a collection \a name with \a fields as its schema, replacing one of
    that name.
*/
void ServerConfig::addCollection(const QString &name, const Fields &fields)
{
    d->collections.insert(name, fields);
}
/*!
    Returns the rules of collection \a name; empty ones (all allowed) when
    none are set.
*/
ServerConfig::CollectionRules ServerConfig::collectionRules(const QString &name) const
{
    return d->rules.value(name);
}
/*!
    Sets the rules of collection \a name to \a rules; empty rules remove
    them. Rules for a collection that is not served make Server::listen()
    fail.
*/
void ServerConfig::setCollectionRules(const QString &name, const CollectionRules &rules)
{
    if (rules.isEmpty())
        d->rules.remove(name);
    else
        d->rules.insert(name, rules);
}
/*!
    Returns the names of the collections with rules, sorted.
*/
QStringList ServerConfig::collectionsWithRules() const
{
    return d->rules.keys();
}
/*!
    Returns the limits the server enforces; the defaults of Limits unless
    set.
*/
ServerConfig::Limits ServerConfig::limits() const
{
    return d->limits;
}
/*!
    Sets the limits the server enforces to \a limits. It does not check
    them: Server::listen() fails on a limit below its minimum (Limits).
*/
void ServerConfig::setLimits(const Limits &limits)
{
    d->limits = limits;
}
/*!
    Returns the static tokens the default Authorizer accepts in \c hello
    (development; with no user id). With no tokens and JWTs disabled, it
    accepts any token, so the server authenticates nobody. Empty by
    default.
*/
QStringList ServerConfig::tokens() const
{
    return d->tokens;
}
/*!
    Sets the static tokens the default Authorizer accepts to \a tokens.
*/
void ServerConfig::setTokens(const QStringList &tokens)
{
    d->tokens = tokens;
}
/*!
    Returns how the default Authorizer verifies JSON Web Tokens; disabled by
    default.
*/
ServerConfig::Jwt ServerConfig::jwt() const
{
    return d->jwt;
}
/*!
    Sets how the default Authorizer verifies JSON Web Tokens to \a jwt.
*/
void ServerConfig::setJwt(const Jwt &jwt)
{
    d->jwt = jwt;
}

/*!
    \fn bool Optimist::ServerConfig::operator==(const Optimist::ServerConfig &a, const Optimist::ServerConfig &b)

    Returns \c true when \a a and \a b have the same collections, rules,
    limits, tokens and JWT settings.
*/
bool operator==(const ServerConfig &a, const ServerConfig &b)
{
    return a.d == b.d
        || (a.d->collections == b.d->collections && a.d->rules == b.d->rules && a.d->limits == b.d->limits
            && a.d->tokens == b.d->tokens && a.d->jwt == b.d->jwt);
}

/*!
    Parses the JSON config format from \a json (UTF-8):

    \badcode
    {
      "collections": {
        "todos": {
    "fields": [{"name": "title", "type": "string", "required": true,
    "maxLength": 200},
                     {"name": "owner", "type": "string"}],
    "rules": {"read": "record.owner == auth.sub", "write": "record.owner ==
    auth.sub"}
        }
      },
      "limits": {"maxFrameBytes": 1048576, "heartbeatMs": 15000},
      "tokens": ["dev-token"],
    "auth": {"jwt": {"algorithm": "RS256", "publicKeyFile": "idp.pem",
    "issuer": "https://idp.example",
                       "audience": "todo-app", "leewaySeconds": 30}}
    }
    \endcode

    \c collections is required, each collection with a \c fields array (as
    Field::fromVariantMap() reads them) and optional \c rules; the other keys
    are optional. On bad input returns a default config and sets \a error,
    if given, to what is wrong, e.g. "not JSON: … at offset 12",
    "'collections' must be an object", "collection 'todos' needs a 'fields'
    array", "limits.heartbeatMs must be an integer ≥ 10", "unknown limit
    'maxFrameByte' in \"limits\" (did you mean 'maxFrameBytes'?)",
    "'tokens' must be an array of strings", "auth.jwt.algorithm must be
    \"HS256\", \"RS256\" or \"ES256\"". Clears \a error on success. Rules are
    checked only by Server::listen(); key files are read only then.
*/
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

    if (!ServerLimits::read(root.value("limits"_L1), &config.d->limits, &problem))
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

/*!
    Reads the file at \a path and parses it with fromJson(). A relative
    secretFile or publicKeyFile is resolved against the file's folder,
    wherever the server is started from. A file that cannot be read returns
    a default config and sets \a error, if given, to "cannot read <path>:
    <reason>".
*/
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
