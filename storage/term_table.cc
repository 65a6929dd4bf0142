#include "storage/term_table.h"

#include "absl/hash/hash.h"
#include "engine/base/strings.h"

namespace relata::storage {

std::uint64_t TermTable::Hash(std::string_view key) {
  return absl::Hash<absl::string_view>{}(ToAbsl(key));
}

void TermTable::Insert(std::string_view key, std::uint64_t hash, TermId id, bool fresh) {
  // At most three quarters full keeps linear probes short.
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  const auto size = static_cast<std::uint32_t>(key.size());
  const std::uint64_t offset = arena_.size();
  arena_.append(reinterpret_cast<const char*>(&size), sizeof size);
  arena_.append(key);
  std::size_t i = hash & Mask();
  while (slots_[i].id != kNoTerm) i = (i + 1) & Mask();
  slots_[i] = {hash, id, offset | (fresh ? kFreshBit : 0)};
  ++size_;
  if (fresh) ++fresh_count_;
}

void TermTable::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& slot : old) {
    if (slot.id == kNoTerm) continue;
    std::size_t i = slot.hash & Mask();
    while (slots_[i].id != kNoTerm) i = (i + 1) & Mask();
    slots_[i] = slot;
  }
}

}  // namespace relata::storage
