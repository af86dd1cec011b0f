# caviar_add_plugin(NAME KIND SOURCES src... [LIBRARIES lib...])
#
# Builds a plugin library named KIND_NAME.so (the name the host looks for), with hidden
# visibility, linked to caviar::caviar, and installs it into caviar's plugin folder.
# KIND is sampler, strategy or model.
function(caviar_add_plugin name kind)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "SOURCES;LIBRARIES")
  if(NOT kind MATCHES "^(sampler|strategy|model)$")
    message(FATAL_ERROR "caviar_add_plugin(${name} ${kind}): KIND must be sampler, strategy or model")
  endif()
  set(target caviar_${kind}_${name})
  add_library(${target} MODULE ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE caviar::caviar ${arg_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${kind}_${name}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED CAVIAR_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CAVIAR_PLUGIN_OUTPUT_DIR})
  endif()
  if(NOT DEFINED CAVIAR_PLUGIN_DIR)
    include(GNUInstallDirs)
    set(CAVIAR_PLUGIN_DIR ${CMAKE_INSTALL_LIBDIR}/caviar/plugins)
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION ${CAVIAR_PLUGIN_DIR})
  set_property(GLOBAL APPEND PROPERTY CAVIAR_PLUGIN_TARGETS ${target})
endfunction()
