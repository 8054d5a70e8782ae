# The CMakeLists.txt of a snippet project whose page gives none: each .cpp
# is a program with every Optimist component and the Qt modules snippets use.
cmake_minimum_required(VERSION 3.21)
project(snippets LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)

find_package(Qt6 6.4 REQUIRED COMPONENTS Network Widgets)
find_package(Optimist REQUIRED)
qt_standard_project_setup()

file(GLOB sources "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
foreach(source IN LISTS sources)
    get_filename_component(name "${source}" NAME_WE)
    qt_add_executable(${name} "${source}")
    target_link_libraries(${name} PRIVATE Optimist::Core Optimist::Sync Optimist::Server Qt6::Network Qt6::Widgets)
endforeach()
