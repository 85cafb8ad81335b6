#include "text.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buffer_free(byte_buffer *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void buffer_reserve(byte_buffer *b, size_t extra) {
  if (b->len + extra <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra) cap *= 2;
  char *data = realloc(b->data, cap);
  if (!data) {
    fprintf(stderr, "out of memory\n");
    abort();
  }
  b->data = data;
  b->cap = cap;
}

void buffer_append(byte_buffer *b, const char *data, size_t len) {
  buffer_reserve(b, len);
  if (len) memcpy(b->data + b->len, data, len);
  b->len += len;
}

void buffer_append_str(byte_buffer *b, const char *s) { buffer_append(b, s, strlen(s)); }

void buffer_append_char(byte_buffer *b, char c) {
  buffer_reserve(b, 1);
  b->data[b->len++] = c;
}

void buffer_append_int(byte_buffer *b, long long v) {
  char digits[24];
  size_t n = 0;
  unsigned long long magnitude = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    digits[n++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  buffer_reserve(b, n + 1);
  if (v < 0) b->data[b->len++] = '-';
  while (n) b->data[b->len++] = digits[--n];
}

static int is_bare_char(unsigned char c) { return c > ' ' && c < 127 && c != '"' && c != '\\'; }

void buffer_append_value(byte_buffer *b, const char *data, size_t len) {
  size_t bare = 0;
  while (bare < len && is_bare_char((unsigned char)data[bare])) ++bare;
  if (bare == len && len > 0) {
    buffer_append(b, data, len);
    return;
  }
  static const char hex[] = "0123456789abcdef";
  buffer_reserve(b, len * 4 + 2);  /* the worst case: every byte as \xHH */
  char *out = b->data + b->len;
  *out++ = '"';
  for (size_t i = 0; i < len; ++i) {
    unsigned char c = (unsigned char)data[i];
    switch (c) {
      case '"': *out++ = '\\'; *out++ = '"'; break;
      case '\\': *out++ = '\\'; *out++ = '\\'; break;
      case '\n': *out++ = '\\'; *out++ = 'n'; break;
      case '\r': *out++ = '\\'; *out++ = 'r'; break;
      case '\t': *out++ = '\\'; *out++ = 't'; break;
      default:
        if (c >= ' ' && c < 127) {
          *out++ = (char)c;
        } else {
          *out++ = '\\';
          *out++ = 'x';
          *out++ = hex[c >> 4];
          *out++ = hex[c & 15];
        }
    }
  }
  *out++ = '"';
  b->len = (size_t)(out - b->data);
}

void buffer_consume(byte_buffer *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Unquotes the token that starts at the opening quote *p; leaves *p after the closing one. */
static int unquote(const char **p, const char *end, byte_buffer *out, const char **error) {
  const char *s = *p + 1;
  while (s < end && *s != '"') {
    if (*s != '\\') {
      buffer_append_char(out, *s++);
      continue;
    }
    if (++s == end) break;
    switch (*s) {
      case 'n': buffer_append_char(out, '\n'); break;
      case 'r': buffer_append_char(out, '\r'); break;
      case 't': buffer_append_char(out, '\t'); break;
      case '"': case '\\': buffer_append_char(out, *s); break;
      case 'x': {
        int hi = s + 2 < end ? hex_value(s[1]) : -1, lo = hi >= 0 ? hex_value(s[2]) : -1;
        if (lo < 0) {
          *error = "bad \\x escape";
          return -1;
        }
        buffer_append_char(out, (char)(hi * 16 + lo));
        s += 2;
        break;
      }
      default:
        *error = "unknown escape";
        return -1;
    }
    ++s;
  }
  if (s == end) {
    *error = "unterminated quote";
    return -1;
  }
  *p = s + 1;
  return 0;
}

int tokenize_line(const char *line, size_t len, token_list *tokens, const char **error) {
  const char *p = line, *end = line + len;
  tokens->bytes.len = 0;
  tokens->count = 0;
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end) return 0;
    if (tokens->count == kMaxTokens) {
      *error = "too many arguments";
      return -1;
    }
    size_t start = tokens->bytes.len;
    if (*p == '"') {
      if (unquote(&p, end, &tokens->bytes, error) != 0) return -1;
    } else {
      const char *word = p;
      while (p < end && *p != ' ' && *p != '\t') ++p;
      buffer_append(&tokens->bytes, word, (size_t)(p - word));
    }
    tokens->start[tokens->count] = start;
    tokens->len[tokens->count] = tokens->bytes.len - start;
    tokens->count++;
  }
}

int parse_int(const char *s, size_t len, long long *out) {
  size_t i = 0;
  int negative = len > 0 && (s[0] == '-' || s[0] == '+') ? (s[i++] == '-') : 0;
  if (i == len || len - i > 19) return -1;
  unsigned long long v = 0;
  for (; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (v > (unsigned long long)LLONG_MAX + (unsigned long long)negative) return -1;
  *out = negative ? (long long)(0ull - v) : (long long)v;
  return 0;
}
