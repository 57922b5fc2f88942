// The main() of a fuzzer's corpus test: runs the fuzzer's LLVMFuzzerTestOneInput, linked into
// the test, once on every file of the corpus directory given as the only argument. A crash or
// (under --config=asan) a sanitizer report fails the test; so does a missing or empty corpus,
// which would make the test pass without testing anything.
#include <dirent.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    std::fprintf(stderr, "FAIL: corpus directory %s cannot be opened\n", dir.c_str());
    return 1;
  }
  std::vector<std::string> files;
  while (struct dirent* entry = readdir(d)) {
    if (entry->d_name[0] != '.') files.push_back(dir + "/" + entry->d_name);
  }
  closedir(d);
  if (files.empty()) {
    std::fprintf(stderr, "FAIL: corpus directory %s is empty\n", dir.c_str());
    return 1;
  }
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "FAIL: cannot read %s\n", file.c_str());
      return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    std::fprintf(stderr, "%s (%zu bytes)\n", file.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("PASS: %zu inputs of %s\n", files.size(), dir.c_str());
  return 0;
}
