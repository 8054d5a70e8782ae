// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "listmodel.h"

#include "errorcodes.h"
#include "listmodel_p.h"
#include "logging_p.h"
#include "transaction_p.h"
#include "transport.h"

#include <QtCore/QDateTime>
#include <QtCore/QUuid>
#include <QtCore/QVarLengthArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Optimist {

namespace {

//! QVariant::isNull() without its out-of-line call and pointer-type check:
//! field values are never pointers, and this runs for every value of every
//! snapshot record and in every comparison.
inline bool isNullValue(const QVariant &v)
{
    return v.data_ptr().is_null || !v.metaType().isValid();
}

template<typename T> int threeWay(const QVariant &x, const QVariant &y)
{
    const T &a = *static_cast<const T *>(x.constData());
    const T &b = *static_cast<const T *>(y.constData());
    return a < b ? -1 : (b < a ? 1 : 0);
}

//! Orders two values of one field, nulls first. Sorting and every row lookup
//! go through here, so values of the field's own type are compared directly
//! rather than through QVariant::compare's metatype dispatch.
int compareValues(Field::Type type, const QVariant &x, const QVariant &y)
{
    const bool xNull = isNullValue(x);
    const bool yNull = isNullValue(y);
    if (xNull || yNull)
        return xNull == yNull ? 0 : (xNull ? -1 : 1);
    if (x.metaType() == y.metaType()) {
        switch (type) {
        case Field::Type::String:
            if (x.metaType() == QMetaType::fromType<QString>())
                return static_cast<const QString *>(x.constData())
                    ->compare(*static_cast<const QString *>(y.constData()));
            break;
        case Field::Type::Int:
            if (x.metaType() == QMetaType::fromType<qint64>())
                return threeWay<qint64>(x, y);
            break;
        case Field::Type::Double:
            if (x.metaType() == QMetaType::fromType<double>())
                return threeWay<double>(x, y);
            break;
        case Field::Type::Bool:
            if (x.metaType() == QMetaType::fromType<bool>())
                return threeWay<bool>(x, y);
            break;
        case Field::Type::DateTime:
            if (x.metaType() == QMetaType::fromType<QDateTime>())
                return threeWay<QDateTime>(x, y);
            break;
        case Field::Type::Json:
            break;
        }
    }
    const QPartialOrdering order = QVariant::compare(x, y);
    if (order == QPartialOrdering::Less)
        return -1;
    if (order == QPartialOrdering::Greater)
        return 1;
    return 0;
}

//! QVariant's operator== calls a null int equal to 0 and a null string equal
//! to "": for a record those are different values.
bool sameValue(const QVariant &x, const QVariant &y)
{
    const bool xNull = isNullValue(x);
    const bool yNull = isNullValue(y);
    if (xNull || yNull)
        return xNull == yNull;
    // The common cases without QVariant::operator=='s metatype dispatch.
    if (x.metaType() == y.metaType()) {
        switch (x.metaType().id()) {
        case QMetaType::QString:
            return *static_cast<const QString *>(x.constData()) == *static_cast<const QString *>(y.constData());
        case QMetaType::LongLong:
            return *static_cast<const qint64 *>(x.constData()) == *static_cast<const qint64 *>(y.constData());
        case QMetaType::Bool:
            return *static_cast<const bool *>(x.constData()) == *static_cast<const bool *>(y.constData());
        default:
            break;
        }
    }
    return x == y;
}

bool sameValues(const QVariantList &x, const QVariantList &y)
{
    return x.size() == y.size() && std::equal(x.cbegin(), x.cend(), y.cbegin(), sameValue);
}

bool isPendingState(ListModel::SyncState state)
{
    return state == ListModel::PendingInsert || state == ListModel::PendingUpdate || state == ListModel::PendingRemove;
}

} // namespace

// ---------------------------------------------------------------- schema

QVariantList ListModelPrivate::defaultValues() const
{
    QVariantList values;
    values.reserve(fields.size());
    for (const Field &field : fields)
        values.append(field.defaultValue);
    return values;
}

//! Reads server records. The records of one snapshot share their keys, so
//! it learns which field each key position holds once and afterwards only
//! checks that the key there is still the same (no tree or hash lookups).
class ListModelPrivate::SnapshotReader {
public:
    explicit SnapshotReader(const ListModelPrivate &d)
        : d(d)
        , byField(d.fields.size())
    {
        for (const Field &field : d.fields)
            fieldTypes.append(field.type == Field::Type::Json ? QMetaType() : field.metaType());
    }

    //! Reads \a record's fields; an "id" key is not one of them.
    void read(const QVariantMap &record)
    {
        std::fill(byField.begin(), byField.end(), nullptr);
        size_t position = 0;
        for (auto it = record.cbegin(); it != record.cend(); ++it, ++position) {
            if (position == slots.size())
                slots.push_back({ it.key(), slotFor(it.key()) });
            else if (slots[position].key != it.key())
                slots[position] = { it.key(), slotFor(it.key()) };
            if (const int field = slots[position].field; field >= 0)
                byField[field] = &it.value();
        }
    }

    //! Whether the record read last equals \a confirmed. Values that do not
    //! have their field's type yet count as different: values() coerces them.
    bool sameAs(const QVariantList &confirmed) const
    {
        for (qsizetype i = 0; i < byField.size(); ++i) {
            const QVariant *raw = byField[i];
            if (raw && raw->metaType() != fieldTypes.at(i))
                return false;
            if (!sameValue(confirmed.at(i), raw ? *raw : d.fields.at(i).defaultValue))
                return false;
        }
        return true;
    }

    //! The record read last in schema order, coerced, defaults filled in.
    QVariantList values() const
    {
        QVariantList values;
        values.reserve(byField.size());
        for (qsizetype i = 0; i < byField.size(); ++i) {
            const Field &field = d.fields.at(i);
            const QVariant *raw = byField[i];
            QVariant value;
            if (!raw)
                value = field.defaultValue;
            else if (raw->metaType() == fieldTypes.at(i))
                value = *raw;
            else if (!field.coerce(*raw, &value)) {
                qCWarning(lcCore) << d.collection << "server value for" << field.name << "is not a"
                                  << Field::typeName(field.type) << "; using the default";
                value = field.defaultValue;
            }
            values.append(std::move(value));
        }
        return values;
    }

private:
    static constexpr int IdSlot = -2;
    int slotFor(const QString &key) const { return key == u"id"_s ? IdSlot : d.fieldIndex(key); }

    struct Slot {
        QString key;
        int field;
    };
    const ListModelPrivate &d;
    std::vector<Slot> slots;
    QVarLengthArray<const QVariant *, 16> byField;
    QList<QMetaType> fieldTypes;
};

QVariantList ListModelPrivate::recordValues(const QVariantMap &record) const
{
    SnapshotReader reader(*this);
    reader.read(record);
    return reader.values();
}

QVariantMap ListModelPrivate::toMap(const Entry *entry, const QVariantList &values) const
{
    QVariantMap map;
    for (int i = 0; i < fields.size(); ++i)
        map.insert(fields.at(i).name, values.value(i));
    map.insert(u"id"_s, entry->id);
    return map;
}

void ListModelPrivate::rebuildFieldIndexes()
{
    fieldIndexes.clear();
    for (int i = 0; i < fields.size(); ++i)
        fieldIndexes.insert(fields.at(i).name, i);
    displayIndex = displayFieldName.isEmpty() ? 0 : std::max(0, fieldIndex(displayFieldName));
    sortIndex = sortFieldName.isEmpty() ? -1 : fieldIndex(sortFieldName);
    sortType = sortIndex >= 0 ? fields.at(sortIndex).type : Field::Type::String;
}

// ---------------------------------------------------------------- ordering

const QVariant &ListModelPrivate::sortKeyOf(const QVariantList &values) const
{
    static const QVariant none;
    return sortIndex >= 0 ? values.at(sortIndex) : none;
}

int ListModelPrivate::compare(const QVariant &key, quint64 seq, const QString &id, const Entry *b) const
{
    int c;
    if (sortIndex >= 0) {
        c = compareValues(sortType, key, b->sortKey);
        if (c == 0)
            c = id.compare(b->id);
    } else {
        c = seq < b->seq ? -1 : (seq > b->seq ? 1 : 0);
    }
    return sortOrder == Qt::DescendingOrder ? -c : c;
}

int ListModelPrivate::lowerBound(const QVariant &key, quint64 seq, const QString &id) const
{
    int lo = 0;
    int hi = int(rows.size());
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (compare(key, seq, id, rows[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int ListModelPrivate::rowOf(const Entry *entry) const
{
    const int row = lowerBound(entry->sortKey, entry->seq, entry->id);
    Q_ASSERT(row < int(rows.size()) && rows[row] == entry);
    return row;
}

int ListModelPrivate::moveTo(Entry *entry, int row, const QVariant &key)
{
    const int dest = lowerBound(key, entry->seq, entry->id);
    if (dest == row || dest == row + 1) {
        entry->sortKey = key;
        return row;
    }
    q->beginMoveRows({}, row, row, {}, dest);
    rows.erase(row);
    row = dest > row ? dest - 1 : dest;
    rows.insert(row, entry);
    entry->sortKey = key;
    q->endMoveRows();
    return row;
}

// ---------------------------------------------------------------- state

Entry *ListModelPrivate::ensureEntry(const QString &id)
{
    Entry *&slot = entries[id];
    if (!slot) {
        slot = new Entry;
        slot->id = id;
        slot->seq = nextSeq++;
    }
    return slot;
}

bool ListModelPrivate::setConfirmed(Entry *entry, QVariantList values, quint64 revision)
{
    entry->confirmedRevision = revision;
    if (entry->hasConfirmed && sameValues(entry->confirmed, values))
        return false;
    if (!entry->hasConfirmed)
        ++confirmedCount;
    entry->hasConfirmed = true;
    entry->confirmed = std::move(values);
    return true;
}

bool ListModelPrivate::clearConfirmed(Entry *entry)
{
    if (!entry->hasConfirmed)
        return false;
    --confirmedCount;
    entry->hasConfirmed = false;
    entry->confirmed.clear();
    entry->confirmedRevision = 0;
    return true;
}

ListModelPrivate::Computed ListModelPrivate::compute(const Entry *entry) const
{
    Computed now { entry->hasConfirmed, entry->confirmed, ListModel::Synced, entry->lastError };
    bool removedLocally = false; // visible until a pending remove took it away
    QVariantList beforeRemove;
    for (const PendingOp &op : entry->ops) {
        switch (op.kind) {
        case Mutation::Kind::Insert:
            now.visible = true;
            now.values = op.values;
            removedLocally = false;
            break;
        case Mutation::Kind::Update:
            if (now.visible) {
                for (int k = 0; k < op.fieldIndexes.size(); ++k)
                    now.values[op.fieldIndexes.at(k)] = op.values.at(k);
            }
            break;
        case Mutation::Kind::Remove:
            if (now.visible) {
                removedLocally = true;
                beforeRemove = now.values;
            }
            now.visible = false;
            break;
        }
    }
    if (removedLocally && !now.visible && showPendingRemovals) {
        now.visible = true;
        now.values = std::move(beforeRemove);
        now.state = ListModel::PendingRemove;
    } else if (!entry->ops.isEmpty())
        now.state = entry->hasConfirmed ? ListModel::PendingUpdate : ListModel::PendingInsert;
    else if (!entry->lastError.isEmpty())
        now.state = ListModel::Failed;
    return now;
}

QList<int> ListModelPrivate::changedRoles(const Entry *entry, const Computed &now) const
{
    QList<int> roles;
    for (int i = 0; i < fields.size(); ++i) {
        if (!sameValue(entry->values.at(i), now.values.at(i))) {
            if (i == displayIndex)
                roles << Qt::DisplayRole << Qt::EditRole;
            roles << ListModel::FirstFieldRole + i;
        }
    }
    if (entry->shownState != now.state) {
        roles << ListModel::SyncStateRole;
        if (isPendingState(entry->shownState) != isPendingState(now.state))
            roles << ListModel::PendingRole;
    }
    if (entry->shownError != now.error)
        roles << ListModel::LastErrorRole;
    return roles;
}

void ListModelPrivate::show(Entry *entry, Computed &&now) const
{
    entry->visible = now.visible;
    entry->values = std::move(now.values);
    entry->sortKey = entry->visible ? sortKeyOf(entry->values) : QVariant();
    entry->shownState = now.state;
    entry->shownError = std::move(now.error);
}

void ListModelPrivate::commitTouched(QList<Entry *> touched)
{
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    if (touched.size() == 1)
        commitOne(touched.first(), compute(touched.first()));
    else if (!touched.isEmpty())
        commitMany(touched);
    for (Entry *entry : std::as_const(touched))
        dropIfUnused(entry);
}

// Every signal handler must find the model showing exactly what the signals
// so far announced (proxies and views read it there): a row's new values are
// shown only at the signal that announces them. A row that leaves shows
// nothing new; one that comes shows its values as it is inserted; one that
// moves moves with its old values, and shows the new ones at its dataChanged.

void ListModelPrivate::commitOne(Entry *entry, Computed now)
{
    if (!entry->visible && !now.visible) {
        show(entry, std::move(now));
        return;
    }
    if (entry->visible && !now.visible) {
        const int row = rowOf(entry);
        q->beginRemoveRows({}, row, row);
        rows.erase(row);
        show(entry, std::move(now));
        q->endRemoveRows();
        return;
    }
    if (!entry->visible) {
        const int row = lowerBound(sortKeyOf(now.values), entry->seq, entry->id);
        q->beginInsertRows({}, row, row);
        show(entry, std::move(now));
        rows.insert(row, entry);
        q->endInsertRows();
        return;
    }
    const QList<int> roles = changedRoles(entry, now);
    if (roles.isEmpty())
        return;
    int row = rowOf(entry);
    // A changed sort key moves the row rather than it leaving and coming back.
    if (const QVariant &key = sortKeyOf(now.values); compareValues(sortType, entry->sortKey, key) != 0)
        row = moveTo(entry, row, key);
    show(entry, std::move(now));
    const QModelIndex index = q->index(row);
    Q_EMIT q->dataChanged(index, index, roles);
}

struct ListModelPrivate::Planned {
    Entry *entry;
    Computed now;
    QList<int> roles;
    int row = -1;
};

void ListModelPrivate::commitMany(const QList<Entry *> &touched)
{
    std::vector<Planned> removals, insertions, changes;
    for (Entry *entry : touched) {
        Computed now = compute(entry);
        if (entry->visible && !now.visible) {
            removals.push_back({ entry, std::move(now), {} });
        } else if (!entry->visible && now.visible) {
            insertions.push_back({ entry, std::move(now), {} });
        } else if (!entry->visible) {
            show(entry, std::move(now));
        } else if (QList<int> roles = changedRoles(entry, now); !roles.isEmpty()) {
            changes.push_back({ entry, std::move(now), std::move(roles) });
        }
    }
    // 1. Removals. 2. Sort-key changes, one move each, the rows keeping their
    // old values. 3. Insertions. 4. The changed values, each shown at its
    // dataChanged. rows[] stays sorted by sortKey throughout.
    removeRows(removals);
    for (Planned &p : changes) {
        if (const QVariant &key = sortKeyOf(p.now.values); compareValues(sortType, p.entry->sortKey, key) != 0)
            moveTo(p.entry, rowOf(p.entry), key);
    }
    insertRows(insertions);
    announceChanges(changes);
}

//! Removes as contiguous ranges, from the bottom up.
void ListModelPrivate::removeRows(std::vector<Planned> &removals)
{
    for (Planned &p : removals)
        p.row = rowOf(p.entry);
    std::sort(removals.begin(), removals.end(), [](const Planned &a, const Planned &b) { return a.row > b.row; });
    for (size_t i = 0; i < removals.size();) {
        size_t j = i + 1;
        while (j < removals.size() && removals[j].row == removals[j - 1].row - 1)
            ++j;
        q->beginRemoveRows({}, removals[j - 1].row, removals[i].row);
        rows.erase(removals[j - 1].row, removals[i].row + 1);
        for (size_t k = i; k < j; ++k)
            show(removals[k].entry, std::move(removals[k].now));
        q->endRemoveRows();
        i = j;
    }
}

//! Inserts sorted, grouped by the row they go in at, from the bottom up so
//! that the rows computed for the others hold.
void ListModelPrivate::insertRows(std::vector<Planned> &insertions)
{
    if (insertions.empty())
        return;
    // Shown (and ordered by) their values, but not visible until inserted.
    for (Planned &p : insertions) {
        show(p.entry, std::move(p.now));
        p.entry->visible = false;
    }
    std::sort(insertions.begin(), insertions.end(),
        [this](const Planned &a, const Planned &b) { return lessThan(a.entry, b.entry); });
    for (Planned &p : insertions)
        p.row = lowerBound(p.entry->sortKey, p.entry->seq, p.entry->id);
    std::vector<Entry *> block;
    block.reserve(insertions.size());
    for (size_t end = insertions.size(); end > 0;) {
        size_t begin = end - 1;
        while (begin > 0 && insertions[begin - 1].row == insertions[end - 1].row)
            --begin;
        const int row = insertions[begin].row;
        q->beginInsertRows({}, row, row + int(end - begin) - 1);
        block.clear();
        for (size_t k = begin; k < end; ++k) {
            block.push_back(insertions[k].entry);
            insertions[k].entry->visible = true;
        }
        rows.insert(row, block.data(), int(block.size()));
        q->endInsertRows();
        end = begin;
    }
}

//! Shows the changed values, one dataChanged per run of adjacent rows that
//! changed the same roles, each run shown just before its signal.
void ListModelPrivate::announceChanges(std::vector<Planned> &changes)
{
    for (Planned &p : changes)
        p.row = rowOf(p.entry);
    std::sort(changes.begin(), changes.end(), [](const Planned &a, const Planned &b) { return a.row < b.row; });
    for (size_t i = 0; i < changes.size();) {
        size_t j = i + 1;
        while (j < changes.size() && changes[j].row == changes[j - 1].row + 1 && changes[j].roles == changes[i].roles)
            ++j;
        for (size_t k = i; k < j; ++k)
            show(changes[k].entry, std::move(changes[k].now));
        Q_EMIT q->dataChanged(q->index(changes[i].row), q->index(changes[j - 1].row), changes[i].roles);
        i = j;
    }
}

void ListModelPrivate::dropIfUnused(Entry *entry)
{
    if (entry->visible || entry->hasConfirmed || !entry->ops.isEmpty())
        return;
    entries.remove(entry->id);
    delete entry;
    ++entryDeletions;
}

void ListModelPrivate::emitStatusChanges(int oldCount, int oldPending)
{
    if (int(rows.size()) != oldCount)
        Q_EMIT q->countChanged();
    if (pending.size() != oldPending)
        Q_EMIT q->pendingCountChanged();
}

void ListModelPrivate::setError(const QString &message)
{
    if (error == message)
        return;
    error = message;
    Q_EMIT q->errorChanged();
}

void ListModelPrivate::setCursor(const QString &newCursor)
{
    if (cursor == newCursor)
        return;
    // Only an ack of a pending transaction can name a past cursor, and only
    // one the model passed while that transaction was pending.
    if (pending.isEmpty())
        passedCursors.clear();
    else if (!cursor.isEmpty())
        passedCursors.insert(cursor);
    cursor = newCursor;
    Q_EMIT q->cursorChanged();
}

void ListModelPrivate::resort(const std::function<void()> &change)
{
    if (rows.empty()) {
        change();
        return;
    }
    // The new order takes effect inside the layout change, not before it.
    Q_EMIT q->layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    change();
    const QModelIndexList persistent = q->persistentIndexList();
    std::vector<Entry *> persistentEntries;
    persistentEntries.reserve(persistent.size());
    for (const QModelIndex &index : persistent)
        persistentEntries.push_back(rows[index.row()]);
    for (Entry *entry : std::as_const(entries)) {
        if (entry->visible)
            entry->sortKey = sortKeyOf(entry->values);
    }
    rows.sort([this](const Entry *a, const Entry *b) { return lessThan(a, b); });
    QHash<const Entry *, int> rowOfEntry;
    rowOfEntry.reserve(persistent.size());
    for (int row = 0; row < int(rows.size()); ++row) {
        if (std::find(persistentEntries.begin(), persistentEntries.end(), rows[row]) != persistentEntries.end())
            rowOfEntry.insert(rows[row], row);
    }
    QModelIndexList moved;
    moved.reserve(persistent.size());
    for (const Entry *entry : persistentEntries)
        moved.append(q->index(rowOfEntry.value(entry)));
    q->changePersistentIndexList(persistent, moved);
    Q_EMIT q->layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

// ---------------------------------------------------------------- transactions

PendingTransaction *ListModelPrivate::pendingTransaction(quint64 id)
{
    for (PendingTransaction &pt : pending) {
        if (pt.id == id)
            return &pt;
    }
    return nullptr;
}

void ListModelPrivate::recordOp(Transaction *tx, Entry *entry, PendingOp op, const Mutation &mutation)
{
    PendingTransaction *pt = pendingTransaction(tx->id());
    if (!pt) {
        pending.append({ tx->id(), tx, {} });
        pt = &pending.last();
    }
    if (!pt->ids.contains(entry->id))
        pt->ids.append(entry->id);
    entry->ops.append(std::move(op));
    entry->lastError.clear();
    TransactionPrivate::get(tx)->addEdit(q, mutation);
}

QList<Entry *> ListModelPrivate::dropTransaction(quint64 id)
{
    QList<Entry *> touched;
    const auto it = std::find_if(pending.begin(), pending.end(), [id](const auto &pt) { return pt.id == id; });
    if (it == pending.end())
        return touched;
    for (const QString &recordId : std::as_const(it->ids)) {
        if (Entry *e = entry(recordId)) {
            e->ops.removeIf([id](const PendingOp &op) { return op.transactionId == id; });
            touched.append(e);
        }
    }
    pending.erase(it);
    for (auto &ids : acksAwaitingCursor)
        ids.removeAll(id);
    return touched;
}

void ListModelPrivate::confirm(const QList<quint64> &ids)
{
    const int oldCount = int(rows.size());
    const int oldPending = pending.size();
    QList<Entry *> touched;
    QList<QPointer<Transaction>> settled;
    for (quint64 id : ids) {
        if (PendingTransaction *pt = pendingTransaction(id)) {
            settled.append(pt->transaction);
            touched += dropTransaction(id);
        }
    }
    commitTouched(touched);
    emitStatusChanges(oldCount, oldPending);
    for (const auto &tx : settled) {
        if (tx)
            TransactionPrivate::get(tx)->modelConfirmed(q);
    }
}

void ListModelPrivate::rollback(Transaction *tx, const QString &code, const QString &message)
{
    const PendingTransaction *pt = pendingTransaction(tx->id());
    if (!pt)
        return;
    const QStringList ids = pt->ids;
    const int oldCount = int(rows.size());
    const int oldPending = pending.size();
    const QList<Entry *> touched = dropTransaction(tx->id());
    for (Entry *e : touched)
        e->lastError = message;
    commitTouched(touched);
    emitStatusChanges(oldCount, oldPending);
    setError(message);
    for (const QString &id : ids)
        Q_EMIT q->rolledBack(id, code, message);
}

static Transaction *transactionFor(Transaction *requested, ListModel *owner, bool *created)
{
    Transaction *tx = requested ? requested : Transaction::current();
    *created = !tx;
    if (!tx) {
        tx = TransactionPrivate::create(owner);
        TransactionPrivate::get(tx)->inCreatingCall = true;
    }
    return tx;
}

ListModelPrivate::Edit::Edit(ListModelPrivate *d, Transaction *requested)
    : d(d)
    , tx(transactionFor(requested, d->q, &m_created))
{
    if (tx->isCommitted()) {
        const QString message = u"transaction %1 is committed already; start a new one"_s.arg(tx->id());
        qCWarning(lcCore).noquote() << message;
        d->setError(message);
        m_usable = false;
    }
}

ListModelPrivate::Edit::~Edit()
{
    if (m_created) {
        tx->commit();
        TransactionPrivate::get(tx)->inCreatingCall = false;
    }
}

Transaction *ListModelPrivate::Edit::refuse(QLatin1StringView code, const QString &message)
{
    qCDebug(lcCore) << d->collection << "refused an edit:" << code << message;
    d->setError(message);
    TransactionPrivate::get(tx)->rejectEverywhere(code, message, m_created);
    return tx;
}

// ---------------------------------------------------------------- ListModel

ListModel::ListModel(QObject *parent)
    : QAbstractListModel(parent)
    , d(std::make_unique<ListModelPrivate>(this))
{
}

ListModel::~ListModel()
{
    if (d->client)
        d->client->detachModel(this);
    for (const PendingTransaction &pt : std::as_const(d->pending)) {
        if (pt.transaction)
            TransactionPrivate::get(pt.transaction)->forgetModel(this);
    }
    qDeleteAll(d->entries);
}

QString ListModel::collection() const
{
    return d->collection;
}

void ListModel::setCollection(const QString &collection)
{
    if (d->collection == collection)
        return;
    if (d->client)
        d->client->detachModel(this);
    d->collection = collection;
    if (d->client)
        d->client->attachModel(this);
    Q_EMIT collectionChanged();
}

Transport *ListModel::client() const
{
    return d->client;
}

void ListModel::setClient(Transport *client)
{
    if (d->client == client)
        return;
    if (d->client)
        d->client->detachModel(this);
    d->client = client;
    if (client)
        client->attachModel(this);
    Q_EMIT clientChanged();
}

Fields ListModel::fields() const
{
    return d->fields;
}

void ListModel::setFields(const Fields &fields)
{
    if (d->fields == fields)
        return;
    if (!d->entries.isEmpty()) {
        const QString message = u"the fields of '%1' cannot change once it holds records"_s.arg(d->collection);
        qCWarning(lcCore).noquote() << message;
        d->setError(message);
        return;
    }
    QSet<QString> names;
    for (const Field &field : fields) {
        if (field.name.isEmpty() || field.name == u"id"_s || names.contains(field.name)) {
            const QString message = u"invalid or duplicate field name '%1'"_s.arg(field.name);
            qCWarning(lcCore).noquote() << message;
            d->setError(message);
            return;
        }
        names.insert(field.name);
    }
    // No rows exist yet, but a view may have read roleNames(): tell it.
    beginResetModel();
    d->fields = fields;
    d->rebuildFieldIndexes();
    endResetModel();
    Q_EMIT fieldsChanged();
}

QVariantList ListModel::fieldsVariant() const
{
    QVariantList list;
    for (const Field &field : d->fields)
        list.append(field.toVariantMap());
    return list;
}

void ListModel::setFieldsVariant(const QVariantList &list)
{
    Fields fields;
    for (const QVariant &item : list) {
        QString message;
        const Field field = Field::fromVariantMap(item.toMap(), &message);
        if (field.name.isEmpty()) {
            qCWarning(lcCore).noquote() << message;
            d->setError(message);
            return;
        }
        fields.append(field);
    }
    setFields(fields);
}

int ListModel::roleForField(const QString &name) const
{
    const int i = d->fieldIndex(name);
    return i < 0 ? -1 : FirstFieldRole + i;
}

QString ListModel::displayField() const
{
    return d->fields.isEmpty() ? QString() : d->fields.at(d->displayIndex).name;
}

void ListModel::setDisplayField(const QString &field)
{
    if (d->displayFieldName == field)
        return;
    d->displayFieldName = field;
    d->rebuildFieldIndexes();
    if (!d->rows.empty())
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), { Qt::DisplayRole, Qt::EditRole });
    Q_EMIT displayFieldChanged();
}

QString ListModel::sortField() const
{
    return d->sortFieldName;
}

void ListModel::setSortField(const QString &field)
{
    if (d->sortFieldName == field)
        return;
    if (!field.isEmpty() && d->fieldIndex(field) < 0 && !d->fields.isEmpty()) {
        const QString message = u"cannot sort by unknown field '%1'"_s.arg(field);
        qCWarning(lcCore).noquote() << message;
        d->setError(message);
        return;
    }
    d->resort([this, &field] {
        d->sortFieldName = field;
        d->rebuildFieldIndexes();
    });
    Q_EMIT sortChanged();
}

Qt::SortOrder ListModel::sortOrder() const
{
    return d->sortOrder;
}

void ListModel::setSortOrder(Qt::SortOrder order)
{
    if (d->sortOrder == order)
        return;
    d->resort([this, order] { d->sortOrder = order; });
    Q_EMIT sortChanged();
}

bool ListModel::showPendingRemovals() const
{
    return d->showPendingRemovals;
}

void ListModel::setShowPendingRemovals(bool show)
{
    if (d->showPendingRemovals == show)
        return;
    d->showPendingRemovals = show;
    QList<Entry *> touched;
    for (Entry *entry : std::as_const(d->entries)) {
        if (!entry->ops.isEmpty())
            touched.append(entry);
    }
    const int oldCount = count();
    d->commitTouched(touched);
    d->emitStatusChanges(oldCount, pendingCount());
    Q_EMIT showPendingRemovalsChanged();
}

int ListModel::count() const
{
    return int(d->rows.size());
}
int ListModel::pendingCount() const
{
    return d->pending.size();
}
bool ListModel::hasPendingChanges() const
{
    return !d->pending.isEmpty();
}
bool ListModel::isLoading() const
{
    return d->loading;
}

void ListModel::setLoading(bool loading)
{
    if (d->loading == loading)
        return;
    d->loading = loading;
    Q_EMIT loadingChanged();
}

QString ListModel::error() const
{
    return d->error;
}
QString ListModel::cursor() const
{
    return d->cursor;
}

Transaction *ListModel::insert(const QVariantMap &record, Transaction *transaction)
{
    ListModelPrivate::Edit edit(d.get(), transaction);
    if (!edit.usable())
        return edit.tx;
    Transaction *tx = edit.tx;

    QString id = record.value(u"id"_s).toString();
    if (id.isEmpty())
        id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (d->editableEntry(id))
        return edit.refuse(ErrorCode::Conflict, u"a record with id '%1' exists already"_s.arg(id));
    QVariantList values = d->defaultValues();
    for (auto it = record.cbegin(); it != record.cend(); ++it) {
        if (it.key() == u"id"_s)
            continue;
        const int i = d->fieldIndex(it.key());
        if (i < 0)
            return edit.refuse(ErrorCode::ValidationFailed, u"unknown field '%1'"_s.arg(it.key()));
        const QString problem = d->fields.at(i).checkValue(it.value(), &values[i]);
        if (!problem.isEmpty())
            return edit.refuse(ErrorCode::ValidationFailed, problem);
    }
    for (int i = 0; i < d->fields.size(); ++i) {
        if (d->fields.at(i).required && values.at(i).isNull())
            return edit.refuse(ErrorCode::ValidationFailed, u"field '%1' is required"_s.arg(d->fields.at(i).name));
    }

    const int oldCount = count();
    const int oldPending = pendingCount();
    Entry *entry = d->ensureEntry(id);
    Mutation mutation { Mutation::Kind::Insert, d->collection, id, d->toMap(entry, values) };
    mutation.fields.remove(u"id"_s);
    d->recordOp(tx, entry, PendingOp { Mutation::Kind::Insert, tx->id(), values, {} }, mutation);
    d->commitTouched({ entry });
    d->emitStatusChanges(oldCount, oldPending);
    return tx;
}

Transaction *ListModel::update(const QString &id, const QVariantMap &changes, Transaction *transaction)
{
    ListModelPrivate::Edit edit(d.get(), transaction);
    if (!edit.usable())
        return edit.tx;
    Transaction *tx = edit.tx;

    Entry *entry = d->editableEntry(id);
    if (!entry)
        return edit.refuse(ErrorCode::NotFound, u"no record with id '%1'"_s.arg(id));
    PendingOp op { Mutation::Kind::Update, tx->id(), {}, {} };
    Mutation mutation { Mutation::Kind::Update, d->collection, id, {} };
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const int i = d->fieldIndex(it.key());
        if (i < 0) {
            const QString problem
                = it.key() == u"id"_s ? u"the id of a record cannot change"_s : u"unknown field '%1'"_s.arg(it.key());
            return edit.refuse(ErrorCode::ValidationFailed, problem);
        }
        QVariant value;
        const QString problem = d->fields.at(i).checkValue(it.value(), &value);
        if (!problem.isEmpty())
            return edit.refuse(ErrorCode::ValidationFailed, problem);
        if (sameValue(value, entry->values.at(i)))
            continue; // setting what is shown already changes nothing
        op.fieldIndexes.append(i);
        op.values.append(value);
        mutation.fields.insert(it.key(), value);
    }
    if (op.fieldIndexes.isEmpty())
        return tx;

    const int oldPending = pendingCount();
    d->recordOp(tx, entry, std::move(op), mutation);
    d->commitTouched({ entry });
    d->emitStatusChanges(count(), oldPending);
    return tx;
}

Transaction *ListModel::remove(const QString &id, Transaction *transaction)
{
    ListModelPrivate::Edit edit(d.get(), transaction);
    if (!edit.usable())
        return edit.tx;
    Transaction *tx = edit.tx;
    Entry *entry = d->editableEntry(id);
    if (!entry)
        return edit.refuse(ErrorCode::NotFound, u"no record with id '%1'"_s.arg(id));
    const int oldCount = count();
    const int oldPending = pendingCount();
    d->recordOp(tx, entry, PendingOp { Mutation::Kind::Remove, tx->id(), {}, {} },
        Mutation { Mutation::Kind::Remove, d->collection, id, {} });
    d->commitTouched({ entry });
    d->emitStatusChanges(oldCount, oldPending);
    return tx;
}

QVariantMap ListModel::get(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->visible ? d->toMap(entry, entry->values) : QVariantMap();
}

QVariantMap ListModel::at(int row) const
{
    if (row < 0 || row >= count())
        return {};
    const Entry *entry = d->rows[row];
    return d->toMap(entry, entry->values);
}

int ListModel::indexOf(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->visible ? d->rowOf(entry) : -1;
}

bool ListModel::contains(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->visible;
}

void ListModel::applySnapshot(const QList<QVariantMap> &records, const QString &cursor)
{
    QList<SnapshotRecord> converted;
    converted.reserve(records.size());
    for (const QVariantMap &record : records)
        converted.append({ record.value(u"id"_s).toString(), 0, record }); // the reader skips "id"
    applySnapshot(converted, cursor);
}

void ListModel::applySnapshot(const QList<SnapshotRecord> &records, const QString &cursor)
{
    const int oldCount = count();
    const int oldPending = pendingCount();
    QList<Entry *> touched;
    const quint64 generation = ++d->snapshotGeneration;
    if (d->entries.isEmpty())
        d->entries.reserve(records.size());
    ListModelPrivate::SnapshotReader reader(*d);
    static const std::vector<Entry *> noOrder;
    const std::vector<Entry *> &previousOrder
        = d->snapshotOrderDeletions == d->entryDeletions ? d->snapshotOrder : noOrder;
    std::vector<Entry *> order;
    order.reserve(records.size());
    size_t expected = 0; //!< where in previousOrder the next record probably is
    // Entries that held a confirmed record before and are named again: when
    // that is all of them, no record was removed and the sweep is skipped.
    const qsizetype confirmedBefore = d->confirmedCount;
    qsizetype confirmedNamed = 0;
    for (const SnapshotRecord &record : records) {
        if (record.id.isEmpty()) {
            qCWarning(lcCore) << d->collection << "snapshot record without an id; skipped";
            continue;
        }
        // Walk the previous order alongside: a removed record is skipped, and
        // after a new one the walk goes on where the next known record was.
        Entry *entry;
        if (expected < previousOrder.size() && previousOrder[expected]->id == record.id) {
            entry = previousOrder[expected++];
        } else {
            entry = d->ensureEntry(record.id);
            const size_t was = entry->snapshotPosition;
            if (was < previousOrder.size() && previousOrder[was] == entry)
                expected = was + 1;
        }
        if (entry->snapshotGeneration == generation) {
            qCWarning(lcCore) << d->collection << "snapshot names" << record.id << "twice; the first wins";
            continue;
        }
        entry->snapshotPosition = order.size();
        order.push_back(entry);
        entry->snapshotGeneration = generation;
        if (!entry->hasConfirmed) {
            d->setConfirmed(entry, (reader.read(record.fields), reader.values()), record.revision);
            touched.append(entry);
            continue;
        }
        ++confirmedNamed;
        // The common cases, cheap and building nothing: the same revision,
        // or (revision unknown) the same values.
        if (record.revision != 0 && record.revision == entry->confirmedRevision)
            continue;
        reader.read(record.fields);
        if (reader.sameAs(entry->confirmed)) {
            entry->confirmedRevision = record.revision;
            continue;
        }
        if (d->setConfirmed(entry, reader.values(), record.revision))
            touched.append(entry);
    }
    if (confirmedNamed != confirmedBefore) {
        for (Entry *entry : std::as_const(d->entries)) {
            if (entry->snapshotGeneration != generation && d->clearConfirmed(entry))
                touched.append(entry);
        }
    }
    // A snapshot contains every transaction acknowledged before it.
    QList<quint64> settled;
    for (const auto &ids : std::as_const(d->acksAwaitingCursor))
        settled += ids;
    d->acksAwaitingCursor.clear();
    QList<QPointer<Transaction>> settledTransactions;
    for (quint64 id : settled) {
        if (PendingTransaction *pt = d->pendingTransaction(id)) {
            settledTransactions.append(pt->transaction);
            touched += d->dropTransaction(id);
        }
    }
    d->setCursor(cursor);

    if (!d->loaded) {
        // First load: nothing is on screen worth keeping, and a reset is cheapest.
        beginResetModel();
        d->rows.clear();
        for (Entry *entry : std::as_const(d->entries)) {
            d->show(entry, d->compute(entry));
            if (entry->visible)
                d->rows.push_back(entry);
        }
        d->rows.sort([this](const Entry *a, const Entry *b) { return d->lessThan(a, b); });
        endResetModel();
        // An entry can be touched twice (by the snapshot and by a settled
        // transaction, or by two settled transactions): drop it once.
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
        for (Entry *entry : std::as_const(touched))
            d->dropIfUnused(entry);
    } else {
        d->commitTouched(touched);
    }
    d->loaded = true;
    // Entries named by this snapshot are confirmed, so none was deleted above.
    d->snapshotOrder = std::move(order);
    d->snapshotOrderDeletions = d->entryDeletions;
    d->emitStatusChanges(oldCount, oldPending);
    for (const auto &tx : settledTransactions) {
        if (tx)
            TransactionPrivate::get(tx)->modelConfirmed(this);
    }
}

bool ListModel::applyDelta(const QList<RecordChange> &changes, const QString &prevCursor, const QString &cursor,
    const QList<quint64> &acknowledged)
{
    if (prevCursor != d->cursor) {
        qCDebug(lcCore) << d->collection << "gap: at" << d->cursor << "but the delta follows" << prevCursor;
        Q_EMIT gapDetected(d->cursor, prevCursor);
        return false;
    }
    const int oldCount = count();
    const int oldPending = pendingCount();
    QList<Entry *> touched;
    for (const RecordChange &change : changes) {
        if (change.kind == RecordChange::Kind::Upsert) {
            Entry *entry = d->ensureEntry(change.id);
            if (d->setConfirmed(entry, d->recordValues(change.fields), change.revision))
                touched.append(entry);
        } else if (Entry *entry = d->entry(change.id); entry && d->clearConfirmed(entry)) {
            touched.append(entry);
        }
    }
    d->setCursor(cursor);
    QList<quint64> settled = acknowledged + (cursor.isEmpty() ? QList<quint64>() : d->acksAwaitingCursor.take(cursor));
    QList<QPointer<Transaction>> settledTransactions;
    for (quint64 id : settled) {
        if (PendingTransaction *pt = d->pendingTransaction(id)) {
            settledTransactions.append(pt->transaction);
            touched += d->dropTransaction(id);
        }
    }
    d->commitTouched(touched);
    d->loaded = true;
    d->emitStatusChanges(oldCount, oldPending);
    for (const auto &tx : settledTransactions) {
        if (tx)
            TransactionPrivate::get(tx)->modelConfirmed(this);
    }
    return true;
}

void ListModel::acknowledge(quint64 transactionId, const QString &cursor)
{
    if (!d->pendingTransaction(transactionId))
        return;
    // A cursor the model has already passed (a late ack) contains the
    // transaction as surely as the current one: waiting for it would keep
    // the edit pending until the next snapshot.
    if (cursor.isEmpty() || cursor == d->cursor || d->passedCursors.contains(cursor))
        d->confirm({ transactionId });
    else
        d->acksAwaitingCursor[cursor].append(transactionId);
}

void ListModel::renameRecord(const QString &oldId, const QString &newId)
{
    Entry *entry = d->entry(oldId);
    if (!entry || newId.isEmpty() || d->entries.contains(newId)) {
        qCWarning(lcCore) << d->collection << "cannot rename" << oldId << "to" << newId;
        return;
    }
    const auto rekey = [this, entry, &oldId, &newId] {
        d->entries.remove(oldId);
        entry->id = newId;
        d->entries.insert(newId, entry);
        for (PendingTransaction &pt : d->pending)
            std::replace(pt.ids.begin(), pt.ids.end(), oldId, newId);
    };
    if (!entry->visible) {
        rekey();
        return;
    }
    // The id breaks ties in a field sort, so the new id may sort elsewhere.
    int row = d->rowOf(entry);
    d->rows.erase(row);
    const int dest = d->lowerBound(entry->sortKey, entry->seq, newId);
    d->rows.insert(row, entry);
    if (dest != row) {
        // The row moves showing its old id; the new one comes with dataChanged.
        beginMoveRows({}, row, row, {}, dest > row ? dest + 1 : dest);
        d->rows.erase(row);
        d->rows.insert(dest, entry);
        rekey();
        d->renamed = entry;
        d->renamedFrom = oldId;
        endMoveRows();
        d->renamed = nullptr;
        d->renamedFrom.clear();
        row = dest;
    } else {
        rekey();
    }
    Q_EMIT dataChanged(index(row), index(row), { IdRole });
}

quint64 ListModel::confirmedRevision(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->hasConfirmed ? entry->confirmedRevision : 0;
}

void ListModel::forgetCursor()
{
    for (Entry *entry : std::as_const(d->entries))
        entry->confirmedRevision = 0;
    // Acks waiting for a cursor of the old history: no delta will name it,
    // the next snapshot settles them (under a key no delta has).
    QList<quint64> waiting;
    for (const auto &ids : std::as_const(d->acksAwaitingCursor))
        waiting += ids;
    d->acksAwaitingCursor.clear();
    if (!waiting.isEmpty())
        d->acksAwaitingCursor.insert(QString(), waiting);
    d->passedCursors.clear();
    d->setCursor({});
}

QVariantMap ListModel::confirmedRecord(const QString &id) const
{
    const Entry *entry = d->entry(id);
    return entry && entry->hasConfirmed ? d->toMap(entry, entry->confirmed) : QVariantMap();
}

QList<Transaction *> ListModel::pendingTransactions() const
{
    QList<Transaction *> result;
    for (const PendingTransaction &pt : std::as_const(d->pending)) {
        if (pt.transaction)
            result.append(pt.transaction);
    }
    return result;
}

int ListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant ListModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    if (!index.isValid() || index.row() >= count())
        return {};
    const Entry *entry = d->rows[index.row()];
    switch (role) {
    case IdRole:
        return entry == d->renamed ? d->renamedFrom : entry->id;
    case PendingRole:
        return isPendingState(entry->shownState);
    case SyncStateRole:
        return int(entry->shownState);
    case LastErrorRole:
        return entry->shownError;
    case Qt::DisplayRole:
    case Qt::EditRole:
        return entry->values.value(d->displayIndex);
    default: {
        const int i = role - FirstFieldRole;
        return i >= 0 && i < entry->values.size() ? entry->values.at(i) : QVariant();
    }
    }
}

bool ListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    if (!index.isValid() || d->fields.isEmpty())
        return false;
    const int i = (role == Qt::EditRole || role == Qt::DisplayRole) ? d->displayIndex : role - FirstFieldRole;
    if (i < 0 || i >= d->fields.size())
        return false;
    const Transaction *tx = update(d->rows[index.row()]->id, { { d->fields.at(i).name, value } });
    return tx->state() != Transaction::Rejected;
}

Qt::ItemFlags ListModel::flags(const QModelIndex &index) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::ParentIsInvalid));
    const Qt::ItemFlags base = QAbstractListModel::flags(index);
    return index.isValid() ? base | Qt::ItemIsEditable | Qt::ItemNeverHasChildren : base;
}

QHash<int, QByteArray> ListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(PendingRole, "pending");
    names.insert(SyncStateRole, "syncState");
    names.insert(LastErrorRole, "lastError");
    for (int i = 0; i < d->fields.size(); ++i)
        names.insert(FirstFieldRole + i, d->fields.at(i).name.toUtf8());
    return names;
}

} // namespace Optimist
