# Every third-party dependency is found here, once, and exposed as an imported target.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json url)
find_package(fmt 9 REQUIRED CONFIG)
find_package(spdlog 1.10 REQUIRED CONFIG)
find_package(tomlplusplus 3 REQUIRED CONFIG)
find_package(CLI11 2 REQUIRED CONFIG)
find_package(tl-expected 1 REQUIRED CONFIG)
find_package(GTest REQUIRED CONFIG)
find_package(benchmark REQUIRED CONFIG)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)   # dlp: tenant patterns
find_package(Protobuf REQUIRED)
find_package(absl REQUIRED CONFIG)

# libphonenumber: headers unpacked by scripts/install-deps.sh into .deps/ (the Debian
# -dev package pulls Boost 1.74, which conflicts with 1.81); the runtime .so from apt.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h
  HINTS ${CMAKE_SOURCE_DIR}/.deps/phonenumber/usr/include REQUIRED)
find_library(PHONENUMBER_LIBRARY NAMES libphonenumber.so.8 phonenumber REQUIRED)
find_library(GEOCODING_LIBRARY NAMES libgeocoding.so.8 geocoding REQUIRED)
add_library(phonenumber::phonenumber UNKNOWN IMPORTED)
set_target_properties(phonenumber::phonenumber PROPERTIES
  IMPORTED_LOCATION ${PHONENUMBER_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${PHONENUMBER_INCLUDE_DIR}
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${PHONENUMBER_INCLUDE_DIR})
target_link_libraries(phonenumber::phonenumber INTERFACE
  protobuf::libprotobuf absl::node_hash_map absl::hash)
add_library(phonenumber::geocoding UNKNOWN IMPORTED)
set_target_properties(phonenumber::geocoding PROPERTIES
  IMPORTED_LOCATION ${GEOCODING_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${PHONENUMBER_INCLUDE_DIR}
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${PHONENUMBER_INCLUDE_DIR})
target_link_libraries(phonenumber::geocoding INTERFACE phonenumber::phonenumber)
