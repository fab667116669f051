# plazo_options: the one place that says how plazo is compiled. Every target
# links it: C++20, warnings, -Werror in CI, sanitizers on request.
add_library(plazo_options INTERFACE)
target_compile_features(plazo_options INTERFACE cxx_std_20)
target_include_directories(plazo_options INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(plazo_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
target_compile_definitions(plazo_options INTERFACE
  PLAZO_VERSION="${PROJECT_VERSION}"
  PLAZO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
if(PLAZO_WERROR)
  target_compile_options(plazo_options INTERFACE -Werror)
endif()
if(PLAZO_SANITIZE)
  target_compile_options(plazo_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(plazo_options INTERFACE -fsanitize=address,undefined)
endif()
if(PLAZO_FUZZ)
  # libFuzzer needs clang. Every plazo library is instrumented for coverage
  # (fuzzer-no-link: the fuzzing engine itself is linked only into the fuzz
  # targets, see fuzz/CMakeLists.txt) and checked by ASan and UBSan; a UB
  # report aborts, so the fuzzer counts it as a crash.
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "PLAZO_FUZZ needs clang: configure with CC=clang CXX=clang++")
  endif()
  target_compile_options(plazo_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(plazo_options INTERFACE -fsanitize=address,undefined)
endif()
set(CMAKE_CXX_EXTENSIONS OFF)
