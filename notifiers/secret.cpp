#include "notifiers/secret.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace plazo {

Result<std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{"cannot read secret file " + path + ": " + std::strerror(errno)};
  }
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{"cannot read secret file " + path};
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                             secret.back() == ' ' || secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty()) return Error{"secret file " + path + " is empty"};
  return secret;
}

}  // namespace plazo
