// The HTTP SMS channels: an alert's SMS text to one person per delivery, through an SMS gateway
// that takes one HTTP request per message. Two kinds, named by their URL:
//   kannel://user:pass@host:13013/cgi-bin/sendsms?from=EWS&smsc=SMPP1
//     Kannel's sendsms interface (Kannel 1.4 user guide, "Sending SMS messages", table 7-17):
//     a GET with the CGI variables; delivery reports come back to capcast's HTTP server at
//     {dlr_base}/api/v1/dlr/{channel name} (http_callback). kannels:// is the same over TLS
//     (smsbox's sendsms-port-ssl), certificates and host names verified, ca_bundle to trust others.
//   http+sms://[user:pass@]host[:port]/path?to={to}&text={text}   (https+sms:// for TLS)
//     any other gateway, described by config: method, headers, a body template, which status
//     codes succeed and which retry, where the gateway's message id is in its answer, and how
//     to read the delivery reports it sends to {dlr_url} (the same endpoint as Kannel's).
// The rest is in the channel's [[channel]] section (registry.cpp lists the keys). The pure half:
// the options (http_sms_options.cpp), the request of a delivery, the classification of the
// answer (http_sms_plan.cpp), the reading of a delivery report (http_sms_dlr.cpp); the I/O half
// (libcurl) is http_sms_channel.cpp.
// Pure functions are thread-safe; the channel's methods follow channel.h (http_callback may be
// called from any thread).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/core/broker_url.h"
#include "capcast/core/log.h"
#include "capcast/dispatch/channel.h"
#include "sms/text.h"

namespace capcast::dispatch::http_sms {

enum class Kind { kKannel, kGeneric };

// How the placeholders of a body template are escaped: by its content type.
enum class BodyEscape { kJson, kForm, kNone };

struct HttpSmsOptions {
  Kind kind = Kind::kKannel;
  std::string channel_name;  // for the dlr-url
  BrokerUrl url;             // the gateway: scheme, host, port, user, password, path, query
  std::string base;          // http(s)://host:port, for requests (no credentials)
  std::string from;          // the sender id people see (Kannel's from=; {from})
  sms::TextOptions text;
  // Kannel
  std::string smsc;   // smsc= (route to this smsc group; see docs/CHANNELS.md for the gotcha)
  int dlr_mask = 31;  // what reports to ask for; 0 when there is no dlr_base
  std::string dlr_base;
  std::string dlr_token;  // secret: in the dlr-url, and required of every report when set
  // Generic gateway
  std::string method = "POST";
  std::vector<std::string> headers;  // "Name: value"
  std::string authorization;         // an Authorization header value (secret)
  std::string content_type = "application/json";
  std::string body;  // template; empty: no body
  BodyEscape escape = BodyEscape::kJson;
  std::vector<std::string> success_codes = {"2xx"};  // "202" or a class "2xx"
  std::vector<std::string> retry_codes = {"408", "429", "5xx"};
  std::string id_pointer;  // RFC 6901 JSON pointer to the gateway's message id in the answer
  std::string id_regex;    // or an ECMAScript regex whose first group is the id
  // Its delivery reports (dlr_base and dlr_token as for Kannel): where the id and the status
  // are, each a JSON pointer ("/message_id", in a JSON body) or a query/form field name;
  // empty: no reports taken. Statuses compared ignoring ASCII case.
  std::string dlr_id;
  std::string dlr_status;
  // Where a JSON body holds several reports: a JSON pointer to their array ("/results"); each
  // report's dlr_id and dlr_status are then pointers within it. A body that is itself an array
  // is read as one without it.
  std::string dlr_list;
  std::vector<std::string> dlr_delivered = {"delivered", "DELIVRD"};
  std::vector<std::string> dlr_failed;  // final failures; any other status is not final
  // I/O
  Duration timeout{10'000};
  Duration connect_timeout{5'000};
  int max_in_flight = 10;
  std::string ca_bundle;
};

Result<HttpSmsOptions> http_sms_options(const config::Section& section,
                                        const config::Document& doc);

// RFC 3986 §2.3: everything but unreserved characters %-escaped (so '+' becomes %2B, ' ' %20).
std::string percent_encode(std::string_view s);
// The body of a JSON string (RFC 8259 §7), without the quotes.
using capcast::json_escape;  // core/log.h: RFC 8259 escaping, UTF-8 as is

// A template's values, and its expansion: {to} {text} {from} {id} {dlr_url} replaced by their
// values through `escape`. Only "{name}" with name in [a-z_] is a placeholder, any other brace is
// literal (a JSON body is full of them); an unknown name is an error, so that a typo is found
// when the configuration is read.
struct TemplateValues {
  std::string to;
  std::string text;
  std::string from;
  std::string id;
  std::string dlr_url;
};
using Escape = std::string (*)(std::string_view);
Result<std::string> expand_template(std::string_view tmpl, const TemplateValues& values,
                                    Escape escape);
std::string no_escape(std::string_view s);  // the value as it is

// The id capcast gives one delivery, carried in Kannel's dlr-url (Kannel's own id, %F, is not
// known when the request is answered) and in {id}: the delivery id, stable across retries.
std::string delivery_key(int64_t delivery_id);

// One HTTP request. `url` and `headers` may hold secrets (Kannel's password is a CGI variable):
// log only `display`, which has none and no number.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;
  std::string body;
  std::string user;  // HTTP basic authentication when not empty (RFC 7617)
  std::string password;
  std::string display;  // "GET http://host:13013/cgi-bin/sendsms to +2547******01"
  std::string id;       // delivery_key(), what a delivery report will name
};
Result<HttpRequest> plan(const HttpSmsOptions& o, const Message& m);

// What came back: a status and body, or a transport error (status 0).
struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header as written, if any
  std::string error;        // libcurl's message when no answer came
};
// Success (2xx; Kannel: 202 "0: Accepted for delivery" or "3: Queued for later delivery"):
// Delivered{id} where id is the delivery's key (Kannel) or the gateway's id found in the answer
// (generic; the key when none is configured or found). Retry: a transport error, 429, 5xx and
// for the generic gateway its retry_codes, after Retry-After (RFC 9110 §10.2.3: seconds or an
// HTTP-date, relative to `now`). Anything else rejected (401/403 credentials, 400 a bad number).
Outcome classify(const HttpSmsOptions& o, const HttpRequest& request, const HttpAnswer& answer,
                 TimePoint now);

// A Kannel delivery report (the dlr-url's query: id, type %d, status %A, token): the receipt for
// the store, or nullopt when the query is not one (or lacks the token `dlr_token`, when set).
// Kannel's types: 1 delivered to the phone, 2 not delivered, 4 queued on the SMSC, 8 accepted by
// the SMSC, 16 rejected by the SMSC.
std::optional<store::Receipt> kannel_receipt(const std::map<std::string, std::string>& query,
                                             TimePoint now, const std::string& dlr_token = "");

// Where the gateway reaches capcast's HTTP server: {dlr_base}/api/v1/dlr/{channel name}, with
// ?token= when dlr_token is set: the value of {dlr_url}; empty without dlr_base.
std::string dlr_url(const HttpSmsOptions& o);

// A generic gateway's delivery report: the receipt for the store, or why it is not one (no or a
// wrong token, a body that is not JSON, no id or no status where dlr_id/dlr_status say). The
// id is matched by the store against the id kept with the delivery (the gateway's, found with
// id_pointer/id_regex, else capcast's {id}); the state is "DELIVRD" for a dlr_delivered status,
// else the status as written (at most 32 printable bytes), final when in dlr_delivered or
// dlr_failed. Errors name no value from the report (it may hold the number).
Result<store::Receipt> generic_receipt(const HttpSmsOptions& o, const CallbackRequest& request,
                                       TimePoint now);

// Every report of one request: one, or each element of the array at dlr_list (or of a body
// that is an array), read as generic_receipt reads one. Elements without an id or a status are
// skipped and counted; an error when none is readable (the gateway then sends them again).
struct GenericReports {
  std::vector<store::Receipt> receipts;
  int unreadable = 0;
};
Result<GenericReports> generic_receipts(const HttpSmsOptions& o, const CallbackRequest& request,
                                        TimePoint now);

class HttpSmsChannel final : public Channel {
 public:
  explicit HttpSmsChannel(HttpSmsOptions options);
  ~HttpSmsChannel() override;
  Outcome deliver(const Message& message) override;
  void submit(const Message& message, Done done) override;
  int max_window() const override;
  bool to_people() const override { return true; }
  void set_receipt_sink(ReceiptSink sink) override;
  std::optional<int> http_callback(const CallbackRequest& request) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc);

}  // namespace capcast::dispatch::http_sms
