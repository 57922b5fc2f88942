// A small compiled program for tests of the ELF readers: a PIE with a GNU build id, a symbol
// table and .eh_frame_hdr; sample::Recurse is a function those tests look up by name.
#include <cstdio>
#include <cstdlib>

namespace sample {

__attribute__((noinline)) int Recurse(int n) {
  if (n <= 0) return 0;
  int r = Recurse(n - 1) + 1;
  asm volatile("" ::: "memory");  // keeps the recursion a real call
  return r;
}

}  // namespace sample

int main(int argc, char**) {
  std::printf("%d\n", sample::Recurse(argc));
  return EXIT_SUCCESS;
}
