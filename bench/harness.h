// A small throughput harness for the benchmarks under bench/: implementations are timed over the
// same in-memory corpus, in the same process, interleaved repetition by repetition so that a
// change of machine load during the run touches every implementation alike, and reported as the
// median of the repetitions with their spread. Each pass over the corpus counts the documents the
// implementation accepted, so a benchmark cannot silently measure failures. Not thread-safe:
// one harness per thread (the benchmarks are single-threaded).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace capcast::bench {

// One document of a corpus, held in memory for the whole run.
struct Document {
  std::string name;
  std::string bytes;
};

// An implementation under test: `accept` processes one document and returns whether it was
// accepted (parsed, or parsed and found valid, whatever the implementation's job is).
struct Implementation {
  std::string name;
  std::function<bool(const Document&)> accept;
  // Why a document was refused, for the pre-flight report (not timed).
  std::function<std::string(const Document&)> explain;
};

struct HarnessOptions {
  double min_seconds = 1.5;  // each repetition runs whole passes for at least this long
  int repetitions = 5;       // the median of these is reported
  double warmup_seconds = 0.3;
};

// The timing of one implementation over one corpus.
struct Timing {
  std::string name;
  size_t documents = 0;              // in the corpus
  size_t accepted = 0;               // accepted in the last pass (must equal documents)
  bool every_pass_ok = true;         // every timed pass accepted every document
  size_t passes_per_rep = 0;         // whole passes over the corpus in one repetition
  std::vector<double> pass_seconds;  // per repetition: seconds for one pass

  double median() const {
    std::vector<double> v = pass_seconds;
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  }
  // (max - min) / median of the repetitions, in percent.
  double spread_percent() const {
    if (pass_seconds.empty()) return 0;
    auto [lo, hi] = std::minmax_element(pass_seconds.begin(), pass_seconds.end());
    return 100.0 * (*hi - *lo) / median();
  }
};

// Times every implementation over `corpus`. Warm-up and calibration run each implementation
// alone; then, repetition by repetition, each implementation runs its calibrated number of
// passes in turn.
inline std::vector<Timing> run_interleaved(const std::vector<Implementation>& impls,
                                           const std::vector<Document>& corpus,
                                           const HarnessOptions& options) {
  using Clock = std::chrono::steady_clock;
  auto pass = [&](const Implementation& impl) {
    size_t ok = 0;
    for (const Document& d : corpus)
      ok += impl.accept(d) ? 1 : 0;
    return ok;
  };
  auto seconds = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };

  std::vector<Timing> out(impls.size());
  for (size_t i = 0; i < impls.size(); ++i) {
    Timing& t = out[i];
    t.name = impls[i].name;
    t.documents = corpus.size();
    // Warm-up (caches, allocator, branch predictors), which also estimates one pass.
    size_t passes = 0;
    auto start = Clock::now();
    double elapsed = 0;
    do {
      t.accepted = pass(impls[i]);
      t.every_pass_ok = t.every_pass_ok && t.accepted == t.documents;
      ++passes;
      elapsed = seconds(start, Clock::now());
    } while (elapsed < options.warmup_seconds);
    double per_pass = elapsed / static_cast<double>(passes);
    t.passes_per_rep = std::max<size_t>(1, static_cast<size_t>(options.min_seconds / per_pass) + 1);
  }
  for (int rep = 0; rep < options.repetitions; ++rep) {
    for (size_t i = 0; i < impls.size(); ++i) {
      Timing& t = out[i];
      auto start = Clock::now();
      for (size_t p = 0; p < t.passes_per_rep; ++p) {
        t.accepted = pass(impls[i]);
        t.every_pass_ok = t.every_pass_ok && t.accepted == t.documents;
      }
      t.pass_seconds.push_back(seconds(start, Clock::now()) /
                               static_cast<double>(t.passes_per_rep));
    }
  }
  return out;
}

inline size_t total_bytes(const std::vector<Document>& corpus) {
  size_t n = 0;
  for (const Document& d : corpus)
    n += d.bytes.size();
  return n;
}

// Prints the timings as a Markdown table: alerts/s, MB/s (10^6 bytes), spread, valid count.
inline void print_table(const std::vector<Timing>& timings, const std::vector<Document>& corpus) {
  const double bytes = static_cast<double>(total_bytes(corpus));
  std::printf("| implementation | valid | alerts/s | MB/s | spread |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (const Timing& t : timings) {
    double s = t.median();
    std::printf("| %s | %zu/%zu%s | %.0f | %.1f | %.1f%% |\n", t.name.c_str(), t.accepted,
                t.documents, t.every_pass_ok ? "" : " FAILED", static_cast<double>(t.documents) / s,
                bytes / s / 1e6, t.spread_percent());
  }
}

}  // namespace capcast::bench
