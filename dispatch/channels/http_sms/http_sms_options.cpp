// The HTTP SMS channels' options (http_sms_channel.h), from the URL and the [[channel]] keys
// that registry.cpp declares: checked here, so that a mistake is found at start with its file and
// line, not at the first alert.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "capcast/config/config.h"
#include "http_sms/http_sms_channel.h"

namespace capcast::dispatch::http_sms {
namespace {

Status config_error(const config::Section& s, const std::string& key, const std::string& what) {
  return invalid_argument(s.location_of(key).to_string() + ": " + s.label() + ": " + what);
}

// Kannel sendsms CGI variables an operator may add in the url's query; they go to Kannel as
// written (Kannel 1.4 user guide, table 7-17). The others are capcast's to set.
const std::set<std::string>& kannel_passthrough() {
  static const std::set<std::string> kVars = {"mclass", "mwi",      "validity", "deferred",
                                              "pid",    "alt-dcs",  "rpi",      "account",
                                              "binfo",  "priority", "meta-data"};
  return kVars;
}

bool uses(std::string_view tmpl, std::string_view placeholder) {
  return tmpl.find(placeholder) != std::string_view::npos;
}

// Where a report's id or status is (dlr_id, dlr_status): a JSON pointer or a field name.
Status check_report_field(const config::Section& s, const std::string& key,
                          const std::string& where) {
  if (where[0] != '/') {
    if (where.find_first_of(" \t\r\n&=") == std::string::npos) return Status();
    return config_error(s, key,
                        key + " is a JSON pointer (/message_id) or a query/form field name");
  }
  try {
    nlohmann::json::json_pointer p(where);
  } catch (const std::exception&) {
    return config_error(s, key, "not a JSON pointer (RFC 6901), e.g. /message_id");
  }
  return Status();
}

bool valid_code(const std::string& c) {
  if (c.size() != 3 || c[0] < '1' || c[0] > '5') return false;
  if (c.substr(1) == "xx") return true;
  return std::isdigit(static_cast<unsigned char>(c[1])) &&
         std::isdigit(static_cast<unsigned char>(c[2]));
}

}  // namespace

Result<HttpSmsOptions> http_sms_options(const config::Section& s, const config::Document& doc) {
  (void)doc;
  HttpSmsOptions o;
  std::string written = s.get_string("url");
  auto url = parse_endpoint_url(
      written, {{"kannel", 13013, false},
                {"kannels", 13013, true},  // smsbox sendsms-port-ssl: the same port, TLS
                {"http+sms", 80, false},
                {"https+sms", 443, true}});
  if (!url.ok()) {
    return config_error(s, "url", "url '" + s.display("url") + "': " + url.status().message());
  }
  o.url = std::move(*url);
  o.kind = o.url.scheme == "kannel" || o.url.scheme == "kannels" ? Kind::kKannel : Kind::kGeneric;
  // https (kannels://, https+sms://): certificates and host names verified; only then a key.
  if (o.url.tls) o.ca_bundle = s.get_string("ca_bundle");
  o.channel_name = s.get_string("name");
  std::string host =
      o.url.host.find(':') != std::string::npos ? "[" + o.url.host + "]" : o.url.host;
  o.base =
      std::string(o.url.tls ? "https://" : "http://") + host + ":" + std::to_string(o.url.port);
  o.from = s.get_string("from");
  o.text.default_language = s.get_string("language");
  o.text.max_segments = static_cast<size_t>(std::max<int64_t>(1, s.get_int("max_segments")));
  o.text.url_template = s.get_string("url_template");
  o.timeout = s.get_duration("timeout");
  o.connect_timeout = s.get_duration("connect_timeout");
  o.max_in_flight = static_cast<int>(s.get_int("max_in_flight"));
  if (o.max_in_flight < 1 || o.max_in_flight > 1000) {
    return config_error(s, "max_in_flight", "max_in_flight must be 1..1000");
  }

  o.dlr_base = s.get_string("dlr_base");
  o.dlr_token = s.get_string("dlr_token");
  if (!o.dlr_base.empty() && o.dlr_base.rfind("http://", 0) != 0 &&
      o.dlr_base.rfind("https://", 0) != 0) {
    return config_error(s, "dlr_base", "dlr_base is an http(s):// URL where capcast serves");
  }
  while (!o.dlr_base.empty() && o.dlr_base.back() == '/')
    o.dlr_base.pop_back();

  if (o.kind == Kind::kKannel) {
    o.smsc = s.get_string("smsc");
    o.dlr_mask = static_cast<int>(s.get_int("dlr_mask"));
    if (o.url.path.empty()) o.url.path = "cgi-bin/sendsms";
    std::vector<std::pair<std::string, std::string>> extra;
    for (const auto& [key, value] : o.url.query) {
      if (key == "from") {
        o.from = value;
      } else if (key == "smsc") {
        o.smsc = value;
      } else if (key == "dlr-mask" || key == "dlr_mask") {
        if (value.empty() || value.size() > 2 ||
            value.find_first_not_of("0123456789") != std::string::npos) {
          return config_error(s, "url", "url option " + key + "=" + value + ": not a number");
        }
        o.dlr_mask = std::stoi(value);
      } else if (kannel_passthrough().count(key)) {
        extra.emplace_back(key, value);
      } else {
        return config_error(s, "url",
                            "url option " + key +
                                ": not one capcast passes to Kannel (capcast sets username, "
                                "password, to, text, charset, coding, dlr-url itself; others: "
                                "from, smsc, dlr-mask, mclass, mwi, validity, deferred, pid, "
                                "alt-dcs, rpi, account, binfo, priority, meta-data)");
      }
    }
    o.url.query = std::move(extra);
    if (o.url.user.empty()) {
      return config_error(s, "url",
                          "the url names no sendsms user (kannel://user:password@host:13013)");
    }
    if (o.dlr_mask < 0 || o.dlr_mask > 31) {
      return config_error(s, "dlr_mask", "dlr_mask is a sum of 1, 2, 4, 8, 16 (0..31)");
    }
    if (o.dlr_base.empty()) o.dlr_mask = 0;  // nowhere for reports to go
    return o;
  }

  // The generic gateway: the url after its authority is a template, sent as written.
  size_t after_scheme = written.find("://") + 3;
  size_t tail_at = written.find_first_of("/?#", after_scheme);
  o.url.path = tail_at == std::string::npos ? "/" : written.substr(tail_at);
  if (o.url.path[0] != '/') o.url.path = "/" + o.url.path;
  o.url.path = o.url.path.substr(0, o.url.path.find('#'));
  o.url.query.clear();
  o.method = s.get_string("method");
  o.headers = s.get_strings("headers");
  o.authorization = s.get_string("authorization");
  o.content_type = s.get_string("content_type");
  o.body = s.get_string("body");
  o.success_codes = s.get_strings("success_codes");
  o.retry_codes = s.get_strings("retry_codes");
  o.id_pointer = s.get_string("id_pointer");
  o.id_regex = s.get_string("id_regex");
  o.dlr_id = s.get_string("dlr_id");
  o.dlr_status = s.get_string("dlr_status");
  o.dlr_list = s.get_string("dlr_list");
  o.dlr_delivered = s.get_strings("dlr_delivered");
  o.dlr_failed = s.get_strings("dlr_failed");
  if (o.method != "GET" && o.method != "POST" && o.method != "PUT") {
    return config_error(s, "method", "method must be GET, POST or PUT");
  }
  if (o.method == "GET" && !o.body.empty()) {
    return config_error(s, "body", "a GET has no body: put {to} and {text} in the url");
  }
  std::string ct = o.content_type;
  std::transform(ct.begin(), ct.end(), ct.begin(), [](unsigned char c) { return std::tolower(c); });
  o.escape = ct.find("json") != std::string::npos                    ? BodyEscape::kJson
             : ct.find("x-www-form-urlencoded") != std::string::npos ? BodyEscape::kForm
                                                                     : BodyEscape::kNone;
  for (const auto& h : o.headers) {
    if (h.find(':') == std::string::npos || h.find_first_of("\r\n") != std::string::npos) {
      return config_error(s, "headers", "a header is \"Name: value\" on one line");
    }
  }
  for (const auto* list : {&o.success_codes, &o.retry_codes}) {
    for (const auto& c : *list) {
      if (!valid_code(c)) {
        return config_error(s, list == &o.success_codes ? "success_codes" : "retry_codes",
                            "'" + c + "' is not an HTTP status code (200) or class (2xx)");
      }
    }
  }
  TemplateValues probe{"+1", "t", "f", "1", "u"};
  if (auto e = expand_template(o.url.path, probe, &no_escape); !e.ok()) {
    return config_error(s, "url", "url: " + e.status().message());
  }
  if (auto e = expand_template(o.body, probe, &no_escape); !e.ok()) {
    return config_error(s, "body", "body: " + e.status().message());
  }
  for (const char* p : {"{to}", "{text}"}) {
    if (!uses(o.url.path, p) && !uses(o.body, p)) {
      return config_error(s, "body", std::string("neither the url nor the body has ") + p);
    }
  }
  for (const char* key : {"url", "body"}) {
    if (o.dlr_base.empty() && uses(key[0] == 'u' ? o.url.path : o.body, "{dlr_url}")) {
      return config_error(s, key,
                          std::string(key) +
                              " has {dlr_url} but no dlr_base says where capcast "
                              "serves (http://host:port)");
    }
  }
  if (o.dlr_id.empty() != o.dlr_status.empty()) {
    const char* given = o.dlr_id.empty() ? "dlr_status" : "dlr_id";
    return config_error(s, given, "a report is read with both dlr_id and dlr_status");
  }
  if (!o.dlr_id.empty()) {
    if (auto st = check_report_field(s, "dlr_id", o.dlr_id); !st.ok()) return st;
    if (auto st = check_report_field(s, "dlr_status", o.dlr_status); !st.ok()) return st;
  }
  if (!o.dlr_list.empty()) {
    if (o.dlr_list[0] != '/') {
      return config_error(s, "dlr_list",
                          "a JSON pointer (RFC 6901) to the array of reports, e.g. /results");
    }
    if (auto st = check_report_field(s, "dlr_list", o.dlr_list); !st.ok()) return st;
    if (o.dlr_id.empty() || o.dlr_id[0] != '/' || o.dlr_status[0] != '/') {
      return config_error(s, "dlr_list",
                          "a list of reports is read with dlr_id and dlr_status as JSON pointers "
                          "within each report");
    }
  }
  for (const auto& d : o.dlr_delivered) {
    for (const auto& f : o.dlr_failed) {
      if (d.size() == f.size() && std::equal(d.begin(), d.end(), f.begin(), [](char x, char y) {
            return std::tolower(static_cast<unsigned char>(x)) ==
                   std::tolower(static_cast<unsigned char>(y));
          })) {
        return config_error(s, "dlr_failed", "'" + f + "' is in dlr_delivered too");
      }
    }
  }
  if (!o.id_pointer.empty()) {
    try {
      nlohmann::json::json_pointer p(o.id_pointer);
    } catch (const std::exception&) {
      return config_error(s, "id_pointer", "not a JSON pointer (RFC 6901), e.g. /messages/0/id");
    }
  }
  if (!o.id_regex.empty()) {
    try {
      std::regex re(o.id_regex, std::regex::ECMAScript);
      if (re.mark_count() < 1) {
        return config_error(s, "id_regex", "the regex needs a group: the id is its first");
      }
    } catch (const std::regex_error&) {
      return config_error(s, "id_regex", "not a valid (ECMAScript) regex");
    }
  }
  return o;
}

}  // namespace capcast::dispatch::http_sms
