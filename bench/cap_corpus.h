// The corpora of the CAP benchmarks: the real alerts under samples/cap/, and a deterministic
// corpus of "typical" CAP 1.2 alerts generated from the templates of cap_templates.h (1 to 3
// <info> blocks in different languages, polygons of 5 to 200 pairs, circles, geocodes,
// parameters, descriptions of varying length, 1 to 10 KB each). Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"

namespace capcast::bench {

// Every *.xml file in `dir`, sorted by name. False, with `error` set, when the directory cannot
// be read or holds no such file.
bool load_samples(const std::string& dir, std::vector<Document>* out, std::string* error);

struct GeneratorOptions {
  uint64_t seed = 0xCA9C0DE12ULL;  // fixed: every run times the same documents
  size_t count = 1200;
  size_t min_bytes = 1024;  // a draw outside [min_bytes, max_bytes] is discarded and redrawn
  size_t max_bytes = 10240;
};

// What the generator produced, for the benchmark's header.
struct CorpusStats {
  size_t redrawn = 0;              // draws discarded for their size
  size_t infos[4] = {0, 0, 0, 0};  // alerts with 1, 2, 3 <info> blocks (index 1..3)
  size_t polygons = 0;
  size_t min_pairs = 0, max_pairs = 0;  // pairs per polygon, closing pair included
  size_t circles = 0;
  size_t geocodes = 0;
  size_t parameters = 0;
};

// The same documents for the same options, on every platform (the generator uses its own
// SplitMix64 generator and no <random> distribution, whose output is implementation-defined).
std::vector<Document> generate_typical(const GeneratorOptions& options, CorpusStats* stats);

}  // namespace capcast::bench
