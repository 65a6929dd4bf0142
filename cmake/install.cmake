# `cmake --install` puts the library where find_package(relata) finds it —
# the public headers (relata/*.h), the static archives relata::relata needs
# (the modules behind it link statically into the embedding program) and a
# package config that finds RocksDB, abseil and zlib for it — and the
# relata tool in bin/.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS relata relata_base relata_storage relata_query EXPORT relataTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# The command-line tool and shell, beside the library.
install(TARGETS relata_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/engine/include/relata
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT relataTargets NAMESPACE relata::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/relata)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/relataConfig.cmake.in
  ${PROJECT_BINARY_DIR}/relataConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/relata)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/relataConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/relataConfig.cmake ${PROJECT_BINARY_DIR}/relataConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/relata)
