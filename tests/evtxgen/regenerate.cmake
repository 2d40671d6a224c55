# Runs `evtxgen fixtures` into WORK and fails unless every file matches FIXTURES byte for byte
# (same set of .evtx and .csv files, same contents). Usage:
#   cmake -DEVTXGEN=... -DFIXTURES=.../test_data -DWORK=... -P regenerate.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${EVTXGEN} fixtures --out ${WORK} --scenarios ${FIXTURES}/scenarios
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "evtxgen fixtures failed (${rc})")
endif()
file(GLOB_RECURSE expected RELATIVE ${FIXTURES} ${FIXTURES}/*.evtx ${FIXTURES}/*.csv)
file(GLOB_RECURSE got RELATIVE ${WORK} ${WORK}/*.evtx ${WORK}/*.csv)
list(SORT expected)
list(SORT got)
if(NOT expected STREQUAL got)
  message(FATAL_ERROR "file sets differ:\n expected: ${expected}\n got: ${got}")
endif()
set(differ "")
foreach(f IN LISTS expected)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${FIXTURES}/${f} ${WORK}/${f}
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    list(APPEND differ ${f})
  endif()
endforeach()
if(differ)
  message(FATAL_ERROR "regenerated fixtures differ from the committed ones: ${differ}\n"
                      "run: build/evtxgen fixtures --out test_data")
endif()
list(LENGTH expected n)
message(STATUS "${n} fixture files regenerate identically")
