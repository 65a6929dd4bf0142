# relata load: a good file loads and reports its counts; a bad one exits
# non-zero with file:line:column and leaves the store as it was.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/good.nt" "<http://x/a> <http://x/p> <http://x/b> .\n<http://x/a> <http://x/p> <http://x/c> .\n")
file(WRITE "${WORK}/bad.nt" "<http://x/a> <http://x/p> <http://x/d> .\n<http://x/a> <http://x/p> \"open .\n")
execute_process(COMMAND ${RELATA} load ${WORK}/db ${WORK}/good.nt RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "2 statements read, 0 duplicates, 2 quads added, 0 skipped")
  message(FATAL_ERROR "good load: rc=${rc} out=${out}")
endif()
execute_process(COMMAND ${RELATA} load ${WORK}/db ${WORK}/bad.nt RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "bad.nt:2:[0-9]+: unterminated string")
  message(FATAL_ERROR "bad load should fail with a position: rc=${rc} err=${err}")
endif()
execute_process(COMMAND ${RELATA} stats ${WORK}/db OUTPUT_VARIABLE out)
if(NOT out MATCHES "quads: 2\n")
  message(FATAL_ERROR "a failed load changed the store: ${out}")
endif()
execute_process(COMMAND ${RELATA} stats ${WORK}/missing RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "no such store")
  message(FATAL_ERROR "stats on a missing store: rc=${rc} err=${err}")
endif()
execute_process(COMMAND ${RELATA} load ${WORK}/db2 ${WORK}/good.nt --memory lots RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "--memory takes a size such as 512M")
  message(FATAL_ERROR "a bad --memory should be refused: rc=${rc} err=${err}")
endif()
execute_process(COMMAND ${RELATA} load ${WORK}/db2 ${WORK}/good.nt --memory 1K RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "2 quads added")
  message(FATAL_ERROR "--memory 1K: rc=${rc} out=${out}")
endif()
# On a terminal (script(1) provides one) the load draws a progress bar on
# stderr; piped, it does not.
find_program(SCRIPT script)
if(SCRIPT)
  string(REPEAT "<http://x/a> <http://x/p> <http://x/b> .\n" 70000 many)
  file(WRITE "${WORK}/many.nt" "${many}")
  execute_process(COMMAND ${SCRIPT} -qec "${RELATA} load ${WORK}/db3 ${WORK}/many.nt" /dev/null
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "\\[#*\\.*\\] +[0-9]+%.*triples/s.*left to read"
     OR NOT out MATCHES "sorting and writing the indexes" OR NOT out MATCHES "69999 duplicates")
    message(FATAL_ERROR "no progress bar on a terminal: rc=${rc} out=${out}")
  endif()
  execute_process(COMMAND ${RELATA} load ${WORK}/db4 ${WORK}/many.nt OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(err MATCHES "triples/s")
    message(FATAL_ERROR "progress bar drawn when not on a terminal: ${err}")
  endif()
endif()
# relata check: a store written by loads is consistent.
execute_process(COMMAND ${RELATA} check ${WORK}/db RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "2 quads, [0-9]+ terms: consistent")
  message(FATAL_ERROR "relata check: rc=${rc} out=${out}")
endif()
# relata query: each result format as a user pipes it, and errors with a caret.
# expect_output(<what> <regex> <command>...): the command succeeds and its
# stdout matches.
function(expect_output what regex)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "${regex}")
    message(FATAL_ERROR "${what}: rc=${rc} out=${out} err=${err}")
  endif()
endfunction()
file(WRITE "${WORK}/people.ttl" "@prefix : <http://x/> .\n:ann :knows :bob . :bob :knows :cat . :ann :age 41 .\n")
execute_process(COMMAND ${RELATA} load ${WORK}/qdb ${WORK}/people.ttl RESULT_VARIABLE rc)
expect_output("query as TSV when piped" "^\\?who\n<http://x/bob>\n<http://x/cat>\n$"
  ${RELATA} query ${WORK}/qdb "PREFIX : <http://x/> SELECT ?who WHERE { :ann :knows+ ?who } ORDER BY ?who")
expect_output("query --format json"
  "\"vars\":\\[\"a\"\\].*\"value\":\"41\",\"datatype\":\"http://www.w3.org/2001/XMLSchema#integer\""
  ${RELATA} query ${WORK}/qdb "SELECT ?a WHERE { ?s <http://x/age> ?a }" --format json)
expect_output("ASK --format xml" "<boolean>false</boolean>"
  ${RELATA} query ${WORK}/qdb "ASK { <http://x/cat> ?p ?o }" --format xml)
expect_output("CONSTRUCT --format ntriples" "<http://x/bob> <http://x/knownBy> <http://x/ann> \\.\n"
  ${RELATA} query ${WORK}/qdb "CONSTRUCT { ?b <http://x/knownBy> ?a } WHERE { ?a <http://x/knows> ?b }"
  --format ntriples)
expect_output("query --format csv" "^n\r?\n\r?\n?3\r?\n"
  ${RELATA} query ${WORK}/qdb "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }" --format csv)
file(WRITE "${WORK}/bad.rq" "SELECT ?x\nWHERE { ?x ?p }\n")
execute_process(COMMAND ${RELATA} query ${WORK}/qdb -f ${WORK}/bad.rq RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "2:15: expected" OR NOT err MATCHES "\n  WHERE { \\?x \\?p }\n                \\^")
  message(FATAL_ERROR "a syntax error needs its position and a caret: rc=${rc} err=${err}")
endif()
expect_output("EXPLAIN ANALYZE" "IndexNestedLoop over 1 triple pattern.*\\[rows 2, opened 1x.*2 result rows"
  ${RELATA} query ${WORK}/qdb "EXPLAIN ANALYZE SELECT * WHERE { ?a <http://x/knows> ?b }")
file(WRITE "${WORK}/kg.jsonl" "{\"kind\":\"entity\",\"type\":\"Organization\",\"name\":\"Shanghai Cooperation Organization\",\"aliases\":[\"SCO\"]}\n{\"kind\":\"relation\",\"subject\":{\"name\":\"India\",\"type\":\"State\"},\"predicate\":\"member_of\",\"object\":{\"name\":\"SCO\",\"type\":\"Organization\"}}\n")
expect_output("load KG-JSONL" "extractor output: 1 relations .*2 new entities, 1 merges"
  ${RELATA} load ${WORK}/kgdb ${WORK}/kg.jsonl)
expect_output("resolve lists merges with their rule"
  "Merges.*\"SCO\" +\\| e:shanghai-cooperation-organization +\\| \"alias\""
  ${RELATA} resolve ${WORK}/kgdb)
# What a person reads has the known prefixes: tables, stats, EXPLAIN. Into a
# pipe a table is cut only to $COLUMNS.
expect_output("query --format table shortens IRIs with the known prefixes"
  "\\| e:india +\\| e:shanghai-cooperation-organization +\\|"
  ${RELATA} query ${WORK}/kgdb "SELECT ?a ?b WHERE { ?a kg:member_of ?b }" --format table)
expect_output("a table into a pipe is not cut"
  "\\| \"Shanghai Cooperation Organization\" \\|"
  ${RELATA} query ${WORK}/kgdb "SELECT ?name WHERE { ?e rdfs:label ?name } ORDER BY DESC(?name)" --format table)
expect_output("a table follows COLUMNS"
  "\\| \"Shanghai Coop[^ ]*… \\|"
  ${CMAKE_COMMAND} -E env COLUMNS=24 ${RELATA} query ${WORK}/kgdb
  "SELECT ?name WHERE { ?e rdfs:label ?name } ORDER BY DESC(?name)" --format table)
expect_output("EXPLAIN writes prefixed names and the path itself"
  "PropertyPath e:india \\(kg:member_of\\|\\^kg:part_of\\)\\+ \\?org"
  ${RELATA} query ${WORK}/kgdb "EXPLAIN SELECT ?org WHERE { e:india (kg:member_of|^kg:part_of)+ ?org }")
# ... and the query's own prefixes.
expect_output("EXPLAIN writes the query's own prefixes" "1\\. scan \\?a x:knows \\?b"
  ${RELATA} query ${WORK}/qdb "EXPLAIN PREFIX x: <http://x/> SELECT * WHERE { ?a x:knows ?b }")
# stats: each table's columns line up, however long the names.
file(WRITE "${WORK}/long.nq" "<http://x/a> <http://x/p> <http://x/b> <http://example.org/graphs/a-graph-name-longer-than-sixty-characters-in-all> .\n<http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> \"A\" .\n")
execute_process(COMMAND ${RELATA} load ${WORK}/statsdb ${WORK}/long.nq OUTPUT_QUIET)
execute_process(COMMAND ${RELATA} stats ${WORK}/statsdb OUTPUT_VARIABLE out)
foreach(table "graph +quads" "predicate +quads +subjects +objects")
  foreach(row "<http://example.org/graphs/[^\n]*" "\\(default graph\\) +[0-9]+" "rdfs:label( +[0-9]+)+")
    string(REGEX MATCH "\n${table}\n" header "${out}")
    string(REGEX MATCH "\n${row}\n" line "${out}")
    string(LENGTH "${header}" want)
    string(LENGTH "${line}" width)
    # Each row lines up with its own table's header.
    if((table MATCHES "^graph" AND NOT row MATCHES "rdfs") OR (table MATCHES "^predicate" AND row MATCHES "rdfs"))
      if(want EQUAL 0 OR NOT width EQUAL want)
        message(FATAL_ERROR "stats: '${line}' does not line up with '${header}': ${out}")
      endif()
    endif()
  endforeach()
endforeach()
if(NOT out MATCHES "\nrdfs:label +1 ")
  message(FATAL_ERROR "stats: predicates by their prefixed names: ${out}")
endif()
file(WRITE "${WORK}/bad.jsonl" "{\"kind\":\"entity\",\"name\":\"A\"}\n{\"kind\":\"entity\",\"name\":7}\n")
execute_process(COMMAND ${RELATA} load ${WORK}/kgdb ${WORK}/bad.jsonl RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "bad.jsonl:2:25: name: expected a string" OR NOT err MATCHES "nothing was loaded")
  message(FATAL_ERROR "a bad KG-JSONL line needs file:line:column and the field: rc=${rc} err=${err}")
endif()
# (';' separates CMake list items, so requests with several operations go in files.)
file(WRITE "${WORK}/good.ru" "INSERT DATA { <http://x/dan> <http://x/knows> <http://x/ann> , <http://x/bob> } ;\nDELETE DATA { <http://x/ann> <http://x/knows> <http://x/bob> }\n")
expect_output("update reports what it changed" "^2 quads inserted, 1 deleted"
  ${RELATA} update ${WORK}/qdb -f ${WORK}/good.ru)
expect_output("the update is visible to queries" "^\\?who\n<http://x/ann>\n<http://x/bob>\n$"
  ${RELATA} query ${WORK}/qdb "SELECT ?who WHERE { <http://x/dan> <http://x/knows> ?who } ORDER BY ?who")
file(WRITE "${WORK}/bad.ru" "INSERT DATA { <http://x/eve> <http://x/knows> <http://x/ann> } ;\nDROP GRAPH <http://x/none>\n")
execute_process(COMMAND ${RELATA} update ${WORK}/qdb -f ${WORK}/bad.ru RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "2:1: graph <http://x/none> does not exist" OR NOT err MATCHES "nothing was changed")
  message(FATAL_ERROR "a failed update names the operation and changes nothing: rc=${rc} err=${err}")
endif()
expect_output("a failed update changed nothing" "<boolean>false</boolean>"
  ${RELATA} query ${WORK}/qdb "ASK { <http://x/eve> ?p ?o }" --format xml)
execute_process(COMMAND ${RELATA} query ${WORK}/qdb "DELETE WHERE { ?s ?p ?o }" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "run it with relata update")
  message(FATAL_ERROR "relata query refuses updates: rc=${rc} err=${err}")
endif()
expect_output("relata --version" "^relata [0-9]+\\.[0-9]+\\.[0-9]+\n$" ${RELATA} --version)
expect_output("the shell's .mode alone says the mode" "^tsv\njson\n$" ${RELATA} ${WORK}/qdb -c ".mode" -c ".mode json" -c ".mode")
# -f - reads the statement from standard input.
file(WRITE "${WORK}/stdin.rq" "SELECT ?who WHERE { <http://x/dan> <http://x/knows> ?who } ORDER BY ?who\n")
execute_process(COMMAND ${RELATA} query ${WORK}/qdb -f - INPUT_FILE ${WORK}/stdin.rq RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^\\?who\n<http://x/ann>\n<http://x/bob>\n$")
  message(FATAL_ERROR "query -f -: rc=${rc} out=${out} err=${err}")
endif()
file(WRITE "${WORK}/stdin.ru" "INSERT DATA { <http://x/fay> <http://x/knows> <http://x/dan> }\n")
execute_process(COMMAND ${RELATA} update ${WORK}/qdb -f - INPUT_FILE ${WORK}/stdin.ru RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^1 quads inserted, 0 deleted")
  message(FATAL_ERROR "update -f -: rc=${rc} out=${out}")
endif()
# A request of only a prologue or comments is an empty update
# (syntax-update-38/39/40), and EXPLAIN may follow a comment.
file(WRITE "${WORK}/prologue.ru" "# nothing to do\nPREFIX x: <http://x/>\nBASE <http://x/>\n")
expect_output("an update of only a prologue" "^0 quads inserted, 0 deleted" ${RELATA} update ${WORK}/qdb -f ${WORK}/prologue.ru)
file(WRITE "${WORK}/explain.rq" "# the plan\nexplain analyze SELECT ?who WHERE { <http://x/dan> <http://x/knows> ?who }\n")
expect_output("EXPLAIN after a comment" "IndexNestedLoop over 1 triple pattern.*2 result rows"
  ${RELATA} query ${WORK}/qdb -f ${WORK}/explain.rq)
# --default-graph: a DELETE without GRAPH reaches every graph in the union
# default graph, only the unnamed graph in the spec's (standard).
file(WRITE "${WORK}/twice.trig" "<http://x/s> <http://x/p> <http://x/o> .\n<http://x/g> { <http://x/s> <http://x/p> <http://x/o> }\n")
foreach(mode union standard)
  execute_process(COMMAND ${RELATA} load ${WORK}/dg-${mode} ${WORK}/twice.trig OUTPUT_QUIET)
endforeach()
expect_output("DELETE over the union default graph" "^0 quads inserted, 2 deleted"
  ${RELATA} update ${WORK}/dg-union "DELETE DATA { <http://x/s> <http://x/p> <http://x/o> }")
expect_output("DELETE over the standard default graph" "^0 quads inserted, 1 deleted"
  ${RELATA} update ${WORK}/dg-standard --default-graph standard "DELETE DATA { <http://x/s> <http://x/p> <http://x/o> }")
expect_output("the named graph keeps its triple" "true"
  ${RELATA} query ${WORK}/dg-standard "ASK { GRAPH <http://x/g> { <http://x/s> <http://x/p> <http://x/o> } }")
expect_output("a standard default graph holds the unnamed graph only" "^\\?n\n\"0\""
  ${RELATA} query ${WORK}/dg-standard --default-graph standard "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
expect_output("the shell's .default-graph" "union: every graph.*standard: the unnamed graph only"
  ${RELATA} ${WORK}/dg-standard -c ".default-graph" -c ".default-graph standard" -c ".default-graph")
execute_process(COMMAND ${RELATA} query ${WORK}/dg-union --default-graph all "ASK {}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "--default-graph is union or standard")
  message(FATAL_ERROR "a bad --default-graph: rc=${rc} err=${err}")
endif()
# Turtle is written for people and reads back: PREFIX lines, prefixed names,
# ';' and ',' grouping, in dumps and in CONSTRUCT results.
file(WRITE "${WORK}/kg.ttl" "@prefix kg: <https://relata.dev/kg/> . @prefix e: <https://relata.dev/e/> .\ne:russia kg:member_of e:brics , e:sco ; kg:label \"Russia\" .\n")
execute_process(COMMAND ${RELATA} load ${WORK}/ttldb ${WORK}/kg.ttl OUTPUT_QUIET)
expect_output("dump --format turtle uses the prefixes and groups"
  "PREFIX e: <https://relata.dev/e/>.*e:russia kg:member_of e:brics ,\n +e:sco ;\n +kg:label \"Russia\" \\."
  ${RELATA} dump ${WORK}/ttldb --format turtle)
execute_process(COMMAND ${RELATA} dump ${WORK}/ttldb --format turtle OUTPUT_FILE ${WORK}/again.ttl)
execute_process(COMMAND ${RELATA} load ${WORK}/ttldb2 ${WORK}/again.ttl OUTPUT_QUIET)
execute_process(COMMAND ${RELATA} dump ${WORK}/ttldb --format ntriples OUTPUT_VARIABLE first)
execute_process(COMMAND ${RELATA} dump ${WORK}/ttldb2 --format ntriples OUTPUT_VARIABLE second)
if(NOT first STREQUAL second)
  message(FATAL_ERROR "a Turtle dump does not read back:\n${first}\n---\n${second}")
endif()
expect_output("CONSTRUCT --format turtle uses the prefixes"
  "PREFIX kg: <https://relata.dev/kg/>.*e:brics kg:has_member e:russia \\."
  ${RELATA} query ${WORK}/ttldb "CONSTRUCT { ?b kg:has_member ?a } WHERE { ?a kg:member_of ?b }" --format turtle)
# `relata help` is the usage, and a mistyped command is not taken for the
# name of a new store.
execute_process(COMMAND ${RELATA} help RESULT_VARIABLE rc OUTPUT_VARIABLE out WORKING_DIRECTORY ${WORK})
if(NOT rc EQUAL 0 OR NOT out MATCHES "usage: relata" OR EXISTS "${WORK}/help")
  message(FATAL_ERROR "relata help: rc=${rc} out=${out}")
endif()
execute_process(COMMAND ${RELATA} stat RESULT_VARIABLE rc ERROR_VARIABLE err WORKING_DIRECTORY ${WORK})
if(rc EQUAL 0 OR NOT err MATCHES "unknown command 'stat' \\(did you mean 'stats'\\?\\)" OR EXISTS "${WORK}/stat")
  message(FATAL_ERROR "relata stat: rc=${rc} err=${err}")
endif()
# The shell on a path that does not exist makes no store unless told to: a
# mistyped name would leave an empty store behind.
execute_process(COMMAND ${RELATA} ${WORK}/typo.db -c ".stats" RESULT_VARIABLE rc ERROR_VARIABLE err INPUT_FILE /dev/null)
if(rc EQUAL 0 OR NOT err MATCHES "typo.db does not exist; to make a new store there: relata [^ ]*typo.db --create"
   OR EXISTS "${WORK}/typo.db")
  message(FATAL_ERROR "the shell on a missing store: rc=${rc} err=${err}")
endif()
expect_output("--create makes the store" "quads: 0\n" ${RELATA} ${WORK}/made.db --create -c ".stats")
# EXPLAIN is found after comments too, and its plan is printed as it is,
# by relata query and by the shell.
expect_output("EXPLAIN after a comment prints the plan plainly" "^Project \\?a \\?b\n  IndexNestedLoop"
  ${RELATA} query ${WORK}/qdb "# why is this slow?\nEXPLAIN SELECT * WHERE { ?a <http://x/knows> ?b }")
expect_output("the shell prints EXPLAIN plainly" "^Project \\?a \\?b\n  IndexNestedLoop"
  ${RELATA} ${WORK}/qdb -c "EXPLAIN SELECT * WHERE { ?a <http://x/knows> ?b }")
# Where documents disagree, and predicates that look like one: relata
# conflicts, .conflicts, and the predicates part of relata resolve.
file(WRITE "${WORK}/disagree.jsonl"
  "{\"kind\":\"document\",\"id\":\"old\",\"published\":\"2020-01-01\"}\n"
  "{\"kind\":\"document\",\"id\":\"new\",\"published\":\"2024-01-01\"}\n"
  "{\"kind\":\"relation\",\"subject\":{\"name\":\"Tuva\",\"type\":\"Region\"},\"predicate\":\"population\",\"object\":{\"value\":300000},\"document\":\"old\"}\n"
  "{\"kind\":\"relation\",\"subject\":{\"name\":\"Tuva\",\"type\":\"Region\"},\"predicate\":\"population\",\"object\":{\"value\":337000},\"document\":\"new\"}\n"
  "{\"kind\":\"relation\",\"subject\":{\"name\":\"Tuva\",\"type\":\"Region\"},\"predicate\":\"participates_in\",\"object\":{\"name\":\"Naadym\",\"type\":\"Event\"},\"document\":\"new\"}\n"
  "{\"kind\":\"relation\",\"subject\":{\"name\":\"Tuva\",\"type\":\"Region\"},\"predicate\":\"participated_in\",\"object\":{\"name\":\"Naadym\",\"type\":\"Event\"},\"document\":\"old\"}\n")
execute_process(COMMAND ${RELATA} load ${WORK}/disagreedb ${WORK}/disagree.jsonl OUTPUT_QUIET)
expect_output("relata conflicts lists the values newest first"
  "e/tuva>\t<https://relata.dev/kg/population>\t\"337000\"[^\n]*doc/new>\t\"2024-01-01\"[^\n]*\n<https://relata.dev/e/tuva>\t<https://relata.dev/kg/population>\t\"300000\"[^\n]*doc/old>"
  ${RELATA} conflicts ${WORK}/disagreedb)
expect_output("the shell's .conflicts" "kg/population>\t\"337000\""
  ${RELATA} ${WORK}/disagreedb -c ".conflicts")
expect_output("relata resolve lists predicates that look like one"
  "Possible duplicate predicates.*kg:participated_in \\(1\\)  ~  kg:participates_in \\(1\\): the same words"
  ${RELATA} resolve ${WORK}/disagreedb)
