// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The expression language's lexer: text to tokens.
#include "expression_p.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace Optimist::ExpressionDetail {

namespace {

bool isIdentifierStart(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
}

bool isIdentifierPart(QChar c)
{
    return isIdentifierStart(c) || (c >= u'0' && c <= u'9');
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

class Lexer {
public:
    explicit Lexer(const QString &text)
        : text(text)
    {
    }

    bool run(QList<Token> *tokens);

    qsizetype errorAt = 0;
    QString error;

private:
    QChar peek(qsizetype ahead = 0) const { return pos + ahead < text.size() ? text[pos + ahead] : QChar(); }
    bool fail(qsizetype at, const QString &message)
    {
        errorAt = at;
        error = message;
        return false;
    }
    bool symbol(Token *token);
    bool identifier(Token *token);
    bool number(Token *token);
    bool string(Token *token);
    bool escape(QString *out);
    bool hex4(char16_t *out);

    const QString &text;
    qsizetype pos = 0;
};

bool Lexer::run(QList<Token> *tokens)
{
    for (;;) {
        while (pos < text.size() && text[pos].isSpace())
            ++pos;
        Token token;
        token.start = pos;
        if (pos == text.size()) {
            tokens->append(std::move(token));
            return true;
        }
        const QChar c = peek();
        bool ok = false;
        if (isIdentifierStart(c) || c == u'$')
            ok = identifier(&token);
        else if (isDigit(c) || (c == u'-' && isDigit(peek(1))))
            ok = number(&token);
        else if (c == u'"' || c == u'\'')
            ok = string(&token);
        else
            ok = symbol(&token);
        if (!ok)
            return false;
        tokens->append(std::move(token));
    }
}

bool Lexer::symbol(Token *token)
{
    const QChar c = peek();
    const QChar next = peek(1);
    const auto take = [&](TokenKind kind, int length) {
        token->kind = kind;
        pos += length;
        return true;
    };
    switch (c.unicode()) {
    case u'(':
        return take(TokenKind::LParen, 1);
    case u')':
        return take(TokenKind::RParen, 1);
    case u'[':
        return take(TokenKind::LBracket, 1);
    case u']':
        return take(TokenKind::RBracket, 1);
    case u',':
        return take(TokenKind::Comma, 1);
    case u'.':
        return take(TokenKind::Dot, 1);
    case u'!':
        return next == u'=' ? take(TokenKind::Ne, 2) : take(TokenKind::Not, 1);
    case u'<':
        return next == u'=' ? take(TokenKind::Le, 2) : take(TokenKind::Lt, 1);
    case u'>':
        return next == u'=' ? take(TokenKind::Ge, 2) : take(TokenKind::Gt, 1);
    case u'=':
        return next == u'=' ? take(TokenKind::Eq, 2) : fail(pos, u"expected '==' (one '=' is no operator)"_s);
    case u'&':
        return next == u'&' ? take(TokenKind::And, 2) : fail(pos, u"expected '&&'"_s);
    case u'|':
        return next == u'|' ? take(TokenKind::Or, 2) : fail(pos, u"expected '||'"_s);
    }
    const char32_t cp = c.isHighSurrogate() && next.isLowSurrogate() ? QChar::surrogateToUcs4(c, next) : c.unicode();
    return fail(pos, u"unexpected character '%1'"_s.arg(QString::fromUcs4(&cp, 1)));
}

bool Lexer::identifier(Token *token)
{
    const bool param = peek() == u'$';
    if (param) {
        ++pos;
        if (!isIdentifierStart(peek()))
            return fail(token->start, u"expected a parameter name after '$'"_s);
    }
    const qsizetype begin = pos;
    while (pos < text.size() && isIdentifierPart(text[pos]))
        ++pos;
    token->kind = param ? TokenKind::Param : TokenKind::Identifier;
    token->text = text.mid(begin, pos - begin);
    return true;
}

// JSON's number syntax: -?digits(.digits)?([eE][+-]?digits)?, leading zeros allowed.
bool Lexer::number(Token *token)
{
    const qsizetype begin = pos;
    const auto digits = [this] {
        const qsizetype from = pos;
        while (isDigit(peek()))
            ++pos;
        return pos > from;
    };
    if (peek() == u'-')
        ++pos;
    digits();
    bool integral = true;
    if (peek() == u'.') {
        ++pos;
        integral = false;
        if (!digits())
            return fail(begin, u"invalid number: expected digits after '.'"_s);
    }
    if (peek() == u'e' || peek() == u'E') {
        ++pos;
        integral = false;
        if (peek() == u'+' || peek() == u'-')
            ++pos;
        if (!digits())
            return fail(begin, u"invalid number: expected digits in the exponent"_s);
    }
    if (isIdentifierPart(peek()) || peek() == u'.')
        return fail(begin, u"invalid number"_s);
    const QStringView literal = QStringView(text).mid(begin, pos - begin);
    token->kind = TokenKind::Number;
    bool ok = false;
    if (integral) {
        token->integer = literal.toLongLong(&ok);
        if (!ok || token->integer < -Field::MaxInt || token->integer > Field::MaxInt)
            return fail(begin, u"integer outside -2^53 to 2^53; write it as a string"_s);
        token->isInt = true;
        return true;
    }
    token->number = literal.toDouble(&ok);
    if (!ok || !std::isfinite(token->number))
        return fail(begin, u"number out of range"_s);
    return true;
}

bool Lexer::string(Token *token)
{
    const QChar quote = peek();
    ++pos;
    QString value;
    while (pos < text.size() && text[pos] != quote) {
        if (text[pos] == u'\\') {
            if (pos + 1 == text.size())
                return fail(token->start, u"unterminated string"_s);
            if (!escape(&value))
                return false;
        } else {
            value.append(text[pos++]);
        }
    }
    if (pos == text.size())
        return fail(token->start, u"unterminated string"_s);
    ++pos;
    if (!QStringView(value).isValidUtf16())
        return fail(token->start, u"string with an unpaired UTF-16 surrogate"_s);
    token->kind = TokenKind::String;
    token->text = std::move(value);
    return true;
}

bool Lexer::escape(QString *out)
{
    const qsizetype at = pos;
    const QChar c = peek(1);
    pos += 2;
    switch (c.unicode()) {
    case u'\\':
    case u'"':
    case u'\'':
    case u'/':
        out->append(c);
        return true;
    case u'n':
        out->append(u'\n');
        return true;
    case u't':
        out->append(u'\t');
        return true;
    case u'r':
        out->append(u'\r');
        return true;
    case u'b':
        out->append(u'\b');
        return true;
    case u'f':
        out->append(u'\f');
        return true;
    case u'u': {
        char16_t unit = 0;
        if (!hex4(&unit))
            return fail(at, u"expected four hex digits after '\\u'"_s);
        out->append(QChar(unit));
        return true;
    }
    }
    return fail(at, u"unknown escape '\\%1'"_s.arg(c));
}

bool Lexer::hex4(char16_t *out)
{
    if (pos + 4 > text.size())
        return false;
    bool ok = false;
    const uint value = QStringView(text).mid(pos, 4).toUInt(&ok, 16);
    for (qsizetype i = pos; i < pos + 4; ++i) {
        if (!isDigit(text[i]) && !QStringView(u"abcdefABCDEF").contains(text[i]))
            return false;
    }
    if (!ok)
        return false;
    pos += 4;
    *out = char16_t(value);
    return true;
}

} // namespace

bool tokenize(const QString &text, QList<Token> *tokens, qsizetype *errorAt, QString *error)
{
    Lexer lexer(text);
    if (lexer.run(tokens))
        return true;
    *errorAt = lexer.errorAt;
    *error = lexer.error;
    return false;
}

int codePointPosition(const QString &text, qsizetype utf16Offset)
{
    const qsizetype end = std::min(utf16Offset, text.size());
    return int(Field::characterCount(QStringView(text).first(end)));
}

} // namespace Optimist::ExpressionDetail
