// Bounds how deep a recursive-descent parse may go, in bytes of stack: the
// resource that deep nesting ("((((…", "[ [ [ …") exhausts. A parse that
// reaches the budget fails with an error instead of overflowing the stack,
// whatever rule the nesting goes through.
#ifndef RELATA_QUERY_STACK_GUARD_H_
#define RELATA_QUERY_STACK_GUARD_H_

#include <cstddef>
#include <cstdint>

namespace relata::query {

class StackGuard {
 public:
  // 1 MiB of the 8 MiB a thread gets by default on Linux: room left for
  // the translation and evaluation, which recurse over what was parsed.
  static constexpr std::size_t kBudgetBytes = std::size_t{1} << 20;

  StackGuard() : base_(Here()) {}
  // True once the stack has grown more than the budget since construction
  // (it grows downwards on every platform relata builds for).
  bool Exhausted() const { return base_ > Here() && base_ - Here() > kBudgetBytes; }

 private:
  static std::uintptr_t Here() { return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)); }
  std::uintptr_t base_;
};

}  // namespace relata::query

#endif  // RELATA_QUERY_STACK_GUARD_H_
