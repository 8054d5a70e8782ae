// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// SyncClient::storageDirectory takes what apps have at hand: a path, or a
// file: URL as QML's StandardPaths and folder dialogs give it. Anything
// else is refused in words, and creates nothing.

#include "syncfixture.h"

#include <optimist/errorcodes.h>

#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
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
    // An outside tester's finding: a storage directory under a file gave a
    // garbled errorString, wiped at the welcome, no errorOccurred, and the
    // status bar said "Synced".
    void shouldSayOnceWhenEditsCannotBeKeptOffline()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(u"afile"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("hi\n");
        file.close();
        TestServer server;
        QVERIFY(server.start());
        Peer peer = makePeer({}, u"nw1"_s);
        QSignalSpy errors(peer.client.get(), &Optimist::SyncClient::errorOccurred);
        QSignalSpy storageErrorChanged(peer.client.get(), &Optimist::SyncClient::storageErrorChanged);
        peer.client->setStorageDirectory(dir.filePath(u"afile/sub"_s));
        peer.client->setUrl(server.server->url());
        QTRY_VERIFY(isLive(peer));

        // Said in one sentence, with a code, and still there after the welcome
        const QString expected = u"cannot keep edits offline: %1 is not a writable directory: %2 is a file"_s.arg(
            dir.filePath(u"afile/sub"_s), dir.filePath(u"afile"_s));
        QCOMPARE(peer.client->storageError(), expected);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), Optimist::ErrorCode::StorageFailed);
        QCOMPARE(errors.at(0).at(1).toString(), expected);
        QVERIFY2(peer.client->errorString().isEmpty(), qPrintable(peer.client->errorString()));

        // and not again at each edit, which still syncs.
        for (int i = 0; i < 3; ++i)
            peer.model->insert({ { u"title"_s, u"edit %1"_s.arg(i) } });
        QTRY_COMPARE(peer.client->outboxCount(), 0);
        QCOMPARE(peer.client->state(), Optimist::SyncClient::Connected);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(storageErrorChanged.count(), 1);

        // Once the directory can be made, the next save clears it.
        QVERIFY(QFile::remove(dir.filePath(u"afile"_s)));
        peer.model->insert({ { u"title"_s, u"kept"_s } });
        QTRY_VERIFY(peer.client->storageError().isEmpty());
        QTRY_COMPARE(peer.client->outboxCount(), 0);
        QTRY_VERIFY(QFile::exists(dir.filePath(u"afile/sub/cache-nw1.sqlite"_s)));
        QCOMPARE(errors.count(), 1);
    }

    // The docs say unreadable files are moved aside: an outbox that is a
    // directory was not, and every save logged "cannot remove …".
    void shouldMoveAnOutboxThatIsADirectoryAside()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath(u"outbox-nw2.json/inside"_s));
        TestServer server;
        QVERIFY(server.start());
        QTest::failOnWarning(QRegularExpression(u"cannot (remove|write)"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot restore the outbox.*kept as"_s));
        Peer peer = makePeer({}, u"nw2"_s);
        peer.client->setStorageDirectory(dir.path());
        peer.client->setUrl(server.server->url());
        QTRY_VERIFY(isLive(peer));
        QVERIFY(!QFileInfo(dir.filePath(u"outbox-nw2.json"_s)).isDir());
        QVERIFY2(contents(dir.path()).filter(u"outbox-nw2.json.bad-"_s).size() == 2, // the directory and what it held
            qPrintable(contents(dir.path()).join(u", "_s)));

        // Edits are kept and settle without complaints.
        peer.client->setActive(false);
        peer.model->insert({ { u"title"_s, u"offline"_s } });
        QTRY_VERIFY(QFileInfo(dir.filePath(u"outbox-nw2.json"_s)).isFile());
        peer.client->setActive(true);
        QTRY_COMPARE(peer.client->outboxCount(), 0);
        QTRY_VERIFY(!QFile::exists(dir.filePath(u"outbox-nw2.json"_s)));
        QVERIFY(peer.client->storageError().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_StorageDirectory)

#include "tst_storagedirectory.moc"
