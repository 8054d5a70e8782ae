include(GenerateExportHeader)

# optimist_add_library(<Name> SOURCES <files...>)
#
# One of Optimist's shared libraries, laid out the same way: target
# Optimist<Name> (alias and exported name Optimist::<Name>), public headers in
# include/optimist/, a generated optimist<name>_export.h beside them, all
# installed as component <Name> of the Optimist package (export set
# Optimist<Name>Targets, see optimist_install_component()).
function(optimist_add_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
    set(target Optimist${name})
    string(TOLOWER "${name}" lower)
    string(TOUPPER "${name}" upper)
    set(export_header "${CMAKE_CURRENT_BINARY_DIR}/include/optimist/optimist${lower}_export.h")

    add_library(${target} SHARED ${ARG_SOURCES})
    add_library(Optimist::${name} ALIAS ${target})
    generate_export_header(${target} BASE_NAME OPTIMIST_${upper} EXPORT_FILE_NAME "${export_header}")
    set_target_properties(${target} PROPERTIES
        EXPORT_NAME ${name}
        VERSION ${PROJECT_VERSION}
        SOVERSION ${PROJECT_VERSION_MAJOR}
        INSTALL_RPATH "$ORIGIN")
    target_include_directories(${target}
        PUBLIC
            "$<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>"
            "$<BUILD_INTERFACE:${CMAKE_CURRENT_BINARY_DIR}/include>"
            "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>"
        PRIVATE
            "${CMAKE_CURRENT_SOURCE_DIR}/include/optimist")

    install(TARGETS ${target} EXPORT Optimist${name}Targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    install(DIRECTORY include/optimist DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    install(FILES "${export_header}" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/optimist)
    optimist_install_component(${name})
endfunction()

# optimist_install_component(<Name>)
#
# Installs export set Optimist<Name>Targets as Optimist<Name>Targets.cmake,
# which OptimistConfig.cmake loads for find_package(Optimist COMPONENTS <Name>).
function(optimist_install_component name)
    install(EXPORT Optimist${name}Targets
        NAMESPACE Optimist::
        DESTINATION "${OPTIMIST_INSTALL_CMAKEDIR}")
endfunction()
