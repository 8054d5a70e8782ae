// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "authorizer.h"

#include "jwtverifier_p.h"

using namespace Qt::StringLiterals;

namespace Optimist {

/*!
    \class Optimist::Authorizer
    \inmodule Optimist
    \brief The server's hooks for authentication, authorization and
    validation beyond the schema and the rules: an interface.

    TokenAuthorizer is the default; derive from it to override only some
    hooks, and pass it to Server::setAuthorizer() or
    ServerThread::setAuthorizer(). The server calls the hooks on its own
    thread (see ServerThread), one call at a time per server, so an
    authorizer shared by several servers must be thread-safe.

    For each pushed mutation the checks run in this order, and the first
    that fails rejects the whole transaction: the collection exists
    (\c unknown_collection), canWrite() (\c forbidden), the schema
    (\c validation_failed), then, for an insert, the collection's write rule
    and canWriteRecord() (\c forbidden) before the id is looked up
    (\c conflict); for an update or remove the record is looked up first
    (\c conflict, or \c forbidden in a collection with a read rule), then
    the read and write rules and canWriteRecord(); last validate()
    (\c validation_failed).

    \sa ServerConfig::CollectionRules, Identity
*/

/*!
    Destroys the authorizer.
*/
Authorizer::~Authorizer() = default;

/*!
    \fn Optimist::Authentication Optimist::Authorizer::authenticate(const QString &clientId, const QString &token)

    Called on \c hello: whether \a token (empty when the client sent none)
    lets client \a clientId in, and as whom. Return Authentication::accepted()
    with the user's Identity, Authentication::refused() with a message, or
    Authentication::expired(). The session keeps the identity, for the rules
    (\c{auth.<claim>}) and the per-record hooks, and ends at
    Identity::expiresAt.
*/

/*!
    \fn bool Optimist::Authorizer::canRead(const QString &clientId, const QString &collection)

    Called on each \c subscribe of client \a clientId to \a collection (one
    the server serves). Returns \c false to answer \c{error forbidden},
    "not allowed to read '<collection>'": the client's model stops loading
    with that message.
*/

/*!
    \fn bool Optimist::Authorizer::canWrite(const QString &clientId, const Optimist::Mutation &mutation)

    Called for each \a mutation of a transaction pushed by client
    \a clientId, before the schema checks. Returns \c false to reject the
    transaction \c forbidden, "not allowed to write '<id>' in
    '<collection>'".
*/

/*!
    \fn QString Optimist::Authorizer::validate(const Optimist::Mutation &mutation, const QVariantMap &currentRecord)

    Called for each \a mutation after the schema checks, the rules and
    canWriteRecord() passed: \a currentRecord is the record's stored fields
    before the mutation (without its id; empty for an insert), and the
    mutation's fields are already converted to the schema's types. A
    non-empty result rejects the transaction \c validation_failed with that
    message, which the client shows: say nothing it must not learn. Called
    only when a custom authorizer is set.
*/

/*!
    Called for a per-record read check: whether \a identity may read
    \a record of \a collection, after the collection's read rule allowed it.
    It is asked for each record a snapshot, resume or delta would send
    (before and after a change), and for the record an update or remove
    would change. \c false hides the record: a write to it is refused
    exactly as a write to an id that does not exist.

    \a record is as stored (JSON values as on the wire) plus its \c "id".
    The server calls it only when a custom authorizer is set, often (once per
    record and subscriber on a delta): keep it fast, and never block.

    The default implementation returns \c true.

    \sa {ServerConfig::CollectionRules}{CollectionRules}
*/
bool Authorizer::canReadRecord(const Identity &, const QString &, const QJsonObject &)
{
    return true;
}

/*!
    Called for a per-record write check: whether \a identity may make
    \a mutation, after the collection's write rule allowed it. \a before is
    the record before (empty for an insert), \a after the record it would
    become (empty for a remove), both as stored plus their \c "id". Called
    for each mutation of a pushed transaction, before validate(); \c false
    rejects the transaction \c forbidden. Called only when a custom
    authorizer is set; keep it fast.

    The default implementation returns \c true.
*/
bool Authorizer::canWriteRecord(const Identity &, const Mutation &, const QJsonObject &, const QJsonObject &)
{
    return true;
}

/*!
    \fn Optimist::Authorizer::Authorizer()
    Constructs the authorizer; for derived classes only.
*/
class TokenAuthorizerPrivate {
public:
    QStringList tokens;
    ServerConfig::Jwt settings;
    JwtVerifier jwt;
    QString error;
};

/*!
    \class Optimist::TokenAuthorizer
    \inmodule Optimist
    \brief The default Authorizer: accepts static tokens and JSON Web Tokens,
    and allows everything else.

    It accepts the static tokens given to the constructor (development; the
    identity has no user id and no claims) and, when JWTs are enabled, the
    JSON Web Tokens it verifies (docs/security.md, "Identity and tokens");
    any token when neither is given. It allows every read, write and
    record, and adds no validation. A server without a custom authorizer
    uses one made from its config's ServerConfig::tokens() and
    ServerConfig::jwt().

    Derive from it to override only some hooks; pass the config's tokens()
    and jwt() to its constructor: Server::listen() fails with its
    errorString() when the JWT settings cannot be used.
*/

/*!
    Constructs an authorizer accepting \a acceptedTokens and, when
    \a jwt is enabled, JSON Web Tokens verified as it says. The JWT key or
    secret is read here; when that fails, errorString() says why and no JWT
    is accepted.
*/
TokenAuthorizer::TokenAuthorizer(const QStringList &acceptedTokens, const ServerConfig::Jwt &jwt)
    : d(std::make_unique<TokenAuthorizerPrivate>())
{
    d->tokens = acceptedTokens;
    d->settings = jwt;
    if (!d->jwt.load(jwt, &d->error))
        d->jwt = JwtVerifier(); // no JWT gets in; Server::listen() fails anyway
}

/*!
    Destroys the authorizer.
*/
TokenAuthorizer::~TokenAuthorizer() = default;

/*!
    Returns the static tokens given to the constructor.
*/
QStringList TokenAuthorizer::acceptedTokens() const
{
    return d->tokens;
}

/*!
    Returns the JWT settings given to the constructor.
*/
ServerConfig::Jwt TokenAuthorizer::jwt() const
{
    return d->settings;
}

/*!
    Returns why the JWT settings cannot be used, e.g. "auth.jwt: an HS256
    secret needs at least 32 bytes", "auth.jwt.secretFile: cannot read …",
    "auth.jwt.publicKeyFile …: not a PEM … public key"; empty when they can.
*/
QString TokenAuthorizer::errorString() const
{
    return d->error;
}

/*!
    Returns the time tokens are checked against (\c exp, \c nbf): the system
    clock, in UTC. Tests override it. The server ends a session at
    Identity::expiresAt by the system clock all the same.
*/
QDateTime TokenAuthorizer::currentTime() const
{
    return QDateTime::currentDateTimeUtc();
}

/*!
    \reimp

    Accepts \a token if it is one of acceptedTokens() (with an empty
    Identity), else, with JWTs enabled, if it verifies (the identity from
    its claims; refused with the failed check's message, or expired). With
    neither, and usable settings, accepts any token. Otherwise refuses it:
    "the token was refused". \a clientId is not used.
*/
Authentication TokenAuthorizer::authenticate(const QString &, const QString &token)
{
    // A static token first: development tools keep working next to an
    // identity provider.
    if (!token.isEmpty() && d->tokens.contains(token))
        return Authentication::accepted();
    if (d->jwt.isEnabled())
        return d->jwt.verify(token, currentTime());
    if (d->tokens.isEmpty() && d->error.isEmpty())
        return Authentication::accepted();
    return Authentication::refused(u"the token was refused"_s);
}

/*!
    \reimp
    Returns \c true.
*/
bool TokenAuthorizer::canRead(const QString &, const QString &)
{
    return true;
}

/*!
    \reimp
    Returns \c true.
*/
bool TokenAuthorizer::canWrite(const QString &, const Mutation &)
{
    return true;
}

/*!
    \reimp
    Returns an empty string: every mutation is valid.
*/
QString TokenAuthorizer::validate(const Mutation &, const QVariantMap &)
{
    return {};
}

/*!
    \class Optimist::Identity
    \inmodule Optimist
    \brief Who a connected client is, as its \c hello's token says
    (docs/security.md, "Identity and tokens").

    The server keeps one per session, from Authorizer::authenticate(); the
    rules read it as \c{auth.<claim>} and the per-record hooks get it.
*/

/*!
    \variable Optimist::Identity::userId
    \brief the token's \c sub claim; empty for a static development token.
    The welcome tells it to the client, whose filters read it as
    \c auth.sub.
*/

/*!
    \variable Optimist::Identity::claims
    \brief every claim of the token (\c sub, \c exp, \c iss, custom ones such
    as \c org or \c roles) as JSON values; the rules read them as
    \c{auth.<claim>}. Empty for a static development token.
*/

/*!
    \variable Optimist::Identity::expiresAt
    \brief when the server ends the session: the token's \c exp plus the
    leeway (ServerConfig::Jwt::leewaySeconds). Invalid (the default): never.

    At that time the server sends \c{error unauthorized} "token expired"
    and closes the connection with close code 4001, reason
    \c token_expired (SyncClient::tokenExpired()).
*/

/*!
    \fn bool Optimist::Identity::operator==(const Optimist::Identity &a, const Optimist::Identity &b)
    Returns \c true when \a a and \a b have the same user id, claims and
    expiry.
*/

/*!
    \class Optimist::Authentication
    \inmodule Optimist
    \brief Authorizer::authenticate()'s answer to a \c hello's token.

    Make one with accepted(), refused() or expired().
*/

/*!
    \enum Optimist::Authentication::Result

    \value Accepted The client is in, as identity.
    \value Refused The client gets \c{error unauthorized} with message, then
        close code 4001, reason \c unauthorized; it does not reconnect until
        its token changes. The default.
    \value Expired The client gets \c{error unauthorized} "token expired",
        then close code 4001, reason \c token_expired
        (SyncClient::tokenExpired()): a fresh token lets it in again.
*/

/*!
    \variable Optimist::Authentication::result
    \brief whether the token was accepted; Result::Refused by default.
*/

/*!
    \variable Optimist::Authentication::identity
    \brief who the client is, when accepted.
*/

/*!
    \variable Optimist::Authentication::message
    \brief why the token was refused, for the client's error frame: say
    nothing a client must not learn.
*/

/*!
    \fn Optimist::Authentication Optimist::Authentication::accepted(const Optimist::Identity &identity)
    Returns an answer that lets the client in as \a identity (by default an
    empty one: no user id, no claims, no expiry).
*/

/*!
    \fn Optimist::Authentication Optimist::Authentication::refused(const QString &message)
    Returns an answer that refuses the token with \a message.
*/

/*!
    \fn Optimist::Authentication Optimist::Authentication::expired()
    Returns an answer that refuses the token as expired, with the message
    "token expired".
*/

/*!
    \fn bool Optimist::Authentication::isAccepted() const
    Returns whether result is Result::Accepted.
*/

} // namespace Optimist
