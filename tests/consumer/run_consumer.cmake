# cmake -P script behind the consumer_package test: the full consumer (every
# component, C++ and QML), a Core-only consumer with every Qt package but
# Qt6Core disabled, and an unknown component, which must fail with a clear
# message.
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

# Core only: any other Qt package it tried to find would fail the configure.
set(core_build "${CONSUMER_WORK_DIR}/core-only")
set(no_other_qt "")
foreach(package Qt6Gui Qt6Network Qt6WebSockets Qt6Sql Qt6Qml Qt6Quick)
    list(APPEND no_other_qt "-DCMAKE_DISABLE_FIND_PACKAGE_${package}=ON")
endforeach()
run("${CMAKE_COMMAND}" -S "${CORE_CONSUMER_SOURCE_DIR}" -B "${core_build}" -G "${CONSUMER_GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=${CONSUMER_CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_CXX_FLAGS}" ${no_other_qt})
run("${CMAKE_COMMAND}" --build "${core_build}")
run("${core_build}/core-consumer")

# An unknown component fails the configure and names itself.
execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${CORE_CONSUMER_SOURCE_DIR}" -B "${CONSUMER_WORK_DIR}/unknown"
        -G "${CONSUMER_GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}" "-DOPTIMIST_COMPONENTS=Core;Bogus"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0 OR NOT out MATCHES "Optimist has no component \"Bogus\"")
    message(FATAL_ERROR "COMPONENTS Bogus did not fail clearly (${rc}):\n${out}")
endif()
message(STATUS "consumer: an unknown component fails: Optimist has no component \"Bogus\"")
