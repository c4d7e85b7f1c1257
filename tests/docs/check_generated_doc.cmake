# Runs GENERATOR into OUT and compares OUT with the committed DOC; on a difference prints `diff -u` and fails.
execute_process(COMMAND ${GENERATOR} OUTPUT_FILE ${OUT} RESULT_VARIABLE gen_rc)
if(NOT gen_rc EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed (${gen_rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DOC} ${OUT} RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  execute_process(COMMAND diff -u ${DOC} ${OUT} OUTPUT_VARIABLE d)
  message(FATAL_ERROR "${DOC} is out of date with the schemas; regenerate it:\n"
                      "  ${GENERATOR} > ${DOC}\n${d}")
endif()
