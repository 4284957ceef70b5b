# The Python package `plast`: the compiled core plast._core (pybind11, python/module/src) and the pure
# Python sources (python/module/plast/*.py), assembled in <build>/python/plast. scripts/setup.sh puts
# <build>/python on the user's Python path (a .pth file), so `import plast` works from /usr/bin/python3.
set(PLAST_PYTHON_DIR ${CMAKE_BINARY_DIR}/python/plast)
file(GLOB PLAST_PY_CORE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/module/src/*.cpp)
pybind11_add_module(plast_python MODULE ${PLAST_PY_CORE_SOURCES} $<TARGET_OBJECTS:plast_verbs>)
set_target_properties(plast_python PROPERTIES OUTPUT_NAME _core LIBRARY_OUTPUT_DIRECTORY ${PLAST_PYTHON_DIR})
target_include_directories(plast_python PRIVATE ${CMAKE_SOURCE_DIR}/apps/plast)
target_link_libraries(plast_python PRIVATE plast CLI11::CLI11 tomlplusplus::tomlplusplus)
target_compile_definitions(plast_python PRIVATE PLAST_CLI_PATH="$<TARGET_FILE:plast_cli>")
add_dependencies(plast_python plast_cli)

file(GLOB PLAST_PY_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/module/plast/*.py)
set(PLAST_PY_COPIES)
foreach(src ${PLAST_PY_SOURCES})
  get_filename_component(name ${src} NAME)
  add_custom_command(OUTPUT ${PLAST_PYTHON_DIR}/${name} COMMAND ${CMAKE_COMMAND} -E copy ${src} ${PLAST_PYTHON_DIR}/${name}
                     DEPENDS ${src} COMMENT "python/plast/${name}")
  list(APPEND PLAST_PY_COPIES ${PLAST_PYTHON_DIR}/${name})
endforeach()
add_custom_target(plast_python_sources ALL DEPENDS ${PLAST_PY_COPIES})
add_dependencies(plast_python plast_python_sources)
message(STATUS "plast: Python module plast._core in ${PLAST_PYTHON_DIR}")
