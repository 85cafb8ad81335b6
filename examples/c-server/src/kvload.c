/* kvload: a load client for kvserver. It sends a deterministic request mix (from --seed) over
 * blocking sockets, --pipeline requests at a time, and prints a summary of the replies on
 * stdout that is the same for every correct server: reply counts and a checksum. The request
 * rate goes to stderr, since it differs from run to run. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

typedef struct {
  int port, connections, pipeline, keys, fill;
  long requests;
  uint64_t seed;
  const char *mix;
} options;

typedef struct {
  long ok, values, misses, integers, arrays, errors;
  long long integer_sum;
  uint64_t checksum;
} reply_summary;

/* A mix: the weight of each request kind, in the order of `kind` below. */
typedef enum { GET, MGET, SET, APPEND, INCR, DEL, EXISTS, STRLEN, SCAN, KIND_COUNT } kind;
static const char *const kMixNames[] = {"read", "write", "mixed"};
static const int kMixWeights[][KIND_COUNT] = {
    /* GET MGET SET APPEND INCR DEL EXISTS STRLEN SCAN */
    {56, 14, 6, 2, 4, 1, 7, 4, 6},    /* read */
    {20, 4, 38, 14, 12, 8, 2, 1, 1},  /* write */
    {40, 10, 22, 6, 8, 4, 4, 3, 3},   /* mixed */
};

static void usage(FILE *to) {
  fprintf(to,
          "usage: kvload --port N [--requests N] [--mix read|write|mixed] [--seed S] [--keys K]\n"
          "              [--connections C] [--pipeline P] [--fill]\n"
          "Sends N requests of the mix (default: 20000, mixed, seed 1, 5000 keys) to kvserver on\n"
          "127.0.0.1:N over C connections opened one after another (default 4), P requests in\n"
          "flight (default 64). --fill first sets every key. Prints a summary of the replies on\n"
          "stdout and 'Requests/sec: X' on stderr.\n");
}

static uint64_t next_random(uint64_t *state) { /* splitmix64 */
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Keys are skewed like a cache's: a fifth of them get four fifths of the requests. */
static void append_key(byte_buffer *b, const char *prefix, int keys, uint64_t *rng) {
  uint64_t r = next_random(rng);
  int hot = keys / 5 > 0 ? keys / 5 : 1;
  long index = (r % 5 != 0) ? (long)((r >> 8) % (uint64_t)hot) : (long)((r >> 8) % (uint64_t)keys);
  buffer_append_char(b, ' ');
  buffer_append_str(b, prefix);
  buffer_append_int(b, index);
}

/* Values of 8-120 bytes; some hold spaces, quotes or control bytes, so travel quoted. */
static void append_value(byte_buffer *b, uint64_t *rng, int max_len) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/";
  char value[128];
  uint64_t r = next_random(rng);
  int len = 8 + (int)(r % (uint64_t)(max_len - 7));
  int odd = (r >> 32) % 4 == 0;
  for (int i = 0; i < len; ++i) {
    uint64_t c = next_random(rng);
    value[i] = alphabet[c % (sizeof alphabet - 1)];
    if (odd && (c >> 20) % 9 == 0) value[i] = " \"\\\n\t\x01"[(c >> 24) % 6];
  }
  buffer_append_char(b, ' ');
  buffer_append_value(b, value, (size_t)len);
}

static void append_request(byte_buffer *b, kind k, const options *o, uint64_t *rng) {
  static const char *const names[] = {"GET", "MGET", "SET", "APPEND", "INCR", "DEL", "EXISTS", "STRLEN", "SCAN"};
  static const char *const patterns[] = {"user:1*", "user:?7*", "user:[1-3]*5", "*:4?", "user:*[05]", "log:*",
                                         "user:[!0-8]?", "counter:*1*"};
  buffer_append_str(b, names[k]);
  switch (k) {
    case MGET:
      for (int n = 4 + (int)(next_random(rng) % 5); n > 0; --n) append_key(b, "user:", o->keys, rng);
      break;
    case SET: append_key(b, "user:", o->keys, rng); append_value(b, rng, 120); break;
    case APPEND: append_key(b, "log:", o->keys / 10 + 1, rng); append_value(b, rng, 16); break;
    case INCR:
      append_key(b, "counter:", o->keys / 10 + 1, rng);
      buffer_append_char(b, ' ');
      buffer_append_int(b, (long long)(next_random(rng) % 100) - 20);
      break;
    case SCAN: /* 256 buckets from a random one, matched against a glob pattern */
      buffer_append_char(b, ' ');
      buffer_append_int(b, (long long)(next_random(rng) % 8192));
      buffer_append_str(b, " 256 ");
      buffer_append_str(b, patterns[next_random(rng) % (sizeof patterns / sizeof patterns[0])]);
      break;
    default: append_key(b, "user:", o->keys, rng); break;
  }
  buffer_append_char(b, '\n');
}

static kind pick_kind(const int *weights, uint64_t *rng) {
  int total = 0;
  for (int k = 0; k < KIND_COUNT; ++k) total += weights[k];
  int r = (int)(next_random(rng) % (uint64_t)total);
  for (int k = 0; k < KIND_COUNT; ++k)
    if ((r -= weights[k]) < 0) return (kind)k;
  return GET;
}

static int connect_to_server(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    fprintf(stderr, "kvload: cannot connect to 127.0.0.1:%d: %s\n", port, strerror(errno));
    exit(1);
  }
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void send_all(int fd, const byte_buffer *b) {
  for (size_t sent = 0; sent < b->len;) {
    ssize_t n = send(fd, b->data + sent, b->len - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fprintf(stderr, "kvload: send: %s\n", strerror(errno));
      exit(1);
    }
    sent += (size_t)n;
  }
}

/* The next reply line from the socket (without \n), read through `in`; `*consumed` grows. */
static const char *read_line(int fd, byte_buffer *in, size_t *consumed, size_t *len) {
  for (;;) {
    char *start = in->data + *consumed, *nl = in->len > *consumed ? memchr(start, '\n', in->len - *consumed) : NULL;
    if (nl) {
      *len = (size_t)(nl - start);
      *consumed += *len + 1;
      return start;
    }
    buffer_consume(in, *consumed);
    *consumed = 0;
    buffer_reserve(in, 16384);
    ssize_t n = recv(fd, in->data + in->len, in->cap - in->len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fprintf(stderr, "kvload: the server closed the connection%s%s\n", n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
      exit(1);
    }
    in->len += (size_t)n;
  }
}

static void count_line(reply_summary *s, const char *line, size_t len) {
  for (size_t i = 0; i < len; ++i) s->checksum = (s->checksum ^ (unsigned char)line[i]) * 1099511628211ull;
  s->checksum = (s->checksum ^ '\n') * 1099511628211ull;
  long long v = 0;
  switch (len ? line[0] : '?') {
    case '+': s->ok++; break;
    case '=': s->values++; break;
    case '_': s->misses++; break;
    case '-': s->errors++; break;
    case ':': s->integers++; if (parse_int(line + 1, len - 1, &v) == 0) s->integer_sum += v; break;
    default: fprintf(stderr, "kvload: unexpected reply: %.*s\n", (int)len, line); exit(1);
  }
}

/* Reads `count` replies; an array reply (*n) brings n lines of its own. */
static void read_replies(int fd, byte_buffer *in, size_t *consumed, long count, reply_summary *s) {
  for (long r = 0; r < count; ++r) {
    size_t len;
    const char *line = read_line(fd, in, consumed, &len);
    if (len > 0 && line[0] == '*') {
      long long items = 0;
      parse_int(line + 1, len - 1, &items);
      s->arrays++;
      for (long long i = 0; i < items; ++i) {
        line = read_line(fd, in, consumed, &len);
        count_line(s, line, len);
      }
      continue;
    }
    count_line(s, line, len);
  }
}

/* Sends `requests` requests on a new connection, `pipeline` at a time; kind -1: SET each key. */
static void run_connection(const options *o, const int *weights, long first, long requests, uint64_t *rng,
                           reply_summary *s) {
  int fd = connect_to_server(o->port);
  byte_buffer out = {0}, in = {0};
  size_t consumed = 0;
  for (long done = 0; done < requests;) {
    long batch = requests - done < o->pipeline ? requests - done : o->pipeline;
    out.len = 0;
    for (long i = 0; i < batch; ++i) {
      if (!weights) {
        buffer_append_str(&out, "SET user:");
        buffer_append_int(&out, first + done + i);
        append_value(&out, rng, 120);
        buffer_append_char(&out, '\n');
      } else {
        append_request(&out, pick_kind(weights, rng), o, rng);
      }
    }
    send_all(fd, &out);
    read_replies(fd, &in, &consumed, batch, s);
    done += batch;
  }
  close(fd);
  buffer_free(&out);
  buffer_free(&in);
}

static long parse_number(const char *flag, const char *text, long min) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < min) {
    fprintf(stderr, "kvload: %s wants a number >= %ld, not '%s'\n", flag, min, text);
    exit(2);
  }
  return v;
}

static options parse_options(int argc, char **argv) {
  options o = {.port = -1, .connections = 4, .pipeline = 64, .keys = 5000, .requests = 20000, .seed = 1, .mix = "mixed"};
  for (int i = 1; i < argc; ++i) {
    const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(flag, "--help") || !strcmp(flag, "-h")) usage(stdout), exit(0);
    if (!strcmp(flag, "--fill")) { o.fill = 1; continue; }
    if (!value) { fprintf(stderr, "kvload: %s needs a value\n", flag); usage(stderr); exit(2); }
    ++i;
    if (!strcmp(flag, "--port")) o.port = (int)parse_number(flag, value, 1);
    else if (!strcmp(flag, "--requests")) o.requests = parse_number(flag, value, 0);
    else if (!strcmp(flag, "--connections")) o.connections = (int)parse_number(flag, value, 1);
    else if (!strcmp(flag, "--pipeline")) o.pipeline = (int)parse_number(flag, value, 1);
    else if (!strcmp(flag, "--keys")) o.keys = (int)parse_number(flag, value, 1);
    else if (!strcmp(flag, "--seed")) o.seed = (uint64_t)parse_number(flag, value, 0);
    else if (!strcmp(flag, "--mix")) o.mix = value;
    else { fprintf(stderr, "kvload: unknown option %s\n", flag); usage(stderr); exit(2); }
  }
  if (o.port < 1 || o.port > 65535) { usage(stderr); exit(2); }
  return o;
}

int main(int argc, char **argv) {
  options o = parse_options(argc, argv);
  const int *weights = NULL;
  for (size_t m = 0; m < sizeof kMixNames / sizeof kMixNames[0]; ++m)
    if (!strcmp(o.mix, kMixNames[m])) weights = kMixWeights[m];
  if (!weights) { fprintf(stderr, "kvload: --mix is read, write or mixed, not '%s'\n", o.mix); exit(2); }

  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  uint64_t rng = o.seed;
  reply_summary summary = {.checksum = 1469598103934665603ull};
  if (o.fill) run_connection(&o, NULL, 0, o.keys, &rng, &summary);
  for (int c = 0; c < o.connections; ++c) {
    long share = o.requests / o.connections + (c < o.requests % o.connections);
    run_connection(&o, weights, 0, share, &rng, &summary);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  long total = o.requests + (o.fill ? o.keys : 0);

  printf("kvload: mix=%s seed=%llu requests=%ld fill=%d connections=%d pipeline=%d\n", o.mix,
         (unsigned long long)o.seed, o.requests, o.fill ? o.keys : 0, o.connections, o.pipeline);
  printf("replies: ok=%ld values=%ld misses=%ld integers=%ld arrays=%ld errors=%ld\n", summary.ok, summary.values,
         summary.misses, summary.integers, summary.arrays, summary.errors);
  printf("integer_sum=%lld checksum=%016llx\n", summary.integer_sum, (unsigned long long)summary.checksum);
  fprintf(stderr, "Requests/sec: %.0f\n", seconds > 0 ? (double)total / seconds : 0.0);
  return 0;
}
