# Around a CMake fragment that adds Optimist to a project's `app` target
# (an empty program when the page gives no main.cpp with it).
cmake_minimum_required(VERSION 3.21)
project(app LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)

find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets)
qt_standard_project_setup()
set(main "${CMAKE_CURRENT_SOURCE_DIR}/main.cpp")
if(NOT EXISTS "${main}")
    set(main "${CMAKE_CURRENT_BINARY_DIR}/main.cpp")
    file(WRITE "${main}" "int main() { return 0; }\n")
endif()
qt_add_executable(app "${main}")
target_link_libraries(app PRIVATE Qt6::Widgets)

# SNIPPET
