# Fails when a module includes a header it must not: dependencies run
# base <- storage, query <- engine <- tools.
set(rules
  "engine/base|query/|storage/|engine/src|engine/plan|engine/exec"
  "storage|query/|engine/src|engine/plan|engine/exec"
  "query|storage/|engine/src|engine/plan|engine/exec"
  "tools|query/|storage/|engine/")
set(violations "")
foreach(rule IN LISTS rules)
  string(REPLACE "|" ";" parts "${rule}")
  list(POP_FRONT parts dir)
  file(GLOB_RECURSE sources "${ROOT}/${dir}/*.h" "${ROOT}/${dir}/*.cc")
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" includes REGEX "^#include \"")
    foreach(line IN LISTS includes)
      foreach(banned IN LISTS parts)
        if(line MATCHES "^#include \"${banned}")
          list(APPEND violations "${source}: ${line}")
        endif()
      endforeach()
    endforeach()
  endforeach()
endforeach()
if(violations)
  string(REPLACE ";" "\n" text "${violations}")
  message(FATAL_ERROR "layering violations:\n${text}")
endif()
message(STATUS "layering: no module includes a header it must not")
