#include "capcast/cap/lifecycle.h"

#include <cctype>

#include "capcast/cap/datetime.h"

namespace capcast::cap {

std::vector<AlertKey> parse_references(std::string_view refs) {
  std::vector<AlertKey> out;
  size_t i = 0;
  while (i < refs.size()) {
    while (i < refs.size() && std::isspace(static_cast<unsigned char>(refs[i])))
      ++i;
    size_t end = i;
    while (end < refs.size() && !std::isspace(static_cast<unsigned char>(refs[end])))
      ++end;
    std::string_view t = refs.substr(i, end - i);
    i = end;
    auto c1 = t.find(','), c2 = t.rfind(',');
    if (t.empty() || c1 == std::string_view::npos || c1 == c2) continue;
    AlertKey k{std::string(t.substr(0, c1)), std::string(t.substr(c1 + 1, c2 - c1 - 1)),
               std::string(t.substr(c2 + 1))};
    if (k.sender.empty() || k.identifier.empty() || k.sent.empty()) continue;
    out.push_back(std::move(k));
  }
  return out;
}

const char* state_name(AlertState s) {
  switch (s) {
    case AlertState::kActive:
      return "active";
    case AlertState::kSuperseded:
      return "superseded";
    case AlertState::kCancelled:
      return "cancelled";
    case AlertState::kExpired:
      return "expired";
    case AlertState::kUnknown:
      return "unknown";
  }
  return "?";
}

void AlertIndex::add(const Alert& a) {
  AlertKey key = key_of(a);
  if (entries_.count(key)) return;
  Entry e;
  e.msg_type = a.msg_type;
  for (const auto& info : a.infos) {
    if (!info.expires) continue;
    if (auto d = parse_datetime(*info.expires)) {
      e.expires_ms = std::max(e.expires_ms.value_or(d->unix_ms), d->unix_ms);
    }
  }
  entries_.emplace(key, std::move(e));
  // Effects that were waiting for this message.
  auto [lo, hi] = pending_.equal_range(key);
  std::vector<std::pair<AlertKey, std::string>> waiting;
  for (auto it = lo; it != hi; ++it)
    waiting.push_back(it->second);
  pending_.erase(lo, hi);
  for (const auto& [by, type] : waiting)
    apply(by, type, key);
  // This message's own effect on the messages it references.
  if (a.msg_type == "Update" || a.msg_type == "Cancel") {
    for (const auto& target : parse_references(a.references.value_or(""))) {
      if (target == key) continue;  // a self-reference has no effect
      if (entries_.count(target)) {
        apply(key, a.msg_type, target);
      } else {
        pending_.emplace(target, std::make_pair(key, a.msg_type));
      }
    }
  }
}

void AlertIndex::apply(const AlertKey& by, const std::string& msg_type, const AlertKey& target) {
  Entry& t = entries_.at(target);
  if (msg_type == "Cancel") {
    t.cancelled = true;
    t.replaced_by = by;
  } else if (!t.cancelled) {
    // Of two Updates of one message, the later one is its replacement.
    if (!t.replaced_by || parse_datetime(by.sent).value_or(DateTime{}).unix_ms >=
                              parse_datetime(t.replaced_by->sent).value_or(DateTime{}).unix_ms) {
      t.replaced_by = by;
    }
  }
}

AlertState AlertIndex::state(const AlertKey& key, int64_t now_ms) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return AlertState::kUnknown;
  const Entry& e = it->second;
  if (e.msg_type == "Cancel") return AlertState::kCancelled;  // a Cancel is never "in force"
  if (e.cancelled) return AlertState::kCancelled;
  if (e.replaced_by) return AlertState::kSuperseded;
  if (e.expires_ms && *e.expires_ms <= now_ms) return AlertState::kExpired;
  return AlertState::kActive;
}

std::optional<AlertKey> AlertIndex::replaced_by(const AlertKey& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.replaced_by;
}

std::vector<AlertKey> AlertIndex::active(int64_t now_ms) const {
  std::vector<AlertKey> out;
  for (const auto& [k, e] : entries_) {
    if (e.msg_type != "Ack" && e.msg_type != "Error" && state(k, now_ms) == AlertState::kActive) {
      out.push_back(k);
    }
  }
  return out;
}

std::optional<AlertKey> AlertIndex::current(const AlertKey& key, int64_t now_ms) const {
  AlertKey k = key;
  // Follow Updates forward; a chain is at most as long as the index (guards against cycles).
  for (size_t steps = 0; steps <= entries_.size(); ++steps) {
    auto it = entries_.find(k);
    if (it == entries_.end()) return std::nullopt;
    const Entry& e = it->second;
    if (e.cancelled || e.msg_type == "Cancel") return std::nullopt;
    if (!e.replaced_by) {
      if (e.expires_ms && *e.expires_ms <= now_ms) return std::nullopt;
      return k;
    }
    k = *e.replaced_by;
  }
  return std::nullopt;
}

std::vector<AlertKey> AlertIndex::unresolved() const {
  std::vector<AlertKey> out;
  for (auto it = pending_.begin(); it != pending_.end(); it = pending_.upper_bound(it->first)) {
    out.push_back(it->first);
  }
  return out;
}

}  // namespace capcast::cap
