// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include "expression.h"

#include <QtCore/QList>
#include <QtCore/QString>

namespace Optimist::ExpressionDetail {

enum class TokenKind {
    End,
    Identifier,
    Param, // $name; text is the name
    String,
    Number,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Not,
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
};

struct Token {
    TokenKind kind = TokenKind::End;
    qsizetype start = 0; // UTF-16 offset into the text
    QString text; // identifier, parameter name or string value
    bool isInt = false;
    qint64 integer = 0;
    double number = 0;
};

//! A literal value: what a literal node holds. Numbers keep whether they
//! were written as integers, so toString() gives them back the same way.
struct Literal {
    enum class Type { Null, Bool, Int, Double, String };
    Type type = Type::Null;
    bool boolean = false;
    qint64 integer = 0;
    double number = 0;
    QString string;
    friend bool operator==(const Literal &, const Literal &) = default;
};

enum class NodeKind { Literal, Record, Claim, Param, Not, Compare, In, And, Or };

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };

//! One node of the parsed tree. Nodes live in one flat list; a node's
//! operands are `count` indices starting at `first` in the children list
//! (Compare and In: left operand first; In with a reference for a list has
//! two operands, with a bracketed list 1 + its items and `bracketed` set).
struct Node {
    NodeKind kind = NodeKind::Literal;
    CompareOp op = CompareOp::Eq;
    bool bracketed = false;
    qsizetype start = 0; // UTF-16 offset, for validate()'s messages
    int first = 0;
    int count = 0;
    QString name; // field, first claim key or parameter name
    QStringList members; // a claim's further keys: auth.org.id → {"id"}
    Literal literal;
};

struct Tree {
    QList<Node> nodes;
    QList<int> children;
    int root = -1;
};

//! Splits text into tokens, the last one End. Returns false and sets
//! error (position in UTF-16 units) on a malformed token.
bool tokenize(const QString &text, QList<Token> *tokens, qsizetype *errorAt, QString *error);

//! Parses tokens into tree. Returns false and sets the error's UTF-16
//! offset and message (without the position) on failure.
bool parseTokens(const QList<Token> &tokens, Tree *tree, qsizetype *errorAt, QString *error);

bool evaluateTree(const Tree &tree, const Expression::Context &context);

QString printTree(const Tree &tree);

//! The number of code points in text before the UTF-16 offset.
int codePointPosition(const QString &text, qsizetype utf16Offset);

} // namespace Optimist::ExpressionDetail

namespace Optimist {

class ExpressionPrivate {
public:
    QString text;
    ExpressionDetail::Tree tree;
};

} // namespace Optimist
