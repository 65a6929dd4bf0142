// Bounds how deep a recursive-descent parse may go, in bytes of stack: the
// resource that deep nesting ("((((…", "[ [ [ …") exhausts. A parse that
// reaches the budget fails with an error instead of overflowing the stack,
// whatever rule the nesting goes through.
#ifndef RELATA_QUERY_STACK_GUARD_H_
#define RELATA_QUERY_STACK_GUARD_H_

#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define RELATA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELATA_ASAN 1
#endif
#endif

namespace relata::query {

#ifdef RELATA_ASAN
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

class StackGuard {
 public:
  // 1 MiB of the 8 MiB a thread gets by default on Linux: room left for
  // the evaluation, which recurses over what was parsed. AddressSanitizer's
  // frames are several times larger: the same nesting needs more bytes.
  static constexpr std::size_t kBudgetBytes = std::size_t{kAddressSanitizer ? 4 : 1} << 20;

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
