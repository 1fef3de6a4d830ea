#include "threshold.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "capcast/cap/datetime.h"

namespace capcast::ingest::sensor {
namespace {

// "sender,identifier,sent" with a CAP date-time (CAP 1.2 §3.2.1 references), as add_ref stores.
bool is_reference(const std::string& r) {
  auto a = r.find(',');
  auto b = a == std::string::npos ? a : r.find(',', a + 1);
  if (a == 0 || b == std::string::npos || b == a + 1 || r.find(',', b + 1) != std::string::npos) {
    return false;
  }
  if (r.find_first_of(" \t\r\n<&") != std::string::npos) return false;
  return cap::parse_datetime(std::string_view(r).substr(b + 1)).has_value();
}

}  // namespace

int next_level(const std::vector<Level>& levels, int current, double value) {
  const int n = static_cast<int>(levels.size());
  // Rising: the highest level whose warn the value reaches, if above the current one.
  int reached = kNone;
  for (int i = 0; i < n; ++i) {
    if (value >= levels[static_cast<size_t>(i)].warn) reached = i;
  }
  if (reached > current) return reached;
  // Falling: below the clear of the current level, down to the highest lower level whose clear
  // is still reached (its warn need not be: the series was above it), else none.
  if (current != kNone && value < levels[static_cast<size_t>(current)].clear) {
    int to = kNone;
    for (int i = 0; i < current; ++i) {
      if (value >= levels[static_cast<size_t>(i)].clear) to = i;
    }
    return to;
  }
  return current;  // the hysteresis band, or no change
}

std::vector<Transition> apply(const std::vector<Level>& levels, int& level,
                              const std::vector<Observation>& observations) {
  std::vector<Transition> out;
  for (size_t i = 0; i < observations.size(); ++i) {
    int to = next_level(levels, level, observations[i].value);
    if (to == level) continue;
    Change c = level == kNone ? Change::kAlert : to == kNone ? Change::kCancel : Change::kUpdate;
    out.push_back({c, level, to, i});
    level = to;
  }
  return out;
}

std::vector<Observation> newer_in_order(std::vector<Observation> obs,
                                        std::optional<int64_t> last_ms, const std::string& series,
                                        std::vector<std::string>& problems) {
  std::stable_sort(obs.begin(), obs.end(), [](const Observation& a, const Observation& b) {
    return a.time_ms < b.time_ms;
  });
  std::vector<Observation> out;
  for (auto& o : obs) {
    if (last_ms && o.time_ms <= *last_ms) continue;  // processed at an earlier poll
    if (!out.empty() && out.back().time_ms == o.time_ms) {
      if (out.back().value != o.value) {
        problems.push_back("series " + series + ": " + o.where + " has the same time as " +
                           out.back().where + " but value " + o.value_text + " instead of " +
                           out.back().value_text + "; kept the first");
      }
      continue;
    }
    out.push_back(std::move(o));
  }
  return out;
}

int level_of(const std::vector<Level>& levels, std::optional<double> active_warn) {
  if (!active_warn || levels.empty()) return kNone;
  int best = 0;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].warn <= *active_warn) best = static_cast<int>(i);
  }
  return best;
}

void add_ref(SeriesState& state, std::string ref) {
  state.refs.push_back(std::move(ref));
  if (state.refs.size() > kMaxRefs) state.refs.erase(state.refs.begin() + 1);
}

Memory load_memory(std::string_view text, std::vector<std::string>& problems) {
  Memory m;
  if (text.empty()) return m;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("v") || j["v"] != 1 ||
      !j.contains("series") || !j["series"].is_object()) {
    problems.push_back("memory is not a sensor state (version 1); every series starts afresh");
    return m;
  }
  for (const auto& [key, s] : j["series"].items()) {
    if (!s.is_object()) {
      problems.push_back("memory of series " + key + " is not an object; it starts afresh");
      continue;
    }
    SeriesState st;
    if (auto t = s.find("t"); t != s.end() && t->is_number_integer())
      st.last_ms = t->get<int64_t>();
    if (auto w = s.find("level"); w != s.end() && w->is_number()) st.active_warn = w->get<double>();
    if (auto r = s.find("refs"); r != s.end() && r->is_array()) {
      for (const auto& ref : *r) {
        if (ref.is_string() && is_reference(ref.get_ref<const std::string&>()) &&
            st.refs.size() < kMaxRefs) {
          st.refs.push_back(ref.get<std::string>());
        } else {
          problems.push_back("memory of series " + key + ": dropped a malformed reference");
        }
      }
    }
    m.series[key] = std::move(st);
  }
  return m;
}

std::string save_memory(const Memory& m) {
  nlohmann::json series = nlohmann::json::object();
  for (const auto& [key, st] : m.series) {
    nlohmann::json s = nlohmann::json::object();
    if (st.last_ms) s["t"] = *st.last_ms;
    if (st.active_warn) s["level"] = *st.active_warn;
    if (!st.refs.empty()) s["refs"] = st.refs;
    series[key] = std::move(s);
  }
  nlohmann::json j = {{"v", 1}, {"series", std::move(series)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace capcast::ingest::sensor
