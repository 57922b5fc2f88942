#include <iostream>
#include <string>
#include <vector>

#include "cli/ddreport.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return ddcrash::RunDdreport(args, std::cout, std::cerr);
}
