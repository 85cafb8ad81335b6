#include "gen.h"

#include <stdio.h>
#include <string.h>

static uint64_t next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static const char *const words[] = {
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by",
    "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had",
    "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if",
    "more", "when", "will", "would", "who", "so", "no", "profile", "compiler", "branch", "function",
    "optimization", "benchmark", "window", "symbol", "distance", "literal", "frequency", "canonical",
    "decoder", "encoder", "stream", "buffer", "pointer", "machine", "instruction", "cache", "memory"};

/* Zipf-like: small indexes far more often. */
static const char *word(uint64_t *s) {
  size_t n = sizeof words / sizeof words[0];
  uint64_t r = next(s);
  size_t i = (size_t)((r % n) * ((r >> 32) % n) / n);
  return words[i];
}

static size_t put(uint8_t *buf, size_t pos, size_t n, const char *text) {
  size_t len = strlen(text);
  if (pos + len > n) len = n - pos;
  memcpy(buf + pos, text, len);
  return pos + len;
}

static void gen_text(uint8_t *buf, size_t n, uint64_t s) {
  size_t pos = 0;
  int in_sentence = 0;
  while (pos < n) {
    if (in_sentence) pos = put(buf, pos, n, " ");
    pos = put(buf, pos, n, word(&s));
    in_sentence = next(&s) % 12 != 0;
    if (!in_sentence) pos = put(buf, pos, n, ".\n");
  }
}

static void gen_logs(uint8_t *buf, size_t n, uint64_t s) {
  static const char *const paths[] = {"/", "/index.html", "/api/v1/items", "/api/v1/users", "/static/app.js",
                                      "/static/style.css", "/login", "/search?q=pgo"};
  static const int codes[] = {200, 200, 200, 304, 404, 500};
  size_t pos = 0;
  unsigned t = 1700000000u;
  while (pos < n) {
    char line[160];
    uint64_t r = next(&s);
    t += (unsigned)(r % 3);
    snprintf(line, sizeof line, "10.0.%u.%u - - [%u] \"GET %s HTTP/1.1\" %d %u\n", (unsigned)(r >> 8) % 4,
             (unsigned)(r >> 16) % 256, t, paths[(r >> 24) % 8], codes[(r >> 32) % 6], (unsigned)(r >> 40) % 5000);
    pos = put(buf, pos, n, line);
  }
}

static void gen_records(uint8_t *buf, size_t n, uint64_t s) {
  uint32_t id = 1000, value = 0;
  size_t pos = 0;
  while (pos + 16 <= n) {
    uint64_t r = next(&s);
    id += 1 + (uint32_t)(r % 3);
    value += (uint32_t)((r >> 8) % 64) - 32;
    uint32_t rec[4] = {id, value, (uint32_t)(r >> 40) & 0xff, 0xdeadbeefu};
    memcpy(buf + pos, rec, 16);
    pos += 16;
  }
  while (pos < n) buf[pos++] = 0;
}

int gen_input(const char *kind, uint8_t *buf, size_t n, uint64_t seed) {
  uint64_t s = seed ? seed : 88172645463325252ull;
  if (strcmp(kind, "text") == 0) gen_text(buf, n, s);
  else if (strcmp(kind, "logs") == 0) gen_logs(buf, n, s);
  else if (strcmp(kind, "records") == 0) gen_records(buf, n, s);
  else return -1;
  return 0;
}
