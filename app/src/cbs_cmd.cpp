// `capcast cbs encode ALERT.xml`: what an alert becomes as cell broadcast messages (message
// identifier, serial number and its parts, data coding scheme, language, pages in hex, target
// cells), without sending anything. Exit 1 with the reason when the alert cannot be broadcast.
// With --config, --profile may name one of that file's [[cbs_profile]]s; the file is checked
// as `capcast config check` would check those sections (exit 2 on an error).
#include <iostream>
#include <optional>

#include "app_schema.h"
#include "capcast/cap/parse.h"
#include "capcast/config/config.h"
#include "capcast/dispatch/cbs.h"
#include "commands.h"
#include "input.h"

namespace capcast::app {

int cbs_encode_command(const CbsEncodeCmdOptions& options) {
  if (options.format != "text" && options.format != "json") {
    std::cerr << "capcast cbs encode: --format is text or json\n";
    return kExitUsage;
  }
  std::string xml;
  if (!read_input(options.file, xml)) {
    std::cerr << "capcast cbs encode: " << options.file << ": cannot read the file\n";
    return kExitUsage;
  }
  auto parsed = cap::parse(xml);
  if (!parsed.ok()) {
    std::cerr << "capcast cbs encode: " << options.file << ": " << parsed.status().message()
              << "\n";
    return kExitFailed;
  }
  std::optional<config::Document> doc;
  if (!options.config_path.empty()) {
    auto loaded = config::load_file(options.config_path, schema());
    if (!loaded.ok()) {
      std::cerr << "capcast cbs encode: configuration rejected:\n"
                << loaded.status().message() << "\n";
      return kExitUsage;
    }
    doc = std::move(*loaded);
    std::vector<std::string> warnings;
    if (auto st = dispatch::check_cbs_profiles(*doc, &warnings); !st.ok()) {
      std::cerr << "capcast cbs encode: configuration rejected:\n" << st.message() << "\n";
      return kExitUsage;
    }
    for (const auto& w : warnings)
      std::cerr << "capcast cbs encode: warning: " << w << "\n";
  }
  dispatch::CbsEncodeOptions o;
  o.profile = options.profile;
  o.config = doc ? &*doc : nullptr;
  o.primary_language = options.primary_language;
  o.cells_file = options.cells;
  o.geo_scope = options.geo_scope;
  o.max_chars = options.max_chars;
  o.message_code = options.message_code;
  auto report = dispatch::cbs_encode(parsed->alert, o);
  if (!report.ok()) {
    const bool usage = report.status().code() == Code::kIoError ||
                       report.status().message().starts_with("unknown profile") ||
                       report.status().message().starts_with("geo scope") ||
                       report.status().message().starts_with("message code");
    std::cerr << "capcast cbs encode: " << options.file << ": "
              << (usage ? "" : "cannot be broadcast: ") << report.status().message() << "\n";
    return usage ? kExitUsage : kExitFailed;
  }
  std::cout << (options.format == "json" ? dispatch::cbs_report_json(*report) + "\n"
                                         : dispatch::cbs_report_text(*report));
  return kExitOk;
}

}  // namespace capcast::app
