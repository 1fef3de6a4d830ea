#include <catch2/catch.hpp>

#include <map>

#include "capcast/config/config.h"

using namespace capcast;
using namespace capcast::config;

namespace {

Schema test_schema() {
  Schema s;
  SectionSpec store;
  store.name = "store";
  store.help = "state";
  store.keys = {Key{"path", Type::kString, Value{std::string("var/x.db")}, false, false, "file"},
                Key{"size", Type::kInt, Value{int64_t{3}}, false, false, "n"},
                Key{"wal", Type::kBool, Value{true}, false, false, "b"},
                Key{"ratio", Type::kDouble, Value{0.5}, false, false, "d"},
                Key{"tags", Type::kStringArray, std::nullopt, false, false, "a"},
                Key{"every", Type::kDuration, Value{int64_t{60'000}}, false, false, "t"}};
  s.sections.push_back(store);
  SectionSpec channel;
  channel.name = "channel";
  channel.help = "out";
  channel.repeated = true;
  channel.keys = {Key{"name", Type::kString, std::nullopt, true, false, "its name"},
                  Key{"url", Type::kString, std::nullopt, true, false, "where"},
                  Key{"password", Type::kString, std::nullopt, false, true, "secret"}};
  channel.variant_key = "url";
  channel.variant_from_url_scheme = true;
  channel.variants["file"] = {Key{"fsync", Type::kBool, Value{true}, false, false, "sync"}};
  channel.variants["mqtt"] = {Key{"qos", Type::kInt, Value{int64_t{1}}, false, false, "qos"}};
  s.sections.push_back(channel);
  return s;
}

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Result<Document> load(const std::string& text, std::map<std::string, std::string> vars = {}) {
  return load_string(text, "test.toml", test_schema(), env(vars));
}

}  // namespace

TEST_CASE("a valid file is loaded with defaults filled in") {
  auto doc = load(R"(
[store]
size = 7
tags = ["a", "b"]
every = "5m"

[[channel]]
name = "out"
url = "file:///tmp/x"
fsync = false
)");
  REQUIRE(doc.ok());
  const auto& store = doc->section("store");
  CHECK(store.get_string("path") == "var/x.db");
  CHECK(store.get_int("size") == 7);
  CHECK(store.get_bool("wal"));
  CHECK(store.get_double("ratio") == 0.5);
  CHECK(store.get_strings("tags") == std::vector<std::string>{"a", "b"});
  CHECK(store.get_duration("every") == Duration{300'000});
  REQUIRE(doc->entries("channel").size() == 1);
  const auto& ch = doc->entries("channel")[0];
  CHECK(ch.variant() == "file");
  CHECK_FALSE(ch.get_bool("fsync"));
  CHECK(ch.location_of("url").to_string() == "test.toml:9:7");
}

TEST_CASE("an unknown key is rejected with file, line and key") {
  auto doc = load("[store]\npath = \"a\"\ncolour = \"red\"\n");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.status().message().find("test.toml:3:10") != std::string::npos);
  CHECK(doc.status().message().find("unknown key 'colour'") != std::string::npos);
  CHECK(doc.status().message().find("known keys: path") != std::string::npos);
}

TEST_CASE("an unknown section is rejected") {
  auto doc = load("[stroe]\npath = \"a\"\n");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.status().message().find("test.toml:1:1: unknown section or key 'stroe'") !=
        std::string::npos);
}

TEST_CASE("a key of another variant is rejected") {
  auto doc = load("[[channel]]\nname = \"a\"\nurl = \"file:///x\"\nqos = 2\n");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.status().message().find("test.toml:4:7: [[channel]] #1: unknown key 'qos'") !=
        std::string::npos);
}

TEST_CASE("a wrong type is rejected with the type expected") {
  auto doc = load("[store]\nsize = \"three\"\nwal = 1\nevery = \"soon\"\n");
  REQUIRE_FALSE(doc.ok());
  const std::string msg = doc.status().message();
  CHECK(msg.find("test.toml:2:8: key 'size': expected integer, got string") != std::string::npos);
  CHECK(msg.find("test.toml:3:7: key 'wal': expected boolean, got integer") != std::string::npos);
  CHECK(msg.find("'soon' is not a duration") != std::string::npos);
}

TEST_CASE("a missing required key is rejected") {
  auto doc = load("[[channel]]\nname = \"a\"\n");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.status().message().find("test.toml:1:1: [[channel]] #1: missing required key 'url'") !=
        std::string::npos);
}

TEST_CASE("a duplicate key is rejected by the TOML parser with its line") {
  auto doc = load("[store]\npath = \"a\"\npath = \"b\"\n");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.status().code() == Code::kParseError);
  CHECK(doc.status().message().rfind("test.toml:3:", 0) == 0);
}

TEST_CASE("${NAME} is replaced from the environment, secrets are masked in display") {
  auto doc = load(
      "[[channel]]\nname = \"a\"\nurl = \"mqtt://u:${PW}@host/${TOPIC}\"\n"
      "password = \"${PW}\"\n",
      {{"PW", "hunter2"}, {"TOPIC", "alerts"}});
  REQUIRE(doc.ok());
  const auto& ch = doc->entries("channel")[0];
  CHECK(ch.get_string("url") == "mqtt://u:hunter2@host/alerts");
  CHECK(ch.get_string("password") == "hunter2");
  CHECK(ch.display("password") == "***");
  CHECK(ch.display("url") == "mqtt://u:***@host/alerts");
}

TEST_CASE("an unset environment variable is an error naming it, $${ is a literal") {
  auto bad = load("[[channel]]\nname = \"a\"\nurl = \"mqtt://h\"\npassword = \"${NOPE}\"\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("test.toml:4:12: key 'password': environment variable NOPE "
                                    "is not set") != std::string::npos);
  auto literal = load("[store]\npath = \"$${HOME}\"\n");
  REQUIRE(literal.ok());
  CHECK(literal->section("store").get_string("path") == "${HOME}");
}

TEST_CASE("every problem is reported, not only the first") {
  auto doc = load("[store]\nsize = \"x\"\nnope = 1\n[[channel]]\nname = \"a\"\n");
  REQUIRE_FALSE(doc.ok());
  const std::string msg = doc.status().message();
  CHECK(std::count(msg.begin(), msg.end(), '\n') == 2);
}

TEST_CASE("parse_duration") {
  CHECK(parse_duration("250ms") == Duration{250});
  CHECK(parse_duration("30s") == Duration{30'000});
  CHECK(parse_duration("30") == Duration{30'000});
  CHECK(parse_duration("2h") == Duration{7'200'000});
  CHECK_FALSE(parse_duration("").has_value());
  CHECK_FALSE(parse_duration("1 minute").has_value());
  CHECK_FALSE(parse_duration("-5s").has_value());
}

TEST_CASE("relative paths and file: URLs resolve against the config file's folder") {
  Document doc;
  doc.set_base_dir("/etc/capcast");
  CHECK(doc.resolve_path("var/x.db") == "/etc/capcast/var/x.db");
  CHECK(doc.resolve_path("/abs/x.db") == "/abs/x.db");
  CHECK(doc.resolve_url("file:../samples/a.xml") == "file:///etc/samples/a.xml");
  CHECK(doc.resolve_url("file:///abs/a.xml") == "file:///abs/a.xml");
  CHECK(doc.resolve_url("https://h/a.xml") == "https://h/a.xml");
}

TEST_CASE("render_schema documents every key with type, default and help") {
  std::string doc = render_schema(test_schema());
  CHECK(doc.find("[store]") != std::string::npos);
  CHECK(doc.find("[[channel]]") != std::string::npos);
  CHECK(doc.find("every (duration, default \"60000ms\")") != std::string::npos);
  CHECK(doc.find("password (string, secret: use ${ENV_VAR})") != std::string::npos);
  CHECK(doc.find("when url has scheme \"mqtt\"") != std::string::npos);
}
