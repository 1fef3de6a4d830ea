// Channel: one way out for alerts (a folder, an MQTT broker, an SMSC, a CBC ...). A channel only
// translates and classifies: it makes one attempt and says what happened. Retries, backoff,
// dead-lettering and rate limits belong to the Engine alone (STYLE.md §4). deliver() is called
// from the engine's thread only; implementations need not be thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "capcast/core/clock.h"
#include "capcast/core/result.h"

namespace capcast::config {
class Section;
class Document;
}  // namespace capcast::config

namespace capcast::dispatch {

struct Delivered {};
struct RetryLater {
  Duration after{0};  // at least this long; 0 lets the engine's backoff decide
  std::string reason;
};
struct Rejected {
  std::string reason;  // permanent: retrying cannot help
};
using Outcome = std::variant<Delivered, RetryLater, Rejected>;

struct Message {
  int64_t delivery_id = 0;  // stable across retries and restarts: an idempotency key
  std::string sender;
  std::string identifier;
  std::string sent;
  std::string_view xml;  // the CAP XML
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual Outcome deliver(const Message& message) = 0;
};

// A kind of channel, declared as data: the URL scheme that selects it, the config keys it adds
// to a [[channel]] entry (in the registry's schema), and its factory.
using ChannelFactory = Result<std::unique_ptr<Channel>> (*)(const config::Section& section,
                                                            const config::Document& doc);

}  // namespace capcast::dispatch
