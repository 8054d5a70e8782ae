// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// The client id alone: kept in the settings, and never shared by two
// clients running at once (a lock file guards it).
#include "clientidentity_p.h"

#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Optimist::ClientIdentity;

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
        identity.id = u"alice"_s;
        QVERIFY(!identity.ensure(settings, dir.path()));
        QCOMPARE(identity.id, u"alice"_s);
        QVERIFY(!settings.contains(u"Optimist/clientId"_s));
    }
};

QTEST_GUILESS_MAIN(tst_ClientIdentity)
#include "tst_clientidentity.moc"
