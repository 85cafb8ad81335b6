/* Entropy coding of an LZ token stream with two canonical Huffman codes (literals and
 * lengths in one alphabet, distance classes in another), decoded bit by bit. */
#ifndef PACK_HUFF_H
#define PACK_HUFF_H

#include <stddef.h>
#include <stdint.h>

#include "lz.h"

/* Writes the coded stream into out (capacity cap); returns its size, 0 if it does not fit. */
size_t huff_encode(const lz_stream *s, uint8_t *out, size_t cap);
/* Reads a coded stream back into tokens; returns 0 on success, -1 if it is corrupt. */
int huff_decode(const uint8_t *in, size_t n, lz_stream *out);

#endif
