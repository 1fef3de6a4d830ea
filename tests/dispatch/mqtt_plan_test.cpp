// The mqtt channel's pure half: topic templates, options from URL and config, and what is
// published for each event (retained state included). The channel against a real mosquitto is
// in tests/integration/mqtt_channel_test.cpp.
#include <catch2/catch.hpp>

#include "capcast/cap/parse.h"
#include "capcast/config/config.h"
#include "capcast/dispatch/registry.h"
#include "mqtt/mqtt_channel.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;
using namespace capcast::dispatch::mqtt;

namespace {

std::string cap_xml(const std::string& identifier, const std::string& msg_type,
                    const std::string& event, const std::string& expires = "",
                    const std::string& geocode = "") {
  return "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" + identifier +
         "</identifier><sender>met@example.org</sender><sent>2030-01-01T00:00:00-00:00</sent>"
         "<status>Actual</status><msgType>" +
         msg_type +
         "</msgType><scope>Public</scope>"
         "<info><category>Met</category><event>" +
         event +
         "</event><urgency>Immediate</urgency><severity>Severe</severity>"
         "<certainty>Observed</certainty>" +
         (expires.empty() ? "" : "<expires>" + expires + "</expires>") +
         "<headline>h</headline><area><areaDesc>x</areaDesc>" +
         (geocode.empty()
              ? ""
              : "<geocode><valueName>EMMA_ID</valueName><value>" + geocode + "</value></geocode>") +
         "</area></info></alert>";
}

Result<MqttOptions> options_for(const std::string& body) {
  config::Schema schema{{channel_section()}};
  auto doc = config::load_string("[[channel]]\nname = \"m\"\n" + body, "test.toml", schema,
                                 [](const std::string&) { return std::nullopt; });
  if (!doc.ok()) return doc.status();
  return mqtt_options(doc->entries("channel").front(), *doc);
}

Message message(const std::string& xml, store::Event event,
                std::vector<std::string_view> replaced = {}) {
  return Message{7,
                 "met@example.org",
                 "A",
                 "2030-01-01T00:00:00-00:00",
                 xml,
                 event,
                 std::move(replaced),
                 42,
                 "",
                 "",
                 ""};
}

RandomSource fixed_random() {
  return [] { return uint64_t{0x0123456789abcdef}; };
}

const int64_t kNow = 1'893'456'000'000;  // 2030-01-01T00:00:00Z

}  // namespace

TEST_CASE("mqtt topic templates: fields filled from the alert, never a new level or wildcard") {
  auto t = parse_topic_template("cap/{status}/{sender}/{event}/{geocode:EMMA_ID}/{language}");
  REQUIRE(t.ok());
  auto a = cap::parse(cap_xml("A", "Alert", "Flood/flash +#", "", "FR123"));
  REQUIRE(a.ok());
  CHECK(expand(*t, a->alert) == "cap/Actual/met@example.org/Flood_flash __/FR123/en-US");
  auto no_geocode = cap::parse(cap_xml("A", "Alert", "Flood"));
  CHECK(expand(*t, no_geocode->alert) == "cap/Actual/met@example.org/Flood/none/en-US");

  CHECK_FALSE(parse_topic_template("").ok());
  CHECK_FALSE(parse_topic_template("cap/+/x").ok());
  CHECK_FALSE(parse_topic_template("cap/#").ok());
  CHECK_FALSE(parse_topic_template("$SYS/x").ok());
  CHECK_FALSE(parse_topic_template("cap/{event").ok());
  CHECK_FALSE(parse_topic_template("cap/event}").ok());
  auto unknown = parse_topic_template("cap/{colour}");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("unknown field {colour}"));
}

TEST_CASE("mqtt channel options: URL path is the topic, URL query overrides the config") {
  auto o = options_for(
      "url = \"mqtt://u:p%40ss@127.0.0.1:1884/warn/{event}?qos=2&retain=true\"\nqos = 0\n");
  REQUIRE(o.ok());
  CHECK(o->broker.server == "mqtt://127.0.0.1:1884");
  CHECK(o->broker.password == "p@ss");
  CHECK(o->topic.source == "warn/{event}");
  CHECK(o->qos == 2);
  CHECK(o->retain);
  CHECK(o->client_id == "capcast-m");
  CHECK(o->mqtt_version == 5);

  auto from_config = options_for("url = \"mqtt://h\"\ntopic = \"t/{sender}\"\nmqtt_version = 4\n");
  REQUIRE(from_config.ok());
  CHECK(from_config->topic.source == "t/{sender}");
  CHECK(from_config->broker.server == "mqtt://h:1883");
  CHECK(from_config->mqtt_version == 4);

  auto bad_qos = options_for("url = \"mqtt://h/t?qos=3\"\n");
  REQUIRE_FALSE(bad_qos.ok());
  CHECK_THAT(bad_qos.status().message(), Catch::Contains("test.toml:3"));
  CHECK_THAT(bad_qos.status().message(), Catch::Contains("qos must be 0, 1 or 2"));
  CHECK_THAT(options_for("url = \"mqtt://h/t?colour=red\"\n").status().message(),
             Catch::Contains("unknown option"));
  CHECK_THAT(options_for("url = \"mqtt://h/t/+\"\n").status().message(),
             Catch::Contains("wildcard"));
  CHECK_THAT(options_for("url = \"mqtt://h/t\"\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n")
                 .status()
                 .message(),
             Catch::Contains("mqtts://"));
  // WIS2 mode needs a centre-id and the base URL of the links, and forbids retain.
  CHECK_FALSE(options_for("url = \"mqtt://h\"\nmode = \"wis2\"\n").ok());
  CHECK_FALSE(options_for("url = \"mqtt://h\"\nmode = \"wis2\"\ncentre_id = \"int-x\"\n").ok());
  auto wis2 = options_for(
      "url = \"mqtt://h\"\nmode = \"wis2\"\ncentre_id = \"int-x\"\nlink_base = "
      "\"https://a.example/\"\n");
  REQUIRE(wis2.ok());
  CHECK(wis2->link_base == "https://a.example");
  CHECK_FALSE(options_for("url = \"mqtt://h?mode=wis2&centre_id=int-x&link_base=https://a&"
                          "retain=true\"\n")
                  .ok());
}

TEST_CASE("mqtt channel plan: a new alert is published once, with its expiry") {
  auto o = options_for("url = \"mqtt://h/cap/{event}\"\n");
  REQUIRE(o.ok());
  std::string xml = cap_xml("A", "Alert", "Flood", "2030-01-01T01:00:00-00:00");
  auto p = plan(*o, message(xml, store::Event::kNew), kNow, fixed_random());
  REQUIRE(p.ok());
  REQUIRE(p->size() == 1);
  CHECK((*p)[0].topic == "cap/Flood");
  CHECK((*p)[0].payload == xml);
  CHECK_FALSE((*p)[0].retain);
  CHECK((*p)[0].content_type == "application/cap+xml");
  REQUIRE((*p)[0].expiry_s);
  CHECK(*(*p)[0].expiry_s == 3600);

  // MQTT 3.1.1 has no message expiry; nor has an alert without <expires>.
  auto v4 = options_for("url = \"mqtt://h/cap/{event}?mqtt_version=4\"\n");
  CHECK_FALSE((*plan(*v4, message(xml, store::Event::kNew), kNow, fixed_random()))[0].expiry_s);
  auto forever =
      plan(*o, message(cap_xml("A", "Alert", "Flood"), store::Event::kNew), kNow, fixed_random());
  CHECK_FALSE((*forever)[0].expiry_s);
  // Without retain, an expiry publishes nothing (the channel does not even ask for it).
  CHECK(plan(*o, message(xml, store::Event::kExpired), kNow, fixed_random())->empty());
}

TEST_CASE("mqtt channel plan: retained state follows Update, Cancel and expiry") {
  auto o = options_for("url = \"mqtt://h/cap/{identifier}?retain=true\"\n");
  REQUIRE(o.ok());
  std::string a = cap_xml("A", "Alert", "Flood");
  std::string u = cap_xml("U", "Update", "Flood");
  std::string c = cap_xml("C", "Cancel", "Flood");

  auto first = plan(*o, message(a, store::Event::kNew), kNow, fixed_random());
  REQUIRE(first->size() == 1);
  CHECK((*first)[0].retain);

  // The Update is retained on its own topic and clears the one it replaced.
  auto update = plan(*o, message(u, store::Event::kUpdated, {a}), kNow, fixed_random());
  REQUIRE(update->size() == 2);
  CHECK((*update)[0].topic == "cap/U");
  CHECK((*update)[0].retain);
  CHECK((*update)[1].topic == "cap/A");
  CHECK((*update)[1].payload.empty());
  CHECK((*update)[1].retain);

  // The Cancel is published (not retained), then what it cancelled is cleared.
  auto cancel = plan(*o, message(c, store::Event::kCancelled, {u}), kNow, fixed_random());
  REQUIRE(cancel->size() == 2);
  CHECK((*cancel)[0].topic == "cap/C");
  CHECK((*cancel)[0].payload == c);
  CHECK_FALSE((*cancel)[0].retain);
  CHECK((*cancel)[1].topic == "cap/U");
  CHECK((*cancel)[1].payload.empty());

  // An expiry clears the alert's retained message.
  auto expired = plan(*o, message(a, store::Event::kExpired), kNow, fixed_random());
  REQUIRE(expired->size() == 1);
  CHECK((*expired)[0].topic == "cap/A");
  CHECK((*expired)[0].payload.empty());

  // On a per-event topic, an Update replaces the retained message in place: nothing to clear.
  auto same = options_for("url = \"mqtt://h/cap/{event}?retain=true\"\n");
  CHECK(plan(*same, message(u, store::Event::kUpdated, {a}), kNow, fixed_random())->size() == 1);
}

TEST_CASE("mqtt channel plan: WIS2 mode publishes a notification message on the WIS2 topic") {
  auto o = options_for(
      "url = \"mqtt://h\"\nmode = \"wis2\"\ncentre_id = \"int-capcast-test\"\nlink_base = "
      "\"https://alerts.example.org\"\n");
  REQUIRE(o.ok());
  std::string xml = cap_xml("A", "Alert", "Flood");
  auto p = plan(*o, message(xml, store::Event::kNew), kNow, fixed_random());
  REQUIRE(p.ok());
  REQUIRE(p->size() == 1);
  CHECK((*p)[0].topic == "origin/a/wis2/int-capcast-test/data/core/weather/advisories-warnings");
  CHECK_FALSE((*p)[0].retain);
  CHECK_THAT((*p)[0].payload, Catch::Contains("https://alerts.example.org/alerts/42.xml"));
  CHECK_THAT((*p)[0].payload, Catch::Contains("\"conformsTo\""));
}

TEST_CASE("mqtt channel plan: what is not CAP is refused, not published") {
  auto o = options_for("url = \"mqtt://h/t\"\n");
  CHECK_FALSE(plan(*o, message("<notcap/>", store::Event::kNew), kNow, fixed_random()).ok());
}
