# cmake -P script behind the consumer_package test.
set(prefix "${CONSUMER_WORK_DIR}/prefix")
file(REMOVE_RECURSE "${CONSUMER_WORK_DIR}")

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}")
    endif()
endfunction()

run("${CMAKE_COMMAND}" --install "${OPTIMIST_BUILD_DIR}" --prefix "${prefix}")
run("${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${CONSUMER_WORK_DIR}/build" -G "${CONSUMER_GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=${CONSUMER_CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_CXX_FLAGS}")
run("${CMAKE_COMMAND}" --build "${CONSUMER_WORK_DIR}/build")
run("${CONSUMER_WORK_DIR}/build/consumer")
