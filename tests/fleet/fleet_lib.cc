// A library whose own functions have no dynamic symbols: once stripped, frames in them have no
// name at capture time, and only its separate debug file (found by build id) names them.
#include <atomic>

#define FLEET_NOINLINE __attribute__((noinline, noipa))

namespace {

std::atomic<int> g_depth{0};

FLEET_NOINLINE void FleetInnermost(void (*park)()) {
  g_depth.fetch_add(1);
  park();
  asm volatile("" ::: "memory");
}

FLEET_NOINLINE void FleetMiddle(void (*park)()) {
  FleetInnermost(park);
  asm volatile("" ::: "memory");
}

}  // namespace

// The one exported function (named by .dynsym even when stripped).
extern "C" __attribute__((visibility("default"))) void fleet_lib_run(void (*park)()) {
  FleetMiddle(park);
  asm volatile("" ::: "memory");
}
