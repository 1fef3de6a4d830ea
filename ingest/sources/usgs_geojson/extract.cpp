// The usgs-geojson lifecycle: which message each event of the feed calls for, given the last
// message issued about it (memory.h).
//   new event, magnitude >= min_magnitude           -> Alert, sent = updated
//   `updated` later than the last message's         -> Update referencing the last message
//     (with update_on_any_change false: only if what the alert says changed)
//   status "deleted", or type no longer alerted     -> Cancel referencing the last message
//   alerted, gone from the feed inside its window   -> Cancel referencing the last message
//   unchanged                                       -> the last message again, byte for byte
// Re-issuing the unchanged message costs the store a duplicate check, and makes up for a message
// the store could not keep on the previous poll.
#include <algorithm>
#include <set>

#include "capcast/cap/datetime.h"
#include "capcast/cap/model.h"
#include "capcast/cap/serialize.h"
#include "capcast/core/redact.h"
#include "capgen/capgen.h"
#include "memory.h"
#include "quake.h"
#include "usgs_geojson.h"

namespace capcast::ingest::usgs_geojson {
namespace {

using nlohmann::json;

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<int64_t> whole_ms(const json* v) {
  if (!v || !v->is_number_integer()) return std::nullopt;
  int64_t ms = v->get<int64_t>();
  if (!capgen::is_cap_time(ms)) return std::nullopt;
  return ms;
}

class Lifecycle {
 public:
  Lifecycle(const Settings& s, Memory& memory, int64_t now_ms, Extracted& out)
      : s_(s), memory_(memory), now_ms_(now_ms), out_(out) {}

  void take(const Quake& q) {
    // USGS's preferred id may change (ComCat event terms, "id"): find the event by any of its ids.
    std::string key;
    for (const auto& id : q.ids) {
      if (memory_.count(id)) {
        key = id;
        break;
      }
    }
    if (key.empty()) key = q.id;
    if (!matched_.insert(key).second) {
      out_.problems.push_back("event " + q.id + ": listed twice in the feed; the second ignored");
      return;
    }
    bool deleted = q.status == "deleted";
    bool wanted_type = q.type.empty() || std::find(s_.event_types.begin(), s_.event_types.end(),
                                                   q.type) != s_.event_types.end();
    bool dead = deleted || !wanted_type;
    std::string why = deleted ? "deleted" : "type";
    // USGS status "deleted" (ComCat event terms, "status"); event types: ComCat "type".
    std::string note = deleted ? "USGS deleted this event (status \"deleted\")."
                               : "USGS reclassified this event as \"" + q.type +
                                     "\", which this source does not alert.";
    auto it = memory_.find(key);
    if (it == memory_.end()) {
      if (dead || !q.mag || *q.mag < s_.min_magnitude) return;
      Remembered r;
      it = memory_.emplace(key, r).first;
      issue(q, key, it->second, "Alert", q.updated_ms, "", "", "");
      return;
    }
    Remembered& e = it->second;
    e.seen_ms = std::max(e.seen_ms, now_ms_);
    e.time_ms = q.time_ms;
    int64_t next_sent = std::max(q.updated_ms, e.sent_ms + 1);
    if (e.msg_type == "Cancel") {
      if (dead) {
        if (q.updated_ms == e.updated_ms && e.why != "missing") emit(q, key, e, note);
        return;
      }
      // Back after a Cancel: a new Alert, not an Update of a cancelled message.
      if (e.why == "missing" || q.updated_ms > e.updated_ms) {
        issue(q, key, e, "Alert", next_sent, "", "", "");
      }
      return;
    }
    if (dead) {
      issue(q, key, e, "Cancel", next_sent, e.key, why, note);
    } else if (q.updated_ms > e.updated_ms) {
      if (!s_.update_on_any_change && fingerprint(q, key, s_) == e.fingerprint) {
        e.updated_ms = q.updated_ms;  // nothing the alert says changed: the last one again
        emit(q, key, e, "");
        return;
      }
      issue(q, key, e, "Update", next_sent, e.key, "", "");
    } else if (q.updated_ms == e.updated_ms) {
      emit(q, key, e, "");
    }
    // An older version than the one issued (a stale cache): nothing.
  }

  // Alerted events the feed no longer lists although its window (from its oldest event on)
  // still covers them.
  void take_missing(int64_t oldest_ms, int64_t sent_base_ms, const std::set<std::string>& listed) {
    for (auto& [key, e] : memory_) {
      if (matched_.count(key) || listed.count(key) || e.msg_type == "Cancel") continue;
      if (e.time_ms <= oldest_ms) continue;  // aged out of the window: not a deletion
      int64_t sent = std::max(sent_base_ms, e.sent_ms + 1);
      cap::Alert a;
      a.identifier = identifier(key, sent);
      a.sender = s_.sender;
      a.sent = cap::format_datetime(sent, 0);
      a.status = "Actual";
      a.msg_type = "Cancel";
      a.source = "USGS Earthquake Hazards Program GeoJSON summary feed";
      a.scope = "Public";
      a.note = "USGS no longer lists event " + key +
               " although the feed still covers its time: USGS deleted it.";
      a.references = e.key;
      a.incidents = key;
      out_.documents.push_back(cap::serialize(a));
      remember(e, a, "missing", sent, e.updated_ms);
    }
  }

 private:
  // A new message: built, written, and remembered as the event's last.
  void issue(const Quake& q, const std::string& key, Remembered& e, const char* msg_type,
             int64_t sent_ms, const std::string& references, const std::string& why,
             const std::string& note) {
    Message m{msg_type, sent_ms, references, note};
    cap::Alert a = build_alert(q, key, m, s_, out_.problems);
    out_.documents.push_back(cap::serialize(a));
    remember(e, a, why, sent_ms, q.updated_ms);
    e.fingerprint = fingerprint(q, key, s_);
    e.time_ms = q.time_ms;
    e.seen_ms = std::max(e.seen_ms, now_ms_);
  }

  // The event's last message again, identical to the first time (same input, same bytes).
  void emit(const Quake& q, const std::string& key, const Remembered& e, const std::string& note) {
    Message m{e.msg_type, e.sent_ms, e.references, note};
    out_.documents.push_back(cap::serialize(build_alert(q, key, m, s_, out_.problems)));
  }

  void remember(Remembered& e, const cap::Alert& a, const std::string& why, int64_t sent_ms,
                int64_t updated_ms) {
    e.updated_ms = updated_ms;
    e.sent_ms = sent_ms;
    e.msg_type = a.msg_type;
    e.references = a.references.value_or("");
    e.why = why;
    e.key = cap::key_of(a).to_string();
  }

  const Settings& s_;
  Memory& memory_;
  int64_t now_ms_;
  Extracted& out_;
  std::set<std::string> matched_;
};

}  // namespace

Extracted extract(const Input& in) {
  Extracted out;
  const std::string where = mask_url_password(in.url);
  auto settings = read_settings(capgen::options_of(in, kName), out.problems);
  if (!settings) return out;
  json doc = json::parse(in.body, nullptr, false);
  const json* features = member(doc, "features");
  if (doc.is_discarded() || !features || !features->is_array()) {
    out.problems.push_back(where +
                           ": not a GeoJSON FeatureCollection (RFC 7946 §3.3) with a "
                           "\"features\" array; nothing taken from it");
    return out;
  }
  const json* metadata = member(doc, "metadata");
  auto generated = whole_ms(metadata ? member(*metadata, "generated") : nullptr);
  int64_t now_ms = in.now_ms > 0 ? in.now_ms : generated.value_or(0);
  Memory memory = load_memory(in.memory, out.problems);
  Lifecycle lifecycle(*settings, memory, now_ms, out);

  std::optional<int64_t> oldest_ms;
  std::set<std::string> listed;  // ids of every feature, readable or not: not "missing"
  for (size_t i = 0; i < features->size(); ++i) {
    const json& f = (*features)[i];
    const json* props = member(f, "properties");
    if (auto t = whole_ms(props ? member(*props, "time") : nullptr)) {
      oldest_ms = std::min(oldest_ms.value_or(*t), *t);
    }
    if (const json* id = member(f, "id"); id && id->is_string())
      listed.insert(id->get<std::string>());
    if (auto q = read_feature(f, i, out.problems)) {
      for (const auto& id : q->ids)
        listed.insert(id);
      lifecycle.take(*q);
    }
  }

  if (settings->cancel_when_missing && oldest_ms) {
    const json* count = metadata ? member(*metadata, "count") : nullptr;
    if (count && count->is_number_integer() &&
        count->get<int64_t>() != static_cast<int64_t>(features->size())) {
      out.problems.push_back(where + ": metadata.count " + count->dump() + " but " +
                             std::to_string(features->size()) +
                             " features: the feed may be truncated, so nothing is cancelled "
                             "for being missing");
    } else {
      lifecycle.take_missing(*oldest_ms, generated.value_or(now_ms), listed);
    }
  }

  if (now_ms > 0) {
    capgen::forget_old(memory, now_ms, settings->forget_after_ms,
                       static_cast<size_t>(settings->max_events));
  }
  out.memory = save_memory(memory);
  return out;
}

}  // namespace capcast::ingest::usgs_geojson
