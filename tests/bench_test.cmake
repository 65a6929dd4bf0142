# The benchmark inputs must be real: the generator gives the same bytes for
# the same seed, exactly the triples asked for, all valid N-Quads (RDF 1.2
# reifiers included) that relata loads without skipping a line. And the
# benchmark binary runs (one short iteration each; no time is checked).
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
