// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "jwtverifier_p.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>

#include <jwt.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

using namespace Qt::StringLiterals;

namespace Optimist {

namespace {

using Algorithm = ServerConfig::Jwt::Algorithm;

// HS256 keys shorter than the hash are refused (RFC 7518, section 3.2).
constexpr qsizetype MinimumSecretBytes = 32;
// Where a NumericDate is clamped so that it converts to a QDateTime
// (9999-12-31T23:59:59Z).
constexpr double LatestSeconds = 253402300799.0;

struct JwtDeleter {
    void operator()(jwt_t *jwt) const { jwt_free(jwt); }
};
using JwtPointer = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
    void operator()(char *text) const { std::free(text); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

jwt_alg_t libjwtAlgorithm(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::HS256:
        return JWT_ALG_HS256;
    case Algorithm::RS256:
        return JWT_ALG_RS256;
    case Algorithm::ES256:
        return JWT_ALG_ES256;
    case Algorithm::Disabled:
        break;
    }
    return JWT_ALG_INVAL;
}

bool readFile(const QString &path, QLatin1StringView setting, QByteArray *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"auth.jwt.%1: cannot read %2: %3"_s.arg(setting, path, file.errorString());
        return false;
    }
    *out = file.readAll();
    return true;
}

//! A NumericDate claim (RFC 7519, section 2) in seconds; nullopt when absent,
//! and \a error set when not a number.
std::optional<double> numericDate(const QVariantMap &claims, const QString &name, QString *error)
{
    const auto it = claims.constFind(name);
    if (it == claims.cend())
        return std::nullopt;
    const bool number
        = it->typeId() == QMetaType::Double || it->typeId() == QMetaType::LongLong || it->typeId() == QMetaType::Int;
    if (!number) {
        *error = u"the token's %1 is not a number"_s.arg(name);
        return std::nullopt;
    }
    return std::clamp(it->toDouble(), 0.0, LatestSeconds);
}

bool audienceMatches(const QVariant &audience, const QString &expected)
{
    if (audience.typeId() == QMetaType::QString)
        return audience.toString() == expected;
    if (audience.typeId() != QMetaType::QVariantList)
        return false;
    const QVariantList list = audience.toList();
    return std::any_of(list.cbegin(), list.cend(),
        [&](const QVariant &one) { return one.typeId() == QMetaType::QString && one.toString() == expected; });
}

} // namespace

bool JwtVerifier::load(const ServerConfig::Jwt &settings, QString *error)
{
    m_settings = settings;
    m_key.clear();
    switch (settings.algorithm) {
    case Algorithm::Disabled:
        return true;
    case Algorithm::HS256:
        if (!settings.publicKeyFile.isEmpty()) {
            *error = u"auth.jwt.publicKeyFile is for RS256 and ES256; HS256 takes a secret or secretFile"_s;
            return false;
        }
        if (settings.secret.isEmpty() == settings.secretFile.isEmpty()) {
            *error = u"auth.jwt: HS256 needs either a secret or a secretFile"_s;
            return false;
        }
        m_key = settings.secret;
        if (!settings.secretFile.isEmpty()) {
            if (!readFile(settings.secretFile, "secretFile"_L1, &m_key, error))
                return false;
            while (m_key.endsWith('\n') || m_key.endsWith('\r'))
                m_key.chop(1);
        }
        if (m_key.size() < MinimumSecretBytes) {
            *error = u"auth.jwt: an HS256 secret needs at least %1 bytes"_s.arg(MinimumSecretBytes);
            return false;
        }
        return true;
    case Algorithm::RS256:
    case Algorithm::ES256:
        break;
    }
    if (!settings.secret.isEmpty() || !settings.secretFile.isEmpty() || settings.publicKeyFile.isEmpty()) {
        *error = u"auth.jwt: RS256 and ES256 take a publicKeyFile (and no secret)"_s;
        return false;
    }
    if (!readFile(settings.publicKeyFile, "publicKeyFile"_L1, &m_key, error))
        return false;
    // libjwt reads only SubjectPublicKeyInfo PEM; a private key here would
    // be a key leaked into the server's config.
    const bool rsa = settings.algorithm == Algorithm::RS256;
    const bool pem = m_key.contains("-----BEGIN PUBLIC KEY-----");
    const bool typed = !QSslSocket::supportsSsl()
        || !QSslKey(m_key, rsa ? QSsl::Rsa : QSsl::Ec, QSsl::Pem, QSsl::PublicKey).isNull();
    if (!pem || !typed) {
        *error = u"auth.jwt.publicKeyFile %1: not a PEM %2 public key (-----BEGIN PUBLIC KEY-----)"_s.arg(
            settings.publicKeyFile, rsa ? u"RSA"_s : u"EC"_s);
        return false;
    }
    return true;
}

std::optional<QString> JwtVerifier::checkHeader(const QByteArray &token) const
{
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || c == '.';
    };
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty()
        || !std::all_of(token.cbegin(), token.cend(), allowed))
        return u"malformed token"_s;
    const auto object = [](const QByteArray &part) {
        const auto decoded = QByteArray::fromBase64Encoding(
            part, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        return decoded ? QJsonDocument::fromJson(*decoded).object() : QJsonObject();
    };
    const QJsonObject header = object(parts.at(0));
    if (header.isEmpty() || object(parts.at(1)).isEmpty())
        return u"malformed token"_s;
    // Before libjwt sees it: libjwt takes the algorithm from the token, so
    // `none`, or HS256 keyed with the RS256 public key, would pass it.
    if (header.value("alg"_L1).toString() != QLatin1StringView(jwt_alg_str(libjwtAlgorithm(m_settings.algorithm))))
        return u"the token's algorithm is not accepted"_s;
    // No extension is understood, so none marked critical may be ignored
    // (RFC 7515, section 4.1.11).
    if (header.contains("crit"_L1))
        return u"the token has critical header parameters"_s;
    return std::nullopt;
}

Authentication JwtVerifier::verify(const QString &token, const QDateTime &now) const
{
    if (token.isEmpty())
        return Authentication::refused(u"a token is required"_s);
    const QByteArray utf8 = token.toUtf8();
    if (const auto problem = checkHeader(utf8))
        return Authentication::refused(*problem);
    jwt_t *decoded = nullptr;
    const int failed = jwt_decode(
        &decoded, utf8.constData(), reinterpret_cast<const unsigned char *>(m_key.constData()), int(m_key.size()));
    const JwtPointer jwt(decoded);
    if (failed || !jwt)
        return Authentication::refused(u"the token's signature does not verify"_s);
    // Checked again on what libjwt verified with.
    if (jwt_get_alg(jwt.get()) != libjwtAlgorithm(m_settings.algorithm))
        return Authentication::refused(u"the token's algorithm is not accepted"_s);
    const CString grants(jwt_get_grants_json(jwt.get(), nullptr));
    const QJsonDocument claims = QJsonDocument::fromJson(grants ? QByteArray(grants.get()) : QByteArray());
    if (!claims.isObject())
        return Authentication::refused(u"malformed token"_s);
    return checkClaims(claims.object().toVariantMap(), now);
}

Authentication JwtVerifier::checkClaims(const QVariantMap &claims, const QDateTime &now) const
{
    const QVariant issuer = claims.value(u"iss"_s);
    if (!m_settings.issuer.isEmpty()
        && (issuer.typeId() != QMetaType::QString || issuer.toString() != m_settings.issuer))
        return Authentication::refused(u"the token's issuer is not accepted"_s);
    if (!m_settings.audience.isEmpty() && !audienceMatches(claims.value(u"aud"_s), m_settings.audience))
        return Authentication::refused(u"the token's audience is not accepted"_s);
    const QVariant sub = claims.value(u"sub"_s);
    if (sub.typeId() != QMetaType::QString || sub.toString().isEmpty())
        return Authentication::refused(u"the token has no sub"_s);

    QString problem;
    const std::optional<double> notBefore = numericDate(claims, u"nbf"_s, &problem);
    const std::optional<double> expires = numericDate(claims, u"exp"_s, &problem);
    if (!problem.isEmpty())
        return Authentication::refused(problem);
    // A token without exp would never end: whoever copies it keeps it.
    if (!expires)
        return Authentication::refused(u"the token has no exp"_s);
    const double seconds = double(now.toMSecsSinceEpoch()) / 1000;
    const int leeway = m_settings.leewaySeconds;
    if (notBefore && seconds < *notBefore - leeway)
        return Authentication::refused(u"token not yet valid"_s);
    // Valid up to and including exp + leeway.
    const double end = std::min(*expires + leeway, LatestSeconds);
    if (seconds > end)
        return Authentication::expired();
    return Authentication::accepted(
        { sub.toString(), claims, QDateTime::fromMSecsSinceEpoch(qint64(end * 1000), Qt::UTC) });
}

QString JwtVerifier::signHs256(const QByteArray &secret, const QVariantMap &claims)
{
    jwt_t *created = nullptr;
    if (jwt_new(&created) != 0)
        return {};
    const JwtPointer jwt(created);
    const QByteArray json = QJsonDocument(QJsonObject::fromVariantMap(claims)).toJson(QJsonDocument::Compact);
    if (jwt_add_grants_json(jwt.get(), json.constData()) != 0
        || jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char *>(secret.constData()),
               int(secret.size()))
            != 0)
        return {};
    const CString token(jwt_encode_str(jwt.get()));
    return token ? QString::fromLatin1(token.get()) : QString();
}

} // namespace Optimist
