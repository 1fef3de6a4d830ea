// The HTTP SMS channels' pure half (http_sms_channel.h): the HTTP request of one delivery and
// what the gateway's answer means for the engine. The options are read in
// http_sms_options.cpp, delivery reports in http_sms_dlr.cpp.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>

#include "capcast/cap/parse.h"
#include "capcast/core/redact.h"
#include "http_sms/http_sms_channel.h"

namespace capcast::dispatch::http_sms {
namespace {

bool matches(const std::vector<std::string>& codes, int status) {
  std::string s = std::to_string(status);
  for (const auto& c : codes) {
    if (c == s || (c.substr(1) == "xx" && c[0] == s[0])) return true;
  }
  return false;
}

// A phone number as gateways take it: "+" and digits only. A space would make Kannel's `to` a
// list of two recipients.
bool is_number(const std::string& n) {
  size_t start = !n.empty() && n[0] == '+' ? 1 : 0;
  return n.size() > start && n.size() <= 21 &&
         n.find_first_not_of("0123456789", start) == std::string::npos;
}

// What of an answer's body goes into a reason (kept with the delivery, shown, logged): its first
// line, at most 200 bytes, with anything that looks like a phone number masked and the password
// removed (a gateway may echo what it was sent).
std::string excerpt(std::string_view body, const std::string& password) {
  std::string line(body.substr(0, std::min(body.find_first_of("\r\n"), size_t{200})));
  if (!password.empty()) {
    for (size_t at = line.find(password); at != std::string::npos;
         at = line.find(password, at + kMasked.size())) {
      line.replace(at, password.size(), kMasked);
    }
  }
  static const std::regex kDigits(R"(\+?[0-9]{6,})");
  std::string out;
  auto last = line.cbegin();
  for (std::sregex_iterator it(line.begin(), line.end(), kDigits), end; it != end; ++it) {
    out.append(last, line.cbegin() + it->position());
    out += mask_msisdn(it->str());
    last = line.cbegin() + it->position() + it->length();
  }
  out.append(last, line.cend());
  return out;
}

// RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date.
Duration retry_after(const std::string& value, TimePoint now) {
  if (value.empty()) return Duration{0};
  if (value.find_first_not_of("0123456789") == std::string::npos && value.size() <= 9) {
    return Duration{std::stoll(value) * 1000};
  }
  time_t at = curl_getdate(value.c_str(), nullptr);  // RFC 1123, 850 and asctime forms
  if (at < 0) return Duration{0};
  auto d = std::chrono::duration_cast<Duration>(std::chrono::system_clock::from_time_t(at) - now);
  return std::max(d, Duration{0});
}

std::string id_in(const HttpSmsOptions& o, const std::string& body) {
  if (!o.id_pointer.empty()) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) return "";
    nlohmann::json::json_pointer p(o.id_pointer);  // checked when the options were read
    if (!j.contains(p)) return "";
    const auto& v = j[p];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return v.dump();
    return "";
  }
  if (!o.id_regex.empty()) {
    std::smatch m;
    std::regex re(o.id_regex, std::regex::ECMAScript);
    if (std::regex_search(body, m, re) && m.size() > 1) return m[1].str();
  }
  return "";
}

}  // namespace

std::string percent_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string delivery_key(int64_t delivery_id) {
  return std::to_string(delivery_id);
}

std::string no_escape(std::string_view s) {
  return std::string(s);
}

Result<std::string> expand_template(std::string_view tmpl, const TemplateValues& v, Escape escape) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    if (open == std::string_view::npos) break;
    size_t close = open + 1;
    while (close < tmpl.size() &&
           (std::islower(static_cast<unsigned char>(tmpl[close])) || tmpl[close] == '_')) {
      ++close;
    }
    out.append(tmpl.substr(i, open - i));
    if (close == open + 1 || close >= tmpl.size() || tmpl[close] != '}') {
      out += '{';  // not a placeholder
      i = open + 1;
      continue;
    }
    std::string_view name = tmpl.substr(open + 1, close - open - 1);
    const std::string* value = name == "to"        ? &v.to
                               : name == "text"    ? &v.text
                               : name == "from"    ? &v.from
                               : name == "id"      ? &v.id
                               : name == "dlr_url" ? &v.dlr_url
                                                   : nullptr;
    if (!value) {
      return invalid_argument("unknown placeholder {" + std::string(name) +
                              "} (known: {to} {text} {from} {id} {dlr_url})");
    }
    out += escape(*value);
    i = close + 1;
  }
  out.append(tmpl.substr(std::min(i, tmpl.size())));
  return out;
}

Result<HttpRequest> plan(const HttpSmsOptions& o, const Message& m) {
  if (!is_number(m.recipient)) {
    return invalid_argument("recipient " + m.recipient_masked + ": not a phone number");
  }
  auto parsed = cap::parse(m.xml);
  if (!parsed.ok()) return parsed.status();
  sms::TextOptions to = o.text;
  to.language = m.recipient_language;  // the subscriber's, else `language` (default_language)
  auto text = sms::sms_text(parsed->alert, to);
  if (!text.ok()) return text.status();
  HttpRequest r;
  r.id = delivery_key(m.delivery_id);
  TemplateValues v{m.recipient, text->text, o.from, r.id, dlr_url(o)};

  if (o.kind == Kind::kKannel) {
    auto var = [&r](std::string_view k, std::string_view value) {
      r.url += (r.url.back() == '?' ? "" : "&") + std::string(k) + "=" + percent_encode(value);
    };
    r.url = o.base + "/" + o.url.path + "?";
    var("username", o.url.user);
    var("password", o.url.password);
    if (!o.from.empty()) var("from", o.from);
    var("to", m.recipient);
    var("text", text->text);
    // The text is always UTF-8 (charset); coding says what goes on the air: 0 GSM 7-bit, 2 UCS-2
    // (table 7-17). Kannel converts from the charset.
    var("charset", "UTF-8");
    var("coding", text->encoding == cap::Encoding::kGsm7 ? "0" : "2");
    if (!o.smsc.empty()) var("smsc", o.smsc);
    if (o.dlr_mask > 0 && !o.dlr_base.empty()) {
      var("dlr-mask", std::to_string(o.dlr_mask));
      // Kannel replaces %d (report type) and %A (the SMSC's answer) when it calls back; our id
      // is in the url itself, since Kannel's own (%F) is not known yet.
      var("dlr-url", o.dlr_base + "/api/v1/dlr/" + percent_encode(o.channel_name) + "?id=" + r.id +
                         "&type=%d&status=%A" +
                         (o.dlr_token.empty() ? "" : "&token=" + percent_encode(o.dlr_token)));
    }
    for (const auto& [k, value] : o.url.query)
      var(k, value);
    r.display = "GET " + o.base + "/" + o.url.path + " to " + m.recipient_masked;
    return r;
  }

  auto url_tail = expand_template(o.url.path, v, &percent_encode);
  if (!url_tail.ok()) return url_tail.status();
  r.method = o.method;
  r.url = o.base + *url_tail;
  r.user = o.url.user;
  r.password = o.url.password;
  r.headers = o.headers;
  if (!o.authorization.empty()) r.headers.push_back("Authorization: " + o.authorization);
  if (!o.body.empty()) {
    auto body = expand_template(o.body, v,
                                o.escape == BodyEscape::kJson   ? &json_escape
                                : o.escape == BodyEscape::kForm ? &percent_encode
                                                                : &no_escape);
    if (!body.ok()) return body.status();
    r.body = std::move(*body);
    r.headers.push_back("Content-Type: " + o.content_type);
  }
  std::string path = o.url.path.substr(0, o.url.path.find('?'));
  r.display = o.method + " " + o.base + path + " to " + m.recipient_masked;
  return r;
}

Outcome classify(const HttpSmsOptions& o, const HttpRequest& request, const HttpAnswer& a,
                 TimePoint now) {
  if (a.status == 0) {
    return RetryLater{Duration{0}, "no answer from the gateway: " + a.error};
  }
  std::string what = "HTTP " + std::to_string(a.status);
  std::string said = excerpt(a.body, o.url.password);
  if (!said.empty()) what += ": " + said;
  bool ok = o.kind == Kind::kKannel ? a.status / 100 == 2 : matches(o.success_codes, a.status);
  if (ok) {
    std::string id = o.kind == Kind::kGeneric ? id_in(o, a.body) : "";
    return Delivered{{id.empty() ? request.id : id}};
  }
  bool retry = o.kind == Kind::kKannel ? a.status == 408 || a.status == 429 || a.status / 100 == 5
                                       : matches(o.retry_codes, a.status);
  if (retry)
    return RetryLater{retry_after(a.retry_after, now), "the gateway asks to retry: " + what};
  return Rejected{"the gateway refused it: " + what};
}

}  // namespace capcast::dispatch::http_sms
