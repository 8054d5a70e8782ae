// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// SyncClient::storageDirectory takes what apps have at hand: a path, or a
// file: URL as QML's StandardPaths and folder dialogs give it. Anything
// else is refused in words, and creates nothing.

#include "syncfixture.h"

#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace OptimistTest;

class tst_StorageDirectory : public QObject {
    Q_OBJECT

private:
    //! Everything under \a dir, relative to it.
    static QStringList contents(const QString &dir)
    {
        QStringList entries;
        QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            entries.append(QDir(dir).relativeFilePath(it.next()));
        entries.sort();
        return entries;
    }

private Q_SLOTS:
    void shouldAcceptAPathOrAFileUrl_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("expected"); // relative to the temporary directory
        QTest::newRow("path") << u"%1/store"_s << u"store"_s;
        QTest::newRow("file URL") << u"file://%1/store"_s << u"store"_s;
        QTest::newRow("file URL, escaped space") << u"file://%1/my%20store"_s << u"my store"_s;
        QTest::newRow("file URL, one slash") << u"file:%1/store"_s << u"store"_s;
    }

    void shouldAcceptAPathOrAFileUrl()
    {
        QFETCH(QString, given);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        TestServer server;
        QVERIFY(server.start());
        Peer peer = makePeer({}, u"carol"_s);
        peer.client->setStorageDirectory(given.arg(dir.path()));
        QCOMPARE(peer.client->storageDirectory(), dir.filePath(expected));
        QVERIFY(peer.client->errorString().isEmpty());

        // and the record cache is kept there.
        peer.client->setUrl(server.server->url());
        QTRY_VERIFY(isLive(peer));
        QTRY_VERIFY(QDir(dir.filePath(expected)).exists(u"cache-carol.sqlite"_s));
    }

    void shouldRefuseOtherUrls_data()
    {
        QTest::addColumn<QString>("given");
        QTest::newRow("qrc") << u"qrc:/data"_s;
        QTest::newRow("http") << u"http://example.com/store"_s;
        QTest::newRow("ftp") << u"ftp://host/store"_s;
        QTest::newRow("unknown scheme") << u"content://com.example/store"_s;
    }

    void shouldRefuseOtherUrls()
    {
        QFETCH(QString, given);
        QTemporaryDir cwd;
        QVERIFY(cwd.isValid());
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(cwd.path()));
        auto restore = qScopeGuard([&] { QDir::setCurrent(before); });

        Optimist::SyncClient client;
        client.setClientId(u"carol"_s);
        QSignalSpy changed(&client, &Optimist::SyncClient::storageDirectoryChanged);
        client.setStorageDirectory(given);
        QCOMPARE(client.storageDirectory(), QString());
        QCOMPARE(changed.count(), 0);
        QVERIFY2(client.errorString().contains(u"local directory or a file: URL"_s), qPrintable(client.errorString()));
        QVERIFY2(client.errorString().contains(given), qPrintable(client.errorString()));
        // Nothing made in the current directory (the old code made "./qrc:/data").
        QCOMPARE(contents(cwd.path()), QStringList());
    }
};

QTEST_GUILESS_MAIN(tst_StorageDirectory)

#include "tst_storagedirectory.moc"
