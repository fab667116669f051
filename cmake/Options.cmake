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
set(CMAKE_CXX_EXTENSIONS OFF)
