// The HTTP SMS channels (kannel://, http+sms://, https+sms://): options from URL and config, the
// request of a delivery byte for byte, the classification of answers, Kannel's delivery reports,
// and the libcurl half against an in-process HTTP server standing in for a gateway. Kannel
// itself is in tests/integration/kannel_test.cpp.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "capcast/config/config.h"
#include "capcast/core/redact.h"
#include "capcast/dispatch/registry.h"
#include "http_sms/http_sms_channel.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;
using namespace capcast::dispatch::http_sms;

namespace {

std::string cap_xml(const std::string& headline, const std::string& msg_type = "Alert") {
  return "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>A1</identifier>"
         "<sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
         "<status>Actual</status><msgType>" +
         msg_type +
         "</msgType><scope>Public</scope><info><category>Met</category><event>Flood</event>"
         "<urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>"
         "<headline>" +
         headline + "</headline><area><areaDesc>x</areaDesc></area></info></alert>";
}

Result<HttpSmsOptions> options_for(const std::string& body) {
  config::Schema schema{{channel_section()}};
  auto doc = config::load_string("[[channel]]\nname = \"sms\"\n" + body, "test.toml", schema,
                                 [](const std::string&) { return std::nullopt; });
  if (!doc.ok()) return doc.status();
  return http_sms_options(doc->entries("channel").front(), *doc);
}

HttpSmsOptions must(const std::string& body) {
  auto o = options_for(body);
  INFO(o.status().message());
  REQUIRE(o.ok());
  return *o;
}

Message message(const std::string& xml, const std::string& to = "+254700000001",
                const std::string& language = "") {
  return Message{77,  "met@example.org",  "A1",    "2030-01-01T00:00:00-00:00",
                 xml, store::Event::kNew, {},      42,
                 to,  mask_msisdn(to),    language};
}

const TimePoint kNow = from_unix_ms(1'900'000'000'000);

// A report as capcast's HTTP server hands it over: a GET's query, a POSTed form or JSON.
CallbackRequest get(std::map<std::string, std::string> query) {
  return CallbackRequest{"GET", std::move(query), "", ""};
}
CallbackRequest post_json(std::string body, std::map<std::string, std::string> query = {}) {
  return CallbackRequest{"POST", std::move(query), "application/json", std::move(body)};
}

}  // namespace

TEST_CASE("http_sms: percent and JSON escaping") {
  CHECK(percent_encode("+254 7/é~-._") == "%2B254%207%2F%C3%A9~-._");
  CHECK(json_escape("a\"b\\c\nd\x01é") == "a\\\"b\\\\c\\nd\\u0001é");
}

TEST_CASE("http_sms: templates: placeholders escaped, other braces literal, typos refused") {
  TemplateValues v{"+2547", "a \"b\"", "EWS", "9", "http://c/d?token=t"};
  auto e = expand_template(R"({"to":"{to}","m":{"t":"{text}"},"x":"{ from}{}{"})", v, &json_escape);
  REQUIRE(e.ok());
  CHECK(*e == R"({"to":"+2547","m":{"t":"a \"b\""},"x":"{ from}{}{"})");
  e = expand_template("/s/{to}?f={from}&i={id}{", v, &percent_encode);
  REQUIRE(e.ok());
  CHECK(*e == "/s/%2B2547?f=EWS&i=9{");
  e = expand_template("{to}{txet}", v, &no_escape);
  REQUIRE_FALSE(e.ok());
  CHECK_THAT(e.status().message(), Catch::Contains("{txet}"));
}

TEST_CASE("http_sms: a Kannel sendsms request, GSM 7-bit") {
  auto o = must(
      "url = \"kannel://ews:s%26cret@127.0.0.1:13013/cgi-bin/sendsms?from=EWS&smsc=SMPP1\"\n"
      "dlr_base = \"http://127.0.0.1:8080/\"\n");
  auto r = plan(o, message(cap_xml("Flood warning")));
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->method == "GET");
  CHECK(r->url ==
        "http://127.0.0.1:13013/cgi-bin/sendsms?username=ews&password=s%26cret&from=EWS"
        "&to=%2B254700000001&text=Flood%20warning&charset=UTF-8&coding=0&smsc=SMPP1"
        "&dlr-mask=31&dlr-url=http%3A%2F%2F127.0.0.1%3A8080%2Fapi%2Fv1%2Fdlr%2Fsms%3Fid%3D77"
        "%26type%3D%25d%26status%3D%25A");
  CHECK(r->id == "77");
  // What may be logged names neither the number nor the password.
  CHECK(r->display == "GET http://127.0.0.1:13013/cgi-bin/sendsms to +2547******01");
}

TEST_CASE("http_sms: a Kannel request in UCS-2, no dlr_base, passed-through variables") {
  auto o = must("url = \"kannel://ews:secret@gw?priority=3&validity=60\"\n");
  CHECK(o.url.port == 13013);
  CHECK(o.dlr_mask == 0);
  auto r = plan(o, message(cap_xml("Наводнение")));
  REQUIRE(r.ok());
  CHECK(r->url ==
        "http://gw:13013/cgi-bin/sendsms?username=ews&password=secret&to=%2B254700000001"
        "&text=%D0%9D%D0%B0%D0%B2%D0%BE%D0%B4%D0%BD%D0%B5%D0%BD%D0%B8%D0%B5&charset=UTF-8"
        "&coding=2&priority=3&validity=60");
}

TEST_CASE("http_sms: Kannel options that are refused") {
  CHECK_FALSE(options_for("url = \"kannel://gw\"\n").ok());  // no user
  auto bad = options_for("url = \"kannel://u:p@gw?password=x\"\n");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("test.toml:") && Catch::Contains("password") &&
                                         Catch::Contains("capcast sets"));
  CHECK_FALSE(options_for("url = \"kannel://u:p@gw\"\ndlr_mask = 40\n").ok());
  CHECK_FALSE(options_for("url = \"kannel://u:p@gw\"\ndlr_base = \"ftp://x\"\n").ok());
  CHECK_FALSE(options_for("url = \"kannel://u:p@gw\"\nmethod = \"GET\"\n").ok());  // not a key
}

TEST_CASE("http_sms: a number that is not one is rejected before any request") {
  auto o = must("url = \"kannel://u:p@gw\"\n");
  CHECK_FALSE(plan(o, message(cap_xml("x"), "+254 700")).ok());
  CHECK_FALSE(plan(o, message(cap_xml("x"), "")).ok());
  auto r = plan(o, message(cap_xml("x"), "+254700 000001"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("700 000001") == std::string::npos);
}

TEST_CASE("http_sms: the text is in the recipient's language when the alert has it") {
  auto info = [](const std::string& lang, const std::string& headline) {
    return "<info><language>" + lang +
           "</language><category>Met</category><event>Flood</event><urgency>Immediate</urgency>"
           "<severity>Severe</severity><certainty>Observed</certainty><headline>" +
           headline + "</headline><area><areaDesc>x</areaDesc></area></info>";
  };
  std::string xml =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>A1</identifier>"
      "<sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
      "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>" +
      info("en-US", "Flood") + info("sw", "Mafuriko") + "</alert>";
  auto o = must("url = \"kannel://u:p@gw\"\n");
  auto r = plan(o, message(xml, "+254700000001", "sw"));
  REQUIRE(r.ok());
  CHECK_THAT(r->url, Catch::Contains("&text=Mafuriko&"));
  r = plan(o, message(xml));  // unknown: the channel's `language` (en)
  REQUIRE(r.ok());
  CHECK_THAT(r->url, Catch::Contains("&text=Flood&"));
}

TEST_CASE("http_sms: a generic gateway with a JSON body") {
  auto o = must(
      "url = \"https+sms://key:tok@api.example.com/v1/sms?tag=ews\"\n"
      "headers = [\"X-Api: 1\"]\n"
      "authorization = \"Bearer abc\"\n"
      "from = \"EWS\"\n"
      "body = '{\"to\":\"{to}\",\"text\":\"{text}\",\"from\":\"{from}\",\"ref\":\"{id}\"}'\n");
  auto r = plan(o, message(cap_xml("Say \"leave\" now")));
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->method == "POST");
  CHECK(r->url == "https://api.example.com:443/v1/sms?tag=ews");
  CHECK(r->user == "key");
  CHECK(r->password == "tok");
  CHECK(r->body ==
        "{\"to\":\"+254700000001\",\"text\":\"Say \\\"leave\\\" now\",\"from\":\"EWS\","
        "\"ref\":\"77\"}");
  CHECK(r->headers == std::vector<std::string>{"X-Api: 1", "Authorization: Bearer abc",
                                               "Content-Type: application/json"});
  CHECK(r->display == "POST https://api.example.com:443/v1/sms to +2547******01");
}

TEST_CASE("http_sms: a generic gateway with a form body and one with a GET url template") {
  auto form = must(
      "url = \"http+sms://gw:8000/send\"\n"
      "content_type = \"application/x-www-form-urlencoded\"\n"
      "body = \"to={to}&msg={text}\"\n");
  auto r = plan(form, message(cap_xml("A &amp; B")));
  REQUIRE(r.ok());
  CHECK(r->body == "to=%2B254700000001&msg=A%20%26%20B");
  auto get = must(
      "url = \"http+sms://gw/api?to={to}&text={text}&k=v%20w\"\n"
      "method = \"GET\"\n");
  r = plan(get, message(cap_xml("Flood")));
  REQUIRE(r.ok());
  CHECK(r->url == "http://gw:80/api?to=%2B254700000001&text=Flood&k=v%20w");
  CHECK(r->body.empty());
}

TEST_CASE("http_sms: generic gateway options that are refused") {
  auto refused = [](const std::string& body) {
    auto o = options_for("url = \"http+sms://gw/send\"\n" + body);
    return !o.ok();
  };
  CHECK(refused("body = \"{tu} {text}\"\n"));  // unknown placeholder
  CHECK(refused("body = \"{text}\"\n"));       // no {to}
  CHECK(refused("method = \"GET\"\nbody = \"{to}{text}\"\n"));
  CHECK(refused("method = \"DELETE\"\nbody = \"{to}{text}\"\n"));
  CHECK(refused("body = \"{to}{text}\"\nsuccess_codes = [\"2x\"]\n"));
  CHECK(refused("body = \"{to}{text}\"\nid_pointer = \"id\"\n"));       // not a pointer
  CHECK(refused("body = \"{to}{text}\"\nid_regex = \"id=\\\\w+\"\n"));  // no group
  CHECK(refused("body = \"{to}{text}\"\nheaders = [\"NoColon\"]\n"));
  CHECK_FALSE(refused("body = '{\"a\":{\"b\":\"{to}\"},\"t\":\"{text}\"}'\n"));  // JSON braces
}

TEST_CASE("http_sms: Kannel's answers") {
  auto o = must("url = \"kannel://u:secret@gw\"\n");
  HttpRequest req;
  req.id = "77";
  auto out = classify(o, req, {202, "0: Accepted for delivery", "", ""}, kNow);
  REQUIRE(std::holds_alternative<Delivered>(out));
  CHECK(std::get<Delivered>(out).message_ids == std::vector<std::string>{"77"});
  CHECK(std::holds_alternative<Delivered>(
      classify(o, req, {202, "3: Queued for later delivery", "", ""}, kNow)));
  out = classify(o, req, {403, "Authorization failed for sendsms", "", ""}, kNow);
  REQUIRE(std::holds_alternative<Rejected>(out));
  CHECK(std::get<Rejected>(out).reason ==
        "the gateway refused it: HTTP 403: Authorization failed for sendsms");
  out = classify(o, req, {503, "Temporal failure, try again later.", "7", ""}, kNow);
  REQUIRE(std::holds_alternative<RetryLater>(out));
  CHECK(std::get<RetryLater>(out).after == Duration{7000});
  out = classify(o, req, {0, "", "", "Failed to connect to gw port 13013"}, kNow);
  REQUIRE(std::holds_alternative<RetryLater>(out));
  CHECK(std::get<RetryLater>(out).after == Duration{0});
  // An echoed number or password never reaches the reason.
  out = classify(o, req, {400, "bad number +254700000001 for secret\nmore", "", ""}, kNow);
  REQUIRE(std::holds_alternative<Rejected>(out));
  CHECK(std::get<Rejected>(out).reason ==
        "the gateway refused it: HTTP 400: bad number +2547******01 for ***");
}

TEST_CASE("http_sms: a generic gateway's answers, its id, Retry-After as a date") {
  HttpRequest req;
  req.id = "77";
  auto o = must(
      "url = \"http+sms://gw/send\"\nbody = \"{to}{text}\"\nsuccess_codes = [\"200\"]\n"
      "retry_codes = [\"409\", \"5xx\"]\nid_pointer = \"/messages/0/id\"\n");
  auto out = classify(o, req, {200, R"({"messages":[{"id":"gw-9"}]})", "", ""}, kNow);
  REQUIRE(std::holds_alternative<Delivered>(out));
  CHECK(std::get<Delivered>(out).message_ids == std::vector<std::string>{"gw-9"});
  // No id where expected: capcast's own key.
  out = classify(o, req, {200, "not json", "", ""}, kNow);
  CHECK(std::get<Delivered>(out).message_ids == std::vector<std::string>{"77"});
  CHECK(std::holds_alternative<Rejected>(classify(o, req, {202, "", "", ""}, kNow)));
  CHECK(std::holds_alternative<Rejected>(classify(o, req, {429, "", "", ""}, kNow)));
  out = classify(o, req, {409, "", "Sun, 17 Mar 2030 18:46:40 GMT", ""}, kNow);
  REQUIRE(std::holds_alternative<RetryLater>(out));
  // Now is 2030-03-17T17:46:40Z (1900000000 s): an hour later.
  CHECK(std::get<RetryLater>(out).after == Duration{3'600'000});
  out = classify(o, req, {503, "", "Sun, 17 Mar 2030 16:46:40 GMT", ""}, kNow);
  CHECK(std::get<RetryLater>(out).after == Duration{0});  // a date past: at once
  auto re =
      must("url = \"http+sms://gw/send\"\nbody = \"{to}{text}\"\nid_regex = \"id=([0-9a-f]+)\"\n");
  out = classify(re, req, {201, "OK id=00ab12", "", ""}, kNow);
  CHECK(std::get<Delivered>(out).message_ids == std::vector<std::string>{"00ab12"});
}

TEST_CASE("http_sms: Kannel delivery reports") {
  auto r = kannel_receipt({{"id", "77"}, {"type", "1"}, {"status", "id:abc stat:DELIVRD"}}, kNow);
  REQUIRE(r);
  CHECK(r->message_id_keys == std::vector<std::string>{"77"});
  CHECK(r->state == "DELIVRD");
  CHECK(r->final);
  CHECK(r->at_ms == to_unix_ms(kNow));
  r = kannel_receipt({{"id", "77"}, {"type", "8"}}, kNow);
  REQUIRE(r);
  CHECK(r->state == "ACCEPTD");
  CHECK_FALSE(r->final);
  CHECK(kannel_receipt({{"id", "77"}, {"type", "16"}}, kNow)->state == "REJECTD");
  CHECK(kannel_receipt({{"id", "77"}, {"type", "2"}}, kNow)->state == "UNDELIV");
  CHECK(kannel_receipt({{"id", "77"}, {"type", "4"}}, kNow)->state == "ENROUTE");
  CHECK_FALSE(kannel_receipt({{"id", "77"}, {"type", "3"}}, kNow));
  CHECK_FALSE(kannel_receipt({{"type", "1"}}, kNow));
  CHECK_FALSE(kannel_receipt({{"id", "77"}}, kNow));
  // With a dlr_token, a report must carry it.
  CHECK(kannel_receipt({{"id", "77"}, {"type", "1"}, {"token", "s3cr3t"}}, kNow, "s3cr3t"));
  CHECK_FALSE(kannel_receipt({{"id", "77"}, {"type", "1"}, {"token", "s3cr3x"}}, kNow, "s3cr3t"));
  CHECK_FALSE(kannel_receipt({{"id", "77"}, {"type", "1"}, {"token", "s3cr3"}}, kNow, "s3cr3t"));
  CHECK_FALSE(kannel_receipt({{"id", "77"}, {"type", "1"}}, kNow, "s3cr3t"));
}

TEST_CASE("http_sms: the dlr_token goes into Kannel's dlr-url") {
  auto o = must("url = \"kannel://u:p@gw\"\ndlr_base = \"http://cc:8080\"\ndlr_token = \"a b\"\n");
  auto r = plan(o, message(cap_xml("x")));
  REQUIRE(r.ok());
  CHECK_THAT(r->url, Catch::EndsWith("%26status%3D%25A%26token%3Da%2520b"));
}

TEST_CASE("http_sms: a generic gateway is offered {dlr_url}, escaped where it goes") {
  auto o = must(
      "url = \"http+sms://gw/send?cb={dlr_url}\"\n"
      "body = '{\"to\":\"{to}\",\"text\":\"{text}\",\"status_callback\":\"{dlr_url}\"}'\n"
      "dlr_base = \"http://cc.internal:8080/\"\ndlr_token = \"a b\"\n"
      "dlr_id = \"/message_id\"\ndlr_status = \"/status\"\n");
  CHECK(dlr_url(o) == "http://cc.internal:8080/api/v1/dlr/sms?token=a%20b");
  auto r = plan(o, message(cap_xml("Flood")));
  REQUIRE(r.ok());
  CHECK(r->url ==
        "http://gw:80/send?cb=http%3A%2F%2Fcc.internal%3A8080%2Fapi%2Fv1%2Fdlr%2Fsms%3Ftoken%3Da%"
        "2520b");
  CHECK(r->body ==
        "{\"to\":\"+254700000001\",\"text\":\"Flood\",\"status_callback\":\"http://"
        "cc.internal:8080/api/v1/dlr/sms?token=a%20b\"}");
  CHECK(dlr_url(must("url = \"http+sms://gw/s?to={to}&t={text}\"\n")).empty());
}

TEST_CASE("http_sms: generic delivery report keys that are refused, with file and line") {
  auto error = [](const std::string& keys) {
    auto o = options_for("url = \"http+sms://gw/send\"\nbody = \"{to}{text}\"\n" + keys);
    return o.ok() ? std::string() : o.status().message();
  };
  CHECK_THAT(error("dlr_id = \"/id\"\n"),
             Catch::StartsWith("test.toml:5:") && Catch::Contains("both dlr_id and dlr_status"));
  CHECK_THAT(error("dlr_status = \"st\"\n"), Catch::Contains("both dlr_id and dlr_status"));
  CHECK_THAT(error("dlr_id = \"/a~2\"\ndlr_status = \"/s\"\n"),
             Catch::StartsWith("test.toml:5:") && Catch::Contains("RFC 6901"));
  CHECK_THAT(error("dlr_id = \"id\"\ndlr_status = \"a b\"\n"),
             Catch::StartsWith("test.toml:6:") && Catch::Contains("field name"));
  CHECK_THAT(error("dlr_id = \"id\"\ndlr_status = \"s\"\ndlr_failed = [\"x\", \"Delivered\"]\n"),
             Catch::StartsWith("test.toml:7:") && Catch::Contains("in dlr_delivered too"));
  auto o = options_for("url = \"http+sms://gw/send\"\nbody = \"{to}{text}{dlr_url}\"\n");
  REQUIRE_FALSE(o.ok());
  CHECK_THAT(o.status().message(),
             Catch::StartsWith("test.toml:4:") && Catch::Contains("dlr_base"));
  CHECK(error("dlr_base = \"ftp://x\"\n").find("http(s)://") != std::string::npos);
  CHECK(error("dlr_id = \"/id\"\ndlr_status = \"status\"\n").empty());
}

TEST_CASE("http_sms: a generic gateway's delivery reports: JSON pointer, form, query") {
  auto json = must(
      "url = \"http+sms://gw/send\"\nbody = \"{to}{text}\"\n"
      "dlr_id = \"/data/message_id\"\ndlr_status = \"/data/status\"\n");
  auto r = generic_receipt(
      json, post_json(R"({"data":{"message_id":"gw-1","status":"Delivered","to":"+2547"}})"), kNow);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->message_id_keys == std::vector<std::string>{"gw-1"});
  CHECK(r->state == "DELIVRD");  // any case of a dlr_delivered value
  CHECK(r->final);
  CHECK(r->at_ms == to_unix_ms(kNow));
  r = generic_receipt(json, post_json(R"({"data":{"message_id":1234,"status":"EXPIRED"}})"), kNow);
  REQUIRE(r.ok());
  CHECK(r->message_id_keys == std::vector<std::string>{"1234"});  // an integer id
  CHECK(r->state == "EXPIRED");                                   // a failure keeps its word
  CHECK(r->final);
  r = generic_receipt(json, post_json(R"({"data":{"message_id":"gw-1","status":"sent"}})"), kNow);
  REQUIRE(r.ok());
  CHECK(r->state == "sent");
  CHECK_FALSE(r->final);  // neither delivered nor failed: not final

  // Form fields and a GET's query come as params; dlr_delivered and dlr_failed as configured.
  auto form = must(
      "url = \"http+sms://gw/send\"\nbody = \"{to}{text}\"\ndlr_id = \"MessageSid\"\n"
      "dlr_status = \"MessageStatus\"\ndlr_delivered = [\"ok\"]\ndlr_failed = [\"ko\"]\n");
  CallbackRequest posted{"POST",
                         {{"MessageSid", "SM1"}, {"MessageStatus", "ko"}},
                         "application/x-www-form-urlencoded",
                         "MessageSid=SM1&MessageStatus=ko"};
  r = generic_receipt(form, posted, kNow);
  REQUIRE(r.ok());
  CHECK(r->message_id_keys == std::vector<std::string>{"SM1"});
  CHECK(r->state == "ko");
  CHECK(r->final);
  r = generic_receipt(form, get({{"MessageSid", "SM2"}, {"MessageStatus", "OK"}}), kNow);
  REQUIRE(r.ok());
  CHECK(r->state == "DELIVRD");
  r = generic_receipt(form, get({{"MessageSid", "SM2"}, {"MessageStatus", "delivered"}}), kNow);
  REQUIRE(r.ok());
  CHECK_FALSE(r->final);  // not in this channel's dlr_delivered
}

TEST_CASE("http_sms: generic delivery reports that are not taken, and why") {
  auto o = must(
      "url = \"http+sms://gw/send\"\nbody = \"{to}{text}\"\ndlr_token = \"s3cr3t\"\n"
      "dlr_id = \"/id\"\ndlr_status = \"/status\"\n");
  std::string good = R"({"id":"gw-1","status":"delivered"})";
  CHECK(generic_receipt(o, post_json(good, {{"token", "s3cr3t"}}), kNow).ok());
  CHECK_THAT(generic_receipt(o, post_json(good), kNow).status().message(),
             Catch::Contains("dlr_token"));
  CHECK_FALSE(generic_receipt(o, post_json(good, {{"token", "s3cr3x"}}), kNow).ok());
  auto not_json =
      generic_receipt(o, post_json("id=gw-1&to=+254700000001", {{"token", "s3cr3t"}}), kNow);
  REQUIRE_FALSE(not_json.ok());
  CHECK_THAT(not_json.status().message(), Catch::Contains("not JSON") && !Catch::Contains("2547"));
  CHECK_THAT(generic_receipt(o, post_json(R"({"status":"delivered"})", {{"token", "s3cr3t"}}), kNow)
                 .status()
                 .message(),
             Catch::Contains("without an id at /id"));
  CHECK_FALSE(generic_receipt(
                  o, post_json(R"({"id":"","status":"delivered"})", {{"token", "s3cr3t"}}), kNow)
                  .ok());
  CHECK_FALSE(generic_receipt(
                  o, post_json(R"({"id":"gw-1","status":{"a":1}})", {{"token", "s3cr3t"}}), kNow)
                  .ok());
  CHECK_FALSE(generic_receipt(o, post_json(R"({"id":"gw-1"})", {{"token", "s3cr3t"}}), kNow).ok());
  // A status is kept printable and short: it is shown and logged.
  auto r =
      generic_receipt(o,
                      post_json(R"({"id":"gw-1","status":"a\nb)" + std::string(40, 'c') + R"("})",
                                {{"token", "s3cr3t"}}),
                      kNow);
  REQUIRE(r.ok());
  CHECK(r->state == "a?b" + std::string(29, 'c'));
}

TEST_CASE("http_sms: a generic gateway's report through the channel reaches the sink") {
  auto o = must(
      "url = \"http+sms://127.0.0.1:1/send\"\nbody = \"{to}{text}\"\n"
      "dlr_id = \"/id\"\ndlr_status = \"/status\"\n");
  HttpSmsChannel ch(o);
  std::vector<store::Receipt> got;
  ch.set_receipt_sink([&](store::Receipt r) { got.push_back(std::move(r)); });
  CHECK(ch.http_callback(post_json(R"({"id":"gw-1","status":"delivered"})")) == 200);
  // An id no delivery has is still 200 (the sink, the lane, ignores it): a gateway would retry
  // any other answer, and retrying cannot make the id known.
  CHECK(ch.http_callback(post_json(R"({"id":"unknown","status":"failed"})")) == 200);
  CHECK(ch.http_callback(post_json("not json")) == 400);
  CHECK(ch.http_callback(get({{"id", "gw-1"}})) == 400);
  REQUIRE(got.size() == 2);
  CHECK(got[0].message_id_keys == std::vector<std::string>{"gw-1"});
  CHECK(got[0].state == "DELIVRD");
  CHECK(got[1].state == "failed");
  CHECK(got[1].final);
}

TEST_CASE("http_sms: several reports in one JSON body, at dlr_list or as the body's array") {
  auto listed = must(
      "url = \"http+sms://127.0.0.1:1/send\"\nbody = \"{to}{text}\"\n"
      "dlr_list = \"/results\"\ndlr_id = \"/messageId\"\ndlr_status = \"/status/name\"\n"
      "dlr_delivered = [\"DELIVERED_TO_HANDSET\"]\ndlr_failed = [\"EXPIRED\"]\n");
  // As gateways that batch their reports send them: one element without a status is skipped,
  // the others are read in order.
  auto r = generic_receipts(listed, post_json(R"({"results":[
      {"messageId":"m-1","to":"+254700000001","status":{"name":"DELIVERED_TO_HANDSET"}},
      {"messageId":"m-2","to":"+254700000002"},
      {"messageId":77,"status":{"name":"EXPIRED"}},
      {"messageId":"m-4","status":{"name":"PENDING_ENROUTE"}}]})"),
                            kNow);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->unreadable == 1);
  REQUIRE(r->receipts.size() == 3);
  CHECK(r->receipts[0].message_id_keys == std::vector<std::string>{"m-1"});
  CHECK(r->receipts[0].state == "DELIVRD");
  CHECK(r->receipts[0].final);
  CHECK(r->receipts[1].message_id_keys == std::vector<std::string>{"77"});
  CHECK(r->receipts[1].state == "EXPIRED");
  CHECK(r->receipts[1].final);
  CHECK(r->receipts[2].state == "PENDING_ENROUTE");
  CHECK_FALSE(r->receipts[2].final);
  // No array where dlr_list says, or not one readable report: refused (the gateway sends them
  // again), and the reason names where, not what (a report may carry the number).
  auto none = generic_receipts(listed, post_json(R"({"results":{"messageId":"m-1"}})"), kNow);
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.status().message(), Catch::Contains("array of reports at /results"));
  auto unreadable =
      generic_receipts(listed, post_json(R"({"results":[{"to":"+254700000001"}]})"), kNow);
  REQUIRE_FALSE(unreadable.ok());
  CHECK_THAT(unreadable.status().message(),
             Catch::Contains("1 reports") && !Catch::Contains("2547"));

  // Without dlr_list a body that is itself an array is a list; an object is one report.
  auto plain = must(
      "url = \"http+sms://127.0.0.1:1/send\"\nbody = \"{to}{text}\"\n"
      "dlr_id = \"/id\"\ndlr_status = \"/status\"\n");
  auto arr = generic_receipts(
      plain, post_json(R"([{"id":"a","status":"delivered"},{"id":"b","status":"failed"}])"), kNow);
  REQUIRE(arr.ok());
  REQUIRE(arr->receipts.size() == 2);
  CHECK(arr->receipts[1].message_id_keys == std::vector<std::string>{"b"});
  auto one = generic_receipts(plain, post_json(R"({"id":"a","status":"delivered"})"), kNow);
  REQUIRE(one.ok());
  CHECK(one->receipts.size() == 1);

  // Through the channel: each report of the list reaches the sink.
  HttpSmsChannel ch(listed);
  std::vector<store::Receipt> got;
  ch.set_receipt_sink([&](store::Receipt x) { got.push_back(std::move(x)); });
  CHECK(ch.http_callback(post_json(
            R"({"results":[{"messageId":"m-1","status":{"name":"DELIVERED_TO_HANDSET"}},
                           {"messageId":"m-2","status":{"name":"EXPIRED"}}]})")) == 200);
  CHECK(ch.http_callback(post_json(R"({"results":[]})")) == 400);
  REQUIRE(got.size() == 2);
  CHECK(got[1].message_id_keys == std::vector<std::string>{"m-2"});

  // dlr_list is a JSON pointer, and wants dlr_id and dlr_status as pointers too.
  auto error = [](const std::string& keys) {
    auto o = options_for("url = \"http+sms://gw/send\"\nbody = \"{to}{text}\"\n" + keys);
    return o.ok() ? std::string() : o.status().message();
  };
  CHECK_THAT(error("dlr_list = \"results\"\ndlr_id = \"/id\"\ndlr_status = \"/s\"\n"),
             Catch::StartsWith("test.toml:") && Catch::Contains("JSON pointer"));
  CHECK_THAT(error("dlr_list = \"/r\"\ndlr_id = \"id\"\ndlr_status = \"s\"\n"),
             Catch::Contains("within each report"));
  CHECK(error("dlr_list = \"/r\"\ndlr_id = \"/id\"\ndlr_status = \"/s\"\n").empty());
}

TEST_CASE("http_sms: the channel against an HTTP server standing in for a gateway") {
  httplib::Server server;
  std::mutex mu;
  std::vector<std::string> bodies;
  std::vector<std::string> auths;
  int calls = 0;
  server.Post("/send", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    ++calls;
    bodies.push_back(req.body);
    auths.push_back(req.get_header_value("Authorization"));
    if (req.body.find("+254700000009") != std::string::npos) {
      res.status = 503;
      res.set_header("Retry-After", "30");
      return;
    }
    if (req.body.find("+254700000008") != std::string::npos) {
      res.status = 400;
      res.set_content("{\"error\":\"invalid number\"}", "application/json");
      return;
    }
    res.status = 201;
    res.set_content("{\"id\":\"gw-" + std::to_string(calls) + "\"}", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { server.listen_after_bind(); });

  auto o = must("url = \"http+sms://u:p@127.0.0.1:" + std::to_string(port) +
                "/send\"\nbody = '{\"to\":\"{to}\",\"text\":\"{text}\"}'\n"
                "id_pointer = \"/id\"\n");
  {
    HttpSmsChannel ch(o);
    CHECK(ch.to_people());
    CHECK(ch.max_window() == 10);
    auto out = ch.deliver(message(cap_xml("Flood")));
    REQUIRE(std::holds_alternative<Delivered>(out));
    CHECK(std::get<Delivered>(out).message_ids == std::vector<std::string>{"gw-1"});
    out = ch.deliver(message(cap_xml("Flood"), "+254700000009"));
    REQUIRE(std::holds_alternative<RetryLater>(out));
    CHECK(std::get<RetryLater>(out).after == Duration{30'000});
    out = ch.deliver(message(cap_xml("Flood"), "+254700000008"));
    REQUIRE(std::holds_alternative<Rejected>(out));
    CHECK_THAT(std::get<Rejected>(out).reason, Catch::Contains("HTTP 400"));
    // Several at once through the window: each completes once.
    std::mutex dmu;
    std::vector<Outcome> outs;
    for (int i = 0; i < 5; ++i) {
      ch.submit(message(cap_xml("Flood")), [&](Outcome x) {
        std::lock_guard lock(dmu);
        outs.push_back(std::move(x));
      });
    }
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(dmu);
        if (outs.size() == 5) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::lock_guard lock(dmu);
    REQUIRE(outs.size() == 5);
    for (const auto& x : outs)
      CHECK(std::holds_alternative<Delivered>(x));
    // A generic gateway without dlr_id takes no delivery reports.
    CHECK_FALSE(ch.http_callback(get({{"id", "1"}, {"type", "1"}})));
  }
  server.stop();
  t.join();
  std::lock_guard lock(mu);
  REQUIRE(calls == 8);
  CHECK(bodies[0] == "{\"to\":\"+254700000001\",\"text\":\"Flood\"}");
  CHECK(auths[0] == "Basic dTpw");  // u:p, RFC 7617
}

TEST_CASE("http_sms: an unreachable gateway is a retry, a Kannel report reaches the sink") {
  int port = test::free_port();
  auto o = must("url = \"kannel://u:p@127.0.0.1:" + std::to_string(port) +
                "\"\ndlr_base = \"http://127.0.0.1:1\"\n");
  HttpSmsChannel ch(o);
  auto out = ch.deliver(message(cap_xml("Flood")));
  REQUIRE(std::holds_alternative<RetryLater>(out));
  CHECK_THAT(std::get<RetryLater>(out).reason, Catch::Contains("no answer from the gateway"));
  CHECK_THAT(std::get<RetryLater>(out).reason, !Catch::Contains("p@"));

  std::vector<store::Receipt> got;
  ch.set_receipt_sink([&](store::Receipt r) { got.push_back(std::move(r)); });
  CHECK(ch.http_callback(get({{"id", "77"}, {"type", "1"}})) == 200);
  CHECK(ch.http_callback(get({{"id", "77"}, {"type", "x"}})) == 400);
  REQUIRE(got.size() == 1);
  CHECK(got[0].message_id_keys == std::vector<std::string>{"77"});
  CHECK(got[0].state == "DELIVRD");
}
