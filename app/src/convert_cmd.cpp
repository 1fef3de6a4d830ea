// `capcast convert --from FORMAT INPUT --out DIR`: one input file in any source format turned into
// CAP 1.2 files, one per alert, named by identifier, through the same format code the poller
// uses. Links a feed lists are followed when they are local files (file: URLs or paths relative
// to the input); remote links are reported, not fetched.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "capcast/cap/parse.h"
#include "capcast/cap/serialize.h"
#include "capcast/core/clock.h"
#include "capcast/ingest/fetcher.h"
#include "capcast/ingest/format.h"
#include "commands.h"
#include "input.h"

namespace capcast::app {
namespace {

// The identifier made safe as a file name (it may hold '/' or ':').
std::string file_name(const std::string& identifier) {
  std::string out;
  for (char c : identifier.substr(0, 200)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(0, "alert");
  return out + ".xml";
}

}  // namespace

int convert_command(const ConvertCmdOptions& o) {
  const ingest::Format* format = ingest::find_format(o.from);
  if (!format) {
    std::string known;
    for (const auto& f : ingest::formats())
      known += (known.empty() ? "" : ", ") + std::string(f.name);
    std::cerr << "capcast convert: unknown format '" << o.from << "' (known: " << known << ")\n";
    return kExitUsage;
  }
  std::string body;
  if (!read_input(o.input, body)) {
    std::cerr << o.input << ": cannot read the file\n";
    return kExitUsage;
  }
  // The format's defaults, plus what the command line sets.
  config::Section options = ingest::default_options(*format);
  auto declared = [&](const std::string& key) {
    for (const auto& k : format->keys) {
      if (k.name == key) return &k;
    }
    return static_cast<const config::Key*>(nullptr);
  };
  if (!o.thresholds.empty()) {
    if (!declared("thresholds")) {
      std::cerr << "capcast convert: format '" << o.from << "' takes no thresholds\n";
      return kExitUsage;
    }
    std::string text;
    if (!read_input(o.thresholds, text)) {
      std::cerr << o.thresholds << ": cannot read the file\n";
      return kExitUsage;
    }
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
      lines.push_back(line);
    }
    options.set("thresholds", lines, {o.thresholds, 0, 0}, false);
  }
  for (const auto& kv : o.settings) {
    auto eq = kv.find('=');
    const config::Key* key = eq == std::string::npos ? nullptr : declared(kv.substr(0, eq));
    if (!key || key->type != config::Type::kString) {
      std::cerr << "capcast convert: --set " << kv << ": not a string key of format '" << o.from
                << "'\n";
      return kExitUsage;
    }
    options.set(key->name, kv.substr(eq + 1), {}, key->secret);
  }

  std::error_code ec;
  std::filesystem::path input_path = o.input == "-" ? std::filesystem::current_path() / "stdin"
                                                    : std::filesystem::absolute(o.input, ec);
  ingest::Input in;
  in.body = body;
  in.url = "file://" + input_path.string();
  in.source = "convert";
  in.options = &options;
  in.now_ms = to_unix_ms(SystemClock::instance().now());
  ingest::Extracted ex = format->extract(in);
  for (const auto& link : ex.links) {
    std::string doc;
    if (link.rfind("file://", 0) == 0 && read_input(link.substr(7), doc)) {
      ex.documents.push_back(std::move(doc));
    } else {
      ex.problems.push_back(link +
                            ": linked document not converted (convert reads local files only)");
    }
  }

  std::filesystem::create_directories(o.out, ec);
  if (ec) {
    std::cerr << o.out << ": " << ec.message() << "\n";
    return kExitUsage;
  }
  size_t written = 0;
  for (const auto& doc : ex.documents) {
    auto parsed = cap::parse(doc);
    if (!parsed.ok()) {
      ex.problems.push_back("a document is not CAP: " + parsed.status().message());
      continue;
    }
    auto path = std::filesystem::path(o.out) / file_name(parsed->alert.identifier);
    std::ofstream out(path, std::ios::binary);
    out << cap::serialize(parsed->alert);
    if (!out) {
      ex.problems.push_back(path.string() + ": cannot write");
      continue;
    }
    ++written;
  }
  for (const auto& p : ex.problems)
    std::cerr << o.input << ": " << p << "\n";
  std::cout << o.input << ": " << written << " alert(s) written to " << o.out << ", "
            << ex.problems.size() << " problem(s)\n";
  return written == 0 && !ex.problems.empty() ? kExitFailed : kExitOk;
}

}  // namespace capcast::app
