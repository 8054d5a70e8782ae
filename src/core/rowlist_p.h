// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <vector>

namespace Optimist {

struct Entry;

//! The model's rows in order: a gap buffer of entry pointers.
//!
//! A server change inserts or removes rows at scattered places, each with its
//! own begin/end signals, and the rows must be right after each. In a plain
//! vector every one of those shifts everything below it (O(n) each); here
//! the free space (the gap) moves to where the change is, so a pass over
//! the rows in one direction — the order the model commits in — costs O(n)
//! in all, and a single edit the distance from the previous one.
class RowList {
public:
    int size() const { return int(m_data.size()) - m_gapSize; }
    bool empty() const { return size() == 0; }
    Entry *operator[](int row) const { return m_data[size_t(row < m_gapStart ? row : row + m_gapSize)]; }

    void insert(int row, Entry *entry) { insert(row, &entry, 1); }
    //! Inserts \a count entries before \a row.
    void insert(int row, Entry *const *entries, int count);
    void erase(int row) { erase(row, row + 1); }
    //! Removes the rows from \a first up to, not including, \a last.
    void erase(int first, int last);
    void push_back(Entry *entry) { insert(size(), entry); }
    void clear();

    template<typename Less> void sort(Less less)
    {
        closeGap();
        std::sort(m_data.begin(), m_data.end(), less);
    }

private:
    void moveGapTo(int row);
    void reserveGap(int count);
    void closeGap();

    std::vector<Entry *> m_data; //!< the rows, with m_gapSize unused slots at m_gapStart
    int m_gapStart = 0;
    int m_gapSize = 0;
};

} // namespace Optimist
