// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// An independent model of the expression language for tst_expression's
// randomized test: its own tree, a generator that writes it as text (fully
// parenthesised, with varied spacing and quotes) and an evaluator written
// from docs/security.md's semantics table over plain QVariants.
#pragma once

#include <QtCore/QRandomGenerator>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

namespace Oracle {

using namespace Qt::StringLiterals;

struct Node {
    enum Kind { Literal, Field, Claim, Param, Not, Compare, In, InRef, And, Or };
    Kind kind = Literal;
    QString op;
    QVariant value; // a literal; invalid is null
    QString name; // field, claim path or parameter
    QList<Node> children;
};

struct Context {
    QVariantMap record;
    QVariantMap auth;
    QVariantMap params;
};

inline bool isNumber(const QVariant &v)
{
    return v.typeId() == QMetaType::LongLong || v.typeId() == QMetaType::Double;
}

inline bool isTrue(const QVariant &v)
{
    return v.typeId() == QMetaType::Bool && v.toBool();
}

inline bool equal(const QVariant &a, const QVariant &b)
{
    if (!a.isValid() || !b.isValid())
        return !a.isValid() && !b.isValid();
    if (isNumber(a) && isNumber(b))
        return a.toDouble() == b.toDouble(); // the pool's numbers are exact doubles
    if (a.typeId() != b.typeId())
        return false;
    if (a.typeId() == QMetaType::Bool)
        return a.toBool() == b.toBool();
    if (a.typeId() == QMetaType::QString)
        return a.toString() == b.toString();
    return false; // lists equal nothing
}

inline bool ordered(const QVariant &a, const QVariant &b, const QString &op)
{
    int c = 0;
    if (isNumber(a) && isNumber(b))
        c = a.toDouble() < b.toDouble() ? -1 : a.toDouble() > b.toDouble() ? 1 : 0;
    else if (a.typeId() == QMetaType::QString && b.typeId() == QMetaType::QString)
        c = a.toString().toUcs4() < b.toString().toUcs4() ? -1 : a.toString() == b.toString() ? 0 : 1;
    else
        return false;
    return op == u"<" ? c < 0 : op == u"<=" ? c <= 0 : op == u">" ? c > 0 : c >= 0;
}

inline QVariant lookup(const Node &n, const Context &c)
{
    if (n.kind == Node::Field)
        return c.record.value(n.name);
    if (n.kind == Node::Param)
        return c.params.value(n.name);
    QVariant v = c.auth;
    for (const QString &key : n.name.split(u'.'))
        v = v.typeId() == QMetaType::QVariantMap ? v.toMap().value(key) : QVariant();
    return v;
}

inline QVariant evaluate(const Node &n, const Context &c)
{
    switch (n.kind) {
    case Node::Literal:
        return n.value;
    case Node::Field:
    case Node::Claim:
    case Node::Param:
        return lookup(n, c);
    case Node::Not: {
        const QVariant v = evaluate(n.children[0], c);
        return v.typeId() == QMetaType::Bool ? QVariant(!v.toBool()) : QVariant();
    }
    case Node::Compare: {
        const QVariant a = evaluate(n.children[0], c), b = evaluate(n.children[1], c);
        if (n.op == u"==" || n.op == u"!=")
            return equal(a, b) == (n.op == u"==");
        return ordered(a, b, n.op);
    }
    case Node::In: {
        const QVariant item = evaluate(n.children[0], c);
        for (qsizetype i = 1; i < n.children.size(); ++i) {
            if (equal(evaluate(n.children[i], c), item))
                return true;
        }
        return false;
    }
    case Node::InRef: {
        const QVariant item = evaluate(n.children[0], c);
        const QVariant list = evaluate(n.children[1], c);
        if (list.typeId() != QMetaType::QVariantList)
            return false;
        const QVariantList items = list.toList();
        return std::any_of(items.begin(), items.end(), [&](const QVariant &v) { return equal(v, item); });
    }
    case Node::And:
        return std::all_of(n.children.begin(), n.children.end(), [&](const Node &x) { return isTrue(evaluate(x, c)); });
    case Node::Or:
        return std::any_of(n.children.begin(), n.children.end(), [&](const Node &x) { return isTrue(evaluate(x, c)); });
    }
    return {};
}

class Generator {
public:
    explicit Generator(quint32 seed)
        : rng(seed)
    {
    }

    QVariant scalar()
    {
        static const QVariantList pool { QVariant(), true, false, qint64(0), qint64(1), qint64(-1), qint64(2), 1.0, 1.5,
            -2.5, u"a"_s, u"b"_s, u""_s, u"it's"_s, u"x\"y"_s, u"1"_s, u"😀"_s, u"\uffff"_s, u"é"_s };
        return pool[rng.bounded(int(pool.size()))];
    }

    QVariant value()
    {
        if (rng.bounded(8) == 0)
            return QVariantList { scalar(), scalar() };
        return scalar();
    }

    Context context()
    {
        Context c;
        for (const QString &f : { u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"l"_s }) {
            if (rng.bounded(4) != 0)
                c.record.insert(f, f == u"l" ? QVariant(QVariantList { scalar(), scalar() }) : value());
        }
        if (rng.bounded(4) != 0)
            c.auth.insert(u"sub"_s, value());
        if (rng.bounded(4) != 0)
            c.auth.insert(u"org"_s, rng.bounded(4) ? QVariant(QVariantMap { { u"id"_s, scalar() } }) : value());
        c.auth.insert(u"roles"_s, QVariantList { scalar(), scalar(), scalar() });
        for (const QString &p : { u"p"_s, u"q"_s }) {
            if (rng.bounded(4) != 0)
                c.params.insert(p, value());
        }
        c.params.insert(u"list"_s, QVariantList { scalar(), scalar() });
        return c;
    }

    Node operand()
    {
        static const QList<std::pair<Node::Kind, QString>> refs {
            { Node::Field, u"a"_s },
            { Node::Field, u"b"_s },
            { Node::Field, u"c"_s },
            { Node::Field, u"d"_s },
            { Node::Claim, u"sub"_s },
            { Node::Claim, u"org.id"_s },
            { Node::Param, u"p"_s },
            { Node::Param, u"q"_s },
        };
        Node n;
        if (rng.bounded(2) == 0) {
            n.value = scalar();
            return n;
        }
        const auto &ref = refs[rng.bounded(int(refs.size()))];
        n.kind = ref.first;
        n.name = ref.second;
        return n;
    }

    Node listRef()
    {
        static const QList<std::pair<Node::Kind, QString>> refs {
            { Node::Field, u"l"_s },
            { Node::Claim, u"roles"_s },
            { Node::Param, u"list"_s },
            { Node::Field, u"a"_s },
        };
        const auto &ref = refs[rng.bounded(int(refs.size()))];
        Node n;
        n.kind = ref.first;
        n.name = ref.second;
        return n;
    }

    Node expression(int depth)
    {
        if (depth == 0 || rng.bounded(4) == 0)
            return operand();
        static const QStringList ops { u"=="_s, u"!="_s, u"<"_s, u"<="_s, u">"_s, u">="_s };
        Node n;
        switch (rng.bounded(6)) {
        case 0:
            n.kind = Node::Not;
            n.children = { expression(depth - 1) };
            break;
        case 1:
            n.kind = Node::Compare;
            n.op = ops[rng.bounded(int(ops.size()))];
            n.children = { expression(depth - 1), expression(depth - 1) };
            break;
        case 2:
            n.kind = Node::In;
            n.children = { expression(depth - 1) };
            for (int i = rng.bounded(4); i > 0; --i)
                n.children.append(operand());
            break;
        case 3:
            n.kind = Node::InRef;
            n.children = { expression(depth - 1), listRef() };
            break;
        default:
            n.kind = rng.bounded(2) ? Node::And : Node::Or;
            for (int i = 2 + rng.bounded(2); i > 0; --i)
                n.children.append(expression(depth - 1));
        }
        return n;
    }

    QString text(const Node &n)
    {
        switch (n.kind) {
        case Node::Literal:
            return literal(n.value);
        case Node::Field:
            return u"record."_s + n.name;
        case Node::Claim:
            return u"auth."_s + n.name;
        case Node::Param:
            return u"$"_s + n.name;
        case Node::Not:
            return u"!"_s + space() + grouped(n.children[0]);
        case Node::Compare:
            return grouped(n.children[0]) + space() + n.op + space() + grouped(n.children[1]);
        case Node::In:
        case Node::InRef: {
            QStringList items;
            for (qsizetype i = 1; i < n.children.size(); ++i)
                items.append(text(n.children[i]));
            const QString list = n.kind == Node::InRef ? items.first() : u'[' + items.join(u',' + space()) + u']';
            return grouped(n.children[0]) + u" in "_s + list;
        }
        case Node::And:
        case Node::Or: {
            QStringList parts;
            for (const Node &child : n.children)
                parts.append(grouped(child));
            return parts.join(space() + (n.kind == Node::And ? u"&&"_s : u"||"_s) + space());
        }
        }
        return {};
    }

private:
    QString space() { return QStringList { u""_s, u" "_s, u"\n\t"_s }[rng.bounded(3)]; }

    QString grouped(const Node &n)
    {
        const bool leaf
            = n.kind == Node::Literal || n.kind == Node::Field || n.kind == Node::Claim || n.kind == Node::Param;
        return leaf ? text(n) : u'(' + space() + text(n) + space() + u')';
    }

    QString literal(const QVariant &v)
    {
        switch (v.typeId()) {
        case QMetaType::UnknownType:
            return u"null"_s;
        case QMetaType::Bool:
            return v.toBool() ? u"true"_s : u"false"_s;
        case QMetaType::LongLong:
            return QString::number(v.toLongLong());
        case QMetaType::Double:
            return QString::number(v.toDouble(), 'f', 1);
        default: {
            const QChar quote = rng.bounded(2) ? u'"' : u'\'';
            QString s = v.toString();
            s.replace(u'\\', u"\\\\"_s).replace(quote, u"\\"_s + quote);
            return quote + s + quote;
        }
        }
    }

    QRandomGenerator rng;
};

} // namespace Oracle
