// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// optimist-bench-expression: evaluations per second of a typical rule, the
// cost the server pays per change per subscriber. See docs/benchmarks.md.
#include <optimist/expression.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTextStream>

#include <atomic>
#include <cstddef>

// Counts heap allocations (Qt's containers call malloc directly, and
// operator new does too), to report them per evaluation. glibc only, and not
// under a sanitizer, which has its own malloc.
static std::atomic<qint64> allocations { 0 };

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
extern "C" {
void *__libc_malloc(std::size_t);
void *__libc_calloc(std::size_t, std::size_t);
void *__libc_realloc(void *, std::size_t);

void *malloc(std::size_t size)
{
    allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(size);
}

void *calloc(std::size_t count, std::size_t size)
{
    allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(count, size);
}

void *realloc(void *p, std::size_t size)
{
    allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(p, size);
}
}
#endif

using namespace Qt::StringLiterals;
using namespace Optimist;

namespace {

// Runs evaluate() n times; reports evaluations per second and allocations
// per evaluation, and counts the matches.
QString measure(const Expression &rule, const Expression::Context &context, qint64 n, qint64 *matches)
{
    const qint64 allocated = allocations;
    QElapsedTimer timer;
    timer.start();
    for (qint64 i = 0; i < n; ++i)
        *matches += rule.evaluate(context);
    const double ns = double(std::max<qint64>(timer.nsecsElapsed(), 1));
    return u"%1 evaluations/s, %2 allocations per evaluation"_s.arg(qint64(double(n) * 1e9 / ns))
        .arg(double(allocations - allocated) / double(n));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool quick = app.arguments().contains(u"--quick"_s);
    const qint64 n = quick ? 10000 : 5000000;
    QTextStream out(stdout);

    const QString text = u"record.owner == auth.sub && !record.done || record.list in $lists"_s;
    Expression::ParseError error;
    const Expression rule = Expression::parse(text, &error);
    if (rule.isNull()) {
        out << error.message << Qt::endl;
        return 1;
    }
    Expression::Context context;
    context.record = { { u"id"_s, u"r1"_s }, { u"owner"_s, u"user-17"_s }, { u"done"_s, false },
        { u"list"_s, u"list-3"_s }, { u"title"_s, u"Milk"_s }, { u"rank"_s, 12 } };
    context.auth = { { u"sub"_s, u"user-42"_s }, { u"iss"_s, u"https://id.example"_s } };
    context.params = { { u"lists"_s, QVariantList { u"list-1"_s, u"list-2"_s, u"list-3"_s } } };

    qint64 matches = 0;
    out << "rule: " << text << Qt::endl;
    out << "QVariantMap record: " << measure(rule, context, n, &matches) << Qt::endl;
    context.jsonRecord = QJsonObject::fromVariantMap(context.record);
    out << "QJsonObject record: " << measure(rule, context, n, &matches) << Qt::endl;

    QElapsedTimer timer;
    timer.start();
    const qint64 parses = n / 20;
    for (qint64 i = 0; i < parses; ++i)
        matches += Expression::parse(text).isNull();
    out << "parse: " << qint64(double(parses) * 1e9 / double(std::max<qint64>(timer.nsecsElapsed(), 1))) << " parses/s"
        << Qt::endl;
    return matches == 2 * n ? 0 : 1; // every evaluation matches (through the list)
}
