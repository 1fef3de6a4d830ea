// The capcast subcommands. Each returns the process exit code: 0 success, 1 the input was
// processed and found wanting, 2 usage or configuration error.
#pragma once

#include <string>
#include <vector>

namespace capcast::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct RunOptions {
  std::string config_path;
  bool once = false;       // poll every source once, drain the outbox, exit
  std::string log_level;   // overrides [log] level when set
  std::string log_format;  // overrides [log] format when set
};

struct ValidateCmdOptions {
  std::vector<std::string> files;     // "-" is standard input
  std::string format = "text";        // text or json
  std::vector<std::string> profiles;  // profile names, or "auto"
  bool channels = false;              // also print how each <info> fits SMS, CBS and WEA
};

int run_command(const RunOptions& options);
int validate_command(const ValidateCmdOptions& options);
int config_check_command(const std::string& config_path);
int config_schema_command();

}  // namespace capcast::app
