// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The expression language's parser: tokens to a tree, by recursive descent.
//   or      := and ('||' and)*
//   and     := compare ('&&' compare)*
//   compare := unary [('==' | '!=' | '<' | '<=' | '>' | '>=') unary | 'in' list]
//   unary   := '!' unary | primary
//   primary := literal | reference | '(' or ')'
//   list    := '[' [operand (',' operand)*] ']' | reference
#include "expression_p.h"

using namespace Qt::StringLiterals;

namespace Optimist::ExpressionDetail {

namespace {

QString describe(const Token &token)
{
    switch (token.kind) {
    case TokenKind::End:
        return u"the end"_s;
    case TokenKind::Identifier:
        return u"'%1'"_s.arg(token.text);
    case TokenKind::Param:
        return u"'$%1'"_s.arg(token.text);
    case TokenKind::String:
        return u"a string"_s;
    case TokenKind::Number:
        return u"a number"_s;
    case TokenKind::LParen:
        return u"'('"_s;
    case TokenKind::RParen:
        return u"')'"_s;
    case TokenKind::LBracket:
        return u"'['"_s;
    case TokenKind::RBracket:
        return u"']'"_s;
    case TokenKind::Comma:
        return u"','"_s;
    case TokenKind::Dot:
        return u"'.'"_s;
    case TokenKind::Not:
        return u"'!'"_s;
    case TokenKind::And:
        return u"'&&'"_s;
    case TokenKind::Or:
        return u"'||'"_s;
    case TokenKind::Eq:
        return u"'=='"_s;
    case TokenKind::Ne:
        return u"'!='"_s;
    case TokenKind::Lt:
        return u"'<'"_s;
    case TokenKind::Le:
        return u"'<='"_s;
    case TokenKind::Gt:
        return u"'>'"_s;
    case TokenKind::Ge:
        return u"'>='"_s;
    }
    return {};
}

bool compareOp(TokenKind kind, CompareOp *op)
{
    switch (kind) {
    case TokenKind::Eq:
        *op = CompareOp::Eq;
        return true;
    case TokenKind::Ne:
        *op = CompareOp::Ne;
        return true;
    case TokenKind::Lt:
        *op = CompareOp::Lt;
        return true;
    case TokenKind::Le:
        *op = CompareOp::Le;
        return true;
    case TokenKind::Gt:
        *op = CompareOp::Gt;
        return true;
    case TokenKind::Ge:
        *op = CompareOp::Ge;
        return true;
    default:
        return false;
    }
}

bool isKeyword(const Token &token, QStringView word)
{
    return token.kind == TokenKind::Identifier && token.text == word;
}

// Every parse function returns the new node's index, or -1 having set the error.
class Parser {
public:
    Parser(const QList<Token> &tokens, Tree *tree)
        : tokens(tokens)
        , tree(tree)
    {
    }

    int parseAll();

    qsizetype errorAt = 0;
    QString error;

private:
    const Token &peek() const { return tokens[pos]; }
    const Token &next() { return tokens[pos < tokens.size() - 1 ? pos++ : pos]; }
    int fail(const Token &at, const QString &message)
    {
        errorAt = at.start;
        error = message;
        return -1;
    }
    int expected(const QString &what) { return fail(peek(), u"expected %1, found %2"_s.arg(what, describe(peek()))); }
    int add(Node node, const QList<int> &operands);
    int parseJunction(NodeKind kind);
    int parseCompare();
    int parseUnary();
    int parsePrimary();
    int parseOperand();
    int parseReference();
    int parseList(int left, qsizetype start);

    const QList<Token> &tokens;
    Tree *tree;
    qsizetype pos = 0;
    int depth = 0;
};

int Parser::add(Node node, const QList<int> &operands)
{
    node.first = int(tree->children.size());
    node.count = int(operands.size());
    tree->children.append(operands);
    tree->nodes.append(std::move(node));
    return int(tree->nodes.size() - 1);
}

int Parser::parseAll()
{
    const int root = parseJunction(NodeKind::Or);
    if (root < 0)
        return -1;
    if (peek().kind != TokenKind::End)
        return expected(u"an operator or the end"_s);
    return root;
}

// An || of &&s, or an && of comparisons. A parenthesised junction of the
// same kind is spliced in: (a && b) && c is a && b && c, so toString()'s
// output parses back to the same tree.
int Parser::parseJunction(NodeKind kind)
{
    const TokenKind op = kind == NodeKind::Or ? TokenKind::Or : TokenKind::And;
    const auto operand = [&] { return kind == NodeKind::Or ? parseJunction(NodeKind::And) : parseCompare(); };
    const qsizetype start = peek().start;
    QList<int> operands;
    for (;;) {
        const int index = operand();
        if (index < 0)
            return -1;
        const Node &node = tree->nodes[index];
        if (node.kind == kind)
            operands.append(tree->children.mid(node.first, node.count));
        else
            operands.append(index);
        if (peek().kind != op)
            break;
        next();
    }
    if (operands.size() == 1)
        return operands.first();
    Node node;
    node.kind = kind;
    node.start = start;
    return add(std::move(node), operands);
}

int Parser::parseCompare()
{
    const qsizetype start = peek().start;
    const int left = parseUnary();
    if (left < 0)
        return -1;
    Node node;
    node.start = start;
    int index = left;
    if (compareOp(peek().kind, &node.op)) {
        next();
        const int right = parseUnary();
        if (right < 0)
            return -1;
        node.kind = NodeKind::Compare;
        index = add(std::move(node), { left, right });
    } else if (isKeyword(peek(), u"in")) {
        next();
        index = parseList(left, start);
        if (index < 0)
            return -1;
    } else {
        return left;
    }
    CompareOp ignored;
    if (compareOp(peek().kind, &ignored) || isKeyword(peek(), u"in"))
        return fail(peek(), u"comparisons do not chain: add parentheses"_s);
    return index;
}

int Parser::parseUnary()
{
    if (peek().kind != TokenKind::Not)
        return parsePrimary();
    const Token &bang = next();
    if (++depth > Expression::MaxDepth)
        return fail(bang, u"nested more than %1 deep"_s.arg(Expression::MaxDepth));
    const int operand = parseUnary();
    --depth;
    if (operand < 0)
        return -1;
    Node node;
    node.kind = NodeKind::Not;
    node.start = bang.start;
    return add(std::move(node), { operand });
}

int Parser::parsePrimary()
{
    if (peek().kind != TokenKind::LParen)
        return parseOperand();
    const Token &open = next();
    if (++depth > Expression::MaxDepth)
        return fail(open, u"nested more than %1 deep"_s.arg(Expression::MaxDepth));
    const int inner = parseJunction(NodeKind::Or);
    --depth;
    if (inner < 0)
        return -1;
    if (peek().kind != TokenKind::RParen)
        return expected(u"')'"_s);
    next();
    return inner;
}

// A literal or a reference: what may stand in a list.
int Parser::parseOperand()
{
    const Token &token = peek();
    Node node;
    node.start = token.start;
    Literal &literal = node.literal;
    if (token.kind == TokenKind::Number) {
        literal.type = token.isInt ? Literal::Type::Int : Literal::Type::Double;
        literal.integer = token.integer;
        literal.number = token.number;
    } else if (token.kind == TokenKind::String) {
        literal.type = Literal::Type::String;
        literal.string = token.text;
    } else if (isKeyword(token, u"true") || isKeyword(token, u"false")) {
        literal.type = Literal::Type::Bool;
        literal.boolean = token.text == u"true";
    } else if (isKeyword(token, u"null")) {
        literal.type = Literal::Type::Null;
    } else {
        return parseReference();
    }
    next();
    return add(std::move(node), {});
}

int Parser::parseReference()
{
    const Token &token = peek();
    Node node;
    node.start = token.start;
    if (token.kind == TokenKind::Param) {
        node.kind = NodeKind::Param;
        node.name = next().text;
        return add(std::move(node), {});
    }
    const bool record = isKeyword(token, u"record");
    if (!record && !isKeyword(token, u"auth")) {
        if (token.kind == TokenKind::Identifier && token.text != u"in")
            return fail(token,
                u"unknown name '%1': expected record.<field>, auth.<claim>, $param or a literal"_s.arg(token.text));
        return expected(u"an expression"_s);
    }
    next();
    node.kind = record ? NodeKind::Record : NodeKind::Claim;
    QStringList path;
    do {
        if (peek().kind == TokenKind::Dot)
            next();
        if (tokens[pos - 1].kind != TokenKind::Dot || peek().kind != TokenKind::Identifier)
            return record ? expected(u"'.' and a field name after 'record'"_s)
                          : expected(u"'.' and a claim name after 'auth'"_s);
        path.append(next().text);
    } while (!record && peek().kind == TokenKind::Dot);
    if (record && peek().kind == TokenKind::Dot)
        return fail(peek(), u"a record field has no members"_s);
    node.name = path.takeFirst();
    node.members = std::move(path);
    return add(std::move(node), {});
}

int Parser::parseList(int left, qsizetype start)
{
    Node node;
    node.kind = NodeKind::In;
    node.start = start;
    QList<int> operands { left };
    if (peek().kind != TokenKind::LBracket) {
        if (peek().kind != TokenKind::Param && !isKeyword(peek(), u"record") && !isKeyword(peek(), u"auth"))
            return expected(u"'[' or a reference after 'in'"_s);
        const int list = parseReference();
        if (list < 0)
            return -1;
        operands.append(list);
        return add(std::move(node), operands);
    }
    next();
    node.bracketed = true;
    while (peek().kind != TokenKind::RBracket) {
        if (operands.size() > 1) {
            if (peek().kind != TokenKind::Comma)
                return expected(u"',' or ']'"_s);
            next();
        }
        const int item = parseOperand();
        if (item < 0)
            return -1;
        operands.append(item);
    }
    next();
    return add(std::move(node), operands);
}

} // namespace

bool parseTokens(const QList<Token> &tokens, Tree *tree, qsizetype *errorAt, QString *error)
{
    Parser parser(tokens, tree);
    tree->root = parser.parseAll();
    if (tree->root >= 0)
        return true;
    *errorAt = parser.errorAt;
    *error = parser.error;
    return false;
}

} // namespace Optimist::ExpressionDetail
