# Fails when a file includes a project header its folder may not use:
# dependencies run base <- storage, query, functions <- plan <- exec <-
# database <- tools <- bench, kg beside exec. Each source folder lists the include
# prefixes it may use; a folder with sources and no rule fails too, so a
# new one cannot escape.
# (The build enforces the same between targets: see relata_module_root.)
set(project_prefixes engine/ storage/ query/ tools/ bench/ tests/ relata/)
set(rules
  "engine/include|relata/"
  "engine/base|engine/base/|relata/"
  "storage|storage/|engine/base/|relata/"
  "query|query/|engine/base/|relata/"
  "engine/functions|engine/functions/|engine/base/|relata/"
  "engine/plan|engine/plan/|engine/functions/|storage/|query/|engine/base/|relata/"
  "engine/exec|engine/exec/|engine/plan/|engine/functions/|storage/|query/|engine/base/|relata/"
  "engine/kg|engine/kg/|query/|engine/base/|relata/"
  "engine/database|engine/database/|engine/exec/|engine/plan/|engine/functions/|engine/kg/|storage/|query/|engine/base/|relata/"
  "tools|tools/|relata/"
  "bench|bench/|query/|tools/|relata/")
# Sets `out` to whether `header` starts with one of the prefixes after it.
function(starts_with_any out header)
  foreach(prefix IN LISTS ARGN)
    if(header MATCHES "^${prefix}")
      set(${out} TRUE PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} FALSE PARENT_SCOPE)
endfunction()
set(violations "")
file(GLOB_RECURSE sources RELATIVE "${ROOT}"
  "${ROOT}/engine/*.h" "${ROOT}/engine/*.cc" "${ROOT}/storage/*.h" "${ROOT}/storage/*.cc"
  "${ROOT}/query/*.h" "${ROOT}/query/*.cc" "${ROOT}/tools/*.h" "${ROOT}/tools/*.cc"
  "${ROOT}/bench/*.h" "${ROOT}/bench/*.cc")
set(checked 0)
foreach(source IN LISTS sources)
  # The rule of the longest folder that holds the file.
  set(allowed "")
  set(best "")
  foreach(rule IN LISTS rules)
    string(REPLACE "|" ";" parts "${rule}")
    list(POP_FRONT parts dir)
    string(LENGTH "${dir}" length)
    string(LENGTH "${best}" best_length)
    if(source MATCHES "^${dir}/" AND length GREATER best_length)
      set(best "${dir}")
      set(allowed "${parts}")
    endif()
  endforeach()
  if(best STREQUAL "")
    get_filename_component(folder "${source}" DIRECTORY)
    list(APPEND violations "${source}: no layering rule for the folder ${folder}")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  file(STRINGS "${ROOT}/${source}" includes REGEX "^#include \"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]*)\".*" "\\1" header "${line}")
    starts_with_any(ours "${header}" ${project_prefixes})
    starts_with_any(ok "${header}" ${allowed})
    if(ours AND NOT ok)
      string(REPLACE ";" " " allowed_text "${allowed}")
      list(APPEND violations "${source}: ${line} (${best} may include ${allowed_text})")
    endif()
  endforeach()
endforeach()
if(violations)
  string(REPLACE ";" "\n" text "${violations}")
  message(FATAL_ERROR "layering violations:\n${text}")
endif()
message(STATUS "layering: ${checked} files, none includes a header its folder must not")
