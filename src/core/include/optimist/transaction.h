// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/optimistcore_export.h>

#include <QtCore/QObject>

#include <functional>
#include <memory>

namespace Optimist {

class ListModel;
class TransactionPrivate;

class OPTIMIST_CORE_EXPORT Transaction : public QObject {
    Q_OBJECT
    Q_PROPERTY(quint64 id READ id CONSTANT)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool finished READ isFinished NOTIFY stateChanged)
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)

public:
    enum State {
        Pending,
        Sent,
        Accepted,
        Rejected,
    };
    Q_ENUM(State)

    explicit Transaction(QObject *parent = nullptr);
    ~Transaction() override;

    quint64 id() const;
    State state() const;
    bool isFinished() const;
    bool isCommitted() const;
    QString errorCode() const;
    QString errorString() const;

    QList<Mutation> mutations() const;
    QList<ListModel *> models() const;

    bool autoDelete() const;
    void setAutoDelete(bool autoDelete);

    void commit();

    void run(const std::function<void()> &edits);

    static Transaction *current();

    // Transport API: what a sync layer calls.

    void markSent();
    void reject(const QString &code, const QString &message);

Q_SIGNALS:
    void stateChanged();
    void committed();
    void accepted();
    void rejected(const QString &code, const QString &message);
    void finished();

private:
    friend class ListModel;
    friend class ListModelPrivate;
    friend class TransactionPrivate;
    std::unique_ptr<TransactionPrivate> d;
};

} // namespace Optimist
