/* Growable byte buffers and the protocol's quoting, shared by kvserver and kvload.
 *
 * A value on the wire is either bare (printable ASCII without space, quote or backslash) or
 * quoted: "..." with the escapes \" \\ \n \r \t and \xHH. */
#ifndef KV_TEXT_H
#define KV_TEXT_H

#include <stddef.h>

typedef struct {
  char *data;
  size_t len, cap;
} byte_buffer;

void buffer_free(byte_buffer *b);
void buffer_reserve(byte_buffer *b, size_t extra);
void buffer_append(byte_buffer *b, const char *data, size_t len);
void buffer_append_str(byte_buffer *b, const char *s);
void buffer_append_char(byte_buffer *b, char c);
void buffer_append_int(byte_buffer *b, long long v);
/* Appends `data`, bare if it can be, else quoted with escapes. */
void buffer_append_value(byte_buffer *b, const char *data, size_t len);
/* Drops the first `n` bytes. */
void buffer_consume(byte_buffer *b, size_t n);

/* The tokens of one request line, unquoted, in one buffer of their own. */
enum { kMaxTokens = 64 };
typedef struct {
  byte_buffer bytes;
  size_t start[kMaxTokens], len[kMaxTokens];
  int count;
} token_list;

/* Splits `line` at spaces and unquotes quoted tokens. 0 on success, else -1 with `*error`
 * set (unterminated quote, bad escape, too many tokens). */
int tokenize_line(const char *line, size_t len, token_list *tokens, const char **error);
static inline const char *token_at(const token_list *t, int i) { return t->bytes.data + t->start[i]; }

/* Parses a whole token as a signed decimal 64-bit integer; 0 on success. */
int parse_int(const char *s, size_t len, long long *out);

#endif
