// Hands parsed quads from a reader thread to the thread that encodes them,
// in batches, so that parsing and encoding (each about half of a load's
// reading phase) run at the same time.
#ifndef RELATA_ENGINE_SRC_QUAD_PIPE_H_
#define RELATA_ENGINE_SRC_QUAD_PIPE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "query/rdf_reader.h"
#include "relata/database.h"
#include "relata/term.h"

namespace relata {

class QuadPipe : public query::RdfSink {
 public:
  struct Batch {
    std::vector<Quad> quads;  // slots are reused, so their strings keep capacity
    std::size_t size = 0;
    bool new_file = false;  // the first quads of another input: a new blank node scope
  };

  // Quads in the default graph go to `default_graph` when it is set. The
  // reader thread counts quads and skipped statements into `report` and
  // calls `progress` every 65,536 quads.
  QuadPipe(std::optional<Term> default_graph, LoadReport& report, std::function<void()> progress)
      : default_graph_(std::move(default_graph)), report_(report), progress_(std::move(progress)) {}

  // Reader side.
  void OnQuad(Quad& quad) override {
    if ((++report_.quads & 0xFFFF) == 0 && progress_) progress_();
    if (current_ == nullptr) {
      current_ = TakeFree();
      current_->new_file = next_is_new_file_;
      next_is_new_file_ = false;
    }
    // Swapping hands the reader the slot's old strings to fill next, so
    // neither side allocates once the batches are warm.
    Quad& slot = current_->quads[current_->size++];
    swap(slot.subject, quad.subject);
    swap(slot.predicate, quad.predicate);
    swap(slot.object, quad.object);
    swap(slot.graph, quad.graph);
    if (default_graph_.has_value() && slot.InDefaultGraph()) slot.graph = *default_graph_;
    if (current_->size == kBatchQuads) Push();
  }
  void OnSkipped(const absl::Status& error) override {
    ++report_.skipped;
    report_.errors.emplace_back(error.message());
  }
  // The quads that follow come from another input file.
  void StartFile() {
    if (current_ != nullptr && current_->size > 0) Push();
    next_is_new_file_ = true;
  }
  // No more quads will come.
  void Close() {
    if (current_ != nullptr && current_->size > 0) Push();
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    ready_changed_.notify_all();
  }

  // Encoder side: the next batch, or nullptr when the reader closed the pipe
  // and every batch was taken. Give each batch back with Recycle.
  std::unique_ptr<Batch> Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_changed_.wait(lock, [this] { return !ready_.empty() || closed_; });
    if (ready_.empty()) return nullptr;
    auto batch = std::move(ready_.front());
    ready_.pop_front();
    ready_changed_.notify_all();
    return batch;
  }
  void Recycle(std::unique_ptr<Batch> batch) {
    batch->size = 0;
    batch->new_file = false;
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(batch));
  }

 private:
  static constexpr std::size_t kBatchQuads = 1024;
  static constexpr std::size_t kMaxReady = 4;  // bounds the memory between the threads

  std::unique_ptr<Batch> TakeFree() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) {
      auto batch = std::make_unique<Batch>();
      batch->quads.resize(kBatchQuads);
      return batch;
    }
    auto batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }
  void Push() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_changed_.wait(lock, [this] { return ready_.size() < kMaxReady; });
    ready_.push_back(std::move(current_));
    ready_changed_.notify_all();
  }

  std::optional<Term> default_graph_;
  LoadReport& report_;
  std::function<void()> progress_;
  std::unique_ptr<Batch> current_;  // being filled by the reader
  bool next_is_new_file_ = false;
  std::mutex mutex_;
  std::condition_variable ready_changed_;
  std::deque<std::unique_ptr<Batch>> ready_;
  std::vector<std::unique_ptr<Batch>> free_;
  bool closed_ = false;
};

}  // namespace relata

#endif  // RELATA_ENGINE_SRC_QUAD_PIPE_H_
