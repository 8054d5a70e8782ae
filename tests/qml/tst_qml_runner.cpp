// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
//
// Runs the tst_*.qml files. Until a SyncClient feeds the models, `transport`
// plays the server's part: it confirms or refuses what the QML side edits,
// through the same Transport API a sync layer calls. `RecordingTransport`
// (import OptimistTest) records what each model looked like when it was
// attached.

#include <optimist/listmodel.h>
#include <optimist/listmodelfeed.h>
#include <optimist/transaction.h>
#include <optimist/transport.h>

#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQuickTest/quicktest.h>

using namespace Qt::StringLiterals;

class LoopbackTransport : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    Q_INVOKABLE void snapshot(Optimist::ListModel *model, const QVariantList &records, const QString &cursor)
    {
        QList<QVariantMap> maps;
        for (const QVariant &record : records)
            maps.append(record.toMap());
        Optimist::ListModelFeed(model).applySnapshot(maps, cursor);
    }

    //! The server applies \a tx: every model it edits gets a delta with its
    //! effects and the acknowledgement, in one step.
    Q_INVOKABLE void accept(Optimist::Transaction *tx)
    {
        for (Optimist::ListModel *model : tx->models()) {
            QList<Optimist::RecordChange> changes;
            for (const Optimist::Mutation &m : tx->mutations()) {
                if (m.collection != model->collection())
                    continue;
                if (m.kind == Optimist::Mutation::Kind::Remove) {
                    changes.append(Optimist::RecordChange::remove(m.id));
                } else {
                    QVariantMap record
                        = m.kind == Optimist::Mutation::Kind::Insert ? QVariantMap() : model->confirmedRecord(m.id);
                    for (auto it = m.fields.cbegin(); it != m.fields.cend(); ++it)
                        record.insert(it.key(), it.value());
                    changes.append(Optimist::RecordChange::upsert(m.id, record));
                }
            }
            const QString next = QString::number(model->cursor().toInt() + 1);
            Optimist::ListModelFeed(model).applyDelta(changes, model->cursor(), next, { tx->id() });
        }
    }

    //! What a filter reads as auth: a signed-in user's claims.
    Q_INVOKABLE void signIn(Optimist::ListModel *model, const QString &userId)
    {
        Optimist::ListModelFeed(model).setFilterAuth({ { u"sub"_s, userId } });
    }

    Q_INVOKABLE void reject(Optimist::Transaction *tx, const QString &code, const QString &message)
    {
        tx->reject(code, message);
    }
};

class RecordingTransport : public Optimist::Transport {
    Q_OBJECT
    //! One "collection/field count" per attachModel(), in order.
    Q_PROPERTY(QStringList attached READ attached NOTIFY attachedChanged)
public:
    using Optimist::Transport::Transport;

    QStringList attached() const { return m_attached; }

    void attachModel(Optimist::ListModel *model) override
    {
        m_attached.append(u"%1/%2"_s.arg(model->collection()).arg(model->fields().size()));
        Q_EMIT attachedChanged();
    }
    void detachModel(Optimist::ListModel *) override { }

Q_SIGNALS:
    void attachedChanged();

private:
    QStringList m_attached;
};

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->rootContext()->setContextProperty(u"transport"_s, new LoopbackTransport(engine));
        qmlRegisterType<RecordingTransport>("OptimistTest", 1, 0, "RecordingTransport");
    }
};

QUICK_TEST_MAIN_WITH_SETUP(optimist, Setup)

#include "tst_qml_runner.moc"
