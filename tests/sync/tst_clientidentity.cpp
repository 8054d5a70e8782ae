// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The client id alone: kept in the settings, and never shared by two
// clients running at once (a lock file guards it).
#include "clientidentity_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Optimist::ClientIdentity;

static QString readId(const QString &storageDirectory)
{
    QFile file(ClientIdentity::idFilePath(storageDirectory));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

class tst_ClientIdentity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shouldKeepTheStoredIdForOneClientAtATime()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);

        // The first client chooses an id and stores it
        auto first = std::make_unique<ClientIdentity>();
        QVERIFY(first->ensure(settings, dir.path()));
        QVERIFY(!first->id.isEmpty());
        QCOMPARE(settings.value(u"Optimist/clientId"_s).toString(), first->id);
        QVERIFY(!first->ensure(settings, dir.path())); // chosen once
        const QString stored = first->id;

        // a second one running meanwhile gets a fresh id, not stored
        ClientIdentity second;
        QVERIFY(second.ensure(settings, dir.path()));
        QVERIFY(second.id != stored);
        QCOMPARE(settings.value(u"Optimist/clientId"_s).toString(), stored);

        // and once the first is gone, the next one takes the stored id.
        first.reset();
        ClientIdentity third;
        QVERIFY(third.ensure(settings, dir.path()));
        QCOMPARE(third.id, stored);
    }

    void shouldKeepAnIdTheAppSet()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
        ClientIdentity identity;
        identity.setByApp(u"alice"_s);
        QVERIFY(!identity.ensure(settings, dir.path()));
        QCOMPARE(identity.id, u"alice"_s);
        QVERIFY(!settings.contains(u"Optimist/clientId"_s));
    }
    // Two users of one app on one machine, each with a storage directory,
    // got the one QSettings id: the server binds it to one of them.
    void shouldKeepAGeneratedIdPerStorageDirectory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
        settings.setValue(u"Optimist/clientId"_s, u"installation"_s);
        const QString alice = dir.filePath(u"alice"_s);
        const QString bob = dir.filePath(u"bob"_s);
        QString aliceId;
        {
            ClientIdentity identity;
            QVERIFY(identity.ensure(settings, dir.path(), alice));
            aliceId = identity.id;
            QCOMPARE(identity.source, ClientIdentity::Source::Directory);
            QCOMPARE(identity.errorString, QString());
        }
        QVERIFY(aliceId != u"installation"_s); // a new directory holds nothing of that id
        QCOMPARE(readId(alice), aliceId);
        ClientIdentity bobIdentity;
        QVERIFY(bobIdentity.ensure(settings, dir.path(), bob));
        QVERIFY(bobIdentity.id != aliceId);
        QCOMPARE(readId(bob), bobIdentity.id);
        // Each directory keeps its own, in either order.
        ClientIdentity again;
        QVERIFY(again.ensure(settings, dir.path(), alice));
        QCOMPARE(again.id, aliceId);
        QCOMPARE(settings.value(u"Optimist/clientId"_s).toString(), u"installation"_s);
    }

    void shouldKeepTheIdADirectorysFilesAreNamedBy_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("expected");
        QTest::newRow("outbox") << QStringList { u"outbox-old.json"_s } << u"old"_s;
        QTest::newRow("cache") << QStringList { u"cache-old.sqlite"_s } << u"old"_s;
        QTest::newRow("the settings' id first")
            << QStringList { u"cache-other.sqlite"_s, u"cache-installation.sqlite"_s } << u"installation"_s;
        QTest::newRow("moved-aside files are not")
            << QStringList { u"outbox-old.json.bad-20260101T000000000"_s } << QString();
    }

    void shouldKeepTheIdADirectorysFilesAreNamedBy()
    {
        QFETCH(QStringList, files);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
        settings.setValue(u"Optimist/clientId"_s, u"installation"_s);
        const QString storage = dir.filePath(u"storage"_s);
        QVERIFY(QDir().mkpath(storage));
        for (const QString &name : std::as_const(files)) {
            QFile file(QDir(storage).filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        ClientIdentity identity;
        QVERIFY(identity.ensure(settings, dir.path(), storage));
        if (expected.isEmpty())
            QVERIFY(identity.id != u"old"_s && identity.id != u"installation"_s);
        else
            QCOMPARE(identity.id, expected);
        QCOMPARE(readId(storage), identity.id); // from now on kept in client-id
    }

    void shouldKeepARenewedIdWhereTheOldOneWas_data()
    {
        QTest::addColumn<bool>("withDirectory");
        QTest::newRow("storage directory") << true;
        QTest::newRow("settings") << false;
    }

    void shouldKeepARenewedIdWhereTheOldOneWas()
    {
        QFETCH(bool, withDirectory);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
        const QString storage = withDirectory ? dir.filePath(u"storage"_s) : QString();
        ClientIdentity identity;
        QVERIFY(identity.ensure(settings, dir.path(), storage));
        const QString old = identity.id;
        QCOMPARE(identity.renew(settings, dir.path()), old);
        QVERIFY(identity.id != old);
        if (withDirectory) {
            QCOMPARE(readId(storage), identity.id);
            QVERIFY(!settings.contains(u"Optimist/clientId"_s));
        } else {
            QCOMPARE(settings.value(u"Optimist/clientId"_s).toString(), identity.id);
        }
    }

    void shouldSayWhyTheIdCannotBeKept()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
        QFile file(dir.filePath(u"afile"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        ClientIdentity identity;
        QVERIFY(identity.ensure(settings, dir.path(), dir.filePath(u"afile/sub"_s)));
        QVERIFY(!identity.id.isEmpty()); // used all the same, for this run
        QVERIFY2(identity.errorString.contains(u"client-id"_s), qPrintable(identity.errorString));
    }
};

QTEST_GUILESS_MAIN(tst_ClientIdentity)
#include "tst_clientidentity.moc"
