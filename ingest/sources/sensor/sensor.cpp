#include "sensor.h"

#include <algorithm>

#include "alert.h"
#include "capcast/cap/serialize.h"
#include "threshold.h"

namespace capcast::ingest::sensor {
namespace {

// The changes to announce for one series. A series seen for the first time (no memory) announces
// only the state its data ends in, unless replay_first_poll: the history a feed returns before
// capcast watched it (NWIS can return days) is not news, and replaying it would send the public
// a string of old Alerts and Cancels.
std::vector<Transition> to_announce(std::vector<Transition> all, int final_level, bool fresh,
                                    bool replay) {
  if (!fresh || replay) return all;
  if (final_level == kNone || all.empty()) return {};
  Transition t = all.back();  // the observation that entered the final level
  t.change = Change::kAlert;
  t.from = kNone;
  return {t};
}

void keep_orphans(const Rules& rules, const Memory& old, Memory& next,
                  std::vector<std::string>& problems) {
  std::vector<std::pair<std::string, SeriesState>> orphans;
  for (const auto& [key, st] : old.series) {
    if (!rules.find(key) && st.active_warn) orphans.emplace_back(key, st);
  }
  // Newest first; beyond kMaxOrphans the oldest are forgotten, so memory stays bounded.
  std::stable_sort(orphans.begin(), orphans.end(), [](const auto& a, const auto& b) {
    return a.second.last_ms.value_or(0) > b.second.last_ms.value_or(0);
  });
  for (size_t i = 0; i < orphans.size(); ++i) {
    const auto& [key, st] = orphans[i];
    std::string ref = st.refs.empty() ? "?" : st.refs.back();
    if (i >= kMaxOrphans) {
      problems.push_back("series " + key +
                         " has no threshold line and too many others are kept; "
                         "its alert " +
                         ref + " is forgotten without a Cancel");
      continue;
    }
    problems.push_back("series " + key + " has no threshold line any more but its alert " + ref +
                       " is in force; kept until a line names the series again");
    next.series[key] = st;
  }
}

}  // namespace

std::vector<config::Key> keys() {
  return rule_keys();
}

Extracted run_thresholds(const Input& in, Dialect dialect, const FeedData& data,
                         std::vector<std::string> feed_problems) {
  Extracted out;
  if (!in.options) {
    out.problems.push_back("no [[source]] options: no thresholds to apply");
    return out;
  }
  Rules rules = read_rules(*in.options, dialect, out.problems);
  out.problems.insert(out.problems.end(), feed_problems.begin(), feed_problems.end());
  if (!rules.usable) return out;  // memory left as it was, to resume once the keys are fixed

  Memory old = load_memory(in.memory, out.problems);
  Memory next;
  for (const SeriesRule& rule : rules.series) {
    auto remembered = old.series.find(rule.key);
    const bool fresh = remembered == old.series.end();
    SeriesState st = fresh ? SeriesState{} : remembered->second;
    auto feed = data.find(rule.key);
    if (feed == data.end()) {
      if (!fresh) next.series[rule.key] = st;
      continue;
    }
    auto obs = newer_in_order(feed->second.observations, st.last_ms, rule.key, out.problems);
    if (obs.empty()) {
      if (!fresh) next.series[rule.key] = st;
      continue;
    }
    int level = level_of(rule.levels, st.active_warn);
    auto changes = apply(rule.levels, level, obs);
    for (const Transition& t : to_announce(changes, level, fresh, rules.replay_first_poll)) {
      if (t.change == Change::kAlert) st.refs.clear();
      AlertInput ai{&rules, &rule, &feed->second.station, in.source, t, &obs[t.observation],
                    st.refs};
      cap::Alert alert = build_alert(ai);
      if (alert.infos[0].areas[0].circles.empty()) {
        out.problems.push_back("series " + rule.key +
                               ": no coordinates (feed or lat=/lon=); the alert's area is only "
                               "described, not drawn");
      }
      if (t.change == Change::kCancel) {
        st.refs.clear();
      } else {
        add_ref(st, cap::key_of(alert).to_string());
      }
      out.documents.push_back(cap::serialize(alert));
    }
    st.last_ms = obs.back().time_ms;
    st.active_warn = level == kNone
                         ? std::nullopt
                         : std::optional<double>(rule.levels[static_cast<size_t>(level)].warn);
    next.series[rule.key] = std::move(st);
  }
  keep_orphans(rules, old, next, out.problems);
  out.memory = save_memory(next);
  return out;
}

}  // namespace capcast::ingest::sensor
