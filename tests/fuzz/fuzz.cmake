# Runs one libFuzzer target for SECONDS (else $ENV{FUZZ_SECONDS}, else 600),
# starting from the seed files SEEDS (globs, searched recursively; KG-JSONL
# files are split into one seed per line), the regressions, and the corpus
# earlier runs in WORK grew. A finding fails the run and names the input.
# -DBINARY=<fuzz target> -DWORK=<dir> -DSEEDS=<globs> -DREGRESSIONS=<dir> [-DSECONDS=n]
if(NOT SECONDS)
  set(SECONDS $ENV{FUZZ_SECONDS})
endif()
if(NOT SECONDS)
  set(SECONDS 600)
endif()

set(seeds ${WORK}/seeds)
if(NOT EXISTS ${seeds})
  file(MAKE_DIRECTORY ${seeds})
  set(count 0)
  foreach(glob IN LISTS SEEDS)
    file(GLOB_RECURSE files ${glob})
    foreach(file IN LISTS files)
      if(file MATCHES "\\.jsonl$")
        file(STRINGS ${file} lines)
        foreach(line IN LISTS lines)
          math(EXPR count "${count} + 1")
          file(WRITE ${seeds}/${count} "${line}\n")
        endforeach()
      else()
        math(EXPR count "${count} + 1")
        file(COPY_FILE ${file} ${seeds}/${count})
      endif()
    endforeach()
  endforeach()
  if(count EQUAL 0)
    message(FATAL_ERROR "no seed files match ${SEEDS}")
  endif()
endif()
file(MAKE_DIRECTORY ${WORK}/corpus)

execute_process(
  # -entropic=0: the entropic schedule's bookkeeping grows with the features
  # seen, and the parsers' templates give hundreds of thousands of them; it
  # took 90% of the time and ran 6 inputs a second.
  COMMAND ${BINARY} -entropic=0 -max_total_time=${SECONDS} -timeout=20 -rss_limit_mb=3072 -max_len=16384
          -print_final_stats=1 -artifact_prefix=${WORK}/ ${WORK}/corpus ${seeds} ${REGRESSIONS}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCHALL "stat::[a-z_]+: *[0-9]+" stats "${err}")
string(REPLACE ";" "\n" stats "${stats}")
if(NOT status EQUAL 0)
  string(LENGTH "${err}" length)
  if(length GREATER 6000)
    math(EXPR start "${length} - 6000")
    string(SUBSTRING "${err}" ${start} 6000 err)
  endif()
  file(GLOB findings ${WORK}/crash-* ${WORK}/leak-* ${WORK}/timeout-* ${WORK}/oom-*)
  message(FATAL_ERROR "${err}\n${BINARY} found a problem; the input: ${findings}\n"
          "Fix it, then copy the input into ${REGRESSIONS}/ so that it stays fixed.")
endif()
message("${stats}")
