/* kvserver: a single-threaded epoll key-value server on 127.0.0.1 (protocol in protocol.h).
 *
 * It installs no handler for SIGTERM on purpose: the default action kills it, which is the
 * case pgo's exit-on-signal preload has to turn into a normal exit() during training. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol.h"

enum { kMaxEvents = 64, kReadChunk = 16384 };
static const size_t kMaxPendingRequest = 1 << 20; /* a line longer than this closes the connection */

typedef struct {
  int fd;
  byte_buffer in, out;
  int want_write; /* EPOLLOUT registered */
} connection;

static void usage(FILE *to) {
  fprintf(to,
          "usage: kvserver --port N\n"
          "A key-value server on 127.0.0.1:N (one command per line: GET, SET, MGET, INCR, DEL,\n"
          "APPEND, EXISTS, STRLEN, PING, STATS). It runs until a signal stops it.\n");
}

static int listen_on_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 128) != 0) {
    fprintf(stderr, "kvserver: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
    exit(1);
  }
  return fd;
}

static void close_connection(int epoll_fd, connection *c) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  buffer_free(&c->in);
  buffer_free(&c->out);
  free(c);
}

/* Writes what the socket takes; watches for writability only while replies are pending. */
static int flush_replies(int epoll_fd, connection *c) {
  size_t sent = 0;
  while (sent < c->out.len) {
    ssize_t n = send(c->fd, c->out.data + sent, c->out.len - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) return -1;
    sent += (size_t)n;
  }
  buffer_consume(&c->out, sent);
  int want_write = c->out.len > 0;
  if (want_write != c->want_write) {
    struct epoll_event ev = {.events = EPOLLIN | (want_write ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) != 0) return -1;
    c->want_write = want_write;
  }
  return 0;
}

/* Executes every complete line in the input buffer; keeps a partial last line. */
static int execute_complete_lines(kv_server_state *state, connection *c) {
  size_t done = 0;
  for (;;) {
    char *newline = memchr(c->in.data + done, '\n', c->in.len - done);
    if (!newline) break;
    size_t len = (size_t)(newline - (c->in.data + done));
    if (len > 0 && c->in.data[done + len - 1] == '\r') --len;
    execute_request_line(state, c->in.data + done, len, &c->out);
    done = (size_t)(newline - c->in.data) + 1;
  }
  buffer_consume(&c->in, done);
  return c->in.len > kMaxPendingRequest ? -1 : 0;
}

/* Reads until the socket is drained; -1 when the peer closed or the connection failed. */
static int read_requests(kv_server_state *state, connection *c) {
  for (;;) {
    buffer_reserve(&c->in, kReadChunk);
    ssize_t n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n <= 0) return -1;
    c->in.len += (size_t)n;
    if (execute_complete_lines(state, c) != 0) return -1;
  }
}

static void accept_connections(int epoll_fd, int listen_fd) {
  for (;;) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) perror("kvserver: accept");
      return;
    }
    connection *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) close_connection(epoll_fd, c);
  }
}

static int parse_port(int argc, char **argv) {
  int port = -1;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      exit(0);
    }
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = atoi(argv[++i]);
      continue;
    }
    fprintf(stderr, "kvserver: unknown argument %s\n", argv[i]);
    usage(stderr);
    exit(2);
  }
  if (port <= 0 || port > 65535) {
    usage(stderr);
    exit(2);
  }
  return port;
}

int main(int argc, char **argv) {
  int port = parse_port(argc, argv);
  int listen_fd = listen_on_loopback(port);
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event listen_event = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL: the listener */
  if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen_event) != 0) {
    perror("kvserver: epoll");
    return 1;
  }
  kv_server_state state;
  server_state_init(&state);
  fprintf(stderr, "kvserver: listening on 127.0.0.1:%d\n", port);

  struct epoll_event events[kMaxEvents];
  for (;;) {
    int n = epoll_wait(epoll_fd, events, kMaxEvents, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      perror("kvserver: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      connection *c = events[i].data.ptr;
      if (!c) {
        accept_connections(epoll_fd, listen_fd);
        continue;
      }
      int failed = (events[i].events & EPOLLERR) != 0;
      if (!failed && (events[i].events & (EPOLLIN | EPOLLHUP))) failed = read_requests(&state, c) != 0;
      /* Replies to what was read are still sent when the peer half-closed after its requests. */
      if (flush_replies(epoll_fd, c) != 0 || failed) close_connection(epoll_fd, c);
    }
  }
}
