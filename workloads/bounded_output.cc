#include "workloads/bounded_output.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

namespace pgo {
namespace fs = std::filesystem;

BoundedOutput::BoundedOutput(std::array<fs::path, 2> files) {
  for (size_t i = 0; i < streams_.size(); ++i) {
    Stream& s = streams_[i];
    s.file = files[i];
    s.target = s.file;
    if (s.file.empty()) continue;
    fs::path fifo = s.file.parent_path() / ("." + s.file.filename().string() + ".fifo");
    ::unlink(fifo.c_str());
    if (::mkfifo(fifo.c_str(), 0600) != 0) continue;
    // Read and write: the FIFO always has a writer, so reads never see an end of file
    // between the runner's opens, and an empty FIFO reads as EAGAIN.
    s.fifo_fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    s.out_fd = ::open(s.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (s.fifo_fd < 0 || s.out_fd < 0) {
      close_fds(s);
      ::unlink(fifo.c_str());
      continue;
    }
    ::fcntl(s.fifo_fd, F_SETPIPE_SZ, 1 << 20);  // fewer wake-ups for chatty programs
    s.fifo = fifo;
    s.target = fifo;
  }
  if (streams_[0].fifo_fd >= 0 || streams_[1].fifo_fd >= 0) {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    drain_ = std::thread([this] { drain_loop(); });
  }
}

BoundedOutput::~BoundedOutput() { finish(); }

void BoundedOutput::finish() {
  if (finished_) return;
  finished_ = true;
  stop_.store(true);
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
  if (drain_.joinable()) drain_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
  for (Stream& s : streams_) {
    if (s.dropped > 0 && s.out_fd >= 0 && !s.write_failed) {
      if (s.tail.size() > kTailBytes) s.tail.erase(0, s.tail.size() - kTailBytes);
      std::string marker = "\n[pgo: " + std::to_string(s.dropped - s.tail.size()) + " bytes of " +
                           s.file.filename().string() + " left out here: pgo keeps the first " +
                           std::to_string(kHeadBytes >> 20) + " MiB and the last " +
                           std::to_string(kTailBytes >> 10) + " KiB of a workload run's output]\n";
      write_out(s, marker.data(), marker.size());
      write_out(s, s.tail.data(), s.tail.size());
    }
    const bool direct = s.fifo_fd < 0;
    close_fds(s);
    if (!s.fifo.empty()) ::unlink(s.fifo.c_str());
    if (direct && !s.file.empty()) hash_written_file(s);
    s.sha256 = s.hash.hex();
  }
}

void BoundedOutput::close_fds(Stream& s) {
  if (s.fifo_fd >= 0) ::close(s.fifo_fd);
  if (s.out_fd >= 0) ::close(s.out_fd);
  s.fifo_fd = s.out_fd = -1;
}

void BoundedOutput::write_out(Stream& s, const char* data, size_t n) {
  while (n > 0 && !s.write_failed) {
    ssize_t w = ::write(s.out_fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      s.write_failed = true;  // disk full or the like: keep draining, stop writing
      return;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
}

// Without a FIFO the child wrote the file itself: hash it in pieces (it may be huge).
void BoundedOutput::hash_written_file(Stream& s) {
  std::ifstream in(s.file, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    s.hash.update(std::string_view(buffer.data(), n));
    s.written += n;
  }
}

void BoundedOutput::take(Stream& s, const char* data, size_t n) {
  s.hash.update(std::string_view(data, n));
  if (s.written < kHeadBytes) {
    size_t head = static_cast<size_t>(std::min<uint64_t>(n, kHeadBytes - s.written));
    write_out(s, data, head);
    s.written += head;
    data += head;
    n -= head;
  }
  if (n == 0) return;
  s.dropped += n;
  s.tail.append(data, n);
  if (s.tail.size() > 2 * kTailBytes) s.tail.erase(0, s.tail.size() - kTailBytes);
}

// Reads `s` until it is empty; true if anything was read.
bool BoundedOutput::read_available(Stream& s, std::vector<char>& buffer) {
  bool any = false;
  for (;;) {
    ssize_t n = ::read(s.fifo_fd, buffer.data(), buffer.size());
    if (n > 0) {
      take(s, buffer.data(), static_cast<size_t>(n));
      any = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return any;  // EAGAIN: empty for now
  }
}

void BoundedOutput::drain_loop() {
  std::vector<char> buffer(1 << 20);
  for (;;) {
    bool stopping = stop_.load();
    std::array<pollfd, 3> fds{};
    for (size_t i = 0; i < streams_.size(); ++i) fds[i] = pollfd{streams_[i].fifo_fd, POLLIN, 0};
    fds[2] = pollfd{wake_fd_, POLLIN, 0};
    // Once stopping, the writers are gone: read what is left without waiting.
    if (!stopping) ::poll(fds.data(), fds.size(), 50);
    for (Stream& s : streams_)
      if (s.fifo_fd >= 0) read_available(s, buffer);
    if (stopping) return;
  }
}

}  // namespace pgo
