// Readiness checks of a service (service.h): a TCP connect, an HTTP GET, a file, a regex on
// the server's output; and the free port for ${port}.
#include "workloads/readiness.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "support/atomic_file.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// A socket that closes itself.
struct Socket {
  int fd = -1;
  explicit Socket(int f) : fd(f) {}
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

// Connects to host:port within `timeout`; the connected socket, or -1.
int connect_within(const std::string& host, const std::string& port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return -1;
  int connected = -1;
  for (addrinfo* a = found; a && connected < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (r < 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int error = 0;
      socklen_t len = sizeof error;
      if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1 &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0)
        r = 0;
    }
    if (r == 0) {
      connected = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  return connected;
}

// "8080" or "host:8080" -> host and port (host 127.0.0.1 when not given).
std::pair<std::string, std::string> split_host_port(const std::string& target) {
  size_t colon = target.rfind(':');
  if (colon == std::string::npos) return {"127.0.0.1", target};
  return {target.substr(0, colon), target.substr(colon + 1)};
}

bool tcp_accepts(const std::string& target) {
  auto [host, port] = split_host_port(target);
  Socket s(connect_within(host, port, std::chrono::milliseconds(500)));
  return s.fd >= 0;
}

// GET `url` (http://host[:port]/path) answers with a 2xx status line.
bool http_answers_ok(const std::string& url) {
  std::string rest = url.substr(std::strlen("http://"));
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto [host, port] = authority.find(':') == std::string::npos ? std::pair{authority, std::string("80")}
                                                                  : split_host_port(authority);
  Socket s(connect_within(host, port, std::chrono::milliseconds(500)));
  if (s.fd < 0) return false;
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n";
  if (::send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    return false;
  std::string status;
  auto deadline = Clock::now() + std::chrono::seconds(2);
  while (status.find("\r\n") == std::string::npos && status.size() < 256 && Clock::now() < deadline) {
    pollfd p{s.fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[256];
    ssize_t n = ::recv(s.fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    status.append(buffer, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  size_t space = status.find(' ');
  return status.starts_with("HTTP/") && space != std::string::npos && status.size() > space + 3 &&
         status[space + 1] == '2';
}

}  // namespace

std::string describe_ready(const ReadyCheck& ready) {
  switch (ready.kind) {
    case ReadyCheck::Kind::Tcp: return "TCP port " + ready.target + " accepting connections";
    case ReadyCheck::Kind::Http: return "GET " + ready.target + " answering 2xx";
    case ReadyCheck::Kind::File: return "file " + ready.target + " appearing";
    case ReadyCheck::Kind::Output: return "output matching '" + ready.target + "'";
  }
  return "";
}

bool is_ready(const ReadyCheck& ready, const fs::path& cwd, const fs::path& server_log,
              const std::optional<std::regex>& pattern) {
  switch (ready.kind) {
    case ReadyCheck::Kind::Tcp: return tcp_accepts(ready.target);
    case ReadyCheck::Kind::Http: return http_answers_ok(ready.target);
    case ReadyCheck::Kind::File: {
      std::error_code ec;
      return fs::exists(cwd / ready.target, ec);
    }
    case ReadyCheck::Kind::Output: return std::regex_search(read_file_if_present(server_log), *pattern);
  }
  return false;
}


int pick_free_port() {
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t len = sizeof address;
  if (s.fd < 0 || ::bind(s.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(s.fd, reinterpret_cast<sockaddr*>(&address), &len) != 0)
    throw Error(ExitCode::kWorkloadFailure, std::string("cannot find a free TCP port for ${port}: ") +
                                                std::strerror(errno));
  return ntohs(address.sin_port);
}

}  // namespace pgo
