// The SMS text of a CAP alert (dispatch/channels/sms/text.h): the <info> chosen for a language,
// the IPAWS CMAM texts, fitting to a number of SMS parts with the link kept, and the prefixes
// that keep an update, a cancellation, an exercise or a test from reading as a new warning.
#include <catch2/catch.hpp>

#include <string>

#include "capcast/cap/parse.h"
#include "sms/text.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch::sms;

namespace {

cap::Alert sample(const std::string& name) {
  auto parsed = cap::parse(test::read_file(test::samples_dir() / name));
  INFO(name << ": " << parsed.status().to_string());
  REQUIRE(parsed.ok());
  return parsed->alert;
}

cap::Info info(std::optional<std::string> language, std::string headline,
               std::optional<std::string> instruction = std::nullopt,
               std::optional<std::string> web = std::nullopt) {
  cap::Info i;
  i.language = std::move(language);
  i.event = "Flood";
  i.headline = std::move(headline);
  i.instruction = std::move(instruction);
  i.web = std::move(web);
  return i;
}

cap::Alert alert(std::vector<cap::Info> infos, std::string status = "Actual",
                 std::string msg_type = "Alert") {
  cap::Alert a;
  a.identifier = "A-1";
  a.sender = "met@example.org";
  a.sent = "2030-01-01T00:00:00-00:00";
  a.status = std::move(status);
  a.msg_type = std::move(msg_type);
  a.scope = "Public";
  a.infos = std::move(infos);
  return a;
}

SmsText text_of(const cap::Alert& a, const TextOptions& o = {}) {
  auto r = sms_text(a, o);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

std::string words(size_t n, const std::string& word = "word") {
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += (i ? " " : "") + word;
  return s;
}

}  // namespace

TEST_CASE("the <info> for a language: exact, prefix, primary subtag, default, first") {
  const cap::Alert amber = sample("oasis-spec-a4-amber-en-es-multilang.xml");  // en-US, es-US
  CHECK(select_info(amber, "es") == 1u);
  CHECK(select_info(amber, "en") == 0u);
  CHECK(select_info(amber, "ES-us") == 1u);  // RFC 5646 §2.1.1: case-insensitive
  CHECK(select_info(amber, "es-MX") == 1u);  // the same primary subtag
  CHECK(select_info(amber, "fr", "es") == 1u);
  CHECK(select_info(amber, "fr") == 0u);
  CHECK(select_info(amber, "") == 0u);

  // An exact tag wins over a prefix match, a prefix match over a primary-subtag match.
  const cap::Alert a = alert({info("en-GB", "gb"), info("en-US", "us"), info("en", "en")});
  CHECK(select_info(a, "en") == 2u);
  CHECK(select_info(a, "en-US") == 1u);
  CHECK(select_info(a, "en-AU") == 0u);
  CHECK(select_info(alert({info("fr", "f"), info("en-US", "e")}), "en") == 1u);
  // CAP 1.2 §3.2.2: no <language> is en-US.
  CHECK(select_info(alert({info("tl", "t"), info(std::nullopt, "e")}), "en-us") == 1u);
  CHECK(select_info(alert({}), "en") == std::nullopt);

  TextOptions o;
  o.language = "es";
  const SmsText es = text_of(amber, o);
  CHECK(es.info_index == 1);
  CHECK(es.text == "Alerta Amber en el condado de Los \u00C1ngeles");
  CHECK(es.encoding == cap::Encoding::kUcs2);  // Á is not in GSM 7-bit
  CHECK(es.segments == 1);
  CHECK_FALSE(es.truncated);
}

TEST_CASE("IPAWS CMAMlongtext when it fits, else CMAMtext") {
  const cap::Alert mi = sample("us-ipaws-mi-cem-cmamlongtext-imminentthreat-signed.xml");
  const SmsText longer = text_of(mi);
  CHECK(longer.source == TextSource::kCmamLongText);
  CHECK(longer.text.rfind("From the Governor's Office: The State of Michigan has extended", 0) ==
        0);
  CHECK(longer.segments == 2);
  CHECK_FALSE(longer.truncated);

  TextOptions one;
  one.max_segments = 1;
  const SmsText shorter = text_of(mi, one);
  CHECK(shorter.source == TextSource::kCmamText);
  // Its double space squeezed; no link added to a WEA text.
  CHECK(shorter.text ==
        "Stay Home order extended to 5/15. Some restrictions lifted. www.michigan.gov/coronvirus");
  CHECK(shorter.segments == 1);

  const SmsText md = text_of(sample("us-ipaws-md-lae-polygon-wea-cmamtext-signed.xml"));
  CHECK(md.source == TextSource::kCmamText);
  CHECK(md.text ==
        "Police looking for white male/black long coat near Rockville theater. Call 911 if seen.");

  TextOptions no_cmam;
  no_cmam.use_cmam = false;
  const SmsText headline = text_of(mi, no_cmam);
  CHECK(headline.source == TextSource::kHeadline);
  CHECK(headline.text == "IPAWS Message - MI Stay Home Stay Safe Extension 5/15");

  // A CMAM text that fits nowhere is cut like any other.
  cap::Info i = info("en-US", "h");
  i.parameters.push_back({"CMAMtext", words(40)});  // 199 characters
  const SmsText cut = text_of(alert({i}), one);
  CHECK(cut.source == TextSource::kCmamText);
  CHECK(cut.truncated);
  CHECK(cut.text == words(31) + "...");  // 31 * 5 - 1 + 3 = 157 septets; 32 words need 162
}

TEST_CASE("headline, instruction and link, cut at a word boundary to the budget") {
  const std::string link = "https://example.org/a/1";  // 23 characters
  const cap::Alert a = alert({info("en", "H", words(100), link)});
  TextOptions o;
  o.max_segments = 1;
  const SmsText t = text_of(a, o);
  // 2 ("H\n") + 26 words (129) + 3 + 1 + 23 = 158 septets; 27 words make 163.
  CHECK(t.text == "H\n" + words(26) + "...\n" + link);
  CHECK(t.truncated);
  CHECK(t.segments == 1);
  CHECK(t.source == TextSource::kHeadline);

  // Whole when it fits: lines of their own, whitespace squeezed.
  const SmsText whole = text_of(alert({info("en", "  Flood\n warning ", "Go   up.", link)}));
  CHECK(whole.text == "Flood warning\nGo up.\n" + link);
  CHECK_FALSE(whole.truncated);

  // UCS-2 counts UTF-16 units: 70 in one SMS. 11 words of 5 letters (65) + 3 = 68; 12 make 74.
  const SmsText ru = text_of(alert({info("ru", words(30, "\u0441\u043B\u043E\u0432\u043E"))}), o);
  CHECK(ru.text == words(11, "\u0441\u043B\u043E\u0432\u043E") + "...");
  CHECK(ru.encoding == cap::Encoding::kUcs2);

  // The default budget of 3 parts (3 * 153 septets).
  const SmsText three = text_of(a);
  CHECK(three.segments == 3);
  CHECK(three.text.size() <= 3 * 153);
  CHECK(three.text.size() > 3 * 153 - 5);  // one more word would not fit

  // No dangling comma before the ellipsis.
  const SmsText comma =
      text_of(alert({info("en", words(30) + ", " + std::string(20, 'y') + " end")}), o);
  CHECK(comma.text == words(30) + "...");
}

TEST_CASE("the link is never cut") {
  TextOptions o;
  o.max_segments = 1;
  const std::string link = "https://example.org/" + std::string(130, 'x');  // 150 characters
  const SmsText t = text_of(alert({info("en", "Hh", words(50), link)}), o);
  CHECK(t.text == "Hh...\n" + link);  // 2 + 3 + 1 + 150 = 156

  const std::string huge = "https://example.org/" + std::string(140, 'x');  // 160 characters
  auto r = sms_text(alert({info("en", "H", words(50), huge)}), o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);

  // A link from the template, with the identifier percent-encoded, when there is no <web>.
  cap::Alert a = alert({info("en", "H")});
  a.identifier = "id 1/2";
  TextOptions templated;
  templated.url_template = "https://alerts.example.org/a/{identifier}";
  CHECK(text_of(a, templated).text == "H\nhttps://alerts.example.org/a/id%201%2F2");
}

TEST_CASE("a single word too long is cut between characters") {
  TextOptions o;
  o.max_segments = 1;
  const SmsText t = text_of(alert({info("en", std::string(300, 'x'))}), o);
  CHECK(t.text == std::string(157, 'x') + "...");
  CHECK(t.truncated);
}

TEST_CASE("prefixes for Update, Cancel, Exercise and Test") {
  const cap::Info i = info("en", "River flood");
  CHECK(text_of(alert({i}, "Actual", "Update")).text == "UPDATE: River flood");
  CHECK(text_of(alert({i}, "Actual", "Cancel")).text == "CANCELLED: River flood");
  CHECK(text_of(alert({i}, "Exercise")).text == "EXERCISE: River flood");
  CHECK(text_of(alert({i}, "Test", "Update")).text == "TEST: UPDATE: River flood");
  CHECK(text_of(alert({i}, "Actual")).text == "River flood");

  // A truncated test keeps its prefix, and a CMAM text gets one too.
  TextOptions one;
  one.max_segments = 1;
  const SmsText cut = text_of(alert({info("en", words(60))}, "Test"), one);
  CHECK(cut.text == "TEST: " + words(30) + "...");  // 6 + 149 + 3 = 158
  cap::Info wea = info("en-US", "h");
  wea.parameters.push_back({"CMAMtext", "Evacuate now."});
  CHECK(text_of(alert({wea}, "Exercise", "Update")).text == "EXERCISE: UPDATE: Evacuate now.");

  const SmsText ph = text_of(sample("ph-pagasa-sambro-exercise-en-tl-multilang.xml"));
  // Whitespace squeezed (CR LF, tab). Any cut after the first "≥" would be UCS-2 and need more
  // than 3 parts, so the longest cut that fits stops before it, in GSM 7-bit.
  CHECK(ph.text ==
        "EXERCISE: Tropical Cyclone Dodong Warning\n\"Alert\" means you should prepared and be "
        "vigiland observing the situation. \"Warning\" means you should secure your home and seek "
        "immediate shelter. Tropical Cyclone "
        "5...\nhttp://web.pagasa.dost.gov.ph/#weather-advisories");
  CHECK(ph.encoding == cap::Encoding::kGsm7);
  CHECK(ph.segments == 2);
  CHECK(ph.truncated);

  auto ack = sms_text(alert({i}, "Actual", "Ack"));
  CHECK(ack.status().code() == Code::kInvalidArgument);
  TextOptions silent;
  silent.test_prefix = "";
  CHECK(sms_text(alert({i}, "Test"), silent).status().code() == Code::kInvalidArgument);
  CHECK(sms_text(alert({}, "Actual", "Cancel")).status().code() == Code::kNotFound);
}

TEST_CASE("the event stands in for a missing headline") {
  cap::Info i = info("en", "");
  i.headline.reset();
  CHECK(text_of(alert({i})).text == "Flood");
}
