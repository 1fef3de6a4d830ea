#include <catch2/catch.hpp>

#include "accept.h"
#include "support/helpers.h"

using namespace capcast;

TEST_CASE("a sample becomes a stored alert with its key, expiry and title") {
  std::string xml =
      test::read_file(test::samples_dir() / "ph-pagasa-tc-update-references-signed.xml");
  auto n = app::to_new_alert("demo", xml);
  REQUIRE(n.ok());
  CHECK(n->sender == "PAGASA-DOST");
  CHECK(n->msg_type == "Update");
  CHECK(n->xml == xml);
  CHECK(n->source == "demo");
  REQUIRE(n->expires_ms);
  CHECK(*n->expires_ms > n->sent_ms);
  CHECK_FALSE(n->title.empty());
}

TEST_CASE("the latest expiry of all info blocks is the alert's") {
  std::string xml =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>I</identifier>"
      "<sender>S</sender><sent>2024-01-01T00:00:00+00:00</sent><status>Actual</status>"
      "<msgType>Alert</msgType><scope>Public</scope>"
      "<info><event>E1</event><expires>2024-01-01T06:00:00+00:00</expires></info>"
      "<info><event>E2</event><expires>2024-01-01T12:00:00+00:00</expires></info></alert>";
  auto n = app::to_new_alert("t", xml);
  REQUIRE(n.ok());
  CHECK(*n->expires_ms == 1'704'110'400'000);
  CHECK(n->title == "E1");  // no headline: the first event
}

TEST_CASE("an alert without its key, or with a bad sent, is refused with the element path") {
  auto no_id =
      app::to_new_alert("t",
                        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><sender>S</sender>"
                        "<sent>2024-01-01T00:00:00+00:00</sent></alert>");
  REQUIRE_FALSE(no_id.ok());
  CHECK(no_id.status().message() ==
        "/alert/identifier: missing or empty (required, CAP 1.2 §3.2.1)");
  auto zulu = app::to_new_alert(
      "t",
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>I</identifier>"
      "<sender>S</sender><sent>2024-01-01T00:00:00Z</sent></alert>");
  REQUIRE_FALSE(zulu.ok());
  CHECK(zulu.status().message().rfind("/alert/sent: \"2024-01-01T00:00:00Z\" uses 'Z'", 0) == 0);
}

TEST_CASE("to_new_alert: the lifecycle's inputs, priority and event keys") {
  auto with = [](const std::string& msg_type, const std::string& urgency,
                 const std::string& severity, const std::string& extra) {
    return std::string("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>I") +
           "</identifier><sender>s@x</sender><sent>2024-01-01T00:00:00-00:00</sent>"
           "<status>Actual</status><msgType>" +
           msg_type + "</msgType><scope>Public</scope>" + extra +
           "<info><category>Met</category><event>E</event><urgency>" + urgency +
           "</urgency><severity>" + severity +
           "</severity><certainty>Likely</certainty>"
           "<parameter><valueName>usgsIds</valueName><value>,at1,us2,,</value></parameter>"
           "<parameter><valueName>usgsEventId</valueName><value>us2</value></parameter>"
           "</info></alert>";
  };
  auto urgent = [&](const std::string& t, const std::string& u, const std::string& s) {
    auto n = app::to_new_alert("src", with(t, u, s, ""));
    REQUIRE(n.ok());
    return n->urgent;
  };
  CHECK(urgent("Alert", "Immediate", "Extreme"));
  CHECK(urgent("Update", "Expected", "Extreme"));
  CHECK(urgent("Cancel", "Past", "Minor"));
  CHECK_FALSE(urgent("Alert", "Expected", "Extreme"));
  CHECK_FALSE(urgent("Alert", "Immediate", "Severe"));
  CHECK_FALSE(urgent("Update", "Immediate", "Severe"));
  CHECK_FALSE(urgent("Alert", "Immediate", "extreme"));  // CAP values are case-sensitive

  auto n = app::to_new_alert("src", with("Update", "Immediate", "Severe",
                                         "<references>s@x,A,2023-12-31T00:00:00-00:00 "
                                         "t@y,B,2023-12-31T01:00:00+01:00</references>"));
  REQUIRE(n.ok());
  REQUIRE(n->references.size() == 2);
  CHECK(n->references[1].sender == "t@y");
  CHECK(n->references[1].identifier == "B");
  CHECK(n->references[1].sent == "2023-12-31T01:00:00+01:00");
  CHECK(n->event_keys == std::vector<std::string>{"usgs:at1", "usgs:us2"});
}
