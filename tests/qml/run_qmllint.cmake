# cmake -P script behind the qmllint tests: runs QMLLINT on FILES with the
# build's QML modules (IMPORT_DIR) and fails on any warning, whether or not
# qmllint counts it in its exit code. EXPECT_FAILURE=ON inverts the result,
# to prove that a misuse is caught.
execute_process(
    COMMAND "${QMLLINT}" -I "${IMPORT_DIR}" ${FILES}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
string(REGEX MATCH "(^|\n)(Warning|Error|Critical)" warned "${out}")
if(NOT rc EQUAL 0 OR warned)
    set(clean OFF)
else()
    set(clean ON)
endif()
message("${out}")
if(EXPECT_FAILURE AND clean)
    message(FATAL_ERROR "qmllint found nothing to report in ${FILES}")
elseif(NOT EXPECT_FAILURE AND NOT clean)
    message(FATAL_ERROR "qmllint reported the warnings above (exit code ${rc})")
endif()
