// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/change.h>
#include <optimist/optimistcore_export.h>

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QVariantMap>

namespace Optimist {

class ListModel;

class OPTIMIST_CORE_EXPORT ListModelFeed {
public:
    explicit ListModelFeed(ListModel *model)
        : m_model(model)
    {
    }

    ListModel *model() const { return m_model; }

    void applySnapshot(const QList<SnapshotRecord> &records, const QString &cursor) const;
    void applySnapshot(const QList<QVariantMap> &records, const QString &cursor) const;
    bool applyDelta(const QList<RecordChange> &changes, const QString &prevCursor, const QString &cursor,
        const QList<quint64> &acknowledged = {}) const;
    void acknowledge(quint64 transactionId, const QString &cursor) const;
    void renameRecord(const QString &oldId, const QString &newId) const;

    quint64 confirmedRevision(const QString &id) const;
    void forgetCursor() const;

    void setLoading(bool loading) const;

    void setFilterAuth(const QVariantMap &auth) const;
    QVariantMap filterAuth() const;
    QString filterError() const;
    void subscriptionRefused(const QString &message) const;

private:
    ListModel *m_model;
};

} // namespace Optimist
