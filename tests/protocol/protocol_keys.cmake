# Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
#
# cmake -DROOT=<source dir> [-DEXPECT_FOUND=<n>] -P protocol_keys.cmake
#
# Fails when a message key of docs/protocol.md is spelled as a JSON key in
# ROOT/src outside src/protocol/: the typed messages of src/protocol are the
# one place that writes and reads them (issue 10, item 1). A key counts as
# spelled when it is a string literal in a form Qt's JSON API takes (u"k"_s,
# "k"_L1, QStringLiteral("k"), QLatin1StringView { "k" }, ...) or a key
# inside JSON text (\"k\": or "k": in a raw string). Comments (lines and
# /* ... */ blocks, such as a qdoc block's example) are skipped, and so is
# a line that says "not a message key" (another format that shares a
# name). "id" is not checked: it is also the field every model record has.
#
# With EXPECT_FOUND (the check's own test, on tests/protocol/keys_fixture)
# it succeeds when it finds exactly that many.

cmake_minimum_required(VERSION 3.22)

if(NOT ROOT)
    message(FATAL_ERROR "pass -DROOT=<source dir>")
endif()

set(keys
    type protocol clientId token serverId heartbeatMs lastTx limits maxFrameBytes
    maxMutationsPerTransaction maxPendingPushes collection cursor chunk last records rev
    fields prevCursor changes op acks settledTx transactions tx mutations cursors code
    message retryable ref retryAfterMs expectedTx supported subscription filter params userId)

# Other formats that share a key's name, file by file.
set(allowed
    "src/core/field.cpp:type"                           # a field's JSON form in a schema
    "src/server/serverconfig.cpp:fields"                # the server's config file
    "src/server/serverconfig.cpp:limits"
    "src/server/serverlimits.cpp:limits"
    "src/server/serverlimits.cpp:maxFrameBytes"
    "src/server/serverlimits.cpp:maxMutationsPerTransaction"
    "src/server/serverlimits.cpp:maxPendingPushes"
    "src/server/serverlimits.cpp:heartbeatMs"
    "src/server/sqlitestorage.cpp:rev"                  # a column of its table
)

list(JOIN keys "|" alternatives)
file(GLOB_RECURSE sources RELATIVE "${ROOT}"
    "${ROOT}/src/*.cpp" "${ROOT}/src/*.h" "${ROOT}/src/*.hpp" "${ROOT}/src/*.qml" "${ROOT}/src/*.js")
set(found "")
foreach(source IN LISTS sources)
    if(source MATCHES "^src/protocol/")
        continue()
    endif()
    file(READ "${ROOT}/${source}" text)
    if(NOT text MATCHES "\"(${alternatives})\\\\?\"")
        continue()
    endif()
    # One list element per line: ';', '[' and ']' would split or join them.
    string(REPLACE ";" "<semicolon>" text "${text}")
    string(REPLACE "[" "<bracket>" text "${text}")
    string(REPLACE "]" "<closing bracket>" text "${text}")
    string(REPLACE "\n" ";" lines "${text}")
    set(in_comment FALSE)
    foreach(line IN LISTS lines)
        # Inside a block comment (a qdoc /*! ... */ block's \code example).
        if(in_comment)
            if(line MATCHES "\\*/")
                set(in_comment FALSE)
            endif()
            continue()
        endif()
        if(line MATCHES "^[ \t]*/\\*" AND NOT line MATCHES "\\*/")
            set(in_comment TRUE)
            continue()
        endif()
        if(line MATCHES "^[ \t]*(//|/\\*|\\*)" OR line MATCHES "not a message key")
            continue()
        endif()
        foreach(key IN LISTS keys)
            set(k "\"${key}\"")
            if(line MATCHES "(u${k}|${k}_|\\\\\"${key}\\\\\"|${k}:|\\( *${k} *\\)|\\{ *${k} *[,}])"
                AND NOT "${source}:${key}" IN_LIST allowed)
                string(STRIP "${line}" stripped)
                string(REPLACE "<semicolon>" ";" stripped "${stripped}")
                string(REPLACE "<bracket>" "[" stripped "${stripped}")
                string(REPLACE "<closing bracket>" "]" stripped "${stripped}")
                string(APPEND found "  ${source}: '${key}' in: ${stripped}\n")
            endif()
        endforeach()
    endforeach()
endforeach()

if(DEFINED EXPECT_FOUND)
    string(REGEX MATCHALL "' in: " hits "${found}")
    list(LENGTH hits count)
    if(NOT count EQUAL EXPECT_FOUND)
        message(FATAL_ERROR "found ${count} keys, expected ${EXPECT_FOUND}:\n${found}")
    endif()
    message(STATUS "found the ${count} keys expected:\n${found}")
    return()
endif()
if(found)
    message(FATAL_ERROR "message keys spelled outside src/protocol/ (use the typed messages of "
        "src/protocol/messages_p.h):\n${found}")
endif()
list(LENGTH sources count)
message(STATUS "no message key outside src/protocol/ in ${count} files")
