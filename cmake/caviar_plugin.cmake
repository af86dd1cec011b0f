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

# caviar_add_conformance_test(TARGET [OPTIONS NAME=VALUE...])
#
# Adds a CTest test, TARGET_conformance, that runs the conformance kit on the sampler or
# strategy plugin built by TARGET (`caviar check $<TARGET_FILE:TARGET>`): the same checks
# caviar's own tests run over every shipped plugin. OPTIONS are plugin options for the check
# (required ones, or a setting to check). Needs CAVIAR_EXECUTABLE (set by find_package(caviar)).
function(caviar_add_conformance_test target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "OPTIONS")
  if(NOT CAVIAR_EXECUTABLE)
    message(FATAL_ERROR "caviar_add_conformance_test(${target}): CAVIAR_EXECUTABLE is not set "
                        "(find_package(caviar) sets it)")
  endif()
  set(options)
  foreach(o IN LISTS arg_OPTIONS)
    list(APPEND options --option ${o})
  endforeach()
  add_test(NAME ${target}_conformance
           COMMAND ${CAVIAR_EXECUTABLE} check $<TARGET_FILE:${target}> ${options})
endfunction()
