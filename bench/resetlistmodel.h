// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

// The baseline Optimist is measured against: the list model a Qt developer
// writes by hand for server data. It keeps a QList of plain records and, when
// the server sends a new list, converts it and swaps it in between
// beginResetModel() and endResetModel(). Used by bench/ and tests/views/.

#include <QtCore/QAbstractListModel>
#include <QtCore/QDateTime>
#include <QtCore/QList>
#include <QtCore/QVariantMap>
#include <optimist/change.h>

class ResetListModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, DoneRole, PriorityRole, UpdatedRole };

    struct Record {
        QString id;
        QString title;
        bool done = false;
        int priority = 0;
        QDateTime updated;
    };

    using QAbstractListModel::QAbstractListModel;

    //! Replaces every row with \a records (server maps with the keys of the roles).
    void setRecords(const QList<QVariantMap> &records)
    {
        QList<Record> converted;
        converted.reserve(records.size());
        for (const QVariantMap &map : records) {
            converted.append({ map.value(QStringLiteral("id")).toString(),
                map.value(QStringLiteral("title")).toString(), map.value(QStringLiteral("done")).toBool(),
                map.value(QStringLiteral("priority")).toInt(), map.value(QStringLiteral("updated")).toDateTime() });
        }
        beginResetModel();
        m_records = std::move(converted);
        endResetModel();
    }

    //! The same for a snapshot as Optimist takes it: every record is
    //! converted and the rows are reset (the revisions are not used).
    void setRecords(const QList<Optimist::SnapshotRecord> &records)
    {
        QList<Record> converted;
        converted.reserve(records.size());
        for (const Optimist::SnapshotRecord &record : records) {
            const QVariantMap &map = record.fields;
            converted.append(
                { record.id, map.value(QStringLiteral("title")).toString(), map.value(QStringLiteral("done")).toBool(),
                    map.value(QStringLiteral("priority")).toInt(), map.value(QStringLiteral("updated")).toDateTime() });
        }
        beginResetModel();
        m_records = std::move(converted);
        endResetModel();
    }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_records.size()); }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override
    {
        Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
        const Record &record = m_records.at(index.row());
        switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return record.title;
        case IdRole:
            return record.id;
        case DoneRole:
            return record.done;
        case PriorityRole:
            return record.priority;
        case UpdatedRole:
            return record.updated;
        default:
            return {};
        }
    }

    QHash<int, QByteArray> roleNames() const override
    {
        QHash<int, QByteArray> names = QAbstractListModel::roleNames();
        names.insert(IdRole, "id");
        names.insert(TitleRole, "title");
        names.insert(DoneRole, "done");
        names.insert(PriorityRole, "priority");
        names.insert(UpdatedRole, "updated");
        return names;
    }

private:
    QList<Record> m_records;
};
