// The mqtt source's pure half: the payload decoder (CAP XML; WIS2 notification messages that
// embed the CAP as utf-8, base64 or gzip or link to it; refusals of everything else, truncated and
// oversized input included), the broker URL, and the [[source]] checks. The subscriber itself
// runs against the real mosquitto in tests/integration/mqtt_source_test.cpp.
#include <zlib.h>
#include <catch2/catch.hpp>

#include <deque>
#include <nlohmann/json.hpp>

#include "capcast/cap/parse.h"
#include "capcast/ingest/format.h"
#include "capcast/ingest/settings.h"
#include "capcast/ingest/subscriber.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::ingest;
using Json = nlohmann::json;

namespace {

std::filesystem::path data(const std::string& name) {
  return test::source_dir() / "tests/data/feeds/mqtt" / name;
}

const Format& mqtt_format() {
  const Format* f = find_format("mqtt");
  REQUIRE(f != nullptr);
  return *f;
}

Extracted decode(const std::string& body, const config::Section* options = nullptr) {
  const Format& f = mqtt_format();
  Input in;
  in.body = body;
  in.url = "mqtt://127.0.0.1:1883/origin/a/wis2/sc-meteo/data/core/weather/advisories-warnings";
  in.source = "wis2";
  in.options = options ? options : &default_options(f);
  return f.extract(in);
}

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v =
        (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

// A WIS2 notification message as wis2box publishes one for a CAP alert (WNM 1.0).
Json notification() {
  return Json{
      {"id", "6f1a7c3e-2b51-4f3e-9c55-0d7b2f1a9e01"},
      {"conformsTo", {"http://wis.wmo.int/spec/wnm/1/conf/core"}},
      {"type", "Feature"},
      {"geometry", nullptr},
      {"properties",
       {{"data_id",
         "sc-meteo/data/core/weather/advisories-warnings/"
         "urn:oid:2.49.0.0.690.0.2024.5.19.13.18.0"},
        {"pubtime", "2024-05-19T13:18:05Z"},
        {"datetime", "2024-05-19T13:18:00Z"}}},
      {"links",
       {{{"rel", "canonical"},
         {"type", "application/cap+xml"},
         {"href", "https://wis2node.meteo.gov.sc/data/2024-05-19/cap_example.xml"}}}},
  };
}

std::string problems_of(const Extracted& ex) {
  std::string all;
  for (const auto& p : ex.problems)
    all += p + "\n";
  return all;
}

}  // namespace

TEST_CASE("mqtt payload: CAP XML is taken as is", "[mqtt]") {
  std::string cap = test::read_file(data("cap_example.xml"));
  auto ex = decode(cap);
  REQUIRE(ex.documents.size() == 1);
  CHECK(ex.documents[0] == cap);
  CHECK(ex.links.empty());
  CHECK(ex.problems.empty());
  CHECK(cap::parse(ex.documents[0]).ok());
}

TEST_CASE("mqtt payload: a WIS2 notification embedding the CAP as utf-8 or base64", "[mqtt]") {
  std::string cap = test::read_file(data("cap_example.xml"));
  auto encoding = GENERATE(std::string("utf-8"), std::string("base64"));
  Json n = notification();
  n["properties"]["content"] = {{"encoding", encoding},
                                {"value", encoding == "utf-8" ? cap : base64(cap)},
                                {"size", cap.size()}};
  auto ex = decode(n.dump());
  INFO(encoding << ": " << problems_of(ex));
  REQUIRE(ex.documents.size() == 1);
  CHECK(ex.documents[0] == cap);
  CHECK(ex.links.empty());  // embedded content wins over the canonical link
  CHECK(ex.problems.empty());
  auto alert = cap::parse(ex.documents[0]);
  REQUIRE(alert.ok());
  CHECK(alert->alert.identifier == "urn:oid:2.49.0.0.690.0.2024.5.19.13.18.0");
}

TEST_CASE("mqtt payload: base64 content whose size counts the encoded bytes", "[mqtt]") {
  std::string cap = test::read_file(data("cap_example.xml"));
  Json n = notification();
  std::string b = base64(cap);
  n["properties"]["content"] = {{"encoding", "base64"}, {"value", b}, {"size", b.size()}};
  auto ex = decode(n.dump());
  REQUIRE(ex.documents.size() == 1);
  CHECK(ex.documents[0] == cap);
}

TEST_CASE("mqtt payload: a WIS2 notification linking to the CAP yields the link", "[mqtt]") {
  auto ex = decode(notification().dump());
  CHECK(ex.documents.empty());
  REQUIRE(ex.links.size() == 1);
  CHECK(ex.links[0] == "https://wis2node.meteo.gov.sc/data/2024-05-19/cap_example.xml");
  CHECK(ex.problems.empty());

  SECTION("an update link, as WNM 1.0 sends for a changed item, is followed too") {
    Json n = notification();
    n["links"][0]["rel"] = "update";
    n["links"][0].erase("type");
    n.erase("conformsTo");
    n["version"] = "v04";  // the draft before WNM 1.0
    auto u = decode(n.dump());
    REQUIRE(u.links.size() == 1);
  }
}

TEST_CASE("mqtt payload: the official WNM examples are not CAP and are refused", "[mqtt]") {
  // example1: inline utf-8 "encoded bytes from the file" (size 457), canonical link to BUFR.
  auto one = decode(test::read_file(data("example1.json")));
  CHECK(one.documents.empty());
  CHECK(one.links.empty());
  REQUIRE(one.problems.size() == 1);
  CHECK(one.problems[0].find("31e9d66a-cd83-4174-9429-b932f1abe1be") != std::string::npos);
  CHECK(one.problems[0].find("truncated?") != std::string::npos);

  auto sat = decode(test::read_file(data("eumetsat-msg-seviri-core-notification.json")));
  CHECK(sat.documents.empty());
  CHECK(sat.links.empty());
  REQUIRE(sat.problems.size() == 1);
  CHECK(sat.problems[0].find("application/octet-stream, not CAP") != std::string::npos);
}

TEST_CASE("mqtt payload: garbage, truncated and oversized messages are refused", "[mqtt]") {
  std::string cap = test::read_file(data("cap_example.xml"));
  Json embedded = notification();
  embedded["properties"]["content"] = {
      {"encoding", "base64"}, {"value", base64(cap)}, {"size", cap.size()}};
  std::string whole = embedded.dump();
  Json cut = embedded;
  cut["properties"]["content"]["value"] = base64(cap).substr(0, 400);

  struct Case {
    std::string name;
    std::string body;
    std::string why;
  };
  std::vector<Case> cases = {
      {"empty", "", "empty message"},
      {"whitespace", " \r\n\t", "empty message"},
      {"text", "hello world", "neither CAP XML nor"},
      {"binary", std::string("\x00\x01\xff\xfe", 4), "neither CAP XML nor"},
      {"truncated JSON", whole.substr(0, whole.size() / 2), "not valid JSON (truncated?)"},
      {"JSON array", "[1,2,3]", "not a WIS2 notification"},
      {"GeoJSON of another kind", R"({"type":"Feature","properties":{}})",
       "not a WIS2 notification"},
      {"wrong types", R"({"type":5,"conformsTo":"x","links":"y"})", "not a WIS2 notification"},
      {"content not an object",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{"content":[1]},"links":[]})",
       "no string value"},
      {"no links, no content",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{},"links":7})",
       "no links and no content"},
      {"links without canonical",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{},"links":[{"rel":"item","href":"https://x.example/a.xml"}]})",
       "no canonical link"},
      {"canonical link not http",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{},"links":[{"rel":"canonical","href":"file:///etc/passwd"}]})",
       "is not an http(s) URL"},
      {"truncated base64 content", cut.dump(), "(truncated?)"},
      {"bad base64",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{"content":{"encoding":"base64","value":"PGFsZXJ0*","size":6}}})",
       "not valid base64"},
      {"gzip cut after its header",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{"content":{"encoding":"gzip","value":"H4sI","size":3}}})",
       "gzip data is truncated"},
      {"an unknown encoding",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{"content":{"encoding":"zstd","value":"KLUv","size":3}}})",
       "encoding 'zstd' is not supported"},
      {"embedded JSON, not XML",
       R"({"type":"Feature","conformsTo":["http://wis.wmo.int/spec/wnm/1/conf/core"],)"
       R"("properties":{"content":{"encoding":"utf-8","value":"{}","size":2}}})",
       "not XML"},
      {"deep nesting", std::string(100'000, '['), "not valid JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto ex = decode(c.body);
    CHECK(ex.documents.empty());
    CHECK(ex.links.empty());
    REQUIRE(ex.problems.size() == 1);
    INFO(ex.problems[0]);
    CHECK(ex.problems[0].find(c.why) != std::string::npos);
  }

  SECTION("a message over max_bytes is refused before it is parsed") {
    config::Section small("source", 1, config::Location{});
    small.set_variant("mqtt");
    small.set("max_bytes", config::Value{int64_t{1000}}, {}, false);
    auto ex = decode(cap, &small);
    CHECK(ex.documents.empty());
    REQUIRE(ex.problems.size() == 1);
    CHECK(ex.problems[0] ==
          "message of " + std::to_string(cap.size()) + " bytes exceeds max_bytes 1000");
    CHECK(decode(cap.substr(0, 1000), &small).documents.size() == 1);
  }
}

namespace {

// RFC 1952 gzip of `data`, by zlib (windowBits 15 + 16: a gzip wrapper).
std::string gzip(const std::string& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) ==
          Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Json gzip_notification(const std::string& gz, int64_t size) {
  Json n = notification();
  n["properties"]["content"] = {{"encoding", "gzip"}, {"value", base64(gz)}, {"size", size}};
  return n;
}

}  // namespace

TEST_CASE("mqtt payload: gzip content (base64 of a gzip stream) is inflated", "[mqtt]") {
  std::string cap = test::read_file(data("cap_example.xml"));
  std::string gz = gzip(cap);
  REQUIRE(gz.size() < cap.size());
  // WNM 1.0 §7: size is "in accordance to the encoding", the compressed bytes; the inflated
  // size and the base64 length are taken too, as for base64 content.
  for (int64_t size : {int64_t(gz.size()), int64_t(cap.size()), int64_t(base64(gz).size())}) {
    auto ex = decode(gzip_notification(gz, size).dump());
    INFO(size << ": " << problems_of(ex));
    REQUIRE(ex.documents.size() == 1);
    CHECK(ex.documents[0] == cap);
    CHECK(ex.problems.empty());
  }
  auto wrong = decode(gzip_notification(gz, 12).dump());
  CHECK(wrong.documents.empty());
  CHECK(problems_of(wrong).find("its size says 12 (truncated?)") != std::string::npos);
  // Two members (RFC 1952 §2.2) are one stream: their data concatenated.
  auto half = cap.size() / 2;
  auto two = decode(
      gzip_notification(gzip(cap.substr(0, half)) + gzip(cap.substr(half)), int64_t(cap.size()))
          .dump());
  REQUIRE(two.documents.size() == 1);
  CHECK(two.documents[0] == cap);
}

TEST_CASE("mqtt payload: gzip content that is a bomb, corrupt, cut or not gzip is refused",
          "[mqtt]") {
  std::string cap = test::read_file(data("cap_example.xml"));
  std::string gz = gzip(cap);
  std::string corrupt = gz;
  corrupt[gz.size() / 2] = static_cast<char>(corrupt[gz.size() / 2] ^ 0x55);
  std::string bad_crc = gz;
  bad_crc[gz.size() - 6] = static_cast<char>(bad_crc[gz.size() - 6] ^ 0x01);  // CRC32 (§2.3.1)
  struct Case {
    std::string name;
    std::string gz;
    std::string why;
  };
  std::vector<Case> cases = {
      // 16 MiB of "<   ..." deflate to about 16 KiB: inflating stops at max_bytes (1 MiB by
      // default).
      {"bomb", gzip("<" + std::string(16 * 1024 * 1024, ' ')),
       "inflates to more than 1048576 bytes (max_bytes): stopped there, refused"},
      {"truncated", gz.substr(0, gz.size() - 20), "gzip data is truncated"},
      {"corrupt", corrupt, "corrupt gzip data"},
      {"bad CRC", bad_crc, "corrupt gzip data"},
      {"not gzip", cap, "not gzip data"},
      {"trailing garbage", gz + "garbage", "corrupt gzip data"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto ex = decode(gzip_notification(c.gz, int64_t(c.gz.size())).dump());
    INFO(problems_of(ex));
    CHECK(ex.documents.empty());
    CHECK(ex.links.empty());
    REQUIRE(ex.problems.size() == 1);
    CHECK(ex.problems[0].find(c.why) != std::string::npos);
    CHECK(ex.problems[0].find("6f1a7c3e-2b51-4f3e-9c55-0d7b2f1a9e01") != std::string::npos);
  }
  // The limit is the entry's max_bytes: the same CAP passes at its size and not one byte less.
  for (int64_t limit : {int64_t(cap.size()), int64_t(cap.size()) - 1}) {
    config::Section options("source", 1, config::Location{});
    options.set_variant("mqtt");
    options.set("max_bytes", config::Value{limit}, {}, false);
    auto ex = decode(gzip_notification(gz, int64_t(gz.size())).dump(), &options);
    CHECK(ex.documents.size() == (limit == int64_t(cap.size()) ? 1u : 0u));
  }
}

TEST_CASE("mqtt broker URLs: credentials apart, default ports, bad ones refused", "[mqtt]") {
  CHECK(is_subscription("mqtt://h"));
  CHECK(is_subscription("mqtts://h"));
  CHECK_FALSE(is_subscription("https://h"));
  CHECK_FALSE(is_subscription("file:///x"));

  auto a = parse_broker_url("mqtt://everyone:every%40one@globalbroker.meteo.fr/x");
  REQUIRE(a.ok());
  CHECK(a->server == "mqtt://globalbroker.meteo.fr:1883");
  CHECK(a->user == "everyone");
  CHECK(a->password == "every@one");
  CHECK_FALSE(a->tls);

  auto b = parse_broker_url("mqtts://broker.example:8884");
  REQUIRE(b.ok());
  CHECK(b->server == "mqtts://broker.example:8884");
  CHECK(b->user.empty());
  CHECK(b->tls);
  CHECK(parse_broker_url("mqtts://[::1]")->server == "mqtts://[::1]:8883");
  CHECK(parse_broker_url("mqtt://user@h:1")->user == "user");

  CHECK_FALSE(parse_broker_url("http://h").ok());
  CHECK_FALSE(parse_broker_url("mqtt://").ok());
  CHECK_FALSE(parse_broker_url("mqtt://u:p@:1883").ok());
  CHECK_FALSE(parse_broker_url("mqtt://h:0").ok());
  CHECK_FALSE(parse_broker_url("mqtt://h:65536").ok());
  CHECK_FALSE(parse_broker_url("mqtt://h:x").ok());
  CHECK_FALSE(parse_broker_url("mqtt://u:%zz@h").ok());
}

TEST_CASE("mqtt [[source]]: checked when loaded, the password never in a message", "[mqtt]") {
  config::Schema schema{{ingest_section(), source_section()}};
  std::deque<config::Document> docs;  // a SourceSpec points into its Document
  auto load = [&](const std::string& toml) {
    auto doc = config::load_string(toml, "sources.toml", schema);
    REQUIRE(doc.ok());
    docs.push_back(std::move(*doc));
    return sources_from(docs.back());
  };
  auto ok = load(R"([[source]]
name = "wis2"
type = "mqtt"
url = "mqtts://everyone:s3cret@globalbroker.example"
topics = ["origin/a/wis2/+/data/core/weather/advisories-warnings/#"]
client_id = "capcast-test"
)");
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 1);
  CHECK(ok->at(0).format == find_format("mqtt"));
  CHECK(is_subscription(ok->at(0).url));
  CHECK(ok->at(0).options->get_int("qos") == 1);

  auto http = load(R"([[source]]
name = "wis2"
type = "mqtt"
url = "https://everyone:s3cret@globalbroker.example"
topics = ["a/#"]
)");
  REQUIRE_FALSE(http.ok());
  CHECK(http.status().message().find("sources.toml:4:") != std::string::npos);
  CHECK(http.status().message().find("is not mqtt:// or mqtts://") != std::string::npos);
  CHECK(http.status().message().find("s3cret") == std::string::npos);

  auto polled = load(R"([[source]]
name = "feed"
type = "cap"
url = "mqtt://u:s3cret@broker.example"
)");
  REQUIRE_FALSE(polled.ok());
  CHECK(polled.status().message().find("is not http(s):// or file:") != std::string::npos);
  CHECK(polled.status().message().find("s3cret") == std::string::npos);

  auto qos2 = load(R"([[source]]
name = "wis2"
type = "mqtt"
url = "mqtt://broker.example"
topics = ["a/#"]
qos = 2
)");
  REQUIRE_FALSE(qos2.ok());
  CHECK(qos2.status().message().find("sources.toml:6:") != std::string::npos);
  CHECK(qos2.status().message().find("qos must be 0 or 1") != std::string::npos);

  auto none = load(R"([[source]]
name = "wis2"
type = "mqtt"
url = "mqtt://broker.example"
topics = []
)");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find("topics is empty") != std::string::npos);

  // TLS files: resolved against the configuration's folder; cert and key together; mqtts only.
  auto tls = load(R"([[source]]
name = "wis2"
type = "mqtt"
url = "mqtts://broker.example"
topics = ["a/#"]
ca_bundle = "tls/ca.crt"
cert_file = "/etc/capcast/client.crt"
key_file = "tls/client.key"
key_password = "k3y-pass"
)");
  REQUIRE(tls.ok());
  auto base = docs.back().resolve_path("tls");
  CHECK(tls->at(0).ca_bundle == (base / "ca.crt").string());
  CHECK(tls->at(0).cert_file == "/etc/capcast/client.crt");
  CHECK(tls->at(0).key_file == (base / "client.key").string());
  CHECK(ok->at(0).cert_file.empty());
  auto alone = load(R"([[source]]
name = "wis2"
type = "mqtt"
url = "mqtts://broker.example"
topics = ["a/#"]
cert_file = "client.crt"
)");
  REQUIRE_FALSE(alone.ok());
  CHECK(alone.status().message().find("sources.toml:6:") != std::string::npos);
  CHECK(alone.status().message().find("cert_file and key_file go together") != std::string::npos);
  auto plain = load(R"([[source]]
name = "wis2"
type = "mqtt"
url = "mqtt://broker.example"
topics = ["a/#"]
cert_file = "client.crt"
key_file = "client.key"
)");
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.status().message().find("cert_file needs an mqtts:// url") != std::string::npos);
}
