/* The kvserver protocol: one command per line (\n or \r\n), one reply per command.
 *
 * Requests (command names in any case; values bare or quoted, see text.h):
 *   PING | GET k | SET k v | DEL k... | EXISTS k | INCR k [delta] | APPEND k v | STRLEN k
 *   | MGET k... | SCAN bucket count glob-pattern | STATS
 * Replies, each ending in \n:
 *   +OK / +PONG, :<integer>, =<value>, _ (no such key), *<n> followed by n value or _ lines,
 *   -ERR <message> */
#ifndef KV_PROTOCOL_H
#define KV_PROTOCOL_H

#include <stddef.h>

#include "store.h"
#include "text.h"

typedef struct {
  kv_store store;
  token_list tokens;              /* reused for every line */
  byte_buffer scan_lines;         /* reused by SCAN */
  unsigned long long commands;    /* executed, for STATS */
} kv_server_state;

void server_state_init(kv_server_state *state);
void server_state_free(kv_server_state *state);
/* Executes one request line (without its line end) and appends the reply to `reply`. */
void execute_request_line(kv_server_state *state, const char *line, size_t len, byte_buffer *reply);

#endif
