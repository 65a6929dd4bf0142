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

# Debug information is for relata's own developers: installed, the archives
# and the tool go without it (of an 80 MB program embedding relata, 78 MB
# were DWARF sections from the RelWithDebInfo archives). Keep it with
# -DRELATA_INSTALL_DEBUG_INFO=ON.
option(RELATA_INSTALL_DEBUG_INFO "install the library and the tool with their debug information" OFF)
if(NOT RELATA_INSTALL_DEBUG_INFO AND CMAKE_STRIP)
  set(RELATA_INSTALLED_BINARIES
    ${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:relata> ${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:relata_base>
    ${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:relata_storage> ${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:relata_query>
    ${CMAKE_INSTALL_BINDIR}/$<TARGET_FILE_NAME:relata_cli>)
  install(CODE "
    foreach(file ${RELATA_INSTALLED_BINARIES})
      execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/\${file}\"
                      RESULT_VARIABLE stripped)
      if(NOT stripped EQUAL 0)
        message(FATAL_ERROR \"cannot strip the debug information of \${file}\")
      endif()
    endforeach()")
endif()
