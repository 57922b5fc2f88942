// A process to snapshot in benchmarks: THREADS threads, each DEPTH frames deep in a
// recursive function, then parked. Prints "READY <pid>" when every thread is in place.
//   usage: stack_target THREADS DEPTH
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <vector>

namespace {

std::atomic<int> g_ready{0};
// Never set; it keeps the compiler from treating Park (and so Descend) as non-returning.
volatile bool g_release = false;
int g_depth = 1;

__attribute__((noinline)) void Park() {
  g_ready.fetch_add(1);
  while (!g_release) pause();
}

__attribute__((noinline)) int Descend(int level) {
  if (level <= 1) {
    Park();
    return 0;
  }
  volatile int keep = Descend(level - 1);  // not a tail call: one frame per level
  return keep + 1;
}

void* ThreadMain(void*) {
  Descend(g_depth);
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: stack_target THREADS DEPTH\n");
    return 2;
  }
  const int threads = atoi(argv[1]);
  g_depth = atoi(argv[2]);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024 + static_cast<size_t>(g_depth) * 128);
  std::vector<pthread_t> ids(static_cast<size_t>(threads));
  for (auto& id : ids) {
    if (pthread_create(&id, &attr, ThreadMain, nullptr) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  while (g_ready.load() < threads) usleep(1000);
  printf("READY %d\n", getpid());
  fflush(stdout);
  for (;;) pause();
}
