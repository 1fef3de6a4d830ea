// CAP to cell broadcast (dispatch/channels/cbs/): the message identifier of every line of the
// built-in profiles' tables, serial numbers across Alert/Update/Cancel, the data coding scheme
// per language, and the pages.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <vector>

#include "capcast/cap/parse.h"
#include "cbs/message_id.h"
#include "cbs/pages.h"
#include "cbs/plan.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch::cbs;

namespace {

cap::Alert alert_with(std::string status, std::string severity, std::string urgency,
                      std::string certainty, std::string event = "Flood",
                      std::vector<cap::ValuePair> codes = {},
                      std::vector<cap::ValuePair> parameters = {}) {
  cap::Alert a;
  a.identifier = "A-1";
  a.sender = "met@example.org";
  a.sent = "2030-01-01T00:00:00-00:00";
  a.status = std::move(status);
  a.msg_type = "Alert";
  a.scope = "Public";
  cap::Info i;
  i.language = "en-US";
  i.categories = {"Met"};
  i.event = std::move(event);
  i.severity = std::move(severity);
  i.urgency = std::move(urgency);
  i.certainty = std::move(certainty);
  i.event_codes = std::move(codes);
  i.parameters = std::move(parameters);
  i.headline = "Flood warning for the river valley";
  i.instruction = "Move to higher ground now.";
  a.infos.push_back(std::move(i));
  return a;
}

uint16_t id_of(const char* profile, const cap::Alert& a) {
  const Profile* p = builtin_profile(profile);
  REQUIRE(p != nullptr);
  const Rule* r = match(*p, a, a.infos.at(0));
  REQUIRE(r != nullptr);
  INFO(r->label);
  REQUIRE(r->broadcast);
  return r->message_id;
}

cap::Alert sample(const char* name) {
  auto xml = test::read_file(test::samples_dir() / name);
  auto a = cap::parse(xml);
  REQUIRE(a.ok());
  return a->alert;
}

PlanOptions options(const char* profile) {
  PlanOptions o;
  o.profile = builtin_profile(profile);
  return o;
}

}  // namespace

TEST_CASE("cbs: the WEA/CMAS table, line by line (TS 23.041 §9.4.1.2.2)") {
  // severity x urgency x certainty -> 4371..4378 (the identifiers' names in TS 23.041).
  using Row = std::tuple<const char*, const char*, const char*, uint16_t>;
  for (auto [sev, urg, cer, id] :
       {Row{"Extreme", "Immediate", "Observed", 4371}, Row{"Extreme", "Immediate", "Likely", 4372},
        Row{"Extreme", "Expected", "Observed", 4373}, Row{"Extreme", "Expected", "Likely", 4374},
        Row{"Severe", "Immediate", "Observed", 4375}, Row{"Severe", "Immediate", "Likely", 4376},
        Row{"Severe", "Expected", "Observed", 4377}, Row{"Severe", "Expected", "Likely", 4378},
        // Below the imminent-threat thresholds: Public Safety.
        Row{"Moderate", "Immediate", "Observed", 4396}, Row{"Extreme", "Future", "Observed", 4396},
        Row{"Extreme", "Immediate", "Possible", 4396},
        Row{"Unknown", "Unknown", "Unknown", 4396}}) {
    INFO(sev << "/" << urg << "/" << cer);
    CHECK(id_of("wea", alert_with("Actual", sev, urg, cer)) == id);
    CHECK(id_of("cmas", alert_with("Actual", sev, urg, cer)) == id);
  }
  CHECK(id_of("wea", alert_with("Actual", "Extreme", "Immediate", "Observed", "National",
                                {{"SAME", "EAN"}})) == 4370);
  CHECK(id_of("wea", alert_with("Actual", "Severe", "Immediate", "Likely", "Abduction",
                                {{"SAME", "CAE"}})) == 4379);
  CHECK(id_of("wea", alert_with("Actual", "Severe", "Immediate", "Likely", "Child Abduction")) ==
        4379);
  CHECK(id_of("wea", alert_with("Actual", "Severe", "Immediate", "Observed", "Test",
                                {{"SAME", "RMT"}})) == 4380);
  CHECK(id_of("wea", alert_with("Exercise", "Extreme", "Immediate", "Observed")) == 4381);
  // An exercise is never the real thing, whatever else it says.
  CHECK(id_of("wea", alert_with("Exercise", "Extreme", "Immediate", "Observed", "National",
                                {{"SAME", "EAN"}})) == 4381);
  CHECK(id_of("wea", alert_with("Test", "Extreme", "Immediate", "Observed")) == 4398);
  // IPAWS WEAHandling decides where the originator set it.
  CHECK(id_of("wea", alert_with("Actual", "Extreme", "Immediate", "Observed", "LAE", {},
                                {{"WEAHandling", "Public Safety"}})) == 4396);
  CHECK(id_of("wea", alert_with("Actual", "Minor", "Past", "Unlikely", "X", {},
                                {{"WEAHandling", "Presidential"}})) == 4370);
  CHECK(id_of("wea", alert_with("Actual", "Extreme", "Immediate", "Likely", "CEM", {},
                                {{"WEAHandling", "Imminent Threat"}})) == 4372);
  // System and Draft are not for the public.
  for (const char* status : {"System", "Draft"}) {
    auto a = alert_with(status, "Extreme", "Immediate", "Observed");
    const Rule* r = match(*builtin_profile("wea"), a, a.infos[0]);
    REQUIRE(r != nullptr);
    CHECK_FALSE(r->broadcast);
  }
}

TEST_CASE("cbs: the EU-Alert table, line by line (ETSI TS 102 900 levels)") {
  CHECK(id_of("eu-alert", alert_with("Actual", "Extreme", "Immediate", "Observed")) == 4371);
  CHECK(id_of("eu-alert", alert_with("Actual", "Extreme", "Immediate", "Likely")) == 4372);
  CHECK(id_of("eu-alert", alert_with("Actual", "Extreme", "Expected", "Observed")) == 4373);
  CHECK(id_of("eu-alert", alert_with("Actual", "Severe", "Expected", "Likely")) == 4378);
  CHECK(id_of("eu-alert", alert_with("Actual", "Moderate", "Expected", "Likely")) == 4396);
  CHECK(id_of("eu-alert", alert_with("Actual", "Minor", "Expected", "Likely")) == 6400);
  CHECK(id_of("eu-alert", alert_with("Test", "Minor", "Expected", "Likely")) == 4398);
  CHECK(id_of("eu-alert", alert_with("Exercise", "Extreme", "Immediate", "Observed")) == 4381);
  CHECK(id_of("eu-alert", alert_with("Actual", "Severe", "Immediate", "Likely", "Amber alert")) ==
        4379);
  // Level 1 (4370) is never chosen by the built-in table: a country configures its own rule.
  CHECK(id_of("eu-alert", alert_with("Actual", "Extreme", "Immediate", "Observed", "National",
                                     {{"SAME", "EAN"}})) == 4371);
}

TEST_CASE("cbs: ETWS for earthquake and tsunami (TS 23.041 §9.3.24)") {
  auto rule_of = [](const cap::Alert& a) {
    const Rule* r = match(*builtin_profile("etws"), a, a.infos[0]);
    REQUIRE(r != nullptr);
    return r;
  };
  auto eq = rule_of(alert_with("Actual", "Severe", "Immediate", "Observed", "Earthquake"));
  CHECK(eq->message_id == 4352);
  CHECK(eq->etws == EtwsWarningType::kEarthquake);
  auto ts = rule_of(alert_with("Actual", "Extreme", "Immediate", "Observed", "Tsunami Warning"));
  CHECK(ts->message_id == 4353);
  CHECK(ts->etws == EtwsWarningType::kTsunami);
  CHECK(rule_of(alert_with("Actual", "Extreme", "Immediate", "Observed", "x", {{"SAME", "TSW"}}))
            ->message_id == 4353);
  CHECK(rule_of(alert_with("Actual", "Extreme", "Immediate", "Observed", "Earthquake and Tsunami"))
            ->message_id == 4354);
  CHECK(rule_of(alert_with("Test", "Minor", "Future", "Possible", "Earthquake"))->message_id ==
        4355);
  // Not an earthquake or tsunami: the WEA table.
  CHECK(rule_of(alert_with("Actual", "Extreme", "Immediate", "Observed", "Flood"))->message_id ==
        4371);
}

TEST_CASE("cbs: real IPAWS alerts map as their WEAHandling and SAME codes say") {
  // FEMA's Required Monthly Test.
  auto rmt = sample("us-ipaws-fema-rmt-eas-blockchannel-signed.xml");
  CHECK(id_of("wea", rmt) == 4380);
  // Extreme/Immediate/Observed but WEAHandling "Public Safety": Public Safety, not 4371.
  auto lae = sample("us-ipaws-md-lae-polygon-wea-cmamtext-signed.xml");
  CHECK(id_of("wea", lae) == 4396);
  // WEAHandling "Imminent Threat", Extreme/Immediate/Observed: 4371, text from CMAMlongtext.
  auto cem = sample("us-ipaws-mi-cem-cmamlongtext-imminentthreat-signed.xml");
  CHECK(id_of("wea", cem) == 4371);
  auto p = plan(cem, IncidentState{}, options("wea"));
  REQUIRE(p.ok());
  REQUIRE(p->broadcasts.size() == 1);
  std::string longtext;
  for (const auto& v : cem.infos[0].parameters) {
    if (v.value_name == "CMAMlongtext") longtext = v.value;
  }
  REQUIRE_FALSE(longtext.empty());
  CHECK(p->broadcasts[0].text == longtext);
  CHECK(decode_pages(p->broadcasts[0].pages, p->broadcasts[0].dcs).value() == longtext);
}

TEST_CASE("cbs: each further language goes with the additional-language identifier") {
  // OASIS CAP 1.2 Appendix A.4: an AMBER alert in English and Spanish.
  auto amber = sample("oasis-spec-a4-amber-en-es-multilang.xml");
  auto p = plan(amber, IncidentState{7, -1, {}}, options("wea"));
  REQUIRE(p.ok());
  REQUIRE(p->broadcasts.size() == 2);
  CHECK(p->broadcasts[0].message_id == 4379);
  CHECK(p->broadcasts[0].language == "en");
  CHECK(p->broadcasts[0].dcs == 0x01);  // GSM 7-bit, English (TS 23.038 §5 group 0000)
  CHECK(p->broadcasts[1].message_id == 4392);
  CHECK(p->broadcasts[1].language == "es");
  // Both share the incident's serial: message code 7, update 0.
  for (const auto& b : p->broadcasts) {
    CHECK(b.serial == Serial{GeoScope::kPlmn, 7, 0});
    CHECK(b.operation == Operation::kWrite);
    CHECK(b.whole_network);
  }
  // The wea profile's primary language is English: listed second, it is still the primary.
  std::swap(amber.infos[0], amber.infos[1]);
  auto q = plan(amber, IncidentState{7, -1, {}}, options("wea"));
  REQUIRE(q.ok());
  CHECK(q->broadcasts[0].message_id == 4379);
  CHECK(q->broadcasts[0].language == "en");
  // EU-Info has no additional-language identifier: the second language is skipped, and said.
  auto info = alert_with("Actual", "Minor", "Expected", "Likely");
  info.infos.push_back(info.infos[0]);
  info.infos[1].language = "fr";
  auto e = plan(info, IncidentState{}, options("eu-alert"));
  REQUIRE(e.ok());
  CHECK(e->broadcasts.size() == 1);
  REQUIRE(e->notes.size() == 1);
  CHECK(e->notes[0].find("no additional-language identifier") != std::string::npos);
}

TEST_CASE("cbs: serial numbers across Alert, Update and Cancel (TS 23.041 §9.4.1.2.1)") {
  auto a = alert_with("Actual", "Severe", "Expected", "Likely");
  auto first = plan(a, IncidentState{513, -1, {}}, options("wea"));
  REQUIRE(first.ok());
  REQUIRE(first->broadcasts.size() == 1);
  const Broadcast& w = first->broadcasts[0];
  CHECK(w.operation == Operation::kWrite);
  CHECK(w.message_id == 4378);
  CHECK(w.serial.packed() == ((1u << 14) | (513u << 4) | 0u));
  CHECK(first->next.update_number == 0);
  REQUIRE(first->next.on_air.size() == 1);

  // An Update with the same identifier replaces it: update number + 1, old serial given.
  a.msg_type = "Update";
  a.infos[0].headline = "Flood warning extended";
  auto second = plan(a, first->next, options("wea"));
  REQUIRE(second.ok());
  REQUIRE(second->broadcasts.size() == 1);
  CHECK(second->broadcasts[0].operation == Operation::kReplace);
  CHECK(second->broadcasts[0].serial == Serial{GeoScope::kPlmn, 513, 1});
  CHECK(second->broadcasts[0].old_serial == Serial{GeoScope::kPlmn, 513, 0});

  // The update number wraps at 16.
  IncidentState at15 = second->next;
  at15.update_number = 15;
  auto wrapped = plan(a, at15, options("wea"));
  REQUIRE(wrapped.ok());
  CHECK(wrapped->broadcasts[0].serial.update_number == 0);

  // An Update that escalates to Extreme changes the identifier: kill the old, write the new.
  a.infos[0].severity = "Extreme";
  a.infos[0].urgency = "Immediate";
  a.infos[0].certainty = "Observed";
  auto third = plan(a, second->next, options("wea"));
  REQUIRE(third.ok());
  REQUIRE(third->broadcasts.size() == 2);
  CHECK(third->broadcasts[0].operation == Operation::kKill);
  CHECK(third->broadcasts[0].message_id == 4378);
  CHECK(third->broadcasts[0].old_serial == Serial{GeoScope::kPlmn, 513, 1});
  CHECK(third->broadcasts[1].operation == Operation::kWrite);
  CHECK(third->broadcasts[1].message_id == 4371);
  CHECK(third->broadcasts[1].serial == Serial{GeoScope::kPlmn, 513, 2});
  REQUIRE(third->next.on_air.size() == 1);
  CHECK(third->next.on_air[0].message_id == 4371);

  // A Cancel kills what is on air, with its current serial.
  cap::Alert cancel = a;
  cancel.msg_type = "Cancel";
  cancel.infos.clear();
  auto killed = plan(cancel, third->next, options("wea"));
  REQUIRE(killed.ok());
  REQUIRE(killed->broadcasts.size() == 1);
  CHECK(killed->broadcasts[0].operation == Operation::kKill);
  CHECK(killed->broadcasts[0].message_id == 4371);
  CHECK(killed->broadcasts[0].old_serial == Serial{GeoScope::kPlmn, 513, 2});
  CHECK(killed->next.on_air.empty());
  // Expiry does the same; a second Cancel finds nothing on air and says so.
  auto expired = plan(a, third->next, options("wea"), true);
  REQUIRE(expired.ok());
  CHECK(expired->broadcasts.size() == 1);
  auto again = plan(cancel, killed->next, options("wea"));
  REQUIRE(again.ok());
  CHECK(again->broadcasts.empty());
  CHECK_FALSE(again->notes.empty());
}

TEST_CASE("cbs: ETWS sends the primary notification, then the text, with the flags in the serial") {
  auto a = alert_with("Actual", "Severe", "Immediate", "Observed", "Earthquake");
  auto p = plan(a, IncidentState{5, -1, {}}, options("etws"));
  REQUIRE(p.ok());
  REQUIRE(p->broadcasts.size() == 2);
  CHECK(p->broadcasts[0].etws == Etws{EtwsWarningType::kEarthquake, true, true});
  CHECK(p->broadcasts[0].pages.empty());
  CHECK_FALSE(p->broadcasts[1].etws);
  CHECK_FALSE(p->broadcasts[1].pages.empty());
  // TS 23.041 §9.4.1.2.1: for ETWS, message code bit 9 = emergency user alert, bit 8 = popup.
  CHECK(p->broadcasts[0].serial.message_code == (0x300 | 5));
  CHECK((p->broadcasts[0].serial.packed() & 0x3000) == 0x3000);
  CHECK(p->broadcasts[1].serial == p->broadcasts[0].serial);
}

TEST_CASE("cbs: what is not broadcast says why") {
  auto sys = alert_with("System", "Extreme", "Immediate", "Observed");
  auto p = plan(sys, IncidentState{}, options("wea"));
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message().find("System or Draft") != std::string::npos);
  auto ack = alert_with("Actual", "Extreme", "Immediate", "Observed");
  ack.msg_type = "Ack";
  CHECK_FALSE(plan(ack, IncidentState{}, options("wea")).ok());
  PlanOptions none = options("wea");
  none.cells = [](const cap::Alert&) { return Result<std::vector<CellId>>(std::vector<CellId>{}); };
  auto nocell =
      plan(alert_with("Actual", "Extreme", "Immediate", "Observed"), IncidentState{}, none);
  REQUIRE_FALSE(nocell.ok());
  INFO(nocell.status().message());
  CHECK(nocell.status().message().find("reach no cell") != std::string::npos);
  // The selector's cells go into every message.
  PlanOptions some = options("wea");
  some.cells = [](const cap::Alert&) {
    return Result<std::vector<CellId>>(std::vector<CellId>{{262, 1, false, 100, 7}});
  };
  auto celled =
      plan(alert_with("Actual", "Extreme", "Immediate", "Observed"), IncidentState{}, some);
  REQUIRE(celled.ok());
  CHECK_FALSE(celled->broadcasts[0].whole_network);
  CHECK(celled->broadcasts[0].cells == std::vector<CellId>{{262, 1, false, 100, 7}});
}

TEST_CASE("cbs: the data coding scheme per language (TS 23.038 §5)") {
  using E = cap::Encoding;
  CHECK(coding_for("de-DE", E::kGsm7).dcs == 0x00);
  CHECK(coding_for("en-US", E::kGsm7).dcs == 0x01);
  CHECK(coding_for("EN", E::kGsm7).dcs == 0x01);
  CHECK(coding_for("pl", E::kGsm7).dcs == 0x0E);
  CHECK(coding_for("cs", E::kGsm7).dcs == 0x20);
  CHECK(coding_for("is", E::kGsm7).dcs == 0x24);
  CHECK(coding_for("", E::kGsm7).dcs == 0x0F);
  auto tl = coding_for("tl", E::kGsm7);  // Tagalog: no code in the DCS, so in the text
  CHECK(tl.dcs == 0x10);
  CHECK(tl.where == cap::CbsLanguage::kInText);
  CHECK(tl.language == "tl");
  CHECK(coding_for("dv", E::kUcs2).dcs == 0x11);
  CHECK(coding_for("", E::kUcs2).dcs == 0x48);
}

TEST_CASE("cbs: pages are 82 octets, CR-padded, and decode back to the text") {
  for (auto [text, lang, dcs, npages] :
       {std::tuple<std::string, std::string, uint8_t, size_t>{"Hello", "en", 0x01, 1},
        {std::string(93, 'x'), "en", 0x01, 1},
        {std::string(94, 'x'), "en", 0x01, 2},
        {std::string(90, 'y'), "tl", 0x10, 1},  // 3 septets of "tl<CR>" on each page
        {std::string(91, 'y'), "tl", 0x10, 2},
        {"Evacuate [now] {zone 3}", "fr", 0x03, 1},
        {"Баха: эвакуация", "ru", 0x11, 1},  // Cyrillic is UCS-2: language in the text
        {std::string(40 * 2, 'a') + "Ж", "ru", 0x11, 3},
        {"Flood 🌊 warning", "", 0x48, 1}}) {
    INFO(text << " " << lang);
    auto p = encode_pages(text, lang);
    REQUIRE(p.ok());
    CHECK(p->coding.dcs == dcs);
    CHECK(p->pages.size() == npages);
    for (const auto& page : p->pages)
      CHECK(page.size() == kPageOctets);
    auto back = decode_pages(p->pages, p->coding.dcs);
    REQUIRE(back.ok());
    CHECK(*back == text);
  }
  // GSM 7-bit padding is CR: "Hello" + 88 CRs packed; the last octet's 7th septet bits say CR.
  auto hello = encode_pages("Hello", "en");
  REQUIRE(hello.ok());
  CHECK(hello->page_used[0] == 5);    // ceil(5 * 7 / 8)
  CHECK(hello->pages[0][0] == 0xC8);  // 'H' = 0x48 packed
  // 15 pages at most: a longer text is refused by encode_pages, and cut by plan().
  CHECK_FALSE(encode_pages(std::string(93 * 15 + 1, 'z'), "en").ok());
  auto a = alert_with("Actual", "Extreme", "Immediate", "Observed");
  std::string words;
  while (words.size() < 3000)
    words += "water rising ";
  a.infos[0].instruction = words;
  auto p = plan(a, IncidentState{}, options("eu-alert"));
  REQUIRE(p.ok());
  CHECK(p->broadcasts[0].pages.size() == kMaxPages);
  CHECK(p->broadcasts[0].text.ends_with("..."));
  CHECK_FALSE(p->notes.empty());
  // WEA carries 360 characters at most (47 CFR §10.430): the wea profile cuts there.
  auto w = plan(a, IncidentState{}, options("wea"));
  REQUIRE(w.ok());
  CHECK(cap::decode_utf8(w->broadcasts[0].text)->size() <= 360);
  CHECK(cap::decode_utf8(w->broadcasts[0].text)->size() > 300);
  CHECK(w->broadcasts[0].text.ends_with("..."));
}

TEST_CASE("cbs: broadcast_text prefers CMAMlongtext, then CMAMtext, then headline + instruction") {
  cap::Info i;
  i.event = "Flood";
  CHECK(broadcast_text(i, 0) == "Flood");
  i.headline = "Flood warning";
  CHECK(broadcast_text(i, 0) == "Flood warning");
  i.description = "The river rises.";
  CHECK(broadcast_text(i, 0) == "Flood warning\nThe river rises.");
  i.instruction = "Leave now.";
  CHECK(broadcast_text(i, 0) == "Flood warning\nLeave now.");
  i.parameters.push_back({"CMAMtext", "Short text"});
  CHECK(broadcast_text(i, 0) == "Short text");
  i.parameters.push_back({"CMAMlongtext", "Long text here"});
  CHECK(broadcast_text(i, 0) == "Long text here");
  // Cut at a word boundary, with "...", within the limit.
  CHECK(broadcast_text(i, 12) == "Long text...");
  CHECK(broadcast_text(i, 0).size() == 14);
}
