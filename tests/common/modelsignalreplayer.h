// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// Test helpers that watch a QAbstractItemModel's signals.
//
// ModelSignalReplayer keeps a shadow copy of every row (all roles) and
// applies each structural signal and dataChanged() to it, reading from the
// model only what the signal says changed. At EVERY signal (the "about to"
// ones included) it compares the shadow with the model's rowCount() and
// data(), all roles: inside any handler the model must return exactly what
// its signals so far announced, because proxies and views read it there. A
// change the model made without signalling it (or before signalling it), a
// signal with the wrong range, or a dataChanged() naming a role that did not
// change all show up in verify(). So a model that passes verify() emits
// complete, minimal and timely signals.
//
// ModelSignalRecorder records the signal sequence as short strings, for
// exact-signal assertions:
//   "rowsInserted(0,1)", "rowsRemoved(2,2)", "rowsMoved(3,3->0)",
//   "dataChanged(1,1:[257,272])" (roles sorted), "modelReset", "layoutChanged".

#include <QtCore/QAbstractItemModel>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPersistentModelIndex>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

namespace OptimistTest {

//! Values compare equal only when both are null or both hold equal values
//! (QVariant's operator== says a null int equals 0; a model showing null
//! must not pass for one showing 0).
inline bool sameValue(const QVariant &a, const QVariant &b)
{
    if (a.isNull() != b.isNull())
        return false;
    if (a.isNull())
        return true;
    return a == b && a.metaType() == b.metaType();
}

inline QString describe(const QVariant &v)
{
    if (!v.isValid())
        return QStringLiteral("<invalid>");
    QString text = v.toString();
    if (v.isNull())
        text = QStringLiteral("null");
    return text + QLatin1Char('(') + QString::fromLatin1(v.typeName()) + QLatin1Char(')');
}

class ModelSignalReplayer : public QObject {
public:
    explicit ModelSignalReplayer(QAbstractItemModel *model, QObject *parent = nullptr)
        : QObject(parent)
        , m_model(model)
    {
        connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] { check("rowsAboutToBeInserted"); });
        connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
            if (first < 0 || first > int(m_rows.size()) || first > last || last >= m_model->rowCount())
                return note(QStringLiteral("rowsInserted(%1,%2) outside the model").arg(first).arg(last));
            for (int row = first; row <= last; ++row)
                m_rows.insert(m_rows.begin() + row, readRow(row));
            check("rowsInserted");
        });
        connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this] { check("rowsAboutToBeRemoved"); });
        connect(model, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex &, int first, int last) {
            if (first < 0 || last >= int(m_rows.size()) || first > last) {
                note(QStringLiteral("rowsRemoved(%1,%2) outside the shadow's %3 rows")
                         .arg(first)
                         .arg(last)
                         .arg(m_rows.size()));
                return;
            }
            m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
            check("rowsRemoved");
        });
        connect(model, &QAbstractItemModel::rowsAboutToBeMoved, this, [this] { check("rowsAboutToBeMoved"); });
        connect(model, &QAbstractItemModel::rowsMoved, this,
            [this](const QModelIndex &, int first, int last, const QModelIndex &, int dest) {
                if (first < 0 || last >= int(m_rows.size()) || first > last) {
                    note(QStringLiteral("rowsMoved(%1,%2) outside the shadow").arg(first).arg(last));
                    return;
                }
                std::vector<Row> block(m_rows.begin() + first, m_rows.begin() + last + 1);
                m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
                const int at = dest > last ? dest - (last - first + 1) : dest;
                m_rows.insert(m_rows.begin() + at, block.begin(), block.end());
                check("rowsMoved");
            });
        connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
                const QList<int> which = roles.isEmpty() ? m_roles : roles;
                for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
                    if (row < 0 || row >= int(m_rows.size()) || row >= m_model->rowCount()) {
                        note(QStringLiteral("dataChanged on row %1 outside the shadow").arg(row));
                        return;
                    }
                    for (int role : which) {
                        const QVariant now = m_model->data(m_model->index(row, 0), role);
                        if (!roles.isEmpty() && sameValue(m_rows[row][role], now))
                            note(QStringLiteral("dataChanged(%1) names role %2 (%3) that did not change")
                                     .arg(row)
                                     .arg(role)
                                     .arg(QString::fromUtf8(m_model->roleNames().value(role))));
                        m_rows[row][role] = now;
                    }
                }
                check("dataChanged");
            });
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, [this] { check("modelAboutToBeReset"); });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { reload(); });
        connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, [this] {
            check("layoutAboutToBeChanged");
            m_layoutIndexes.clear();
            for (int row = 0; row < int(m_rows.size()); ++row)
                m_layoutIndexes.append(QPersistentModelIndex(m_model->index(row, 0)));
        });
        connect(model, &QAbstractItemModel::layoutChanged, this, [this] {
            std::vector<Row> reordered(m_rows.size());
            std::vector<bool> filled(m_rows.size(), false);
            for (int old = 0; old < m_layoutIndexes.size(); ++old) {
                const int now = m_layoutIndexes.at(old).row();
                if (now < 0 || now >= int(reordered.size()) || filled[now]) {
                    note(QStringLiteral("layoutChanged: persistent index of row %1 went to %2").arg(old).arg(now));
                    continue;
                }
                reordered[now] = m_rows[old];
                filled[now] = true;
            }
            m_rows = std::move(reordered);
            m_layoutIndexes.clear();
            check("layoutChanged");
        });
        reload();
    }

    //! The first difference between the shadow and the model, at any signal
    //! so far or now, or an empty string.
    QString verify() const
    {
        if (!m_problems.isEmpty())
            return m_problems.first();
        return difference();
    }

    //! Forgets the problems seen so far (after a step a test checked).
    void clearProblems() { m_problems.clear(); }

private:
    using Row = std::map<int, QVariant>;

    void note(const QString &problem) { m_problems.append(problem); }

    //! Inside the handler of \a signal: notes the first difference (later
    //! ones usually follow from it).
    void check(const char *signal)
    {
        if (!m_problems.isEmpty())
            return;
        if (const QString problem = difference(); !problem.isEmpty())
            note(QStringLiteral("in %1: %2").arg(QLatin1StringView(signal), problem));
    }

    QString difference() const
    {
        if (int(m_rows.size()) != m_model->rowCount())
            return QStringLiteral("the shadow has %1 rows, the model %2").arg(m_rows.size()).arg(m_model->rowCount());
        for (int row = 0; row < int(m_rows.size()); ++row) {
            for (int role : m_roles) {
                const QVariant now = m_model->data(m_model->index(row, 0), role);
                const auto found = m_rows[row].find(role);
                const QVariant shadow = found == m_rows[row].end() ? QVariant() : found->second;
                if (!sameValue(shadow, now)) {
                    return QStringLiteral("row %1 role %2 (%3): signalled %4, model has %5")
                        .arg(row)
                        .arg(role)
                        .arg(QString::fromUtf8(m_model->roleNames().value(role)), describe(shadow), describe(now));
                }
            }
        }
        return {};
    }

    Row readRow(int row) const
    {
        Row values;
        for (int role : m_roles)
            values[role] = m_model->data(m_model->index(row, 0), role);
        return values;
    }

    void reload()
    {
        m_roles = m_model->roleNames().keys();
        std::sort(m_roles.begin(), m_roles.end());
        m_rows.clear();
        for (int row = 0; row < m_model->rowCount(); ++row)
            m_rows.push_back(readRow(row));
    }

    QAbstractItemModel *m_model;
    QList<int> m_roles;
    std::vector<Row> m_rows;
    QList<QPersistentModelIndex> m_layoutIndexes;
    QStringList m_problems;
};

class ModelSignalRecorder : public QObject {
public:
    explicit ModelSignalRecorder(QAbstractItemModel *model, QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
            m_signals.append(QStringLiteral("rowsInserted(%1,%2)").arg(first).arg(last));
        });
        connect(model, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex &, int first, int last) {
            m_signals.append(QStringLiteral("rowsRemoved(%1,%2)").arg(first).arg(last));
        });
        connect(model, &QAbstractItemModel::rowsMoved, this,
            [this](const QModelIndex &, int first, int last, const QModelIndex &, int dest) {
                m_signals.append(QStringLiteral("rowsMoved(%1,%2->%3)").arg(first).arg(last).arg(dest));
            });
        connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
                m_signals.append(QStringLiteral("dataChanged(%1,%2:%3)")
                                     .arg(topLeft.row())
                                     .arg(bottomRight.row())
                                     .arg(rolesText(roles)));
            });
        connect(
            model, &QAbstractItemModel::modelReset, this, [this] { m_signals.append(QStringLiteral("modelReset")); });
        connect(model, &QAbstractItemModel::layoutChanged, this,
            [this] { m_signals.append(QStringLiteral("layoutChanged")); });
    }

    static QString rolesText(QList<int> roles)
    {
        std::sort(roles.begin(), roles.end());
        QStringList parts;
        for (int role : roles)
            parts.append(QString::number(role));
        return QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
    }

    QStringList signalList() const { return m_signals; }
    //! The signals recorded so far; forgets them.
    QStringList take() { return std::exchange(m_signals, {}); }
    void clear() { m_signals.clear(); }

private:
    QStringList m_signals;
};

} // namespace OptimistTest
