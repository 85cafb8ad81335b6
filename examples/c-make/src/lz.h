/* LZ77 with hash chains: turns bytes into a stream of literals and (length, distance)
 * matches. The hash function and the match comparison are chosen per level through a
 * table of function pointers, as pluggable compressors do. */
#ifndef PACK_LZ_H
#define PACK_LZ_H

#include <stddef.h>
#include <stdint.h>

enum { LZ_MIN_MATCH = 3, LZ_MAX_MATCH = 258, LZ_WINDOW = 32768 };

/* One token: a literal (dist == 0, value in len) or a match. */
typedef struct {
  uint16_t len;
  uint16_t dist;
} lz_token;

typedef struct {
  lz_token *tokens;
  size_t count, capacity;
} lz_stream;

/* level 1..9: longer hash chains and lazy matching at higher levels. Returns 0 on success. */
int lz_compress(const uint8_t *in, size_t n, int level, lz_stream *out);
/* Rebuilds the bytes; returns the number written, or (size_t)-1 on a corrupt stream. */
size_t lz_decompress(const lz_stream *s, uint8_t *out, size_t cap);
void lz_free(lz_stream *s);

#endif
