# build_project(<name>): configures and builds WORK_DIR/projects/<name>
# against the installed Optimist (PREFIX), as the guide's reader would;
# then, if a block said `run <program> until <connected|applied>`, runs the
# program against a test server (snippetrunner run). A project the page
# gives no CMakeLists.txt gets CONTEXTS/default-project.cmake.

function(run_step project what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        string(REPLACE ";" ", " lines "${project_${project}_lines}")
        string(APPEND failures "${page}:${lines}: the project '${project}' made of the blocks at these lines "
            "${what}:\n${out}\n")
    endif()
    set(failures "${failures}" PARENT_SCOPE)
    set(step_ok ${rc} PARENT_SCOPE)
endfunction()

function(build_project project)
    set(dir "${WORK_DIR}/projects/${project}")
    if(NOT EXISTS "${dir}/CMakeLists.txt")
        file(COPY_FILE "${CONTEXTS}/default-project.cmake" "${dir}/CMakeLists.txt")
    endif()
    set(launcher "")
    if(LAUNCHER)
        set(launcher "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
    endif()
    run_step(${project} "does not configure"
        "${CMAKE_COMMAND}" -S "${dir}" -B "${dir}/build" -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${PREFIX}"
        "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}" ${launcher})
    if(step_ok EQUAL 0)
        run_step(${project} "does not build" "${CMAKE_COMMAND}" --build "${dir}/build")
    endif()
    set(program "${project_${project}_run}")
    if(step_ok EQUAL 0 AND NOT program STREQUAL "")
        run_step(${project} "does not run against a test server"
            "${RUNNER}" run --server-config "${SERVER_CONFIG}" --port ${port} --until "${project_${project}_until}"
            -- "${dir}/build/${program}")
        math(EXPR count_run "${count_run} + 1")
    endif()
    set(failures "${failures}" PARENT_SCOPE)
    set(count_run ${count_run} PARENT_SCOPE)
endfunction()
