# What an embedder does: install relata into a prefix, build examples/embed
# against it with find_package(relata), run the program and check its output.
# -DSOURCE=<repo> -DBUILD=<relata build dir> -DWORK=<scratch dir>
file(REMOVE_RECURSE ${WORK})
include(${CMAKE_CURRENT_LIST_DIR}/testing/run.cmake)

# expect_in(<text> <expected>...): stops the test unless each expected string is in the text.
function(expect_in text)
  foreach(expected IN LISTS ARGN)
    string(FIND "${text}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "expected '${expected}' in:\n${text}")
    endif()
  endforeach()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
# The tool is installed beside the library.
run(${WORK}/prefix/bin/relata --version)
expect_in("${out}" "relata ")
run(${CMAKE_COMMAND} -S ${SOURCE}/examples/embed -B ${WORK}/build
    -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK}/build)
run(${WORK}/build/memberships ${WORK}/db ${SOURCE}/examples/embed/news.ttl)
expect_in("${out}" "loaded 6 quads"
          "http://example.org/russia is a member of http://example.org/eaeu"
          "http://example.org/kazakhstan is a member of http://example.org/eaeu")
# A small program is small: the installed archives carry no debug information.
file(SIZE ${WORK}/build/memberships program_bytes)
if(program_bytes GREATER 16000000)
  message(FATAL_ERROR "a program embedding relata is ${program_bytes} bytes")
endif()
string(REGEX MATCHALL "is a member of" lines "${out}")
list(LENGTH lines count)
if(NOT count EQUAL 6)
  message(FATAL_ERROR "expected 6 memberships, got ${count}:\n${out}")
endif()

# reach: KG-JSONL bulk load, then prepared queries run with bound variables.
run(${WORK}/build/reach ${WORK}/kgdb ${SOURCE}/examples/embed/news.jsonl Russia kazakhstan Atlantis)
expect_in("${out}" "loaded 4 relations, 5 entities"
          "Russia (https://relata.dev/e/russia) reaches Eurasian Economic Union"
          "Russia (https://relata.dev/e/russia) reaches Shanghai Cooperation Organisation"
          "Russia (https://relata.dev/e/russia) reaches United Nations"
          "kazakhstan (https://relata.dev/e/kazakhstan) reaches Eurasian Economic Union"
          "Atlantis: no such entity")
string(REGEX MATCHALL "kazakhstan [^\n]* reaches" kz "${out}")
list(LENGTH kz count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "Kazakhstan reaches only the EAEU:\n${out}")
endif()
