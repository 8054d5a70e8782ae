// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The expression language's printer: a tree back to text, in canonical form
// with only the parentheses precedence needs, so that it parses back to the
// same tree.
#include "expression_p.h"

#include <QtCore/QLocale>

using namespace Qt::StringLiterals;

namespace Optimist::ExpressionDetail {

namespace {

// Binding strength, weakest first; an operand weaker than its place needs
// parentheses.
enum Precedence { OrLevel = 1, AndLevel, CompareLevel, NotLevel, PrimaryLevel };

Precedence precedence(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Or:
        return OrLevel;
    case NodeKind::And:
        return AndLevel;
    case NodeKind::Compare:
    case NodeKind::In:
        return CompareLevel;
    case NodeKind::Not:
        return NotLevel;
    default:
        return PrimaryLevel;
    }
}

QString quoted(const QString &text)
{
    QString out = u"\""_s;
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'"':
            out += u"\\\""_s;
            break;
        case u'\\':
            out += u"\\\\"_s;
            break;
        case u'\n':
            out += u"\\n"_s;
            break;
        case u'\t':
            out += u"\\t"_s;
            break;
        case u'\r':
            out += u"\\r"_s;
            break;
        default:
            if (c.unicode() < 0x20)
                out += u"\\u%1"_s.arg(int(c.unicode()), 4, 16, QChar(u'0'));
            else
                out += c;
        }
    }
    return out + u'"';
}

QString number(double value)
{
    QString text = QString::number(value, 'g', QLocale::FloatingPointShortest);
    // Keep it a double when read back: 2.0 prints "2".
    if (!text.contains(u'.') && !text.contains(u'e'))
        text += u".0"_s;
    return text;
}

QString literal(const Literal &literal)
{
    switch (literal.type) {
    case Literal::Type::Null:
        return u"null"_s;
    case Literal::Type::Bool:
        return literal.boolean ? u"true"_s : u"false"_s;
    case Literal::Type::Int:
        return QString::number(literal.integer);
    case Literal::Type::Double:
        return number(literal.number);
    case Literal::Type::String:
        return quoted(literal.string);
    }
    return {};
}

QString compareOp(CompareOp op)
{
    static const QString names[] = { u"=="_s, u"!="_s, u"<"_s, u"<="_s, u">"_s, u">="_s };
    return names[int(op)];
}

class Printer {
public:
    explicit Printer(const Tree &tree)
        : tree(tree)
    {
    }

    QString print(int index, int atLeast) const;

private:
    QString operand(const Node &node, int i, int atLeast) const
    {
        return print(tree.children[node.first + i], atLeast);
    }
    QString junction(const Node &node) const;
    QString list(const Node &node) const;

    const Tree &tree;
};

QString Printer::print(int index, int atLeast) const
{
    const Node &node = tree.nodes[index];
    QString text;
    switch (node.kind) {
    case NodeKind::Literal:
        return literal(node.literal);
    case NodeKind::Record:
        return u"record."_s + node.name;
    case NodeKind::Claim:
        return (QStringList { u"auth"_s, node.name } + node.members).join(u'.');
    case NodeKind::Param:
        return u"$"_s + node.name;
    case NodeKind::Not:
        text = u"!"_s + operand(node, 0, NotLevel);
        break;
    case NodeKind::Compare:
        text = operand(node, 0, NotLevel) + u' ' + compareOp(node.op) + u' ' + operand(node, 1, NotLevel);
        break;
    case NodeKind::In:
        text = operand(node, 0, NotLevel) + u" in "_s + list(node);
        break;
    case NodeKind::And:
    case NodeKind::Or:
        text = junction(node);
        break;
    }
    return precedence(node.kind) < atLeast ? u'(' + text + u')' : text;
}

QString Printer::junction(const Node &node) const
{
    const bool isOr = node.kind == NodeKind::Or;
    // The parser splices a junction of the same kind, so none is nested here.
    QStringList parts;
    for (int i = 0; i < node.count; ++i)
        parts.append(operand(node, i, isOr ? AndLevel : CompareLevel));
    return parts.join(isOr ? u" || "_s : u" && "_s);
}

QString Printer::list(const Node &node) const
{
    if (!node.bracketed)
        return operand(node, 1, PrimaryLevel);
    QStringList items;
    for (int i = 1; i < node.count; ++i)
        items.append(operand(node, i, PrimaryLevel));
    return u'[' + items.join(u", "_s) + u']';
}

} // namespace

QString printTree(const Tree &tree)
{
    return tree.root < 0 ? QString() : Printer(tree).print(tree.root, OrLevel);
}

} // namespace Optimist::ExpressionDetail
