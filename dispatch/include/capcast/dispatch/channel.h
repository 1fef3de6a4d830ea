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
#include "capcast/store/store.h"

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
  // What this delivery tells the channel: a new alert, an Update, a Cancel (each carrying its
  // own CAP), or kExpired: the alert in `xml` passed its <expires> (only for channels whose
  // wants_expiry() is true).
  store::Event event = store::Event::kNew;
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual Outcome deliver(const Message& message) = 0;
  // Whether this channel acts on an alert's expiry (e.g. clears a retained MQTT message or
  // stops a cell broadcast), and so gets a delivery with store::Event::kExpired for it.
  virtual bool wants_expiry() const { return false; }
};

// A kind of channel, declared as data: the URL scheme that selects it, the config keys it adds
// to a [[channel]] entry (in the registry's schema), and its factory.
using ChannelFactory = Result<std::unique_ptr<Channel>> (*)(const config::Section& section,
                                                            const config::Document& doc);

}  // namespace capcast::dispatch
