# Debian package of wmihunt, built by `cpack` in the build folder: the binary, man page,
# shipped allowlist (/usr/share/wmihunt) and licence (/usr/share/doc/wmihunt/copyright).
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)

# cpack and `make install` install what is built instead of building every target (the
# test suite) first: build wmihunt, then package it.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wmihunt)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The wmihunt authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "offline hunt for WMI persistence in Windows event logs")
set(CPACK_PACKAGE_DESCRIPTION
    "wmihunt reads Windows event logs (.evtx) and reproduces Splunk ESCU's WMI analytics
offline: temporary and permanent WMI event subscriptions from the WMI-Activity
Operational log, counted by host, query and consumer, with allowlists and time
windows. The shipped allowlist of known-benign subscriptions is in /usr/share/wmihunt.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "The wmihunt authors <maintainers@users.noreply.r-seed-503a10d0.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends: the shared libraries' packages from dpkg-shlibdeps, plus the time zone database
# that --tz reads from /usr/share/zoneinfo.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS tzdata)
set(CPACK_STRIP_FILES ON)
include(CPack)
