# Every dependency comes from Debian 12's packages (scripts/setup.sh installs
# them). Nothing is downloaded at configure or build time.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)                 # Boost::headers (Asio, Beast)
find_package(CURL REQUIRED)                       # CURL::libcurl
find_package(tomlplusplus REQUIRED)               # tomlplusplus::tomlplusplus
find_package(SQLite3 REQUIRED)                    # SQLite::SQLite3
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)                     # spdlog::spdlog (external fmt)
find_package(nlohmann_json 3 REQUIRED)            # nlohmann_json::nlohmann_json
find_package(date REQUIRED)                       # date::date-tz (sets USE_OS_TZDB=1)
find_package(OpenSSL REQUIRED)                    # OpenSSL::Crypto (HMAC, SHA-256)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

find_path(MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)
add_library(plazo_mustache INTERFACE)
target_include_directories(plazo_mustache SYSTEM INTERFACE ${MUSTACHE_INCLUDE_DIR})

# libcsv ships a header and a static library, no CMake or pkg-config file.
find_path(CSV_INCLUDE_DIR csv.h REQUIRED)
find_library(CSV_LIBRARY NAMES libcsv.a csv REQUIRED)
add_library(plazo_csv INTERFACE)
target_include_directories(plazo_csv SYSTEM INTERFACE ${CSV_INCLUDE_DIR})
target_link_libraries(plazo_csv INTERFACE ${CSV_LIBRARY})

if(PLAZO_BUILD_TESTS)
  find_package(GTest REQUIRED)                    # GTest::gtest, GTest::gmock
endif()
