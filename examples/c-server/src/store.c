#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *checked_alloc(void *old, size_t size) {
  void *p = realloc(old, size);
  if (!p) {
    fprintf(stderr, "kvserver: out of memory\n");
    abort();
  }
  return p;
}

/* FNV-1a: simple, and good enough for short keys that differ in their last characters. */
static uint64_t hash_key(const char *key, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; ++i) {
    h ^= (unsigned char)key[i];
    h *= 1099511628211ull;
  }
  return h;
}

void store_init(kv_store *store) {
  store->bucket_count = 1024;
  store->entry_count = 0;
  store->buckets = calloc(store->bucket_count, sizeof *store->buckets);
  if (!store->buckets) abort();
}

void store_free(kv_store *store) {
  for (size_t b = 0; b < store->bucket_count; ++b)
    for (kv_entry *e = store->buckets[b], *next; e; e = next) {
      next = e->next;
      free(e->value);
      free(e);
    }
  free(store->buckets);
  store->buckets = NULL;
}

static kv_entry **bucket_of(const kv_store *store, uint64_t hash) {
  return &store->buckets[hash & (store->bucket_count - 1)];
}

kv_entry *store_find(const kv_store *store, const char *key, size_t key_len) {
  uint64_t hash = hash_key(key, key_len);
  for (kv_entry *e = *bucket_of(store, hash); e; e = e->next)
    if (e->hash == hash && e->key_len == key_len && memcmp(e->key, key, key_len) == 0) return e;
  return NULL;
}

/* Doubles the buckets once there are as many entries: chains stay about one long. */
static void grow(kv_store *store) {
  size_t new_count = store->bucket_count * 2;
  kv_entry **fresh = calloc(new_count, sizeof *fresh);
  if (!fresh) abort();
  for (size_t b = 0; b < store->bucket_count; ++b)
    for (kv_entry *e = store->buckets[b], *next; e; e = next) {
      next = e->next;
      kv_entry **slot = &fresh[e->hash & (new_count - 1)];
      e->next = *slot;
      *slot = e;
    }
  free(store->buckets);
  store->buckets = fresh;
  store->bucket_count = new_count;
}

kv_entry *store_upsert(kv_store *store, const char *key, size_t key_len, int *created) {
  kv_entry *found = store_find(store, key, key_len);
  *created = found == NULL;
  if (found) return found;
  if (store->entry_count >= store->bucket_count) grow(store);
  kv_entry *e = checked_alloc(NULL, sizeof *e + key_len);
  e->hash = hash_key(key, key_len);
  e->value = NULL;
  e->value_len = e->value_cap = 0;
  e->key_len = key_len;
  memcpy(e->key, key, key_len);
  kv_entry **slot = bucket_of(store, e->hash);
  e->next = *slot;
  *slot = e;
  store->entry_count++;
  return e;
}

static void reserve_value(kv_entry *entry, size_t len) {
  if (len <= entry->value_cap) return;
  size_t cap = entry->value_cap ? entry->value_cap : 16;
  while (cap < len) cap *= 2;
  entry->value = checked_alloc(entry->value, cap);
  entry->value_cap = cap;
}

void entry_set_value(kv_entry *entry, const char *value, size_t value_len) {
  reserve_value(entry, value_len);
  if (value_len) memcpy(entry->value, value, value_len);
  entry->value_len = value_len;
}

void entry_append_value(kv_entry *entry, const char *value, size_t value_len) {
  reserve_value(entry, entry->value_len + value_len);
  if (value_len) memcpy(entry->value + entry->value_len, value, value_len);
  entry->value_len += value_len;
}

int store_remove(kv_store *store, const char *key, size_t key_len) {
  uint64_t hash = hash_key(key, key_len);
  for (kv_entry **link = bucket_of(store, hash); *link; link = &(*link)->next) {
    kv_entry *e = *link;
    if (e->hash == hash && e->key_len == key_len && memcmp(e->key, key, key_len) == 0) {
      *link = e->next;
      free(e->value);
      free(e);
      store->entry_count--;
      return 1;
    }
  }
  return 0;
}
