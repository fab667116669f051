#pragma once
/// \file
/// Secrets kept in files (the SMTP password, webhook HMAC keys), read when
/// they are needed so that a rotated secret takes effect without a reload.

#include <string>

#include "domain/result.h"

namespace plazo {

/// The contents of the secret file at `path`, without trailing line breaks
/// and spaces (editors add a final newline). An Error when the file cannot be
/// read or holds nothing; the message names the path and never the contents.
/// Thread-safe.
Result<std::string> read_secret_file(const std::string& path);

}  // namespace plazo
