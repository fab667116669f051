// plazo: deadline reminders for plan activities. main() only wires the CLI.
#include <iostream>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  try {
    return plazo::run_cli(argc, argv, std::cout, std::cerr);
  } catch (...) {
    // Last resort: run_cli catches std::exception already.
    std::cerr << "plazo: internal error\n";
    return plazo::kExitSoftware;
  }
}
