// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The record cache alone, on a real SQLite file: entries remember the
// server and the user they came from, a welcome keeps only its own, and a
// file from before users gains the user column.
#include "recordcache_p.h"

#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Optimist::RecordCache;
using Optimist::SnapshotRecord;

class tst_RecordCache : public QObject {
    Q_OBJECT

private:
    static QList<SnapshotRecord> oneRecord(const QString &id) { return { { id, 3, { { u"title"_s, u"t"_s } } } }; }

private Q_SLOTS:
    void shouldRememberTheServerAndUser()
    {
        QTemporaryDir dir;
        RecordCache cache(dir.path(), u"c1"_s);
        QVERIFY2(cache.open(), qPrintable(cache.errorString()));
        QVERIFY(cache.replace(u"todos\x1f!record.done\x1f{}"_s, u"s1"_s, u"ann"_s, u"7"_s, oneRecord(u"a"_s)));
        RecordCache::Collection loaded;
        QVERIFY(cache.load(u"todos\x1f!record.done\x1f{}"_s, &loaded));
        QCOMPARE(loaded.serverId, u"s1"_s);
        QCOMPARE(loaded.userId, u"ann"_s);
        QCOMPARE(loaded.cursor, u"7"_s);
        QCOMPARE(loaded.records.size(), 1);
        // The unfiltered entry of the same collection is another one.
        QVERIFY(!cache.load(u"todos"_s, &loaded));
    }

    void shouldKeepOnlyTheWelcomingServersAndUsersEntries_data()
    {
        QTest::addColumn<QString>("serverId");
        QTest::addColumn<QString>("userId");
        QTest::addColumn<QStringList>("kept");
        QTest::newRow("ann on s1") << u"s1"_s << u"ann"_s << QStringList { u"ann"_s };
        QTest::newRow("bob on s1") << u"s1"_s << u"bob"_s << QStringList { u"bob"_s };
        QTest::newRow("nobody on s1") << u"s1"_s << QString() << QStringList { u"nobody"_s };
        QTest::newRow("ann on s2") << u"s2"_s << u"ann"_s << QStringList();
    }

    void shouldKeepOnlyTheWelcomingServersAndUsersEntries()
    {
        QFETCH(QString, serverId);
        QFETCH(QString, userId);
        QFETCH(QStringList, kept);
        QTemporaryDir dir;
        RecordCache cache(dir.path(), u"c1"_s);
        QVERIFY(cache.open());
        QVERIFY(cache.replace(u"ann"_s, u"s1"_s, u"ann"_s, u"1"_s, oneRecord(u"a"_s)));
        QVERIFY(cache.replace(u"bob"_s, u"s1"_s, u"bob"_s, u"1"_s, oneRecord(u"b"_s)));
        QVERIFY(cache.replace(u"nobody"_s, u"s1"_s, QString(), u"1"_s, oneRecord(u"n"_s)));
        QVERIFY2(cache.keepOnly(serverId, userId), qPrintable(cache.errorString()));
        for (const QString &name : { u"ann"_s, u"bob"_s, u"nobody"_s }) {
            RecordCache::Collection loaded;
            QCOMPARE(cache.load(name, &loaded), kept.contains(name));
        }
        // The records went with their entries.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(cache.filePath());
        QVERIFY(db.open());
        QSqlQuery count(u"SELECT COUNT(*) FROM records"_s, db);
        QVERIFY(count.next());
        QCOMPARE(count.value(0).toInt(), kept.size());
        count = QSqlQuery();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"peek"_s);
    }

    void shouldAddTheUserToAFileFromBeforeUsers()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"cache-c1.sqlite"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(u"CREATE TABLE collections (name TEXT PRIMARY KEY, server_id TEXT NOT NULL,"
                               " cursor TEXT NOT NULL) WITHOUT ROWID"_s));
            QVERIFY(query.exec(u"INSERT INTO collections VALUES ('todos', 's1', '5')"_s));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"old"_s);
        RecordCache cache(dir.path(), u"c1"_s);
        QVERIFY2(cache.open(), qPrintable(cache.errorString()));
        QCOMPARE(cache.errorString(), QString()); // not moved aside
        RecordCache::Collection loaded;
        QVERIFY(cache.load(u"todos"_s, &loaded));
        QCOMPARE(loaded.cursor, u"5"_s);
        QCOMPARE(loaded.userId, QString());
    }
};

QTEST_GUILESS_MAIN(tst_RecordCache)
#include "tst_recordcache.moc"
