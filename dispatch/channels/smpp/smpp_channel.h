// The SMPP channel: an alert's SMS text to one person per delivery, through one or more binds
// to an operator's SMSC (SMPP 3.4). Named by a URL,
//   smpp://system_id:password@host:2775?source=EWS&binds=2&window=64
// with the rest in its [[channel]] section (registry.cpp lists the keys). The pure half (options,
// the submit_sm PDUs of a delivery, the classification of command_status values) is in
// smpp_plan.cpp; the sessions are session.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capcast/core/broker_url.h"
#include "capcast/dispatch/channel.h"
#include "smpp/pdu.h"
#include "smpp/session.h"
#include "sms/encode.h"
#include "sms/text.h"

namespace capcast::dispatch::smpp {

struct SmppOptions {
  BrokerUrl url;           // host, port; user = system_id, password
  SessionOptions session;  // each bind's settings (name, host, port filled per bind)
  int binds = 1;
  double total_rate = 0;  // submit_sm per second over all binds; 0: unlimited
  std::string source;     // source_addr: an alphanumeric sender id, a short code or a number
  int source_ton = -1;    // -1: from the source's form (address_for)
  int source_npi = -1;
  int dest_ton = -1;  // -1: from each number's form
  int dest_npi = -1;
  bool registered_delivery = true;  // ask for a final receipt (SMPP 3.4 §5.2.17, 0x01)
  // submit_multi (SMPP 3.4 §4.5): deliveries of the same text gathered for up to multi_wait,
  // up to multi_max destinations (at most 254) in one PDU per part.
  bool submit_multi = false;
  int multi_max = 100;
  std::chrono::milliseconds multi_wait{20};
  sms::EncodeOptions encode;
  sms::TextOptions text;
};

Result<SmppOptions> smpp_options(const config::Section& section, const config::Document& doc);

// TON and NPI of an address (SMPP 3.4 §5.2.5, §5.2.6), and the address as sent: "+254..." is
// international (TON 1, NPI 1 E.164, the '+' dropped); an alphanumeric sender id TON 5
// (alphanumeric), NPI 0; up to 8 digits a short code, TON 3 (network specific), NPI 0; more
// digits a national number, TON 2, NPI 1. Explicit ton/npi (>= 0) win.
struct Address {
  uint8_t ton = 0;
  uint8_t npi = 0;
  std::string addr;
};
Address address_for(const std::string& written, int ton, int npi);

// What happened to one submit, for the engine (channel.h): transient statuses (throttling, a
// full queue, system errors, anything unknown) retry, the ones about the message itself do not.
enum class Verdict { kOk, kThrottled, kTransient, kPermanent };
Verdict classify(uint32_t command_id, uint32_t command_status);

// The submit_sm PDUs (sequence numbers left 0) of one delivery: the alert's text for the
// recipient, encoded and split as configured. `reference` is the concatenation reference.
struct Plan {
  std::vector<Pdu> submits;
  sms::SmsText text;
};
Result<Plan> plan(const SmppOptions& o, const Message& m, uint16_t reference);

class SmppChannel final : public Channel {
 public:
  explicit SmppChannel(SmppOptions options);
  ~SmppChannel() override;
  Outcome deliver(const Message& message) override;
  void submit(const Message& message, Done done) override;
  void flush() override;
  int max_window() const override;
  bool ready() override;
  bool to_people() const override { return true; }
  // A Cancel or Update without <info> is told with the text of the alert it ends.
  bool wants_replaced() const override { return true; }
  void set_receipt_sink(ReceiptSink sink) override;
  std::vector<SessionStats> session_stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc);

}  // namespace capcast::dispatch::smpp
