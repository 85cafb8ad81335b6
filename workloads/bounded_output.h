// A workload's stdout and stderr, bounded: a workload may print gigabytes and its run
// directory must not fill the disk. Training and benchmarking runs both write through it.
//
// The child writes into a FIFO beside each file; a thread drains both, writes the first
// kHeadBytes of each stream to its file, drops the rest but keeps its last kTailBytes, and
// at the end appends a line saying how much was dropped, then that tail (where a crash's
// last words are). Every byte, dropped or not, goes into a SHA-256 of the stream, so two
// outputs compare exactly without either being stored whole. The child never blocks on a
// full disk or on pgo: the drain keeps reading whatever happens to the file.
// Where FIFOs cannot be made (an odd file system), the files are written directly, unbounded.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/hash.h"

namespace pgo {

class BoundedOutput {
 public:
  static constexpr uint64_t kHeadBytes = 16u << 20;
  static constexpr size_t kTailBytes = 64u << 10;

  // files[0] receives stdout, files[1] stderr; an empty path leaves that stream uncaptured.
  explicit BoundedOutput(std::array<std::filesystem::path, 2> files);
  ~BoundedOutput();
  BoundedOutput(const BoundedOutput&) = delete;
  BoundedOutput& operator=(const BoundedOutput&) = delete;

  // Where the child's stream `i` (0 stdout, 1 stderr) goes: the ProcessSpec's stdout_file
  // or stderr_file (empty for an uncaptured stream).
  const std::filesystem::path& target(size_t i) const { return streams_[i].target; }

  // Call once the child and its process group are gone: takes what is left in the FIFOs,
  // writes the tails and removes the FIFOs.
  void finish();

  // After finish(): the SHA-256 of everything stream `i` carried, and how many bytes that was.
  const std::string& sha256(size_t i) const { return streams_[i].sha256; }
  uint64_t total_bytes(size_t i) const { return streams_[i].written + streams_[i].dropped; }
  // After finish(): whether stream `i`'s file left part of it out.
  bool cut(size_t i) const { return streams_[i].dropped > 0; }

 private:
  struct Stream {
    std::filesystem::path file, fifo, target;
    int fifo_fd = -1, out_fd = -1;
    uint64_t written = 0, dropped = 0;
    std::string tail;
    bool write_failed = false;
    Sha256Stream hash;
    std::string sha256;
  };

  static void close_fds(Stream& s);
  static void write_out(Stream& s, const char* data, size_t n);
  static void hash_written_file(Stream& s);
  void take(Stream& s, const char* data, size_t n);
  bool read_available(Stream& s, std::vector<char>& buffer);
  void drain_loop();

  std::array<Stream, 2> streams_;
  int wake_fd_ = -1;  // an eventfd: finish() wakes the drain at once instead of at its next poll timeout
  std::thread drain_;
  std::atomic<bool> stop_{false};
  bool finished_ = false;
};

}  // namespace pgo
