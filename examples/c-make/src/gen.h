/* Deterministic test inputs: text, server logs, and structured binary records. */
#ifndef PACK_GEN_H
#define PACK_GEN_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with n bytes of the named kind ("text", "logs", "records"); -1 for another name. */
int gen_input(const char *kind, uint8_t *buf, size_t n, uint64_t seed);

#endif
