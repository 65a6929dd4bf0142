// The few Status helpers abseil 20220623 lacks.
#ifndef RELATA_ENGINE_BASE_STATUS_MACROS_H_
#define RELATA_ENGINE_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RELATA_CONCAT_INNER_(a, b) a##b
#define RELATA_CONCAT_(a, b) RELATA_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` is not OK.
// The variable is named per line: a lambda inside `expr` may use the macro too.
#define RETURN_IF_ERROR(expr) RETURN_IF_ERROR_IMPL_(RELATA_CONCAT_(_relata_status_, __LINE__), expr)
#define RETURN_IF_ERROR_IMPL_(status, expr)          \
  do {                                               \
    if (absl::Status status = (expr); !status.ok()) \
      return status;                                 \
  } while (0)

// `lhs = *expr` when `expr` (a StatusOr) is OK, else returns its status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(RELATA_CONCAT_(_relata_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return std::move(tmp).status(); \
  lhs = std::move(*tmp)

#endif  // RELATA_ENGINE_BASE_STATUS_MACROS_H_
