# tracesim_layer(NAME <layer> DEPS <targets...>)
# Builds library tracesim_<layer> (alias tracesim::<layer>) from every .cc file
# under <layer>/src, with public headers under <layer>/include.
function(tracesim_layer)
  cmake_parse_arguments(ARG "" "NAME" "DEPS" ${ARGN})
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cc)
  if(NOT _srcs)
    message(FATAL_ERROR "layer ${ARG_NAME} has no sources under ${CMAKE_CURRENT_SOURCE_DIR}/src")
  endif()
  add_library(tracesim_${ARG_NAME} STATIC ${_srcs})
  add_library(tracesim::${ARG_NAME} ALIAS tracesim_${ARG_NAME})
  target_include_directories(tracesim_${ARG_NAME}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(tracesim_${ARG_NAME} PUBLIC ${ARG_DEPS})
  set_target_properties(tracesim_${ARG_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# tracesim_tests(DIR <dir> DEPS <targets...>)
# One GoogleTest executable per *_test.cc file in DIR; each is registered with ctest.
function(tracesim_tests)
  cmake_parse_arguments(ARG "" "DIR;LABEL" "DEPS;EXTRA_DEPS;INCLUDES" ${ARGN})
  file(GLOB _tests CONFIGURE_DEPENDS ${ARG_DIR}/*_test.cc)
  foreach(_t ${_tests})
    get_filename_component(_name ${_t} NAME_WE)
    set(_target ${ARG_LABEL}_${_name})
    add_executable(${_target} ${_t})
    target_link_libraries(${_target} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_include_directories(${_target} PRIVATE ${ARG_INCLUDES})
    target_compile_definitions(${_target} PRIVATE
      TRACESIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      TRACESIM_BINARY_DIR="${PROJECT_BINARY_DIR}")
    if(ARG_EXTRA_DEPS)
      add_dependencies(${_target} ${ARG_EXTRA_DEPS})
      target_compile_definitions(${_target} PRIVATE TRACESIM_EXE="$<TARGET_FILE:tracesim>")
    endif()
    gtest_discover_tests(${_target} TEST_PREFIX "${ARG_LABEL}." PROPERTIES LABELS ${ARG_LABEL}
      DISCOVERY_TIMEOUT 60)
  endforeach()
endfunction()
