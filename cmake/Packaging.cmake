# Debian packages (`make package`): diskret, diskret-vault and diskret-smsc, one CPack
# component each. Maintainer scripts, units and configuration live in packaging/.
include(GNUInstallDirs)
set(pkg ${CMAKE_SOURCE_DIR}/packaging)

install(TARGETS diskret RUNTIME DESTINATION bin COMPONENT diskret)
install(TARGETS diskret-vault RUNTIME DESTINATION bin COMPONENT diskret-vault)
install(TARGETS diskret-smsc RUNTIME DESTINATION bin COMPONENT diskret-smsc)

# Configuration (conffiles): carrier passwords live in it, so 0640; postinst gives the group
# to the service's user.
install(FILES ${pkg}/etc/diskret.toml DESTINATION /etc/diskret
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT diskret)
install(FILES ${pkg}/etc/vault.toml DESTINATION /etc/diskret
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT diskret-vault)
install(FILES ${pkg}/systemd/diskret.service DESTINATION /lib/systemd/system COMPONENT diskret)
install(FILES ${pkg}/systemd/diskret-vault.service DESTINATION /lib/systemd/system COMPONENT diskret-vault)

# The portal bundle (built by the `portal` target) and the documentation.
install(DIRECTORY ${CMAKE_BINARY_DIR}/portal/ DESTINATION share/diskret/portal COMPONENT diskret
        OPTIONAL)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION share/doc/diskret COMPONENT diskret)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION share/doc/diskret COMPONENT diskret
        PATTERN "vault.md" EXCLUDE)
install(FILES ${CMAKE_SOURCE_DIR}/docs/vault.md DESTINATION share/doc/diskret-vault COMPONENT diskret-vault)

# Maintainer scripts: postinst gets the shared-secret function pasted in.
file(READ ${pkg}/debian/share-secret.sh SHARE_SECRET)
foreach(component diskret diskret-vault)
  set(out ${CMAKE_BINARY_DIR}/packaging/${component})
  file(MAKE_DIRECTORY ${out})
  configure_file(${pkg}/debian/${component}/postinst.in ${out}/postinst @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
  foreach(script prerm postrm)
    configure_file(${pkg}/debian/${component}/${script} ${out}/${script} COPYONLY
                   FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                    WORLD_READ WORLD_EXECUTE)
  endforeach()
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/packaging/diskret/conffiles "/etc/diskret/diskret.toml\n")
file(WRITE ${CMAKE_BINARY_DIR}/packaging/diskret-vault/conffiles "/etc/diskret/vault.toml\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME diskret)
set(CPACK_PACKAGE_VENDOR "diskret")
set(CPACK_PACKAGE_CONTACT "diskret operators <ops@diskret.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL diskret diskret-vault diskret-smsc)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_DISKRET_PACKAGE_NAME diskret)
set(CPACK_DEBIAN_DISKRET-VAULT_PACKAGE_NAME diskret-vault)
set(CPACK_DEBIAN_DISKRET-SMSC_PACKAGE_NAME diskret-smsc)
set(CPACK_DEBIAN_DISKRET_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_DISKRET-VAULT_PACKAGE_DEPENDS "adduser")
set(CPACK_COMPONENT_DISKRET_DESCRIPTION
    "privacy-first business SMS platform\n diskret serve: REST API, web portal, email to SMS, SMPP server and delivery over SMPP 3.4.")
set(CPACK_COMPONENT_DISKRET-VAULT_DESCRIPTION
    "diskret card vault\n The hosted card form and the encrypted card store, apart from diskret (PCI DSS scope separation).")
set(CPACK_COMPONENT_DISKRET-SMSC_DESCRIPTION
    "SMSC simulator for diskret\n An SMPP 3.4 server for demos, tests and benchmarks: acknowledges submits, sends receipts, injects faults.")
set(CPACK_DEBIAN_DISKRET_PACKAGE_CONTROL_EXTRA
    "${CMAKE_BINARY_DIR}/packaging/diskret/postinst;${CMAKE_BINARY_DIR}/packaging/diskret/prerm;${CMAKE_BINARY_DIR}/packaging/diskret/postrm;${CMAKE_BINARY_DIR}/packaging/diskret/conffiles")
set(CPACK_DEBIAN_DISKRET-VAULT_PACKAGE_CONTROL_EXTRA
    "${CMAKE_BINARY_DIR}/packaging/diskret-vault/postinst;${CMAKE_BINARY_DIR}/packaging/diskret-vault/prerm;${CMAKE_BINARY_DIR}/packaging/diskret-vault/postrm;${CMAKE_BINARY_DIR}/packaging/diskret-vault/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
