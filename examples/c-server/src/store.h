/* The key-value table: a chained hash table of byte-string keys and values. */
#ifndef KV_STORE_H
#define KV_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct kv_entry {
  struct kv_entry *next;
  uint64_t hash;
  char *value;
  size_t value_len, value_cap;
  size_t key_len;
  char key[]; /* key_len bytes, not terminated */
} kv_entry;

typedef struct {
  kv_entry **buckets;
  size_t bucket_count; /* a power of two */
  size_t entry_count;
} kv_store;

void store_init(kv_store *store);
void store_free(kv_store *store);
/* The entry for `key`, or NULL. */
kv_entry *store_find(const kv_store *store, const char *key, size_t key_len);
/* The entry for `key`, created with an empty value if it was missing (*created tells). */
kv_entry *store_upsert(kv_store *store, const char *key, size_t key_len, int *created);
/* Replaces the value of `entry`, or appends to it. */
void entry_set_value(kv_entry *entry, const char *value, size_t value_len);
void entry_append_value(kv_entry *entry, const char *value, size_t value_len);
/* 1 if `key` was there and is now removed, else 0. */
int store_remove(kv_store *store, const char *key, size_t key_len);

#endif
