#include "huff.h"

#include <stdlib.h>
#include <string.h>

enum { NLIT = 256 + 256 + 1, END = 512, NDIST = 16, MAXBITS = 15 };

/* ---- bit output and input ------------------------------------------------------------ */

typedef struct {
  uint8_t *out;
  size_t cap, pos;
  uint64_t acc;
  int nacc;
  int overflow;
} bit_writer;

static void put_bits(bit_writer *w, uint32_t value, int bits) {
  w->acc |= (uint64_t)value << w->nacc;
  w->nacc += bits;
  while (w->nacc >= 8) {
    if (w->pos < w->cap) w->out[w->pos++] = (uint8_t)w->acc;
    else w->overflow = 1;
    w->acc >>= 8;
    w->nacc -= 8;
  }
}

static void flush_bits(bit_writer *w) {
  if (w->nacc > 0) put_bits(w, 0, 8 - w->nacc);
}

typedef struct {
  const uint8_t *in;
  size_t n, pos;
  uint32_t acc;
  int nacc;
  int error;
} bit_reader;

static int get_bit(bit_reader *r) {
  if (r->nacc == 0) {
    if (r->pos >= r->n) {
      r->error = 1;
      return 0;
    }
    r->acc = r->in[r->pos++];
    r->nacc = 8;
  }
  int bit = r->acc & 1;
  r->acc >>= 1;
  r->nacc--;
  return bit;
}

static uint32_t get_bits(bit_reader *r, int bits) {
  uint32_t v = 0;
  for (int i = 0; i < bits; i++) v |= (uint32_t)get_bit(r) << i;
  return v;
}

/* ---- code construction ---------------------------------------------------------------- */

/* Huffman code lengths for `freq` (n symbols), at most MAXBITS long: frequencies are
 * flattened until the longest code fits. */
static void code_lengths(const uint32_t *freq, int n, uint8_t *len) {
  uint32_t f[NLIT];
  int parent[2 * NLIT], node_count;
  uint64_t weight[2 * NLIT];
  for (int shift = 0;; shift++) {
    memset(len, 0, (size_t)n);
    int used = 0;
    for (int i = 0; i < n; i++) {
      f[i] = freq[i] ? (freq[i] >> shift) | 1 : 0;
      if (f[i]) used++;
    }
    if (used == 0) return;
    if (used == 1) {
      for (int i = 0; i < n; i++)
        if (f[i]) len[i] = 1;
      return;
    }
    /* O(n^2) merging is plenty for 513 symbols. */
    node_count = n;
    int alive[2 * NLIT], nalive = 0;
    for (int i = 0; i < n; i++) {
      weight[i] = f[i];
      parent[i] = -1;
      if (f[i]) alive[nalive++] = i;
    }
    while (nalive > 1) {
      int a = 0, b = 1;
      if (weight[alive[b]] < weight[alive[a]]) a = 1, b = 0;
      for (int i = 2; i < nalive; i++) {
        if (weight[alive[i]] < weight[alive[a]]) b = a, a = i;
        else if (weight[alive[i]] < weight[alive[b]]) b = i;
      }
      int node = node_count++;
      weight[node] = weight[alive[a]] + weight[alive[b]];
      parent[node] = -1;
      parent[alive[a]] = parent[alive[b]] = node;
      int hi = a > b ? a : b, lo = a > b ? b : a;
      alive[hi] = alive[--nalive];
      alive[lo] = node;
    }
    int longest = 0;
    for (int i = 0; i < n; i++) {
      if (!f[i]) continue;
      int d = 0;
      for (int p = parent[i]; p != -1; p = parent[p]) d++;
      len[i] = (uint8_t)d;
      if (d > longest) longest = d;
    }
    if (longest <= MAXBITS) return;
  }
}

/* Canonical codes from lengths (bit-reversed, as the writer emits least significant first). */
static void canonical_codes(const uint8_t *len, int n, uint16_t *code) {
  int count[MAXBITS + 1] = {0}, next[MAXBITS + 2];
  for (int i = 0; i < n; i++) count[len[i]]++;
  count[0] = 0;
  next[1] = 0;
  for (int b = 1; b <= MAXBITS; b++) next[b + 1] = (next[b] + count[b]) << 1;
  for (int i = 0; i < n; i++) {
    if (!len[i]) continue;
    uint32_t c = (uint32_t)next[len[i]]++, r = 0;
    for (int b = 0; b < len[i]; b++) r |= ((c >> b) & 1u) << (len[i] - 1 - b);
    code[i] = (uint16_t)r;
  }
}

typedef struct {
  int16_t count[MAXBITS + 1];
  int16_t symbol[NLIT];
} decoder;

static void build_decoder(decoder *d, const uint8_t *len, int n) {
  int16_t offs[MAXBITS + 1];
  memset(d->count, 0, sizeof d->count);
  for (int i = 0; i < n; i++) d->count[len[i]]++;
  offs[1] = 0;
  for (int b = 1; b < MAXBITS; b++) offs[b + 1] = (int16_t)(offs[b] + d->count[b]);
  for (int i = 0; i < n; i++)
    if (len[i]) d->symbol[offs[len[i]]++] = (int16_t)i;
}

/* Canonical decoding one bit at a time: first code and index per length. */
static int decode_symbol(bit_reader *r, const decoder *d) {
  int code = 0, first = 0, index = 0;
  for (int b = 1; b <= MAXBITS; b++) {
    code |= get_bit(r);
    int count = d->count[b];
    if (code - count < first) return d->symbol[index + (code - first)];
    index += count;
    first += count;
    first <<= 1;
    code <<= 1;
  }
  r->error = 1;
  return -1;
}

static int dist_class(uint32_t dist) { return 32 - __builtin_clz(dist); } /* 1..15 */

/* ---- stream format: lengths (4 bits each), then symbols -------------------------------- */

size_t huff_encode(const lz_stream *s, uint8_t *out, size_t cap) {
  uint32_t lfreq[NLIT] = {0}, dfreq[NDIST] = {0};
  for (size_t i = 0; i < s->count; i++) {
    lz_token t = s->tokens[i];
    if (t.dist == 0) {
      lfreq[t.len]++;
    } else {
      lfreq[256 + t.len - LZ_MIN_MATCH]++;
      dfreq[dist_class(t.dist)]++;
    }
  }
  lfreq[END] = 1;
  uint8_t llen[NLIT], dlen[NDIST];
  uint16_t lcode[NLIT] = {0}, dcode[NDIST] = {0};
  code_lengths(lfreq, NLIT, llen);
  code_lengths(dfreq, NDIST, dlen);
  canonical_codes(llen, NLIT, lcode);
  canonical_codes(dlen, NDIST, dcode);

  bit_writer w = {out, cap, 0, 0, 0, 0};
  for (int i = 0; i < NLIT; i++) put_bits(&w, llen[i], 4);
  for (int i = 0; i < NDIST; i++) put_bits(&w, dlen[i], 4);
  for (size_t i = 0; i < s->count; i++) {
    lz_token t = s->tokens[i];
    if (t.dist == 0) {
      put_bits(&w, lcode[t.len], llen[t.len]);
    } else {
      int sym = 256 + t.len - LZ_MIN_MATCH, dc = dist_class(t.dist);
      put_bits(&w, lcode[sym], llen[sym]);
      put_bits(&w, dcode[dc], dlen[dc]);
      if (dc > 1) put_bits(&w, t.dist & ((1u << (dc - 1)) - 1), dc - 1);
    }
  }
  put_bits(&w, lcode[END], llen[END]);
  flush_bits(&w);
  return w.overflow ? 0 : w.pos;
}

static int push_token(lz_stream *s, uint16_t len, uint16_t dist) {
  if (s->count == s->capacity) {
    size_t cap = s->capacity ? s->capacity * 2 : 4096;
    lz_token *t = realloc(s->tokens, cap * sizeof *t);
    if (!t) return -1;
    s->tokens = t;
    s->capacity = cap;
  }
  s->tokens[s->count].len = len;
  s->tokens[s->count++].dist = dist;
  return 0;
}

int huff_decode(const uint8_t *in, size_t n, lz_stream *out) {
  bit_reader r = {in, n, 0, 0, 0, 0};
  uint8_t llen[NLIT], dlen[NDIST];
  for (int i = 0; i < NLIT; i++) llen[i] = (uint8_t)get_bits(&r, 4);
  for (int i = 0; i < NDIST; i++) dlen[i] = (uint8_t)get_bits(&r, 4);
  if (r.error) return -1;
  decoder *lit = malloc(sizeof *lit), *dist = malloc(sizeof *dist);
  if (!lit || !dist) {
    free(lit);
    free(dist);
    return -1;
  }
  build_decoder(lit, llen, NLIT);
  build_decoder(dist, dlen, NDIST);
  int rc = -1;
  for (;;) {
    int sym = decode_symbol(&r, lit);
    if (r.error || sym < 0) break;
    if (sym == END) {
      rc = 0;
      break;
    }
    if (sym < 256) {
      if (push_token(out, (uint16_t)sym, 0)) break;
      continue;
    }
    int dc = decode_symbol(&r, dist);
    if (r.error || dc < 1) break;
    uint32_t d = 1u << (dc - 1);
    if (dc > 1) d |= get_bits(&r, dc - 1);
    if (push_token(out, (uint16_t)(sym - 256 + LZ_MIN_MATCH), (uint16_t)d)) break;
  }
  free(lit);
  free(dist);
  return rc;
}
