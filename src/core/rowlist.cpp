// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#include "rowlist_p.h"

#include <QtCore/QtGlobal>

namespace Optimist {

void RowList::moveGapTo(int row)
{
    const auto at = [this](int i) { return m_data.begin() + i; };
    if (row < m_gapStart)
        std::move_backward(at(row), at(m_gapStart), at(m_gapStart + m_gapSize));
    else if (row > m_gapStart)
        std::move(at(m_gapStart + m_gapSize), at(row + m_gapSize), at(m_gapStart));
    m_gapStart = row;
}

void RowList::reserveGap(int count)
{
    if (m_gapSize >= count)
        return;
    // Grow at the end, by a share of the size so that growing stays rare.
    const int rows = size();
    moveGapTo(rows);
    m_gapSize = count + rows / 8 + 16;
    m_data.resize(size_t(rows) + size_t(m_gapSize));
}

void RowList::closeGap()
{
    moveGapTo(size());
    m_data.resize(size_t(size()));
    m_gapSize = 0;
}

void RowList::insert(int row, Entry *const *entries, int count)
{
    Q_ASSERT(row >= 0 && row <= size() && count >= 0);
    reserveGap(count);
    moveGapTo(row);
    std::copy(entries, entries + count, m_data.begin() + m_gapStart);
    m_gapStart += count;
    m_gapSize -= count;
}

void RowList::erase(int first, int last)
{
    Q_ASSERT(first >= 0 && first <= last && last <= size());
    moveGapTo(first);
    m_gapSize += last - first;
}

void RowList::clear()
{
    m_data.clear();
    m_gapStart = 0;
    m_gapSize = 0;
}

} // namespace Optimist
