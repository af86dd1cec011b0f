# Runs an experiment with the plugin just built and checks every trial completed:
#   cmake -DCAVIAR=caviar -DEXPERIMENT=example.toml -DSTORE=build/example.db
#         -DPLUGIN_DIR=build [-DORIGIN=name] -P caviar_run_example.cmake
# ORIGIN, when given, is the origin every trial must have (a sampler's name).
foreach(var CAVIAR EXPERIMENT STORE PLUGIN_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "caviar_run_example.cmake needs -D${var}=...")
  endif()
endforeach()

# A fresh study each time: an existing store would be resumed, with nothing left to run.
get_filename_component(store_dir ${STORE} DIRECTORY)
get_filename_component(store_stem ${STORE} NAME_WE)
file(REMOVE ${STORE} ${STORE}-wal ${STORE}-shm)
file(REMOVE_RECURSE ${store_dir}/${store_stem}-files)

set(ENV{CAVIAR_PLUGIN_PATH} ${PLUGIN_DIR})
execute_process(COMMAND ${CAVIAR} run ${EXPERIMENT} --store ${STORE} --quiet
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "caviar run exited with ${rc}:\n${out}${err}")
endif()
message(STATUS "${out}")

execute_process(COMMAND ${CAVIAR} trials ${STORE} --format json
  RESULT_VARIABLE rc OUTPUT_VARIABLE trials ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "caviar trials exited with ${rc}:\n${err}")
endif()
string(JSON count LENGTH "${trials}")
if(count EQUAL 0)
  message(FATAL_ERROR "the study has no trials")
endif()
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON state GET "${trials}" ${i} state)
  if(NOT state STREQUAL "complete")
    string(JSON error GET "${trials}" ${i} error)
    message(FATAL_ERROR "trial ${i} is ${state}: ${error}")
  endif()
  if(DEFINED ORIGIN)
    string(JSON origin GET "${trials}" ${i} origin)
    if(NOT origin STREQUAL ORIGIN)
      message(FATAL_ERROR "trial ${i} has origin \"${origin}\", expected \"${ORIGIN}\"")
    endif()
  endif()
endforeach()
message(STATUS "${count} trials complete")
