/* pack: compresses a generated input with LZ77 + Huffman, decompresses it, checks the
 * round trip and prints sizes and checksums.
 *
 *   pack <text|logs|records> <bytes> <level 1-9> [rounds [decodes]]
 *
 * Each round compresses once and decompresses `decodes` times (default 1), as an
 * archive is written once and read many times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "huff.h"
#include "lz.h"

static uint32_t crc32(const uint8_t *p, size_t n) {
  static uint32_t table[256];
  if (!table[1])
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static int fail(const char *what) {
  fprintf(stderr, "pack: %s\n", what);
  return 1;
}

int main(int argc, char **argv) {
  const char *usage = "usage: %s <text|logs|records> <bytes> <level 1-9> [rounds [decodes]]\n";
  if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
    printf(usage, argv[0]);  /* asked for: not an error */
    return 0;
  }
  if (argc < 4) {
    fprintf(stderr, usage, argv[0]);
    return 2;
  }
  size_t n = strtoul(argv[2], NULL, 10);
  int level = atoi(argv[3]);
  int rounds = argc > 4 ? atoi(argv[4]) : 1;
  int decodes = argc > 5 ? atoi(argv[5]) : 1;
  if (n == 0 || level < 1 || level > 9 || rounds < 1 || decodes < 1) return fail("bad arguments");
  uint8_t *in = malloc(n), *back = malloc(n), *coded = malloc(n + n / 2 + 1024);
  if (!in || !back || !coded) return fail("out of memory");
  size_t total = 0;
  uint32_t crc = 0;
  for (int round = 0; round < rounds; round++) {
    if (gen_input(argv[1], in, n, 0x9e3779b97f4a7c15ull * (uint64_t)(round + 1))) return fail("unknown input kind");
    lz_stream tokens = {0}, decoded = {0};
    if (lz_compress(in, n, level, &tokens)) return fail("compression failed");
    size_t size = huff_encode(&tokens, coded, n + n / 2 + 1024);
    if (size == 0) return fail("coded output does not fit");
    for (int d = 0; d < decodes; d++) {
      decoded.count = 0;
      if (huff_decode(coded, size, &decoded)) return fail("corrupt coded stream");
      if (lz_decompress(&decoded, back, n) != n || memcmp(in, back, n) != 0) return fail("round trip differs");
    }
    total += size;
    crc = crc32(coded, size) ^ (crc << 1 | crc >> 31);
    printf("round %d: %zu -> %zu bytes (%zu tokens), ratio %.3f\n", round + 1, n, size, tokens.count,
           (double)size / (double)n);
    lz_free(&tokens);
    lz_free(&decoded);
  }
  printf("total %zu bytes, crc %08x\n", total, crc);
  free(in);
  free(back);
  free(coded);
  return 0;
}
