// zlib reads plain and gzip files alike, so one implementation serves both.
#include "query/input_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace relata::query {
namespace {

class GzSource : public InputSource {
 public:
  GzSource(std::string name, gzFile file, std::uint64_t size)
      : InputSource(std::move(name)), file_(file), size_(size) {}
  ~GzSource() override { gzclose(file_); }

  std::size_t Read(char* buffer, std::size_t length) override {
    const int n = gzread(file_, buffer, static_cast<unsigned>(length));
    if (n < 0) {
      int code = 0;
      error_ = gzerror(file_, &code);
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
  std::uint64_t RawBytesRead() const override {
    const auto offset = gzoffset(file_);
    return offset < 0 ? 0 : static_cast<std::uint64_t>(offset);
  }
  std::uint64_t RawSize() const override { return size_; }
  std::uint64_t KnownLength() const override { return gzdirect(file_) == 1 ? size_ : 0; }

 private:
  gzFile file_;
  std::uint64_t size_;
};

class StringSource : public InputSource {
 public:
  StringSource(std::string_view text, std::string name)
      : InputSource(std::move(name)), text_(text) {}
  std::size_t Read(char* buffer, std::size_t length) override {
    const std::size_t n = std::min(length, text_.size() - offset_);
    std::memcpy(buffer, text_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  std::uint64_t RawBytesRead() const override { return offset_; }
  std::uint64_t RawSize() const override { return text_.size(); }
  std::uint64_t KnownLength() const override { return text_.size(); }

 private:
  std::string_view text_;
  std::size_t offset_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<InputSource>> InputSource::Open(const std::string& path) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(path + ": " + std::strerror(errno));
  }
  struct stat info {};
  std::uint64_t size = 0;
  if (fstat(fd, &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      ::close(fd);
      return absl::InvalidArgumentError(path + ": is a directory");
    }
    if (S_ISREG(info.st_mode)) size = static_cast<std::uint64_t>(info.st_size);
  }
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return absl::InternalError(path + ": cannot open");
  }
  // 1 MiB for long reads; a small file (the usual query or update file, a
  // test's data) gets a buffer its size: zlib allocates three times this.
  constexpr std::uint64_t kMostBuffer = 1 << 20, kLeastBuffer = 8 << 10;
  gzbuffer(file, static_cast<unsigned>(size == 0 ? kMostBuffer : std::clamp(size, kLeastBuffer, kMostBuffer)));
  return std::unique_ptr<InputSource>(
      new GzSource(is_stdin ? "<stdin>" : path, file, size));
}

std::unique_ptr<InputSource> InputSource::FromString(std::string_view text, std::string name) {
  return std::make_unique<StringSource>(text, std::move(name));
}

}  // namespace relata::query
