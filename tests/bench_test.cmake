# The benchmark inputs must be real: the generator gives the same bytes for
# the same seed, exactly the triples asked for, all valid N-Quads (RDF 1.2
# reifiers included) that relata loads without skipping a line. And the
# benchmark binaries run (one short iteration each; no time is checked).
# -DGENERATE=<relata-generate-news> -DRELATA=<relata> -DBENCHMARK=<load_benchmark> -DWORK=<dir>
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
include(${CMAKE_CURRENT_LIST_DIR}/testing/run.cmake)

run(${GENERATE} --triples 20000 --seed 7 --rdf12 -o ${WORK}/a.nq)
run(${GENERATE} --triples 20000 --seed 7 --rdf12 -o ${WORK}/b.nq)
file(SHA256 ${WORK}/a.nq first)
file(SHA256 ${WORK}/b.nq second)
if(NOT first STREQUAL second)
  message(FATAL_ERROR "the same seed gave two different files")
endif()
run(${GENERATE} --triples 20000 --seed 8 --rdf12 -o ${WORK}/c.nq)
file(SHA256 ${WORK}/c.nq third)
if(first STREQUAL third)
  message(FATAL_ERROR "another seed gave the same file")
endif()
run(${RELATA} load ${WORK}/db ${WORK}/a.nq)
if(NOT out MATCHES "20000 statements read, [0-9]+ duplicates, [0-9]+ quads added, 0 skipped")
  message(FATAL_ERROR "unexpected load report: ${out}")
endif()
run(${BENCHMARK} --benchmark_min_time=0.01)
# The query runner answers the suite's queries that need no placeholder, with
# the counts relata query gives.
run(${QUERY_RUNNER} ${WORK}/db --repeat 2 ${QUERIES}/03-star.rq ${QUERIES}/10-group-by.rq)
if(NOT out MATCHES "^03-star\t[0-9]+\t[0-9.]+\t[0-9.]+\t[0-9.]+\n10-group-by\t12\t")
  message(FATAL_ERROR "unexpected runner output: ${out}")
endif()
string(REGEX MATCH "^03-star\t([0-9]+)" star "${out}")
set(star_rows ${CMAKE_MATCH_1})
run(${RELATA} query ${WORK}/db -f ${QUERIES}/03-star.rq)
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines line_count)
math(EXPR cli_rows "${line_count} - 1")
if(NOT cli_rows EQUAL star_rows)
  message(FATAL_ERROR "runner counted ${star_rows} rows, relata query printed ${cli_rows}")
endif()
