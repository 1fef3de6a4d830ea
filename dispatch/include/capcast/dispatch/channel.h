// Channel: one way out for alerts (a folder, an MQTT broker, an SMSC, a CBC ...). A channel only
// translates and classifies: it makes one attempt and says what happened. Retries, backoff,
// dead-lettering, rate limits and windows belong to the Engine alone (STYLE.md §4). Each channel
// has a lane (a thread) of its own in the engine: deliver() and submit() are called from that
// thread only, so implementations need not be thread-safe, except that an asynchronous
// channel's completion callbacks may run on its own I/O thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "capcast/core/clock.h"
#include "capcast/core/result.h"
#include "capcast/store/store.h"

namespace capcast::config {
class Section;
class Document;
}  // namespace capcast::config

namespace capcast::dispatch {

struct Delivered {
  // The peer's ids of what it accepted, one per part (an SMSC's message_id per SMS part): kept
  // with the delivery so that receipts the peer sends later can be matched (ReceiptSink).
  std::vector<std::string> message_ids;
};
struct RetryLater {
  Duration after{0};  // at least this long; 0 lets the engine's backoff decide
  std::string reason;
  // Nothing reached the peer (e.g. an SMS queued at a bind whose connection closed before it was
  // written): the engine gives the delivery back without spending an attempt or a backoff.
  bool unattempted = false;
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
  // For an Update or Cancel, on channels whose wants_replaced() is true: the CAP XML of the
  // alerts it superseded or cancelled (to clear what they left behind, e.g. a retained message).
  std::vector<std::string_view> replaced;
  int64_t alert_id = 0;  // the store's id: capcast serves the alert at /alerts/ID.xml
  // A delivery to one person (SMS): the number in clear, for the peer only (never logged: use
  // recipient_masked in every log line and error).
  std::string recipient;
  std::string recipient_masked;
  std::string recipient_language;  // a subscriber's preferred language (RFC 5646), if known
};

// Where a channel reports what its peer says later about parts it accepted (an SMPP delivery
// receipt); the engine records it in the outbox (store::Store::record_receipt). Thread-safe.
using ReceiptSink = std::function<void(store::Receipt)>;

// Called exactly once per submit(), with the attempt's outcome, from any thread.
using Done = std::function<void(Outcome)>;

// A request a channel's peer makes to capcast's HTTP server about earlier messages (a delivery
// report at /api/v1/dlr/{channel}).
struct CallbackRequest {
  std::string method;                         // "GET" or "POST"
  std::map<std::string, std::string> params;  // query and form fields, the first value of each
  std::string content_type;                   // as sent, e.g. "application/json"
  std::string body;                           // as sent (a JSON report); empty for a GET
};

class Channel {
 public:
  virtual ~Channel() = default;
  // One attempt, made synchronously. The message's views are valid during the call only.
  virtual Outcome deliver(const Message& message) = 0;
  // One attempt that may complete later (an MQTT PUBACK, an SMPP submit_sm_resp): `done` is
  // called once, possibly before submit returns, possibly from another thread. The message's
  // views are valid until submit returns. The default makes the attempt with deliver().
  virtual void submit(const Message& message, Done done) { done(deliver(message)); }
  // Called after a batch of submit() calls (the engine's lane calls it after each claim it
  // submitted): a channel may hold submitted attempts back until then, to write them to its peer
  // together (one wake-up of its I/O thread per batch, not per message). Whoever calls submit()
  // calls flush() before waiting for the outcomes.
  virtual void flush() {}
  // How many submitted attempts may be outstanding at once: 1 for a synchronous channel. The
  // engine uses the smaller of this and the channel's configured window.
  virtual int max_window() const { return 1; }
  // False while the channel knows an attempt would fail now (its broker connection is down and
  // reconnecting): the engine then leaves deliveries waiting in the outbox rather than spending
  // their attempts. Called from the lane's thread.
  virtual bool ready() { return true; }
  // Whether an Update's or Cancel's message carries the alerts it replaced (Message::replaced).
  virtual bool wants_replaced() const { return false; }
  // Whether this channel acts on an alert's expiry (e.g. clears a retained MQTT message or
  // stops a cell broadcast), and so gets a delivery with store::Event::kExpired for it.
  virtual bool wants_expiry() const { return false; }
  // Whether it delivers to people one by one (SMS): its deliveries then name a recipient
  // (Message::recipient), one per number (store::NewAlert::recipients).
  virtual bool to_people() const { return false; }
  // Called once, before the first attempt, by an engine that records receipts.
  // An empty sink detaches it; a channel guards its sink against its own I/O thread.
  virtual void set_receipt_sink(ReceiptSink sink) { (void)sink; }
  // Called once, before the first attempt, by the engine that drives this channel: the store a
  // channel keeps state of its own in (cell broadcast: each incident's serial numbers and what
  // is on air). nullptr detaches it. A channel that needs it fails its attempts without it.
  virtual void set_store(store::Store* store) { (void)store; }
  // A request the peer makes to capcast's HTTP server about earlier messages (a delivery report
  // at /api/v1/dlr/{channel}): the HTTP status to answer, or nullopt when this channel takes no
  // such requests. Called from the server's threads: must be thread-safe.
  virtual std::optional<int> http_callback(const CallbackRequest& request) {
    (void)request;
    return std::nullopt;
  }
};

// A kind of channel, declared as data: the URL scheme that selects it, the config keys it adds
// to a [[channel]] entry (in the registry's schema), and its factory.
using ChannelFactory = Result<std::unique_ptr<Channel>> (*)(const config::Section& section,
                                                            const config::Document& doc);

}  // namespace capcast::dispatch
