#include "lz.h"

#include <stdlib.h>
#include <string.h>

enum { HASH_BITS = 15, HASH_SIZE = 1 << HASH_BITS, NIL = -1 };

typedef uint32_t (*hash_fn)(const uint8_t *p);
typedef size_t (*match_fn)(const uint8_t *a, const uint8_t *b, size_t max);

typedef struct {
  hash_fn hash;
  match_fn match;
  int chain;  /* how many candidates to try */
  int lazy;   /* try the next position before taking a match */
  int good;   /* stop searching once a match is this long */
} lz_level;

static uint32_t hash3(const uint8_t *p) {
  uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

static uint32_t hash4(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return (v * 2246822519u) >> (32 - HASH_BITS);
}

static size_t match_bytes(const uint8_t *a, const uint8_t *b, size_t max) {
  size_t n = 0;
  while (n < max && a[n] == b[n]) n++;
  return n;
}

static size_t match_words(const uint8_t *a, const uint8_t *b, size_t max) {
  size_t n = 0;
  while (n + 8 <= max) {
    uint64_t x, y;
    memcpy(&x, a + n, 8);
    memcpy(&y, b + n, 8);
    if (x != y) return n + (size_t)(__builtin_ctzll(x ^ y) >> 3);
    n += 8;
  }
  while (n < max && a[n] == b[n]) n++;
  return n;
}

static const lz_level levels[10] = {
    {hash4, match_words, 1, 0, 8},      {hash4, match_words, 4, 0, 8},    {hash4, match_words, 8, 0, 16},
    {hash4, match_words, 16, 0, 32},    {hash3, match_bytes, 16, 1, 32},  {hash3, match_bytes, 32, 1, 64},
    {hash3, match_bytes, 64, 1, 128},   {hash3, match_bytes, 128, 1, 128}, {hash3, match_bytes, 256, 1, 258},
    {hash3, match_bytes, 1024, 1, 258},
};

static int push(lz_stream *s, uint16_t len, uint16_t dist) {
  if (s->count == s->capacity) {
    size_t cap = s->capacity ? s->capacity * 2 : 4096;
    lz_token *t = realloc(s->tokens, cap * sizeof *t);
    if (!t) return -1;
    s->tokens = t;
    s->capacity = cap;
  }
  s->tokens[s->count].len = len;
  s->tokens[s->count].dist = dist;
  s->count++;
  return 0;
}

typedef struct {
  int32_t *head, *prev;
} chains;

static void insert(chains *c, const lz_level *lv, const uint8_t *in, size_t pos) {
  uint32_t h = lv->hash(in + pos);
  c->prev[pos % LZ_WINDOW] = c->head[h];
  c->head[h] = (int32_t)pos;
}

/* Longest match for `pos` among the chain's candidates; its distance in *dist. */
static size_t longest(const chains *c, const lz_level *lv, const uint8_t *in, size_t n, size_t pos, size_t *dist) {
  size_t best = 0;
  size_t max = n - pos < LZ_MAX_MATCH ? n - pos : LZ_MAX_MATCH;
  int32_t cand = c->head[lv->hash(in + pos)];
  for (int tries = lv->chain; cand != NIL && tries > 0; tries--) {
    size_t d = pos - (size_t)cand;
    if (d == 0 || d > LZ_WINDOW - 1) break;
    if (in[cand + best] == in[pos + best]) {
      size_t len = lv->match(in + cand, in + pos, max);
      if (len > best) {
        best = len;
        *dist = d;
        if (len >= (size_t)lv->good || len == max) break;
      }
    }
    int32_t next = c->prev[cand % LZ_WINDOW];
    if (next >= cand) break;
    cand = next;
  }
  return best;
}

int lz_compress(const uint8_t *in, size_t n, int level, lz_stream *out) {
  if (level < 1) level = 1;
  if (level > 9) level = 9;
  const lz_level *lv = &levels[level];
  chains c = {malloc(HASH_SIZE * sizeof(int32_t)), malloc(LZ_WINDOW * sizeof(int32_t))};
  if (!c.head || !c.prev) {
    free(c.head);
    free(c.prev);
    return -1;
  }
  for (size_t i = 0; i < HASH_SIZE; i++) c.head[i] = NIL;
  int rc = 0;
  size_t pos = 0;
  while (pos < n && rc == 0) {
    if (n - pos < 4) {
      rc = push(out, in[pos++], 0);
      continue;
    }
    size_t dist = 0, len = longest(&c, lv, in, n, pos, &dist);
    if (len >= LZ_MIN_MATCH && lv->lazy && pos + 1 + 4 <= n) {
      insert(&c, lv, in, pos);
      size_t dist2 = 0, len2 = longest(&c, lv, in, n, pos + 1, &dist2);
      if (len2 > len) {  /* a better match one byte later: emit a literal first */
        rc = push(out, in[pos], 0);
        pos++;
        len = len2;
        dist = dist2;
      } else {
        if ((rc = push(out, (uint16_t)len, (uint16_t)dist))) break;
        for (size_t k = 1; k < len && pos + k + 4 <= n; k++) insert(&c, lv, in, pos + k);
        pos += len;
        continue;
      }
    }
    if (len >= LZ_MIN_MATCH) {
      if ((rc = push(out, (uint16_t)len, (uint16_t)dist))) break;
      for (size_t k = 0; k < len && pos + k + 4 <= n; k++) insert(&c, lv, in, pos + k);
      pos += len;
    } else {
      insert(&c, lv, in, pos);
      rc = push(out, in[pos], 0);
      pos++;
    }
  }
  free(c.head);
  free(c.prev);
  return rc;
}

size_t lz_decompress(const lz_stream *s, uint8_t *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < s->count; i++) {
    lz_token t = s->tokens[i];
    if (t.dist == 0) {
      if (o >= cap) return (size_t)-1;
      out[o++] = (uint8_t)t.len;
    } else {
      if (t.dist > o || o + t.len > cap) return (size_t)-1;
      for (size_t k = 0; k < t.len; k++, o++) out[o] = out[o - t.dist];
    }
  }
  return o;
}

void lz_free(lz_stream *s) {
  free(s->tokens);
  s->tokens = NULL;
  s->count = s->capacity = 0;
}
