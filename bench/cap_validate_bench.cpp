// cap_validate_bench: throughput of capcast's CAP validation (issue 3) beside its peers, in one
// process, over the same in-memory documents:
//   capcast cap::validate  parse + native XSD layer + CAP 1.2 rules (what `capcast validate` does)
//   capcast cap::parse     hardened parse into the model, nothing checked beyond well-formedness
//   libxml2                xmlReadMemory (XML_PARSE_NONET, no entity substitution) +
//                          xmlSchemaValidateDoc against the official CAP-v1.2.xsd, loaded once:
//                          the reference peer
//   pugixml                load_buffer with capcast's flags: the parse-only limit
// on two corpora: the real samples and a generated corpus of typical alerts (cap_corpus.h).
// Before timing, every document must be accepted by every implementation; each timed pass counts
// the accepted documents again. Run by bench/run; results in docs/BENCHMARKS.md.
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include <pugixml.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cap_corpus.h"
#include "capcast/cap/parse.h"
#include "capcast/cap/validate.h"
#include "harness.h"

#ifndef CAPCAST_BENCH_BUILD
#define CAPCAST_BENCH_BUILD "unknown"
#endif

namespace capcast::bench {
namespace {

#if LIBXML_VERSION >= 21200
using XmlErrorArg = const xmlError*;
#else
using XmlErrorArg = xmlErrorPtr;
#endif

// The last libxml2 error, kept for the pre-flight report; libxml2 prints nothing.
std::string g_libxml2_error;
void keep_libxml2_error(void*, XmlErrorArg error) {
  if (error && error->message) {
    g_libxml2_error = "line " + std::to_string(error->line) + ": " + error->message;
    while (!g_libxml2_error.empty() && g_libxml2_error.back() == '\n')
      g_libxml2_error.pop_back();
  }
}

// libxml2 with the official XSD, parsed once; one validation context reused for every document.
class Libxml2Peer {
 public:
  explicit Libxml2Peer(const std::string& xsd_path) {
    xmlInitParser();
    xmlSetStructuredErrorFunc(nullptr, keep_libxml2_error);
    xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(xsd_path.c_str());
    if (pctxt) {
      xmlSchemaSetParserStructuredErrors(pctxt, keep_libxml2_error, nullptr);
      schema_ = xmlSchemaParse(pctxt);
      xmlSchemaFreeParserCtxt(pctxt);
    }
    if (schema_) vctxt_ = xmlSchemaNewValidCtxt(schema_);
    if (vctxt_) xmlSchemaSetValidStructuredErrors(vctxt_, keep_libxml2_error, nullptr);
  }
  ~Libxml2Peer() {
    if (vctxt_) xmlSchemaFreeValidCtxt(vctxt_);
    if (schema_) xmlSchemaFree(schema_);
    xmlCleanupParser();
  }
  Libxml2Peer(const Libxml2Peer&) = delete;
  Libxml2Peer& operator=(const Libxml2Peer&) = delete;

  bool ready() const { return vctxt_ != nullptr; }

  bool accept(const std::string& xml) const {
    xmlDocPtr doc =
        xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, XML_PARSE_NONET);
    if (!doc) return false;
    int rc = xmlSchemaValidateDoc(vctxt_, doc);
    xmlFreeDoc(doc);
    return rc == 0;
  }

 private:
  xmlSchemaPtr schema_ = nullptr;
  xmlSchemaValidCtxtPtr vctxt_ = nullptr;
};

// The flags capcast's load_safe_xml gives pugixml (cap/src/safe_xml.cpp).
constexpr unsigned kPugiFlags = pugi::parse_default | pugi::parse_doctype | pugi::parse_pi;

bool pugixml_accept(const std::string& xml) {
  pugi::xml_document doc;
  return doc.load_buffer(xml.data(), xml.size(), kPugiFlags).status == pugi::status_ok;
}

std::string first_error(const capcast::cap::Report& report) {
  for (const auto& f : report.findings) {
    if (f.level == cap::Level::kError) return f.path + ": " + f.message;
  }
  return "";
}

struct Options {
  std::string samples = "samples/cap";
  std::string xsd = "tests/data/xsd/CAP-v1.2.xsd";
  GeneratorOptions generator;
  HarnessOptions harness;
};

std::string first_line_of(const std::string& path, std::string_view key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) {
      auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "?";
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

void print_machine() {
  std::printf("machine: %s, %u hardware threads; load average (1, 5, 15 min) %s\n",
              first_line_of("/proc/cpuinfo", "model name").c_str(),
              std::thread::hardware_concurrency(), loadavg().c_str());
  std::printf("build: %s; compiler %s; libxml2 %s; pugixml %d.%d\n", CAPCAST_BENCH_BUILD,
              __VERSION__, xmlParserVersion, PUGIXML_VERSION / 1000, PUGIXML_VERSION / 10 % 100);
#ifndef NDEBUG
  std::printf("WARNING: built without NDEBUG: not a release build, the numbers mean nothing\n");
#endif
}

void print_corpus(const char* title, const std::vector<Document>& corpus) {
  std::vector<size_t> sizes(corpus.size() + 1, 0);  // never empty; sizes[0] stays 0
  for (size_t i = 0; i < corpus.size(); ++i)
    sizes[i + 1] = corpus[i].bytes.size();
  std::sort(sizes.begin(), sizes.end());
  size_t n = corpus.size();
  std::printf("\n## corpus: %s\n\n%zu documents, %zu bytes; sizes min %zu, median %zu, max %zu\n",
              title, n, total_bytes(corpus), sizes[n > 0 ? 1 : 0], sizes[(n + 1) / 2], sizes[n]);
}

// Runs every implementation once on every document; prints who accepted what and why not.
bool preflight(const std::vector<Implementation>& impls, const std::vector<Document>& corpus) {
  bool ok = true;
  for (const Implementation& impl : impls) {
    size_t accepted = 0;
    for (const Document& d : corpus) {
      if (impl.accept(d)) {
        ++accepted;
        continue;
      }
      ok = false;
      std::string why = impl.explain ? impl.explain(d) : "";
      std::printf("REFUSED by %s: %s: %s\n", impl.name.c_str(), d.name.c_str(), why.c_str());
    }
    std::printf("pre-flight: %s accepted %zu/%zu\n", impl.name.c_str(), accepted, corpus.size());
  }
  size_t warnings = 0, recommendations = 0;
  for (const Document& d : corpus) {
    auto report = cap::validate(d.bytes);
    warnings += report.count(cap::Level::kWarning);
    recommendations += report.count(cap::Level::kRecommendation);
  }
  std::printf("pre-flight: capcast findings beyond errors: %zu warnings, %zu recommendations\n",
              warnings, recommendations);
  return ok;
}

bool bench_corpus(const std::vector<Document>& corpus, const std::vector<Implementation>& impls,
                  const HarnessOptions& options, const std::string& only, bool typical) {
  if (!preflight(impls, corpus)) {
    std::printf("FAILED: an implementation refused a document; nothing timed\n");
    return false;
  }
  std::printf("timing: median of %d repetitions, each >= %.1f s of whole passes, interleaved\n\n",
              options.repetitions, options.min_seconds);
  if (!only.empty()) {
    // Profiling aid: time the implementations whose name contains `only`, print no ratio.
    std::vector<Implementation> chosen;
    for (const Implementation& impl : impls) {
      if (impl.name.find(only) != std::string::npos) chosen.push_back(impl);
    }
    if (chosen.empty()) {
      std::printf("FAILED: no implementation's name contains \"%s\"\n", only.c_str());
      return false;
    }
    auto timings = run_interleaved(chosen, corpus, options);
    print_table(timings, corpus);
    return std::all_of(timings.begin(), timings.end(),
                       [](const Timing& t) { return t.every_pass_ok; });
  }
  auto timings = run_interleaved(impls, corpus, options);
  print_table(timings, corpus);
  // Throughput ratios are inverse time ratios.
  double validate = timings[0].median(), parse = timings[1].median();
  double libxml2 = timings[2].median(), pugixml = timings[3].median();
  double vs_libxml2 = libxml2 / validate, vs_pugixml = pugixml / validate;
  std::printf("\n| ratio (throughput) | value |%s\n|---|---:|%s\n", typical ? " target |" : "",
              typical ? "---|" : "");
  std::printf("| capcast validate / libxml2 parse+schema | %.2fx |%s\n", vs_libxml2,
              typical ? (vs_libxml2 >= 5 ? " >= 5x: met |" : " >= 5x: MISSED |") : "");
  std::printf("| capcast validate / pugixml parse-only | %.2fx |%s\n", vs_pugixml,
              typical ? (vs_pugixml >= 1.0 / 3 ? " >= 0.33x: met |" : " >= 0.33x: MISSED |") : "");
  std::printf("| capcast parse / pugixml parse-only | %.2fx |%s\n", pugixml / parse,
              typical ? " (none) |" : "");
  bool ok = true;
  for (const Timing& t : timings)
    ok = ok && t.every_pass_ok;
  if (!ok) std::printf("FAILED: a timed pass did not accept every document\n");
  return ok;
}

// Writes each document to DIR/NAME.xml (to check the generated corpus with other tools).
bool dump_corpus(const std::vector<Document>& corpus, const std::string& dir) {
  for (const Document& d : corpus) {
    std::string path = dir + "/" + d.name + ".xml";
    std::ofstream out(path, std::ios::binary);
    out << d.bytes;
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return false;
    }
  }
  std::printf("wrote %zu documents to %s\n", corpus.size(), dir.c_str());
  return true;
}

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--samples DIR] [--xsd FILE] [--count N] [--seed N] [--min-time SEC] "
               "[--reps N] [--corpus all|samples|typical] [--only NAME-PART] [--dump DIR]\n"
               "--only times just the implementations whose name contains NAME-PART (for "
               "profiling; no ratios). --dump writes the generated corpus to DIR and exits.\n"
               "Run from the repository root (bench/run does).\n",
               argv0);
  return 2;
}

}  // namespace
}  // namespace capcast::bench

int main(int argc, char** argv) {
  using namespace capcast::bench;
  Options o;
  std::string which = "all", only, dump;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    const char* v = argv[++i];
    if (a == "--samples")
      o.samples = v;
    else if (a == "--xsd")
      o.xsd = v;
    else if (a == "--count")
      o.generator.count = std::strtoull(v, nullptr, 10);
    else if (a == "--seed")
      o.generator.seed = std::strtoull(v, nullptr, 0);
    else if (a == "--min-time")
      o.harness.min_seconds = std::strtod(v, nullptr);
    else if (a == "--reps")
      o.harness.repetitions = std::atoi(v);
    else if (a == "--corpus")
      which = v;
    else if (a == "--only")
      only = v;
    else if (a == "--dump")
      dump = v;
    else
      return usage(argv[0]);
  }
  if (which != "all" && which != "samples" && which != "typical") return usage(argv[0]);
  if (o.generator.count == 0 || o.harness.repetitions < 1) return usage(argv[0]);

  std::printf("# cap_validate_bench\n\n");
  print_machine();
  Libxml2Peer peer(o.xsd);
  if (!peer.ready()) {
    std::fprintf(stderr, "cannot load the XSD %s: %s\n", o.xsd.c_str(), g_libxml2_error.c_str());
    return 2;
  }
  std::vector<Implementation> impls = {
      {"capcast cap::validate (parse + XSD layer + CAP rules)",
       [](const Document& d) { return !capcast::cap::validate(d.bytes).has_errors(); },
       [](const Document& d) { return first_error(capcast::cap::validate(d.bytes)); }},
      {"capcast cap::parse (parse into the model)",
       [](const Document& d) { return capcast::cap::parse(d.bytes).ok(); },
       [](const Document& d) { return capcast::cap::parse(d.bytes).status().message(); }},
      {"libxml2 xmlReadMemory + xmlSchemaValidateDoc (peer)",
       [&peer](const Document& d) { return peer.accept(d.bytes); },
       [&peer](const Document& d) {
         g_libxml2_error.clear();
         peer.accept(d.bytes);
         return g_libxml2_error;
       }},
      {"pugixml load_buffer (parse only)",
       [](const Document& d) { return pugixml_accept(d.bytes); },
       [](const Document& d) {
         pugi::xml_document doc;
         return std::string(
             doc.load_buffer(d.bytes.data(), d.bytes.size(), kPugiFlags).description());
       }},
  };

  bool ok = true;
  if (which != "typical") {
    std::vector<Document> samples;
    std::string error;
    if (!load_samples(o.samples, &samples, &error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 2;
    }
    print_corpus(("samples (" + o.samples + ")").c_str(), samples);
    ok = bench_corpus(samples, impls, o.harness, only, false) && ok;
  }
  if (which != "samples") {
    CorpusStats s;
    auto typical = generate_typical(o.generator, &s);
    char seed[32];
    std::snprintf(seed, sizeof seed, "%#llx", static_cast<unsigned long long>(o.generator.seed));
    std::string title = std::string("typical (generated, seed ") + seed + ")";
    if (!dump.empty()) return dump_corpus(typical, dump) ? 0 : 2;
    print_corpus(title.c_str(), typical);
    std::printf(
        "generated: <info> x1 %zu, x2 %zu, x3 %zu; %zu polygons of %zu..%zu pairs; %zu circles; "
        "%zu geocodes; %zu parameters; %zu draws redrawn for their size\n",
        s.infos[1], s.infos[2], s.infos[3], s.polygons, s.min_pairs, s.max_pairs, s.circles,
        s.geocodes, s.parameters, s.redrawn);
    ok = bench_corpus(typical, impls, o.harness, only, true) && ok;
  }
  std::printf("\nload average at the end: %s\n", loadavg().c_str());
  return ok ? 0 : 1;
}
