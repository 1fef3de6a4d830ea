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

struct ConvertCmdOptions {
  std::string from;                   // a source format name (capcast config schema lists them)
  std::string input;                  // a file, or "-"
  std::string out;                    // the folder for the CAP files
  std::string thresholds;             // a file of threshold lines, for the sensor formats
  std::vector<std::string> settings;  // key=value for the format's string keys (e.g. sender)
};

struct SendCmdOptions {
  std::string file;                   // the CAP alert; "-" is standard input
  std::string config_path;            // optional: store, dispatch and [[channel]] settings
  std::vector<std::string> channels;  // channel URLs; when given, only these are used
  std::string store_path;             // empty: a temporary store
  // Phone numbers to send to, on every channel that delivers to people (SMS); sealed in the
  // store under [privacy] key (a temporary store uses a key of its own, forgotten at exit).
  std::vector<std::string> to;
  bool verbose = false;  // the engine's log lines too
};

struct CbsEncodeCmdOptions {
  std::string file;         // the CAP alert; "-" is standard input
  std::string config_path;  // optional: a configuration whose [[cbs_profile]]s --profile may name
  std::string profile = "eu-alert";
  std::string primary_language;
  std::string cells;  // a cell inventory (CSV)
  std::string geo_scope = "plmn";
  size_t max_chars = 0;
  int message_code = 0;
  std::string format = "text";  // text or json
};

int run_command(const RunOptions& options);
int cbs_encode_command(const CbsEncodeCmdOptions& options);
int subscribers_import_command(const std::string& config_path, const std::string& file);
int subscribers_list_command(const std::string& config_path, int limit);
int subscribers_remove_command(const std::string& config_path, const std::string& number);
int send_command(const SendCmdOptions& options);
int convert_command(const ConvertCmdOptions& options);
int validate_command(const ValidateCmdOptions& options);
int config_check_command(const std::string& config_path);
int config_schema_command();

}  // namespace capcast::app
