// The HTTP SMS channels' delivery reports (http_sms_channel.h), pure: Kannel's dlr-url query,
// and a generic gateway's report read where its dlr_id/dlr_status keys say. What the reports
// say is matched to the delivery's parts by the store (store::Store::record_receipt).
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "http_sms/http_sms_channel.h"

namespace capcast::dispatch::http_sms {
namespace {

// Compared in full whatever differs first, so that timing tells nothing of the token.
bool token_ok(const std::map<std::string, std::string>& params, const std::string& token) {
  if (token.empty()) return true;
  auto t = params.find("token");
  std::string given = t == params.end() ? "" : t->second;
  unsigned diff = given.size() != token.size() ? 1 : 0;
  for (size_t i = 0; i < token.size(); ++i)
    diff |= static_cast<unsigned char>(i < given.size() ? given[i] : 0) ^
            static_cast<unsigned char>(token[i]);
  return diff == 0;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool listed(const std::vector<std::string>& values, std::string_view v) {
  return std::any_of(values.begin(), values.end(),
                     [v](const std::string& x) { return same_ignoring_case(x, v); });
}

// A JSON value as a report's id or status: a string as written, an integer in decimal.
std::optional<std::string> scalar(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  return std::nullopt;
}

// Where `where` says: a JSON pointer (leading '/') into the JSON body, else a query or form
// field. nullopt when it is not there (or the body is not JSON: *bad_body).
std::optional<std::string> field(const std::string& where, const CallbackRequest& r,
                                 const nlohmann::json& json, bool* bad_body) {
  if (where.empty() || where[0] != '/') {
    auto f = r.params.find(where);
    if (f == r.params.end()) return std::nullopt;
    return f->second;
  }
  if (json.is_discarded()) {
    *bad_body = true;
    return std::nullopt;
  }
  nlohmann::json::json_pointer p(where);  // checked when the options were read
  if (!json.contains(p)) return std::nullopt;
  return scalar(json[p]);
}

// A report's id or status at a JSON pointer within one element of an array of reports.
std::optional<std::string> at(const nlohmann::json& element, const std::string& where) {
  if (where.empty() || where[0] != '/' || !element.is_object()) return std::nullopt;
  nlohmann::json::json_pointer p(where);  // checked when the options were read
  if (!element.contains(p)) return std::nullopt;
  return scalar(element[p]);
}

// A status kept in the outbox: printable ASCII, at most 32 bytes (it is shown and logged).
std::string state_of(std::string_view status) {
  std::string s;
  for (char c : status.substr(0, 32))
    s += c >= 0x20 && c < 0x7f ? c : '?';
  return s;
}

store::Receipt receipt_of(const HttpSmsOptions& o, const std::string& id, const std::string& status,
                          TimePoint now) {
  store::Receipt r;
  r.message_id_keys = {id};
  r.at_ms = to_unix_ms(now);
  bool delivered = listed(o.dlr_delivered, status);
  // One word for success whatever the gateway calls it, as Kannel's and SMPP's receipts say;
  // a failure keeps the gateway's word (expired, rejected, ... tell the operator why).
  r.state = delivered ? "DELIVRD" : state_of(status);
  r.final = delivered || listed(o.dlr_failed, status);
  return r;
}

// The request's body parsed, when dlr_id or dlr_status is a JSON pointer; else (or when it is
// not JSON) a discarded value.
nlohmann::json body_json(const HttpSmsOptions& o, const CallbackRequest& request) {
  bool uses_json = (!o.dlr_id.empty() && o.dlr_id[0] == '/') ||
                   (!o.dlr_status.empty() && o.dlr_status[0] == '/');
  return uses_json ? nlohmann::json::parse(request.body, nullptr, false)
                   : nlohmann::json(nlohmann::json::value_t::discarded);
}

// The one report of a request: its id and status where dlr_id and dlr_status say.
Result<store::Receipt> one_report(const HttpSmsOptions& o, const CallbackRequest& request,
                                  const nlohmann::json& json, TimePoint now) {
  bool bad_body = false;
  auto id = field(o.dlr_id, request, json, &bad_body);
  auto status = field(o.dlr_status, request, json, &bad_body);
  if (bad_body) return invalid_argument("a report whose body is not JSON");
  if (!id || id->empty()) return invalid_argument("a report without an id at " + o.dlr_id);
  if (!status || status->empty()) {
    return invalid_argument("a report without a status at " + o.dlr_status);
  }
  return receipt_of(o, *id, *status, now);
}

}  // namespace

std::string dlr_url(const HttpSmsOptions& o) {
  if (o.dlr_base.empty()) return "";
  return o.dlr_base + "/api/v1/dlr/" + percent_encode(o.channel_name) +
         (o.dlr_token.empty() ? "" : "?token=" + percent_encode(o.dlr_token));
}

std::optional<store::Receipt> kannel_receipt(const std::map<std::string, std::string>& query,
                                             TimePoint now, const std::string& dlr_token) {
  if (!token_ok(query, dlr_token)) return std::nullopt;
  auto id = query.find("id");
  auto type = query.find("type");
  if (id == query.end() || id->second.empty() || type == query.end()) return std::nullopt;
  store::Receipt r;
  r.message_id_keys = {id->second};
  r.at_ms = to_unix_ms(now);
  // Kannel's report types (user guide, dlr-mask): the state names are SMPP's (Appendix B).
  if (type->second == "1") {
    r.state = "DELIVRD";
  } else if (type->second == "2") {
    r.state = "UNDELIV";
  } else if (type->second == "4") {
    r.state = "ENROUTE";  // buffered: queued on the SMSC
    r.final = false;
  } else if (type->second == "8") {
    r.state = "ACCEPTD";  // the SMSC took it
    r.final = false;
  } else if (type->second == "16") {
    r.state = "REJECTD";  // the SMSC refused it
  } else {
    return std::nullopt;
  }
  return r;
}

Result<store::Receipt> generic_receipt(const HttpSmsOptions& o, const CallbackRequest& request,
                                       TimePoint now) {
  if (!token_ok(request.params, o.dlr_token)) {
    return invalid_argument("a report without the dlr_token");
  }
  return one_report(o, request, body_json(o, request), now);
}

Result<GenericReports> generic_receipts(const HttpSmsOptions& o, const CallbackRequest& request,
                                        TimePoint now) {
  if (!token_ok(request.params, o.dlr_token)) {
    return invalid_argument("a report without the dlr_token");
  }
  nlohmann::json json = body_json(o, request);
  const nlohmann::json* list = nullptr;
  if (!o.dlr_list.empty() && !json.is_discarded()) {
    nlohmann::json::json_pointer p(o.dlr_list);  // checked when the options were read
    if (!json.contains(p) || !json[p].is_array()) {
      return invalid_argument("a report without an array of reports at " + o.dlr_list);
    }
    list = &json[p];
  } else if (json.is_array() && !o.dlr_id.empty() && o.dlr_id[0] == '/') {
    list = &json;  // a body that is itself a list of reports
  }
  if (list == nullptr) {
    auto one = one_report(o, request, json, now);
    if (!one.ok()) return one.status();
    return GenericReports{{std::move(*one)}, 0};
  }
  GenericReports out;
  for (const auto& element : *list) {
    auto id = at(element, o.dlr_id);
    auto status = at(element, o.dlr_status);
    if (!id || id->empty() || !status || status->empty()) {
      ++out.unreadable;
      continue;
    }
    out.receipts.push_back(receipt_of(o, *id, *status, now));
  }
  if (out.receipts.empty()) {
    return invalid_argument("a list of " + std::to_string(list->size()) +
                            " reports, none with an id at " + o.dlr_id + " and a status at " +
                            o.dlr_status);
  }
  return out;
}

}  // namespace capcast::dispatch::http_sms
