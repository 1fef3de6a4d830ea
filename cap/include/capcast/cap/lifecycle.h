// The Alert/Update/Cancel lifecycle (CAP 1.2 §3.2.1 msgType and references): an index of
// messages keyed by (sender, identifier, sent) in which an Update supersedes and a Cancel
// retracts every message named in its <references> (all triples, not the first), expiry is
// applied when asked, and the current message of an incident can be found. A reference to a
// message not seen yet is kept and applied when that message arrives, so arrival order does not
// change the outcome. Not thread-safe: guard an index shared between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"

namespace capcast::cap {

// The triples of a <references> value; malformed entries are skipped (validation reports them).
std::vector<AlertKey> parse_references(std::string_view references);

enum class AlertState { kActive, kSuperseded, kCancelled, kExpired, kUnknown };
const char* state_name(AlertState s);

struct AlertKeyLess {
  bool operator()(const AlertKey& a, const AlertKey& b) const {
    if (a.sender != b.sender) return a.sender < b.sender;
    if (a.identifier != b.identifier) return a.identifier < b.identifier;
    return a.sent < b.sent;
  }
};

class AlertIndex {
 public:
  // Adds a message and applies its effect. Adding the same key twice changes nothing.
  void add(const Alert& alert);

  // The state of a message at now_ms: cancelled and superseded win over expiry; kUnknown for a
  // key never added.
  AlertState state(const AlertKey& key, int64_t now_ms) const;
  // The message that superseded or cancelled this one, if any.
  std::optional<AlertKey> replaced_by(const AlertKey& key) const;
  // Every message still in force at now_ms.
  std::vector<AlertKey> active(int64_t now_ms) const;
  // The message now in force for the incident that `key` belongs to (following the chain of
  // Updates), or nullopt when the incident was cancelled or has expired.
  std::optional<AlertKey> current(const AlertKey& key, int64_t now_ms) const;
  // References to messages not (yet) in the index.
  std::vector<AlertKey> unresolved() const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string msg_type;
    std::optional<int64_t> expires_ms;
    std::optional<AlertKey> replaced_by;
    bool cancelled = false;
  };
  void apply(const AlertKey& by, const std::string& msg_type, const AlertKey& target);

  std::map<AlertKey, Entry, AlertKeyLess> entries_;
  // Effects waiting for their target: target -> (by whom, msgType).
  std::multimap<AlertKey, std::pair<AlertKey, std::string>, AlertKeyLess> pending_;
};

}  // namespace capcast::cap
