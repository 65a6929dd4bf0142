// A byte stream read from a file, a gzip file or stdin, with progress.
#ifndef RELATA_QUERY_INPUT_SOURCE_H_
#define RELATA_QUERY_INPUT_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace relata::query {

class InputSource {
 public:
  // Opens `path` ("-" is stdin); gzip input is detected and inflated.
  static absl::StatusOr<std::unique_ptr<InputSource>> Open(const std::string& path);
  // Reads from memory; `text` must outlive the source.
  static std::unique_ptr<InputSource> FromString(std::string_view text,
                                                 std::string name = "<string>");
  virtual ~InputSource() = default;

  // Fills up to `length` bytes; returns 0 at the end. Sets error() on failure.
  virtual std::size_t Read(char* buffer, std::size_t length) = 0;
  // Bytes consumed from the underlying file (compressed bytes for gzip).
  virtual std::uint64_t RawBytesRead() const = 0;
  // The size of the underlying file, or 0 when unknown (stdin, pipes).
  virtual std::uint64_t RawSize() const = 0;
  // All the bytes Read gives, or 0 when not known before the end (gzip,
  // stdin, pipes): readers size their buffers by it.
  virtual std::uint64_t KnownLength() const = 0;
  const std::string& name() const { return name_; }
  const std::string& error() const { return error_; }

 protected:
  explicit InputSource(std::string name) : name_(std::move(name)) {}
  std::string name_;
  std::string error_;
};

}  // namespace relata::query

#endif  // RELATA_QUERY_INPUT_SOURCE_H_
