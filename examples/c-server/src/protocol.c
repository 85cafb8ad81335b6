#include "protocol.h"

#include <string.h>

typedef void (*command_handler)(kv_server_state *state, const token_list *args, byte_buffer *reply);

typedef struct {
  const char *name;
  int min_args, max_args; /* counting the command name; max -1: any number */
  command_handler handler;
} command_spec;

static void reply_error(byte_buffer *reply, const char *message) {
  buffer_append_str(reply, "-ERR ");
  buffer_append_str(reply, message);
  buffer_append_char(reply, '\n');
}

static void reply_int(byte_buffer *reply, long long v) {
  buffer_append_char(reply, ':');
  buffer_append_int(reply, v);
  buffer_append_char(reply, '\n');
}

static void reply_entry(byte_buffer *reply, const kv_entry *entry) {
  if (!entry) {
    buffer_append_str(reply, "_\n");
    return;
  }
  buffer_append_char(reply, '=');
  buffer_append_value(reply, entry->value, entry->value_len);
  buffer_append_char(reply, '\n');
}

static kv_entry *find_arg(kv_server_state *s, const token_list *args, int i) {
  return store_find(&s->store, token_at(args, i), args->len[i]);
}

static void cmd_ping(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  (void)s, (void)args;
  buffer_append_str(reply, "+PONG\n");
}

static void cmd_get(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  reply_entry(reply, find_arg(s, args, 1));
}

static void cmd_set(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  int created;
  kv_entry *e = store_upsert(&s->store, token_at(args, 1), args->len[1], &created);
  entry_set_value(e, token_at(args, 2), args->len[2]);
  buffer_append_str(reply, "+OK\n");
}

static void cmd_del(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  long long removed = 0;
  for (int i = 1; i < args->count; ++i) removed += store_remove(&s->store, token_at(args, i), args->len[i]);
  reply_int(reply, removed);
}

static void cmd_exists(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  reply_int(reply, find_arg(s, args, 1) != NULL);
}

static void cmd_incr(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  long long delta = 1, current = 0;
  if (args->count == 3 && parse_int(token_at(args, 2), args->len[2], &delta) != 0) {
    reply_error(reply, "delta is not an integer");
    return;
  }
  int created;
  kv_entry *e = store_upsert(&s->store, token_at(args, 1), args->len[1], &created);
  if (!created && parse_int(e->value, e->value_len, &current) != 0) {
    reply_error(reply, "value is not an integer");
    return;
  }
  current = (long long)((unsigned long long)current + (unsigned long long)delta); /* wraps, never UB */
  byte_buffer digits = {0};
  buffer_append_int(&digits, current);
  entry_set_value(e, digits.data, digits.len);
  buffer_free(&digits);
  reply_int(reply, current);
}

static void cmd_append(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  int created;
  kv_entry *e = store_upsert(&s->store, token_at(args, 1), args->len[1], &created);
  entry_append_value(e, token_at(args, 2), args->len[2]);
  reply_int(reply, (long long)e->value_len);
}

static void cmd_strlen(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  const kv_entry *e = find_arg(s, args, 1);
  reply_int(reply, e ? (long long)e->value_len : 0);
}

static void cmd_mget(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  buffer_append_char(reply, '*');
  buffer_append_int(reply, args->count - 1);
  buffer_append_char(reply, '\n');
  for (int i = 1; i < args->count; ++i) reply_entry(reply, find_arg(s, args, i));
}

/* Glob matching as in shells: * (any run), ? (one byte), [a-z0-9] and [!...] (one of a set). */
static int glob_matches(const char *pattern, size_t plen, const char *text, size_t tlen) {
  size_t p = 0, t = 0, star_p = (size_t)-1, star_t = 0;
  while (t < tlen) {
    if (p < plen && pattern[p] == '*') {
      star_p = p++; /* remember where to retry with the star taking one more byte */
      star_t = t;
      continue;
    }
    if (p < plen && pattern[p] == '[') {
      size_t q = p + 1;
      int negate = q < plen && pattern[q] == '!', matched = 0;
      q += negate;
      for (; q < plen && pattern[q] != ']'; ++q) {
        if (q + 2 < plen && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
          matched |= text[t] >= pattern[q] && text[t] <= pattern[q + 2];
          q += 2;
        } else {
          matched |= text[t] == pattern[q];
        }
      }
      if (q < plen && matched != negate) {
        p = q + 1;
        ++t;
        continue;
      }
    } else if (p < plen && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
      continue;
    }
    if (star_p == (size_t)-1) return 0;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < plen && pattern[p] == '*') ++p;
  return p == plen;
}

/* SCAN first count pattern: the keys matching `pattern` in buckets [first, first+count),
 * and the bucket to continue with (0 at the end of the table) as the array's first line. */
static void cmd_scan(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  long long first, count;
  if (parse_int(token_at(args, 1), args->len[1], &first) != 0 || parse_int(token_at(args, 2), args->len[2], &count) != 0 ||
      first < 0 || count < 1) {
    reply_error(reply, "SCAN wants a bucket and a count");
    return;
  }
  const char *pattern = token_at(args, 3);
  size_t pattern_len = args->len[3];
  size_t end = (size_t)first + (size_t)count;
  if (end > s->store.bucket_count || end < (size_t)first) end = s->store.bucket_count;
  byte_buffer *lines = &s->scan_lines; /* the matches, written before their count is known */
  lines->len = 0;
  long long matched = 0;
  for (size_t b = (size_t)first; b < end; ++b)
    for (const kv_entry *e = s->store.buckets[b]; e; e = e->next)
      if (glob_matches(pattern, pattern_len, e->key, e->key_len)) {
        buffer_append_char(lines, '=');
        buffer_append_value(lines, e->key, e->key_len);
        buffer_append_char(lines, '\n');
        ++matched;
      }
  buffer_append_char(reply, '*');
  buffer_append_int(reply, matched + 1);
  buffer_append_str(reply, "\n:");
  buffer_append_int(reply, end < s->store.bucket_count ? (long long)end : 0);
  buffer_append_char(reply, '\n');
  buffer_append(reply, lines->data, lines->len);
}

static void cmd_stats(kv_server_state *s, const token_list *args, byte_buffer *reply) {
  (void)args;
  buffer_append_str(reply, "=\"keys=");
  buffer_append_int(reply, (long long)s->store.entry_count);
  buffer_append_str(reply, " commands=");
  buffer_append_int(reply, (long long)s->commands);
  buffer_append_str(reply, "\"\n");
}

static const command_spec kCommands[] = {
    {"GET", 2, 2, cmd_get},       {"SET", 3, 3, cmd_set},       {"MGET", 2, -1, cmd_mget},
    {"INCR", 2, 3, cmd_incr},     {"DEL", 2, -1, cmd_del},      {"APPEND", 3, 3, cmd_append},
    {"EXISTS", 2, 2, cmd_exists}, {"STRLEN", 2, 2, cmd_strlen}, {"PING", 1, 1, cmd_ping},
    {"SCAN", 4, 4, cmd_scan},     {"STATS", 1, 1, cmd_stats},
};

/* Case-insensitive match of a token against an upper-case command name. */
static int is_command(const char *token, size_t len, const char *name) {
  size_t i = 0;
  for (; i < len && name[i]; ++i) {
    char c = token[i];
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (c != name[i]) return 0;
  }
  return i == len && name[i] == '\0';
}

static const command_spec *find_command(const char *token, size_t len) {
  for (size_t i = 0; i < sizeof kCommands / sizeof kCommands[0]; ++i)
    if (is_command(token, len, kCommands[i].name)) return &kCommands[i];
  return NULL;
}

void server_state_init(kv_server_state *state) {
  memset(state, 0, sizeof *state);
  store_init(&state->store);
}

void server_state_free(kv_server_state *state) {
  store_free(&state->store);
  buffer_free(&state->tokens.bytes);
  buffer_free(&state->scan_lines);
}

void execute_request_line(kv_server_state *state, const char *line, size_t len, byte_buffer *reply) {
  const char *error = NULL;
  token_list *args = &state->tokens;
  if (tokenize_line(line, len, args, &error) != 0) {
    reply_error(reply, error);
    return;
  }
  if (args->count == 0) {
    reply_error(reply, "empty request");
    return;
  }
  const command_spec *command = find_command(token_at(args, 0), args->len[0]);
  if (!command) {
    reply_error(reply, "unknown command");
    return;
  }
  if (args->count < command->min_args || (command->max_args >= 0 && args->count > command->max_args)) {
    reply_error(reply, "wrong number of arguments");
    return;
  }
  state->commands++;
  command->handler(state, args, reply);
}
