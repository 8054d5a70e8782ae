// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// The real optimist-todo process, on its embedded server, renders its demo
// state and writes a screenshot: what tools/make-screenshot and the README
// rely on.

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;

class tst_TodoScreenshot : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpShouldWorkWithoutADisplay_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("--help") << u"--help"_s << "--user"_ba;
        QTest::newRow("-h") << u"-h"_s << "--screenshot"_ba;
        QTest::newRow("--version") << u"--version"_s << "optimist-todo"_ba;
    }

    void helpShouldWorkWithoutADisplay()
    {
        QFETCH(QString, option);
        QFETCH(QByteArray, expected);
        // No display, no platform chosen: what a terminal over ssh has.
        QProcess todo;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &name : { u"QT_QPA_PLATFORM"_s, u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s })
            environment.remove(name);
        todo.setProcessEnvironment(environment);
        todo.start(QStringLiteral(OPTIMIST_TODO_EXE), { option });
        QVERIFY2(todo.waitForStarted(), qPrintable(todo.errorString()));
        QVERIFY(todo.waitForFinished(60000));
        const QByteArray output = todo.readAllStandardOutput();
        QCOMPARE(todo.exitStatus(), QProcess::NormalExit);
        QVERIFY2(todo.exitCode() == 0, todo.readAllStandardError().constData());
        QVERIFY2(output.contains(expected), output.constData());
    }

    void shouldWriteAScreenshotOfTheDemoList()
    {
        // Given an empty data directory for the embedded server
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"todo.png"_s);

        // When the app runs its demo and takes a screenshot
        QProcess todo;
        todo.setProgram(QStringLiteral(OPTIMIST_TODO_EXE));
        todo.setArguments({ u"--data-dir"_s, dir.path(), u"--demo"_s, u"--screenshot"_s, file });
        todo.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s)); // its settings (client id) too
        todo.setProcessEnvironment(environment);
        todo.start();
        QVERIFY2(todo.waitForStarted(), qPrintable(todo.errorString()));
        QVERIFY(todo.waitForFinished(120000));
        const QByteArray output = todo.readAllStandardOutput();

        // Then it exits cleanly, having written the window's image
        QCOMPARE(todo.exitStatus(), QProcess::NormalExit);
        QCOMPARE(todo.exitCode(), 0);
        QVERIFY2(output.contains("wrote"), output.constData());
        QVERIFY(QFile::exists(dir.filePath(u"todos.sqlite"_s)));
        const QImage image(file);
        QVERIFY2(!image.isNull(), qPrintable(file));
        QCOMPARE(image.size(), QSize(520, 640));

        // and the image shows something: many colours (text is antialiased),
        // and no colour covers (almost) all of it.
        QHash<QRgb, int> histogram;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x)
                ++histogram[image.pixel(x, y)];
        }
        QVERIFY2(histogram.size() > 100, qPrintable(u"only %1 colours"_s.arg(histogram.size())));
        const int pixels = image.width() * image.height();
        int mostCommon = 0;
        for (const int count : std::as_const(histogram))
            mostCommon = std::max(mostCommon, count);
        QVERIFY2(mostCommon < pixels * 95 / 100,
            qPrintable(u"one colour covers %1 of %2 pixels"_s.arg(mostCommon).arg(pixels)));
    }
};

QTEST_MAIN(tst_TodoScreenshot)

#include "tst_todoscreenshot.moc"
