// kannels:// (Kannel's sendsms over TLS, smsbox `sendsms-port-ssl`): the same request as
// kannel:// with an https URL, its TLS keys, and the channel against an in-process TLS server
// (certificates of the test's own, support/tls_broker.h) with and without the CA trusted, so
// that certificate verification is shown to be on.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "capcast/config/config.h"
#include "capcast/core/redact.h"
#include "capcast/dispatch/registry.h"
#include "http_sms/http_sms_channel.h"
#include "support/helpers.h"
#include "support/tls_broker.h"

using namespace capcast;
using namespace capcast::dispatch;
using namespace capcast::dispatch::http_sms;

namespace {

const char* kAlert =
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>A1</identifier>"
    "<sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
    "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info>"
    "<category>Met</category><event>Flood</event><urgency>Immediate</urgency>"
    "<severity>Severe</severity><certainty>Observed</certainty><headline>Flood warning"
    "</headline><area><areaDesc>x</areaDesc></area></info></alert>";

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

Message message(const std::string& to = "+254700000001") {
  return Message{77,     "met@example.org",  "A1", "2030-01-01T00:00:00-00:00",
                 kAlert, store::Event::kNew, {},   42,
                 to,     mask_msisdn(to),    ""};
}

}  // namespace

TEST_CASE("kannels: the same sendsms request as kannel://, over https") {
  const std::string rest =
      "ews:s%26cret@127.0.0.1:13013/cgi-bin/sendsms?from=EWS&smsc=SMPP1\"\n"
      "dlr_base = \"http://127.0.0.1:8080/\"\n";
  auto tls = must("url = \"kannels://" + rest);
  auto plain = must("url = \"kannel://" + rest);
  CHECK(tls.kind == Kind::kKannel);
  CHECK(tls.url.tls);
  auto r = plan(tls, message());
  auto p = plan(plain, message());
  INFO(r.status().message());
  REQUIRE(r.ok());
  REQUIRE(p.ok());
  CHECK(r->method == "GET");
  CHECK(r->url ==
        "https://127.0.0.1:13013/cgi-bin/sendsms?username=ews&password=s%26cret&from=EWS"
        "&to=%2B254700000001&text=Flood%20warning&charset=UTF-8&coding=0&smsc=SMPP1"
        "&dlr-mask=31&dlr-url=http%3A%2F%2F127.0.0.1%3A8080%2Fapi%2Fv1%2Fdlr%2Fsms%3Fid%3D77"
        "%26type%3D%25d%26status%3D%25A");
  CHECK(r->url == "https" + p->url.substr(4));  // only the scheme differs
  CHECK(r->display == "GET https://127.0.0.1:13013/cgi-bin/sendsms to +2547******01");
  // Kannel's default sendsms port, and the path, as for kannel://.
  auto bare = must("url = \"kannels://u:p@gw\"\nca_bundle = \"/etc/capcast/ca.pem\"\n");
  CHECK(bare.url.port == 13013);
  CHECK(bare.ca_bundle == "/etc/capcast/ca.pem");
  REQUIRE(plan(bare, message()).ok());
  CHECK(plan(bare, message())->url.rfind("https://gw:13013/cgi-bin/sendsms?username=u&", 0) == 0);
  // ca_bundle is a key of kannels:// only; Kannel's URL rules hold for both.
  CHECK_FALSE(options_for("url = \"kannel://u:p@gw\"\nca_bundle = \"/x.pem\"\n").ok());
  CHECK_FALSE(options_for("url = \"kannels://gw\"\n").ok());  // no user
  CHECK_FALSE(options_for("url = \"kannels://u:p@gw?password=x\"\n").ok());
}

TEST_CASE("kannels: the channel over TLS, certificates verified") {
  test::TempDir dir;
  test::make_test_certs(dir.path());
  httplib::SSLServer server((dir / "server.crt").c_str(), (dir / "server.key").c_str());
  REQUIRE(server.is_valid());
  std::mutex mu;
  std::vector<std::multimap<std::string, std::string>> seen;
  server.Get("/cgi-bin/sendsms", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    seen.emplace_back(req.params.begin(), req.params.end());
    res.status = 202;  // Kannel: "0: Accepted for delivery"
    res.set_content("0: Accepted for delivery", "text/plain");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { server.listen_after_bind(); });
  const std::string url =
      "url = \"kannels://ews:secret@127.0.0.1:" + std::to_string(port) + "?from=EWS\"\n";
  {
    // The test CA trusted: delivered, the CGI variables as kannel:// sends them.
    HttpSmsChannel ch(must(url + "ca_bundle = \"" + (dir / "ca.crt").string() + "\"\n"));
    auto out = ch.deliver(message());
    INFO((std::holds_alternative<RetryLater>(out) ? std::get<RetryLater>(out).reason : ""));
    CHECK(std::holds_alternative<Delivered>(out));
  }
  {
    // Not trusted (the system's CAs only): the handshake fails, nothing reaches the server, and
    // the delivery is retried like any request without an answer.
    HttpSmsChannel ch(must(url));
    auto out = ch.deliver(message("+254700000002"));
    CHECK(std::holds_alternative<RetryLater>(out));
  }
  server.stop();
  t.join();
  std::lock_guard lock(mu);
  REQUIRE(seen.size() == 1);
  const auto& q = seen[0];
  CHECK(q.find("username")->second == "ews");
  CHECK(q.find("password")->second == "secret");
  CHECK(q.find("from")->second == "EWS");
  CHECK(q.find("to")->second == "+254700000001");
  CHECK(q.find("text")->second == "Flood warning");
  CHECK(q.find("coding")->second == "0");
}
