#include <ostream>

#include "daemon/cli.h"

namespace plazo {

int cmd_send_test(const CommandContext& ctx) {
  ctx.err << "plazo: \"" << ctx.line.command << "\" is not implemented yet\n";
  return kExitUnavailable;
}

}  // namespace plazo
