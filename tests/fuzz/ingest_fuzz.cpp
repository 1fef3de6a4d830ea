// libFuzzer target for every source format's parser (ingest/sources/*): bytes in, through the
// registered Format::extract, as the poller calls it. An input is
//   FORMAT-NAME "\n" BODY [ "\n--capcast-memory--\n" MEMORY ]
// where an unknown name picks a format by its hash (so mutated names still reach a parser), and
// MEMORY stands for what the format kept from the previous poll (it comes back from the store, so
// it is input too). A crash, a sanitizer report, a leak or a hang is a finding; so is a broken
// contract, which traps:
//   - format.h: a format that makes CAP (every one but the relays "cap", "cap-atom" and "mqtt")
//     hands on only documents that cap::validate accepts without an error (issue 4: "every
//     generated alert is valid CAP 1.2");
//   - the memory a format returns is read back by the same format without a crash (the next
//     poll), and the relays keep no memory.
// Built and run by tests/fuzz/run-fuzz --target ingest.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/validate.h"
#include "capcast/ingest/format.h"

namespace {

using namespace capcast;
using namespace capcast::ingest;

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "ingest_fuzz: %s\n%s\n", what.c_str(), detail.c_str());
  __builtin_trap();
}

bool relays(std::string_view format) {
  return format == "cap" || format == "cap-atom" || format == "mqtt";
}

// The format's defaults plus what the threshold formats need to issue anything: levels for the
// series of the bundled captures and for a CSV station "S1".
const config::Section& options_for(const Format& f) {
  static std::map<std::string, config::Section> cache;
  auto it = cache.find(f.name);
  if (it != cache.end()) return it->second;
  config::Section s = default_options(f);
  s.set("sender", std::string("fuzz@example.org"), {}, false);
  if (std::string_view(f.name) == "usgs-water" || std::string_view(f.name) == "csv-readings") {
    s.set("thresholds",
          std::vector<std::string>{
              "01491000:00065 warn=5 clear=4.5 severity=Moderate event=River Flood lat=38.9 "
              "lon=-75.8 name=Choptank unit=ft",
              "01491000:00065 warn=7 clear=6.5 severity=Severe event=River Flood Warning",
              "01646500:00060 warn=20000 clear=18000 severity=Severe event=Flood",
              "S1 warn=1.5 clear=1.0 severity=Moderate event=High Water lat=1.5 lon=2.5",
              "S1:level warn=3 clear=2.5 severity=Extreme event=Extreme High Water"},
          {}, false);
  }
  return cache.emplace(f.name, std::move(s)).first->second;
}

Extracted run(const Format& f, std::string_view body, std::string_view memory) {
  Input in;
  in.body = body;
  in.url = "https://feeds.example.org/feed";
  in.source = "fuzz";
  in.options = &options_for(f);
  in.memory = memory;
  in.now_ms = 1'700'000'000'000;
  return f.extract(in);
}

void check(const Format& f, const Extracted& ex) {
  if (relays(f.name)) {
    if (ex.memory && !ex.memory->empty()) fail(std::string(f.name) + " keeps memory", *ex.memory);
    return;
  }
  for (const auto& doc : ex.documents) {
    cap::Report report = cap::validate(doc);
    for (const auto& finding : report.findings) {
      if (finding.level == cap::Level::kError) {
        fail(std::string(f.name) + " made invalid CAP: " + finding.path + ": " + finding.message +
                 " [" + finding.rule + "]",
             doc);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto& all = formats();
  auto nl = input.find('\n');
  std::string_view name = input.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  const Format* f = find_format(name);
  if (!f) f = &all[std::hash<std::string_view>{}(name) % all.size()];

  constexpr std::string_view kMemory = "\n--capcast-memory--\n";
  auto m = rest.find(kMemory);
  std::string_view body = rest.substr(0, m);
  std::string_view memory =
      m == std::string_view::npos ? std::string_view() : rest.substr(m + kMemory.size());

  Extracted first = run(*f, body, memory);
  check(*f, first);
  // The next poll of the same bytes, with what this one kept.
  if (first.memory) {
    Extracted second = run(*f, body, *first.memory);
    check(*f, second);
  }
  return 0;
}
