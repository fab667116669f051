# Installation layout (`cmake --install`) and the Debian package (`cpack -G DEB`).
#
#   bin/plazo
#   lib/systemd/system/plazo.service       ExecStart points at the installed binary
#   share/plazo/examples/*.toml            the example configs
#   share/plazo/templates/*.mustache       the built-in templates, to copy and override
#   share/doc/plazo/                       README, webhook payloads
#   /etc/plazo/plazo.toml                  the minimal example, never overwritten
#
# The config goes to /etc/plazo for system prefixes (/usr, /usr/local: where
# `plazo` looks by default) and to PREFIX/etc/plazo for any other prefix, so a
# trial install into a scratch prefix does not touch /etc.

install(FILES ${PROJECT_SOURCE_DIR}/config/examples/itagui-2023.toml
              ${PROJECT_SOURCE_DIR}/config/examples/minimal.toml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/plazo/examples)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/notifiers/templates/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/plazo/templates
        FILES_MATCHING PATTERN "*.mustache")
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/notifiers/WEBHOOKS.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)

# Both paths are worked out at install time: CPack installs with its own
# prefix (/usr), not the one this build was configured with.
set(PLAZO_UNIT_SOURCE ${PROJECT_SOURCE_DIR}/systemd/plazo.service)
# The minimal example: its relay is 127.0.0.1 and it has no webhooks and no
# cycles, so an enabled service sends nothing anywhere until the admin has
# written the real config and imported a plan. (The Itagüí example names
# webhooks at example.org; it stays under share/plazo/examples.)
set(PLAZO_CONFIG_SOURCE ${PROJECT_SOURCE_DIR}/config/examples/minimal.toml)
string(CONFIGURE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr" OR CMAKE_INSTALL_PREFIX STREQUAL "/usr/local")
    set(plazo_etc "/etc/plazo")
  else()
    set(plazo_etc "${CMAKE_INSTALL_PREFIX}/etc/plazo")
  endif()

  # The unit, with ExecStart at the binary this install puts in place.
  file(READ "@PLAZO_UNIT_SOURCE@" plazo_unit)
  string(REPLACE "/usr/bin/plazo " "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_BINDIR@/plazo "
         plazo_unit "${plazo_unit}")
  string(REPLACE "/etc/plazo/plazo.toml" "${plazo_etc}/plazo.toml" plazo_unit "${plazo_unit}")
  set(plazo_unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  message(STATUS "Installing: $ENV{DESTDIR}${plazo_unit_dir}/plazo.service")
  file(MAKE_DIRECTORY "$ENV{DESTDIR}${plazo_unit_dir}")
  file(WRITE "$ENV{DESTDIR}${plazo_unit_dir}/plazo.service" "${plazo_unit}")

  # The config: an admin's edited file is never replaced.
  if(EXISTS "$ENV{DESTDIR}${plazo_etc}/plazo.toml")
    message(STATUS "Keeping existing: $ENV{DESTDIR}${plazo_etc}/plazo.toml")
  else()
    file(INSTALL DESTINATION "${plazo_etc}" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
         FILES "@PLAZO_CONFIG_SOURCE@" RENAME plazo.toml)
  endif()
]] plazo_install_code @ONLY)
install(CODE "${plazo_install_code}")

# -- Debian package ----------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME plazo)
set(CPACK_PACKAGE_VENDOR plazo)
set(CPACK_PACKAGE_CONTACT "plazo maintainers <plazo@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "plazo keeps a plan's activities and reporting cycles in SQLite and reminds the
administrative units that own them, by email or webhook, before, on and after
every deadline (Plan Anticorrupción y de Atención al Ciudadano and any plan
with dated activities owned by units).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies come from dpkg-shlibdeps; these are what the package
# itself uses: the zone data, adduser in postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
