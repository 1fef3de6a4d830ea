#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "capcast/cap/parse.h"
#include "capcast/cap/safe_xml.h"
#include "capcast/cap/serialize.h"
#include "capcast/cap/validate.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::cap;

namespace {

std::string minimal(std::string_view ns, const std::string& extra_info = "") {
  return std::string("<alert xmlns=\"") + std::string(ns) +
         "\"><identifier>X-1</identifier><sender>s@example.org</sender>"
         "<sent>2024-01-01T00:00:00-00:00</sent><status>Actual</status><msgType>Alert</msgType>"
         "<scope>Public</scope><info><category>Met</category><event>Storm</event>"
         "<urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>" +
         extra_info + "</info></alert>";
}

}  // namespace

TEST_CASE("every bundled real-world sample parses into the model") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    INFO(e.path().filename().string());
    auto p = parse(test::read_file(e.path()));
    REQUIRE(p.ok());
    CHECK(p->version == Version::kCap12);
    CHECK_FALSE(p->alert.identifier.empty());
    CHECK_FALSE(p->alert.sender.empty());
    CHECK_FALSE(p->alert.sent.empty());
    CHECK_FALSE(p->alert.status.empty());
    CHECK_FALSE(p->alert.msg_type.empty());
    ++n;
  }
  CHECK(n == 19);
}

TEST_CASE("the OASIS A.3 example is read element by element") {
  auto p =
      parse(test::read_file(test::samples_dir() / "oasis-spec-a3-earthquake-update-circle.xml"));
  REQUIRE(p.ok());
  const Alert& a = p->alert;
  CHECK(a.identifier == "TRI13970876.2");
  CHECK(a.sender == "trinet@caltech.edu");
  CHECK(a.sent == "2003-06-11T20:56:00-07:00");
  CHECK(a.msg_type == "Update");
  REQUIRE(a.references);
  CHECK(*a.references == "trinet@caltech.edu,TRI13970876.1,2003-06-11T20:30:00-07:00");
  REQUIRE(a.infos.size() == 1);
  CHECK(a.infos[0].categories == std::vector<std::string>{"Geo"});
  REQUIRE(a.infos[0].areas.size() == 1);
  CHECK(a.infos[0].areas[0].circles == std::vector<std::string>{"32.9525,-115.5527 0"});
  CHECK_FALSE(a.signature_xml.has_value());
}

TEST_CASE("a cap: prefixed document parses like an unprefixed one") {
  auto p = parse(test::read_file(test::samples_dir() / "au-nsw-rfs-fire-capau-prefixed.xml"));
  REQUIRE(p.ok());
  CHECK(p->alert.sender == "webmaster@rfs.nsw.gov.au");
  REQUIRE(p->alert.infos.size() == 2);
  size_t circles = 0;
  for (const auto& info : p->alert.infos) {
    for (const auto& area : info.areas)
      circles += area.circles.size();
  }
  CHECK(circles == 2);
}

TEST_CASE("an ISO-8859-1 document is converted to UTF-8") {
  auto p = parse(
      test::read_file(test::samples_dir() / "us-usgs-earthquake-circle-signed-iso8859-1.xml"));
  REQUIRE(p.ok());
  REQUIRE(p->alert.infos[0].headline);
  // "Usulután": á is 0xE1 in the file and C3 A1 in UTF-8.
  CHECK(p->alert.infos[0].headline->find("Usulut\xC3\xA1n") != std::string::npos);
}

TEST_CASE("an enveloped signature is kept byte for byte") {
  std::string xml =
      test::read_file(test::samples_dir() / "us-ipaws-nv-cancel-references-signed.xml");
  auto p = parse(xml);
  REQUIRE(p.ok());
  REQUIRE(p->alert.signature_xml);
  const std::string& sig = *p->alert.signature_xml;
  CHECK(sig.rfind("<ds:Signature", 0) == 0);
  CHECK(sig.substr(sig.size() - 15) == "</ds:Signature>");
  CHECK(xml.find(sig) != std::string::npos);
}

TEST_CASE("multi-language alerts keep every info block") {
  auto p = parse(test::read_file(test::samples_dir() / "oasis-spec-a4-amber-en-es-multilang.xml"));
  REQUIRE(p.ok());
  REQUIRE(p->alert.infos.size() == 2);
  CHECK(p->alert.infos[1].language == std::optional<std::string>("es-US"));
}

TEST_CASE("the XXE sample is refused for its DOCTYPE, with its line") {
  auto p = parse(test::read_file(test::source_dir() /
                                 "tests/data/cap/negative/xxe-external-entity-attack.xml"));
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == Code::kParseError);
  CHECK(p.status().message().find("line 3") != std::string::npos);
  CHECK(p.status().message().find("DOCTYPE is not allowed") != std::string::npos);
}

TEST_CASE("a billion-laughs document is refused at once") {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    doc += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      doc += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    doc += "\">\n";
  }
  doc += "]>\n<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">&lol9;</alert>";
  auto p = parse(doc);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message().find("DOCTYPE is not allowed") != std::string::npos);
}

TEST_CASE("size and depth limits") {
  ParseOptions small;
  small.max_bytes = 100;
  auto big = parse(minimal(kNs12), small);
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().message().find("over the limit of 100") != std::string::npos);

  std::string deep = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">";
  for (int i = 0; i < 100'000; ++i)
    deep += "<a>";
  for (int i = 0; i < 100'000; ++i)
    deep += "</a>";
  deep += "</alert>";
  auto d = parse(deep);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find("nested deeper than 32") != std::string::npos);
}

TEST_CASE("malformed XML is reported with line and column") {
  auto p = parse(
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n  <sender>a</sendr>\n</alert>");
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message().rfind("line 2, column", 0) == 0);
  CHECK(p.status().message().find("not well-formed") != std::string::npos);
}

TEST_CASE("a document that is not CAP is refused with what was found") {
  auto wrong_root = parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>");
  REQUIRE_FALSE(wrong_root.ok());
  CHECK(wrong_root.status().message().find("root element is <feed>") != std::string::npos);
  auto wrong_ns = parse("<alert xmlns=\"urn:example\"/>");
  REQUIRE_FALSE(wrong_ns.ok());
  CHECK(wrong_ns.status().message().find("not in a CAP namespace (got \"urn:example\"") !=
        std::string::npos);
  auto latin2 = parse("<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?><alert/>");
  REQUIRE_FALSE(latin2.ok());
  CHECK(latin2.status().message().find("unsupported encoding \"iso-8859-2\"") != std::string::npos);
}

TEST_CASE("CAP 1.1 and 1.0 documents are upgraded, and the changes recorded") {
  auto v11 = parse(minimal(kNs11));
  REQUIRE(v11.ok());
  CHECK(v11->version == Version::kCap11);
  CHECK(v11->upgrade_notes == std::vector<std::string>{"namespace CAP 1.1 -> CAP 1.2"});

  std::string v10doc = minimal(kNs10, "<parameter>WEAHandling=Imminent Threat</parameter>");
  v10doc.replace(v10doc.find("<certainty>Likely"), 17, "<certainty>Very Likely");
  v10doc.replace(v10doc.find("<scope>"), 0, "<password>secret</password>");
  auto v10 = parse(v10doc);
  REQUIRE(v10.ok());
  CHECK(v10->version == Version::kCap10);
  const auto& info = v10->alert.infos[0];
  CHECK(info.certainty == "Likely");
  REQUIRE(info.parameters.size() == 1);
  CHECK(info.parameters[0].value_name == "WEAHandling");
  CHECK(info.parameters[0].value == "Imminent Threat");
  CHECK(v10->upgrade_notes.size() == 4);
}

TEST_CASE("empty optional elements stay distinct from absent ones") {
  auto p = parse(
      test::read_file(test::samples_dir() / "ca-eccc-naads-snowfall-update-signed-bilingual.xml"));
  REQUIRE(p.ok());
  REQUIRE(p->alert.restriction.has_value());
  CHECK(p->alert.restriction->empty());
  REQUIRE(p->alert.addresses.has_value());
  CHECK(p->alert.addresses->empty());
  REQUIRE(p->alert.incidents.has_value());
  auto oasis =
      parse(test::read_file(test::samples_dir() / "oasis-spec-a3-earthquake-update-circle.xml"));
  REQUIRE(oasis.ok());
  CHECK_FALSE(oasis->alert.restriction.has_value());
  CHECK_FALSE(oasis->alert.incidents.has_value());
}

TEST_CASE("what pugixml would let through that XML 1.0 forbids is refused, with its line") {
  const std::string head = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n";
  auto undeclared = parse(head + "<note>caf&eacute;</note></alert>");
  REQUIRE_FALSE(undeclared.ok());
  CHECK(undeclared.status().message().rfind("line 2, column 10: not well-formed XML: undeclared "
                                            "entity &eacute;",
                                            0) == 0);
  auto lt_in_attribute = parse(head + "<note a=\"x<y\">n</note></alert>");
  REQUIRE_FALSE(lt_in_attribute.ok());
  CHECK(lt_in_attribute.status().message().find("'<' inside an attribute value") !=
        std::string::npos);
  auto bad_utf8 = parse(head + "<note>\xC3\x28</note></alert>");
  REQUIRE_FALSE(bad_utf8.ok());
  CHECK(bad_utf8.status().message().find("invalid UTF-8") != std::string::npos);
  auto lone_amp = parse(head + "<note>salt & pepper</note></alert>");
  REQUIRE_FALSE(lone_amp.ok());
  // Character references, the predefined entities, CDATA and comments stay fine.
  auto fine = parse(head +
                    "<note a=\"&quot;&#x41;\">&lt;&#65;&amp;<![CDATA[& <]]><!-- & < --></note>"
                    "</alert>");
  REQUIRE(fine.ok());
  CHECK(fine->alert.note == std::optional<std::string>("<A&& <"));
}

TEST_CASE("element_end skips comments, CDATA, quoted '>' and nested elements") {
  std::string x = "<a x=\"/>\"><!-- </a> --><![CDATA[</a>]]><a/><b>t</b></a>tail";
  CHECK(element_end(x, 0) == x.size() - 4);
  std::string self = "<ds:Signature Id='s' />rest";
  CHECK(element_end(self, 0) == self.size() - 4);
  CHECK(element_end("<a><b></a", 0) == std::string_view::npos);
}

TEST_CASE("a signature whose prefix is declared on <alert> round-trips, still declared") {
  std::string xml =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\" "
      "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><identifier>I</identifier>"
      "<sender>S</sender><sent>2024-01-01T00:00:00-00:00</sent><status>Actual</status>"
      "<msgType>Alert</msgType><scope>Public</scope>"
      "<ds:Signature><ds:SignedInfo/><!-- </ds:Signature> --></ds:Signature></alert>";
  auto p = parse(xml);
  REQUIRE(p.ok());
  REQUIRE(p->alert.signature_xml);
  CHECK(*p->alert.signature_xml ==
        "<ds:Signature><ds:SignedInfo/><!-- </ds:Signature> --></ds:Signature>");
  REQUIRE(p->alert.signature_namespaces.size() == 1);
  CHECK(p->alert.signature_namespaces[0].value_name == "ds");
  std::string out = serialize(p->alert);
  CHECK(out.find("xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"") != std::string::npos);
  auto back = parse(out);
  REQUIRE(back.ok());
  CHECK(back->alert == p->alert);
}

TEST_CASE("a signature's prefixes must be declared: exactly the ones used are inherited") {
  // Namespaces in XML 1.0 §5 (Prefix Declared). A fuzz finding: a prefix used inside the
  // signature but declared nowhere was kept, and serialize() wrote XML that is not
  // namespace-well-formed (tests/fuzz/regressions/roundtrip-signature-undeclared-prefix.xml).
  const std::string head =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\" xmlns:ds=\"urn:ds\" "
      "xmlns:dsx=\"urn:dsx\" xmlns:u=\"urn:u\"><identifier>I</identifier>"
      "<sender>S</sender><sent>2024-01-01T00:00:00-00:00</sent><status>Actual</status>"
      "<msgType>Alert</msgType><scope>Public</scope>";
  auto undeclared = parse(head + "<ds:Signature><dsasr:T/></ds:Signature></alert>");
  REQUIRE_FALSE(undeclared.ok());
  CHECK(undeclared.status().message().find("namespace prefix \"dsasr\" is not declared") !=
        std::string::npos);
  CHECK(undeclared.status().message().find("line 1, column") != std::string::npos);
  auto bad_attr = parse(head + "<ds:Signature q:a=\"1\"/></alert>");
  REQUIRE_FALSE(bad_attr.ok());
  CHECK(bad_attr.status().message().find("attribute q:a") != std::string::npos);

  // "dsx" is only a longer name that starts like "ds"; "u" appears in text only; "y" is
  // declared inside the signature. Only "ds" (an element) and "dsx" (an attribute) come from
  // <alert>. The old substring search inherited "u" and "y" too, and missed nothing else.
  auto p = parse(head +
                 "<ds:Signature dsx:id=\"a\"><y:K xmlns:y=\"urn:y\">u:v ds:</y:K>"
                 "<ds:V xml:lang=\"en\"/></ds:Signature></alert>");
  REQUIRE(p.ok());
  std::vector<std::string> names;
  for (const auto& ns : p->alert.signature_namespaces)
    names.push_back(ns.value_name + "=" + ns.value);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"ds=urn:ds", "dsx=urn:dsx"});
  auto back = parse(serialize(p->alert));
  REQUIRE(back.ok());
  CHECK(back->alert == p->alert);
}

TEST_CASE("character references must name legal XML characters") {
  const std::string head = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><note>";
  for (const char* bad : {"&#xD800;", "&#1;", "&#x110000;", "&#xFFFE;", "&#0;"}) {
    INFO(bad);
    auto p = parse(head + bad + "</note></alert>");
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find("names no legal XML character") != std::string::npos);
  }
  auto ok = parse(head + "&#x9;&#xA;&#xD;&#x20AC;&#x1F600;</note></alert>");
  CHECK(ok.ok());
}

TEST_CASE("raw control characters are refused wherever they are, TAB, LF and CR kept") {
  // A valid sample, so that the one-pass path would take it but for the control character.
  const std::string good =
      test::read_file(test::samples_dir() / "oasis-spec-a3-earthquake-update-circle.xml");
  REQUIRE(parse(good).ok());
  for (std::string at : {"<headline>", "<identifier>", "<areaDesc>"}) {
    for (char c : {'\x01', '\x1b', '\x0b', '\x7f' /* DEL is a legal Char */}) {
      std::string doc = good;
      doc.insert(doc.find(at) + at.size(), 1, c);
      auto p = parse(doc);
      INFO(at << " " << static_cast<int>(c));
      if (c == '\x7f') {
        CHECK(p.ok());
        continue;
      }
      REQUIRE_FALSE(p.ok());
      CHECK_THAT(p.status().message(), Catch::Contains("control character U+00"));
      CHECK_THAT(p.status().message(), Catch::Contains("line "));
      auto report = validate(doc);  // validate() says the same through its own entry
      CHECK_FALSE(report.parsed);
      REQUIRE(report.findings.size() == 1);
      CHECK(report.findings[0].rule == "xml");
      CHECK_THAT(report.findings[0].message, Catch::Contains("control character U+00"));
    }
  }
  std::string tabs = good;
  tabs.insert(tabs.find("<headline>") + 10, "\t\r\n");
  CHECK(parse(tabs).ok());
}

// A schema-valid CAP 1.2 document in the plain form takes parse()'s one-pass fast path
// (cap/src/fast_parse.h); a comment anywhere sends the same document down the general path
// (pugixml, build, check_schema). Both must give the same model, and validate() the same
// findings.
TEST_CASE("the one-pass path and the general path read plain documents alike") {
  const std::string plain_info =
      "<audience> \t\n </audience>"  // whitespace only: read as empty
      "<headline>  Storm &amp; &lt;wind&gt; &quot;now&quot; &apos;here&apos;  </headline>"
      "<description>Tempête, Unwetter\tim Süden</description>"
      "<area><areaDesc>Coast</areaDesc><polygon>1,1 1,2 2,2 2,1 1,1</polygon>"
      "<geocode><valueName>g</valueName><value></value></geocode></area>";
  std::string unprefixed = minimal(kNs12, plain_info);
  std::string prefixed;
  for (size_t k = 0; k < unprefixed.size(); ++k) {
    prefixed += unprefixed[k];
    if (unprefixed[k] != '<') continue;
    if (unprefixed[k + 1] == '/') prefixed += unprefixed[++k];
    prefixed += "cap:";
  }
  prefixed.replace(prefixed.find("xmlns="), 6, "xmlns:cap=");
  for (const std::string& xml : {unprefixed, prefixed}) {
    INFO(xml);
    std::string general = xml;
    general.insert(general.find("info>") + 5, "<!-- general path -->");
    auto fast = parse(xml);
    auto slow = parse(general);
    REQUIRE(fast.ok());
    REQUIRE(slow.ok());
    CHECK(fast->alert == slow->alert);
    const Info& i = fast->alert.infos.at(0);
    CHECK(i.audience == std::optional<std::string>(""));
    CHECK(i.headline == std::optional<std::string>("  Storm & <wind> \"now\" 'here'  "));
    CHECK(i.description == std::optional<std::string>("Tempête, Unwetter\tim Süden"));
    REQUIRE(i.areas.size() == 1);
    CHECK(i.areas[0].geocodes == std::vector<ValuePair>{{"g", ""}});
    auto report = validate(xml), general_report = validate(general);
    REQUIRE(report.findings.size() == general_report.findings.size());
    for (size_t k = 0; k < report.findings.size(); ++k) {
      CHECK(report.findings[k].path == general_report.findings[k].path);
      CHECK(report.findings[k].rule == general_report.findings[k].rule);
      CHECK(report.findings[k].message == general_report.findings[k].message);
    }
  }
}
