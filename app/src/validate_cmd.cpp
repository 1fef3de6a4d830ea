// `capcast validate [--format text|json] FILE...`: one line per finding,
// "FILE: LEVEL: PATH: message [rule]"; exit 0 when no file has an error, 1 when any has, 2 on a
// usage error (including a file that cannot be read). "-" reads standard input.
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "capcast/cap/validate.h"
#include "commands.h"

namespace capcast::app {
namespace {

bool read_input(const std::string& name, std::string& out) {
  if (name == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

int validate_command(const ValidateCmdOptions& options) {
  if (options.format != "text" && options.format != "json") {
    std::cerr << "capcast validate: --format must be text or json\n";
    return kExitUsage;
  }
  bool any_error = false, unreadable = false;
  size_t with_errors = 0;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& file : options.files) {
    std::string xml;
    if (!read_input(file, xml)) {
      std::cerr << file << ": cannot read the file\n";
      unreadable = true;
      continue;
    }
    cap::Report report = cap::validate(xml);
    bool errors = report.has_errors();
    any_error |= errors;
    with_errors += errors;
    if (options.format == "text") {
      for (const auto& f : report.findings) {
        std::cout << file << ": " << cap::level_name(f.level) << ": " << f.path << ": "
                  << f.message << " [" << f.rule << "]\n";
      }
    } else {
      nlohmann::json j;
      j["file"] = file;
      j["valid"] = !errors;
      j["findings"] = nlohmann::json::array();
      for (const auto& f : report.findings) {
        j["findings"].push_back({{"level", cap::level_name(f.level)},
                                 {"path", f.path},
                                 {"rule", f.rule},
                                 {"message", f.message}});
      }
      all.push_back(std::move(j));
    }
  }
  if (options.format == "json") std::cout << all.dump(2) << "\n";
  std::cerr << options.files.size() << " file(s), " << with_errors << " with errors\n";
  if (unreadable) return kExitUsage;
  return any_error ? kExitFailed : kExitOk;
}

}  // namespace capcast::app
