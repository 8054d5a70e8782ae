// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// The oracle and the leak checker of tst_multiuser, written in plain C++ and
// on purpose NOT with Optimist::Expression: they state the test's rules
// again, so a mistake in the expression engine cannot hide in both.
//
// Records have the fields owner, list, title and n. The collection's rules:
//     read = write = record.owner == auth.sub || record.list == 'shared'
// Ids are "rid-<number>", titles "ttl-<number>-<version>": every title is
// written once, so a title found anywhere in a frame names one version of
// one record, and both can be found in any text with a regular expression.

#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

#include <algorithm>
#include <functional>

namespace MultiUser {

using namespace Qt::StringLiterals;

inline const QString SharedList = u"shared"_s;

//! A record's fields as the test compares them: owner, list, title, n (a
//! number; a missing n is its default 0), whatever JSON or QVariant types
//! they came in. Normalizing twice changes nothing.
inline QJsonObject normalized(const QJsonObject &fields)
{
    return { { u"owner"_s, fields.value(u"owner"_s).toString() }, { u"list"_s, fields.value(u"list"_s).toString() },
        { u"title"_s, fields.value(u"title"_s).toString() }, { u"n"_s, fields.value(u"n"_s).toDouble(0) } };
}

inline QJsonObject normalized(const QVariantMap &fields)
{
    return normalized(QJsonObject::fromVariantMap(fields));
}

//! Who may read a record: the rule the server is configured with, restated.
using ReadRule = std::function<bool(const QJsonObject &fields, const QString &user)>;

inline bool ruleRead(const QJsonObject &fields, const QString &user)
{
    return fields.value(u"owner"_s).toString() == user || fields.value(u"list"_s).toString() == SharedList;
}

//! One model (or raw subscription): whose it is and its filter, if any:
//! `record.list == $list` (filtered, with list = the parameter) or
//! `record.owner != auth.sub` (othersOnly).
struct Viewer {
    QString user;
    bool filtered = false;
    QString list;
    bool othersOnly = false;
};

//! How the oracle decides visibility; the edge test swaps in wrong ones.
struct Visibility {
    ReadRule read = ruleRead;
    bool applyFilter = true;
};

//! The records \a viewer must see, by id, out of the server's \a records.
inline QMap<QString, QJsonObject> expectedRecords(
    const QMap<QString, QJsonObject> &records, const Viewer &viewer, const Visibility &visibility = {})
{
    QMap<QString, QJsonObject> result;
    for (auto it = records.cbegin(); it != records.cend(); ++it) {
        if (!visibility.read(it.value(), viewer.user))
            continue;
        if (visibility.applyFilter && viewer.filtered && it.value().value(u"list"_s).toString() != viewer.list)
            continue;
        if (visibility.applyFilter && viewer.othersOnly && it.value().value(u"owner"_s).toString() == viewer.user)
            continue;
        result.insert(it.key(), normalized(it.value()));
    }
    return result;
}

//! What differs between what a model shows and what it should, in words
//! (empty: equal).
inline QStringList differences(const QMap<QString, QJsonObject> &actual, const QMap<QString, QJsonObject> &expected)
{
    QStringList result;
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        if (!actual.contains(it.key()))
            result.append(u"missing %1 %2"_s.arg(
                it.key(), QString::fromUtf8(QJsonDocument(it.value()).toJson(QJsonDocument::Compact))));
        else if (normalized(actual.value(it.key())) != it.value())
            result.append(u"%1 is %2, should be %3"_s.arg(it.key(),
                QString::fromUtf8(QJsonDocument(normalized(actual.value(it.key()))).toJson(QJsonDocument::Compact)),
                QString::fromUtf8(QJsonDocument(it.value()).toJson(QJsonDocument::Compact))));
    }
    for (auto it = actual.cbegin(); it != actual.cend(); ++it) {
        if (!expected.contains(it.key()))
            result.append(u"extra %1 %2"_s.arg(
                it.key(), QString::fromUtf8(QJsonDocument(normalized(it.value())).toJson(QJsonDocument::Compact))));
    }
    return result;
}

//! One version of a record from the server's change log: the after-image
//! of the transaction numbered seq (the cursor; a record's rev), or a remove.
struct Version {
    QString id;
    qint64 seq = 0;
    bool removed = false;
    QJsonObject fields; // normalized
};

//! A frame one receiver got: its text, and how many transactions the server
//! had applied when it arrived (the server runs in the test's thread, so a
//! frame cannot show a state later than that).
struct Frame {
    QString receiver; // "alice/client", "alice/raw"
    QString user;
    int socket = 0; // which connection of the receiver
    qint64 appliedAt = 0;
    QString text;
};

//! Checks every frame against the server's history: no frame carries an id,
//! a title or a version of a record its receiver could not read when the
//! frame arrived. What a receiver wrote itself (ids and titles it sent in a
//! push, even refused ones) it may be told about.
class LeakChecker {
public:
    explicit LeakChecker(const QList<Version> &history, const ReadRule &read = ruleRead)
        : m_read(read)
    {
        for (const Version &version : history) {
            m_versions.insert(key(version.id, version.seq), version);
            m_byId[version.id].append(version);
            if (version.removed)
                continue;
            m_byToken[version.id].append(version);
            m_byToken[version.fields.value(u"title"_s).toString()].append(version);
        }
    }

    //! Ids and titles \a receiver sent itself (in a push, even a refused one).
    void addWritten(const QString &receiver, const QString &idOrTitle) { m_written[receiver].insert(idOrTitle); }

    //! Findings for \a frame, in words (empty: clean). Frames of one
    //! receiver must be checked in the order they arrived.
    QStringList check(const Frame &frame)
    {
        QStringList findings;
        const QString where = u"%1 (socket %2, at %3): "_s.arg(frame.receiver).arg(frame.socket).arg(frame.appliedAt);
        checkTokens(frame, where, &findings);
        const QJsonObject message = QJsonDocument::fromJson(frame.text.toUtf8()).object();
        const QString type = message.value(u"type"_s).toString();
        if (type == u"snapshot"_s) {
            for (const QJsonValue &record : message.value(u"records"_s).toArray()) {
                checkUpsert(frame, record.toObject(), where, &findings);
                checkCurrent(record.toObject(), message, where, &findings);
            }
        } else if (type == u"delta"_s) {
            for (const QJsonValue &value : message.value(u"changes"_s).toArray()) {
                const QJsonObject change = value.toObject();
                if (change.value(u"op"_s).toString() == u"remove"_s) {
                    checkRemove(frame, change.value(u"id"_s).toString(), where, &findings);
                } else {
                    checkUpsert(frame, change, where, &findings);
                    checkInWindow(change, message, where, &findings);
                }
            }
        }
        return findings;
    }

private:
    static QString key(const QString &id, qint64 seq) { return id + u'@' + QString::number(seq); }

    //! Whether \a user could read, at or before \a appliedAt, some version
    //! of a record that has the id or the title \a token.
    bool readableBy(const QString &user, qint64 appliedAt, const QString &token) const
    {
        const QList<Version> versions = m_byToken.value(token);
        return std::any_of(versions.cbegin(), versions.cend(),
            [&](const Version &v) { return v.seq <= appliedAt && m_read(v.fields, user); });
    }

    void checkTokens(const Frame &frame, const QString &where, QStringList *findings) const
    {
        static const QRegularExpression token(u"rid-\\d+|ttl-\\d+-\\d+"_s);
        QSet<QString> seen;
        for (auto it = token.globalMatch(frame.text); it.hasNext();) {
            const QString found = it.next().captured();
            if (seen.contains(found) || m_written.value(frame.receiver).contains(found))
                continue;
            seen.insert(found);
            if (!readableBy(frame.user, frame.appliedAt, found))
                findings->append(
                    where + u"carries %1, which %2 could not read: %3"_s.arg(found, frame.user, frame.text.left(300)));
        }
    }

    void checkUpsert(const Frame &frame, const QJsonObject &record, const QString &where, QStringList *findings)
    {
        const QString id = record.value(u"id"_s).toString();
        const qint64 rev = record.value(u"rev"_s).toInteger(-1);
        const auto version = m_versions.constFind(key(id, rev));
        if (version == m_versions.cend() || version->removed) {
            findings->append(where + u"upsert of %1 at rev %2, a version the server never wrote"_s.arg(id).arg(rev));
        } else if (normalized(record.value(u"fields"_s).toObject()) != version->fields) {
            findings->append(
                where + u"upsert of %1 at rev %2 with fields other than that version's"_s.arg(id).arg(rev));
        } else if (!m_read(version->fields, frame.user) || rev > frame.appliedAt) {
            findings->append(
                where + u"upsert of %1 at rev %2, which %3 cannot read"_s.arg(id).arg(rev).arg(frame.user));
        }
        m_delivered[frame.receiver].insert(id);
    }

    // "At that moment", for the reference server, whose cursors are the
    // decimal seq of its change log: a snapshot at cursor C holds each record
    // as it was at C; a delta's upserts are versions written after its
    // prevCursor and at or before its cursor.
    void checkCurrent(
        const QJsonObject &record, const QJsonObject &snapshot, const QString &where, QStringList *findings) const
    {
        const QString id = record.value(u"id"_s).toString();
        const qint64 cursor = snapshot.value(u"cursor"_s).toString().toLongLong();
        qint64 latest = -1;
        bool removed = true;
        for (const Version &version : m_byId.value(id)) {
            if (version.seq <= cursor && version.seq > latest) {
                latest = version.seq;
                removed = version.removed;
            }
        }
        if (removed || latest != record.value(u"rev"_s).toInteger(-1))
            findings->append(where
                + u"snapshot at %1 holds %2 at rev %3, not as it was at %1"_s.arg(cursor).arg(id).arg(
                    record.value(u"rev"_s).toInteger(-1)));
    }

    static void checkInWindow(
        const QJsonObject &change, const QJsonObject &delta, const QString &where, QStringList *findings)
    {
        const qint64 rev = change.value(u"rev"_s).toInteger(-1);
        const qint64 from = delta.value(u"prevCursor"_s).toString().toLongLong();
        const qint64 to = delta.value(u"cursor"_s).toString().toLongLong();
        if (rev <= from || rev > to)
            findings->append(where
                + u"delta from %1 to %2 carries %3 at rev %4"_s.arg(from)
                      .arg(to)
                      .arg(change.value(u"id"_s).toString())
                      .arg(rev));
    }

    void checkRemove(const Frame &frame, const QString &id, const QString &where, QStringList *findings) const
    {
        if (!m_delivered.value(frame.receiver).contains(id))
            findings->append(where + u"remove of %1, which this receiver was never sent"_s.arg(id));
    }

    ReadRule m_read;
    QHash<QString, Version> m_versions; // by id@seq
    QHash<QString, QList<Version>> m_byId; // removes too
    QHash<QString, QList<Version>> m_byToken; // by id and by title
    QHash<QString, QSet<QString>> m_written;
    QHash<QString, QSet<QString>> m_delivered;
};

} // namespace MultiUser
