# cmake -DGPUSIM=BIN -DEXAMPLES_DIR=DIR -DWORK_DIR=DIR -DARGS="run a.yaml b.yaml" -DJSON=ON -P run_case.cmake
# Runs `gpusim ARGS` (with `--json result.json` added when JSON is ON) in WORK_DIR, where `examples` links to
# EXAMPLES_DIR, so the command line and the paths it prints are those a user sees at the repository root.
# Writes WORK_DIR/stdout.txt, stderr.txt (and result.json); fails when gpusim does.
foreach(var GPUSIM EXAMPLES_DIR WORK_DIR ARGS JSON)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_case.cmake: -D${var}=... is required")
  endif()
endforeach()

file(MAKE_DIRECTORY ${WORK_DIR})
file(REMOVE ${WORK_DIR}/examples ${WORK_DIR}/result.json ${WORK_DIR}/stdout.txt ${WORK_DIR}/stderr.txt)
file(CREATE_LINK ${EXAMPLES_DIR} ${WORK_DIR}/examples SYMBOLIC)

separate_arguments(argv UNIX_COMMAND "${ARGS}")
set(shown "gpusim ${ARGS}")
if(JSON)
  list(APPEND argv --json result.json)
  string(APPEND shown " --json result.json")
endif()
execute_process(COMMAND ${GPUSIM} ${argv}
                WORKING_DIRECTORY ${WORK_DIR}
                OUTPUT_FILE ${WORK_DIR}/stdout.txt
                ERROR_FILE ${WORK_DIR}/stderr.txt
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(READ ${WORK_DIR}/stderr.txt err)
  message(FATAL_ERROR "${shown} (in ${WORK_DIR}) exited with ${rc}:\n${err}")
endif()
message(STATUS "${shown}: output in ${WORK_DIR}")
