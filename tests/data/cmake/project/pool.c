#include <pthread.h>

static void* run(void* arg) {
  int* value = arg;
  *value *= 2;
  return NULL;
}

int run_in_thread(int value) {
  pthread_t thread;
  if (pthread_create(&thread, NULL, run, &value) != 0) return -1;
  pthread_join(thread, NULL);
  return value;
}
