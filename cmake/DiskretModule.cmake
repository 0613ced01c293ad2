# diskret_add_module(<name> SOURCES ... [DEPS modules...] [LIBS targets...])
# creates the static library diskret_<name> for src/<name>/; includes are rooted at src/.
set(DISKRET_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wno-missing-field-initializers)

if(DISKRET_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(diskret_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  set(target diskret_${name})
  add_library(${target} STATIC ${M_SOURCES})
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(${target} PRIVATE ${DISKRET_WARNINGS})
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(${target} PUBLIC diskret_${dep})
  endforeach()
  if(M_LIBS)
    target_link_libraries(${target} PUBLIC ${M_LIBS})
  endif()
endfunction()

# diskret_add_test(<name> SOURCES ... DEPS modules... [LABEL unit|integration|e2e] [LIBS ...]
#                  [ONE_PROCESS])
# one gtest binary; tests are discovered by ctest and labelled. ONE_PROCESS: one ctest test
# runs the whole binary, for tests sharing a fixture too slow to start in every test's
# process (a PostgreSQL server).
function(diskret_add_test name)
  cmake_parse_arguments(T "ONE_PROCESS" "LABEL" "SOURCES;DEPS;LIBS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${DISKRET_WARNINGS})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  foreach(dep IN LISTS T_DEPS)
    target_link_libraries(${name} PRIVATE diskret_${dep})
  endforeach()
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    DISKRET_SOURCE_DIR="${CMAKE_SOURCE_DIR}" DISKRET_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  # Integration tests record every response their servers give (DISKRET_RESPONSE_LOG, a
  # test aid of the router); openapi_responses_check (tests/integration/openapi) checks
  # them all against docs/openapi.json after the last of them.
  set(extra)
  if(T_LABEL STREQUAL "integration")
    set(extra ENVIRONMENT "DISKRET_RESPONSE_LOG=${CMAKE_BINARY_DIR}/openapi-responses.jsonl"
              FIXTURES_REQUIRED openapi_responses)
  endif()
  if(T_ONE_PROCESS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS ${T_LABEL} ${extra})
  else()
    include(GoogleTest)
    gtest_discover_tests(${name} PROPERTIES LABELS ${T_LABEL} ${extra} DISCOVERY_TIMEOUT 30)
  endif()
endfunction()

# Adds every immediate subfolder of the current source dir that has a CMakeLists.txt.
function(diskret_add_subdirectories)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

# diskret_add_fuzzer(<name> SOURCES ... DEPS modules...) — a libFuzzer target (clang,
# configure with -DDISKRET_FUZZ=ON); scripts/fuzz.sh runs every target named *_fuzz.
# In other builds the same source is linked with fuzz/replay_main.cpp: ctest `fuzz_<name>`
# (label fuzz) replays fuzz/corpus/<name>/ and mutates it for DISKRET_FUZZ_SECONDS.
set(DISKRET_FUZZ_SECONDS 3 CACHE STRING "seconds each fuzz target runs in ctest (non-fuzz builds)")
function(diskret_add_fuzzer name)
  cmake_parse_arguments(F "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_executable(${name} ${F_SOURCES})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  foreach(dep IN LISTS F_DEPS)
    target_link_libraries(${name} PRIVATE diskret_${dep})
  endforeach()
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  if(DISKRET_FUZZ)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${name} PRIVATE ${CMAKE_SOURCE_DIR}/fuzz/replay_main.cpp)
    add_test(NAME fuzz_${name}
             COMMAND ${name} -seconds=${DISKRET_FUZZ_SECONDS} ${CMAKE_SOURCE_DIR}/fuzz/corpus/${name}
             WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz TIMEOUT 120)
  endif()
endfunction()

# diskret_add_benchmark(<name> SOURCES ... DEPS modules...) — Google Benchmark binary in bin/bench.
function(diskret_add_benchmark name)
  cmake_parse_arguments(B "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_executable(${name} ${B_SOURCES})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  foreach(dep IN LISTS B_DEPS)
    target_link_libraries(${name} PRIVATE diskret_${dep})
  endforeach()
  target_link_libraries(${name} PRIVATE ${B_LIBS} benchmark::benchmark benchmark::benchmark_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endfunction()
