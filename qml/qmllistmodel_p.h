// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <optimist/listmodel.h>
#include <optimist/optimistqml_export.h>

#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace Optimist {

class QmlListModelPrivate;

// `OptimisticListModel` in QML: an Optimist::ListModel that binds to its
// client only once QML has set every property, whatever order QML assigns
// them in. So a transport attaches once, to the final collection and
// fields (not first to an empty collection, or a model without a schema
// loading a cache it then cannot take), as KItemModels' QML proxies do.
//
// Its filter and filterParams wait the same way, so the filter is checked
// (and an error reported) once, with its params and collection.
//
// It also types get() and at() for the QML tools: a record's keys are the
// model's fields, which no static type can name, so they return `var`.
//
// Base classes are spelled in full: qmltyperegistrar finds them by that name.
class OPTIMIST_QML_EXPORT QmlListModel : public Optimist::ListModel, public QQmlParserStatus {
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(OptimisticListModel)
    // Shadows ListModel::client so that a client set during creation waits.
    Q_PROPERTY(Optimist::Transport *client READ qmlClient WRITE setQmlClient NOTIFY clientChanged)
    // Shadow filter and filterParams too: checked once both are set, so a
    // filter assigned before its params is not reported as missing them.
    Q_PROPERTY(QString filter READ qmlFilter WRITE setQmlFilter NOTIFY filterChanged)
    Q_PROPERTY(QVariantMap filterParams READ qmlFilterParams WRITE setQmlFilterParams NOTIFY filterParamsChanged)

public:
    explicit QmlListModel(QObject *parent = nullptr);
    ~QmlListModel() override;

    Transport *qmlClient() const;
    void setQmlClient(Transport *client);
    QString qmlFilter() const;
    void setQmlFilter(const QString &filter);
    QVariantMap qmlFilterParams() const;
    void setQmlFilterParams(const QVariantMap &params);

    // The visible record with \a id (its fields plus "id"), or an empty object.
    Q_INVOKABLE QVariant get(const QString &id) const;
    // The record at \a row, like get().
    Q_INVOKABLE QVariant at(int row) const;

    void classBegin() override;
    void componentComplete() override;

private:
    std::unique_ptr<QmlListModelPrivate> const d;
};

} // namespace Optimist
