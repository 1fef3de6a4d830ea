// cap/signature.h: signing and verifying alerts. Keys and certificates are made by the test with
// the openssl command line; the signatures sign() makes are also checked by an independent
// oracle: xmllint --exc-c14n (libxml2's c14n, not libxmlsec1) and openssl dgst.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <vector>

#include "capcast/cap/signature.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::cap;

namespace {

const std::string kDsig = "http://www.w3.org/2000/09/xmldsig#";

int sh(const std::string& command, std::string* output = nullptr) {
  return test::run({"/bin/sh", "-c", command}, output);
}

// A self-signed certificate and its key, made by openssl in `dir`: NAME.key, NAME.crt.
void make_cert(const test::TempDir& dir, const std::string& name, const std::string& newkey,
               const std::string& subject) {
  std::string out;
  std::vector<std::string> argv = {"/usr/bin/openssl",
                                   "req",
                                   "-x509",
                                   "-newkey",
                                   newkey,
                                   "-nodes",
                                   "-keyout",
                                   (dir / (name + ".key")).string(),
                                   "-out",
                                   (dir / (name + ".crt")).string(),
                                   "-days",
                                   "2",
                                   "-subj",
                                   subject};
  if (newkey == "ec") {
    argv.insert(argv.begin() + 5, {"-pkeyopt", "ec_paramgen_curve:prime256v1"});
  }
  REQUIRE(test::run(argv, &out) == 0);
}

Signer signer_for(const test::TempDir& dir, const std::string& name) {
  auto s = load_signer((dir / (name + ".key")).string(), (dir / (name + ".crt")).string(), "");
  REQUIRE(s.ok());
  return *s;
}

std::string sample(const std::string& name) {
  return test::read_file(test::samples_dir() / name);
}

// The text between `open` (its first occurrence at or after `from`) and `close`.
std::string between(const std::string& s, const std::string& open, const std::string& close,
                    size_t from = 0) {
  size_t a = s.find(open, from);
  REQUIRE(a != std::string::npos);
  a += open.size();
  size_t b = s.find(close, a);
  REQUIRE(b != std::string::npos);
  return s.substr(a, b - a);
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// base64 without white space, folded at 64 columns for `openssl base64 -d`.
std::string fold64(const std::string& b64) {
  std::string flat;
  for (char c : b64) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') flat += c;
  }
  std::string out;
  for (size_t i = 0; i < flat.size(); i += 64)
    out += flat.substr(i, 64) + "\n";
  return out;
}

}  // namespace

TEST_CASE("a signed sample verifies, with the signer's subject, and keeps its bytes") {
  test::TempDir dir;
  make_cert(dir, "rsa", "rsa:2048", "/CN=capcast test signer/O=Example Alerting");
  Signer signer = signer_for(dir, "rsa");
  CHECK(signer.algorithm() == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");

  const std::string original = sample("oasis-spec-a4-amber-en-es-multilang.xml");
  auto signed_xml = sign(original, signer);
  REQUIRE(signed_xml.ok());

  // The alert's bytes are untouched: the Signature is inserted just before </alert>.
  const size_t at = signed_xml->find("<Signature xmlns=\"" + kDsig + "\">");
  REQUIRE(at != std::string::npos);
  const size_t end = signed_xml->find("</Signature>", at) + std::string("</Signature>").size();
  CHECK(signed_xml->substr(0, at) + signed_xml->substr(end) == original);
  CHECK(signed_xml->compare(end, 8, "</alert>") == 0);
  const std::string sig = signed_xml->substr(at, end - at);
  CHECK(sig.find("<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"") !=
        std::string::npos);
  CHECK(sig.find("<Reference URI=\"\">") != std::string::npos);
  CHECK(sig.find(kDsig + "enveloped-signature") != std::string::npos);
  CHECK(sig.find("<X509Certificate>") != std::string::npos);

  auto check = verify(*signed_xml);
  REQUIRE(check.ok());
  INFO(check->reason);
  CHECK(check->verdict == SignatureVerdict::kValid);
  CHECK(check->signatures == 1);
  CHECK_FALSE(check->chain_checked);
  CHECK(check->algorithm == signer.algorithm());
  CHECK(check->subject.find("CN=capcast test signer") != std::string::npos);

  SECTION("trusted when its certificate is the trust anchor") {
    auto trusted = verify(*signed_xml, (dir / "rsa.crt").string());
    REQUIRE(trusted.ok());
    INFO(trusted->reason);
    CHECK(trusted->verdict == SignatureVerdict::kValid);
    CHECK(trusted->chain_checked);
  }
  SECTION("untrusted against another CA") {
    make_cert(dir, "other", "rsa:2048", "/CN=some other CA");
    auto other = verify(*signed_xml, (dir / "other.crt").string());
    REQUIRE(other.ok());
    CHECK(other->verdict == SignatureVerdict::kUntrusted);
    CHECK_FALSE(other->reason.empty());
  }
  SECTION("a CA file that cannot be read is an error, not a verdict") {
    auto missing = verify(*signed_xml, (dir / "nowhere.pem").string());
    CHECK(missing.status().code() == Code::kIoError);
  }
}

TEST_CASE("one changed character of a signed alert fails verification") {
  test::TempDir dir;
  make_cert(dir, "rsa", "rsa:2048", "/CN=capcast test signer");
  auto signed_xml =
      sign(sample("us-nws-wcatwc-tsunami-warning-update.xml"), signer_for(dir, "rsa"));
  REQUIRE(signed_xml.ok());
  REQUIRE(verify(*signed_xml)->valid());

  SECTION("in the content") {
    auto tampered = verify(replace_once(*signed_xml, "<status>Actual", "<status>Actuel"));
    REQUIRE(tampered.ok());
    CHECK(tampered->verdict == SignatureVerdict::kInvalid);
    CHECK(tampered->reason.find("changed after it was signed") != std::string::npos);
  }
  SECTION("in the SignatureValue") {
    std::string value = between(*signed_xml, "<SignatureValue>", "</SignatureValue>");
    std::string other = value;
    other[10] = other[10] == 'A' ? 'B' : 'A';
    auto tampered = verify(replace_once(*signed_xml, value, other));
    REQUIRE(tampered.ok());
    CHECK(tampered->verdict == SignatureVerdict::kInvalid);
    CHECK(tampered->reason.find("SignatureValue") != std::string::npos);
  }
}

TEST_CASE("an alert that is signed already is refused") {
  test::TempDir dir;
  make_cert(dir, "rsa", "rsa:2048", "/CN=capcast test signer");
  Signer signer = signer_for(dir, "rsa");
  auto twice = sign(sample("us-ipaws-nv-cancel-references-signed.xml"), signer);
  CHECK(twice.status().code() == Code::kInvalidArgument);
  CHECK(twice.status().message().find("signed already") != std::string::npos);
  auto once = sign(sample("oasis-spec-a3-earthquake-update-circle.xml"), signer);
  REQUIRE(once.ok());
  CHECK(sign(*once, signer).status().code() == Code::kInvalidArgument);
}

TEST_CASE("an independent oracle (xmllint --exc-c14n, openssl dgst) accepts the signature") {
  test::TempDir dir;
  std::string out;
  for (const std::string kind : {"rsa:2048", "ec"}) {
    INFO(kind);
    make_cert(dir, "k", kind, "/CN=oracle");
    auto signed_xml = sign(sample("eu-meteoalarm-ie-polygons-emma.xml"), signer_for(dir, "k"));
    REQUIRE(signed_xml.ok());
    REQUIRE(sh("/usr/bin/openssl x509 -pubkey -noout -in " + (dir / "k.crt").string() + " > " +
                   (dir / "pub.pem").string(),
               &out) == 0);

    // SignatureValue over the exclusive c14n of SignedInfo (XML-DSig §3.2.2). Exclusive c14n of
    // a subtree does not depend on its ancestors (W3C xml-exc-c14n §3) beyond the namespaces it
    // uses, so SignedInfo as a document of its own, with its namespace declared, is the same.
    std::string si = "<SignedInfo xmlns=\"" + kDsig + "\">" +
                     between(*signed_xml, "<SignedInfo>", "</SignedInfo>") + "</SignedInfo>";
    test::write_file(dir / "si.xml", si);
    test::write_file(dir / "sig.b64",
                     fold64(between(*signed_xml, "<SignatureValue>", "</SignatureValue>")));
    REQUIRE(sh("/usr/bin/xmllint --nonet --exc-c14n " + (dir / "si.xml").string() + " > " +
               (dir / "si.c14n").string()) == 0);
    REQUIRE(sh("/usr/bin/openssl base64 -d -in " + (dir / "sig.b64").string() + " -out " +
               (dir / "sig.bin").string()) == 0);
    std::string c14n = test::read_file(dir / "si.c14n");
    CHECK(c14n.rfind("<SignedInfo xmlns=\"" + kDsig + "\">", 0) == 0);
    std::string sig_bin = test::read_file(dir / "sig.bin");
    if (kind == "ec") {
      // XML-DSig uses r||s (RFC 4050 §3.3); openssl dgst wants DER. Convert through asn1parse.
      REQUIRE(sig_bin.size() == 64);
      auto hex = [](const std::string& s) {
        static const char* d = "0123456789ABCDEF";
        std::string h;
        for (unsigned char c : s)
          h += {d[c >> 4], d[c & 15]};
        return h;
      };
      test::write_file(dir / "der.cnf", "asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x" +
                                            hex(sig_bin.substr(0, 32)) + "\ns=INTEGER:0x" +
                                            hex(sig_bin.substr(32)) + "\n");
      REQUIRE(sh("/usr/bin/openssl asn1parse -genconf " + (dir / "der.cnf").string() + " -out " +
                 (dir / "sig.bin").string() + " > /dev/null") == 0);
    }
    CHECK(sh("/usr/bin/openssl dgst -sha256 -verify " + (dir / "pub.pem").string() +
                 " -signature " + (dir / "sig.bin").string() + " " + (dir / "si.c14n").string(),
             &out) == 0);
    CHECK(out.find("Verified OK") != std::string::npos);

    // DigestValue: SHA-256 of the exclusive c14n of the document without its Signature.
    const size_t at = signed_xml->find("<Signature ");
    const size_t end = signed_xml->find("</Signature>") + std::string("</Signature>").size();
    test::write_file(dir / "doc.xml", signed_xml->substr(0, at) + signed_xml->substr(end));
    REQUIRE(sh("/usr/bin/xmllint --nonet --exc-c14n " + (dir / "doc.xml").string() +
               " | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl base64 -A > " +
               (dir / "digest").string()) == 0);
    CHECK(test::read_file(dir / "digest") ==
          between(*signed_xml, "<DigestValue>", "</DigestValue>"));

    // And the oracle can fail: one character of the document changed.
    test::write_file(dir / "doc.xml",
                     replace_once(signed_xml->substr(0, at) + signed_xml->substr(end),
                                  "<certainty>", "<certainty> "));
    REQUIRE(sh("/usr/bin/xmllint --nonet --exc-c14n " + (dir / "doc.xml").string() +
               " | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl base64 -A > " +
               (dir / "digest").string()) == 0);
    CHECK(test::read_file(dir / "digest") !=
          between(*signed_xml, "<DigestValue>", "</DigestValue>"));
  }
}

TEST_CASE("ECDSA keys sign with ECDSA-SHA256") {
  test::TempDir dir;
  make_cert(dir, "ec", "ec", "/CN=capcast ec signer");
  Signer signer = signer_for(dir, "ec");
  CHECK(signer.algorithm() == "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
  auto signed_xml = sign(sample("oasis-spec-a3-earthquake-update-circle.xml"), signer);
  REQUIRE(signed_xml.ok());
  auto check = verify(*signed_xml, (dir / "ec.crt").string());
  REQUIRE(check.ok());
  INFO(check->reason);
  CHECK(check->verdict == SignatureVerdict::kValid);
  CHECK(check->algorithm == signer.algorithm());
}

TEST_CASE("an ISO-8859-1 alert is signed in its own encoding") {
  test::TempDir dir;
  make_cert(dir, "rsa", "rsa:2048", "/CN=capcast test signer");
  std::string latin1 = sample("us-usgs-earthquake-circle-signed-iso8859-1.xml");
  const size_t at = latin1.find("<Signature");
  const size_t end = latin1.find("</Signature>") + std::string("</Signature>").size();
  REQUIRE(at != std::string::npos);
  latin1 = latin1.substr(0, at) + latin1.substr(end);
  REQUIRE(std::any_of(latin1.begin(), latin1.end(), [](char c) { return c & 0x80; }));
  auto signed_xml = sign(latin1, signer_for(dir, "rsa"));
  REQUIRE(signed_xml.ok());
  CHECK(signed_xml->rfind("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", 0) == 0);
  auto check = verify(*signed_xml);
  REQUIRE(check.ok());
  INFO(check->reason);
  CHECK(check->valid());
}

TEST_CASE("keys: password-protected, mismatched, missing") {
  test::TempDir dir;
  make_cert(dir, "rsa", "rsa:2048", "/CN=capcast test signer");
  make_cert(dir, "other", "rsa:2048", "/CN=other");
  std::string out;
  REQUIRE(test::run({"/usr/bin/openssl", "pkey", "-in", (dir / "rsa.key").string(), "-aes256",
                     "-passout", "pass:s3cret-pw", "-out", (dir / "enc.key").string()},
                    &out) == 0);
  const std::string enc = (dir / "enc.key").string(), crt = (dir / "rsa.crt").string();
  auto ok = load_signer(enc, crt, "s3cret-pw");
  REQUIRE(ok.ok());
  CHECK(ok->subject() == "CN=capcast test signer");
  auto wrong = load_signer(enc, crt, "not-it");
  CHECK(wrong.status().code() == Code::kInvalidArgument);
  CHECK(wrong.status().message().find("not-it") == std::string::npos);
  CHECK(load_signer(enc, crt, "").status().code() == Code::kInvalidArgument);
  auto mismatch = load_signer((dir / "rsa.key").string(), (dir / "other.crt").string(), "");
  CHECK(mismatch.status().code() == Code::kInvalidArgument);
  CHECK(load_signer((dir / "none.key").string(), crt, "").status().code() == Code::kIoError);
}

TEST_CASE("verify: no signature, unsupported algorithms and references, unsafe XML") {
  const std::string unsigned_alert = sample("oasis-spec-a3-earthquake-update-circle.xml");
  auto none = verify(unsigned_alert);
  REQUIRE(none.ok());
  CHECK(none->verdict == SignatureVerdict::kNoSignature);

  const std::string ipaws = sample("us-ipaws-nv-cancel-references-signed.xml");
  auto hmac = verify(replace_once(ipaws, "xmldsig-more#rsa-sha256", "xmldsig-more#hmac-sha256"));
  REQUIRE(hmac.ok());
  CHECK(hmac->verdict == SignatureVerdict::kUnsupported);
  CHECK(hmac->reason.find("hmac-sha256") != std::string::npos);
  auto uri = verify(replace_once(ipaws, "<ds:Reference URI=\"\">",
                                 "<ds:Reference URI=\"http://example.org/x\">"));
  REQUIRE(uri.ok());
  CHECK(uri->verdict == SignatureVerdict::kUnsupported);
  auto xslt = verify(replace_once(ipaws, kDsig + "enveloped-signature",
                                  "http://www.w3.org/TR/1999/REC-xslt-19991116"));
  REQUIRE(xslt.ok());
  CHECK(xslt->verdict == SignatureVerdict::kUnsupported);

  // The fixture's author elided the <Signature> body ("..."): no SignedInfo, no algorithm to check
  // it with, so it is refused as unsupported, with the reason; never valid.
  auto stub = verify(sample("us-nws-wcatwc-tsunami-cancellation-circle0-sigstub.xml"));
  REQUIRE(stub.ok());
  CHECK_FALSE(stub->valid());
  CHECK(stub->verdict == SignatureVerdict::kUnsupported);
  CHECK(stub->reason.find("no SignedInfo") != std::string::npos);

  auto xxe = verify(test::read_file(test::source_dir() /
                                    "tests/data/cap/negative/xxe-external-entity-attack.xml"));
  CHECK(xxe.status().code() == Code::kParseError);
}

// What the real signed samples give when only the signature math is checked (their
// certificates are in KeyInfo; no trust anchor, validity dates ignored).
TEST_CASE("the real signed samples: signature math") {
  struct Expect {
    const char* file;
    SignatureVerdict verdict;
  };
  const Expect samples[] = {
      {"us-ipaws-fema-rmt-eas-blockchannel-signed.xml", SignatureVerdict::kValid},
      {"us-ipaws-md-lae-polygon-wea-cmamtext-signed.xml", SignatureVerdict::kValid},
      {"us-ipaws-mi-cem-cmamlongtext-imminentthreat-signed.xml", SignatureVerdict::kValid},
      {"us-ipaws-nv-cancel-references-signed.xml", SignatureVerdict::kValid},
      {"us-ipaws-wa-adr-blockchannel-signed.xml", SignatureVerdict::kValid},
      {"ph-pagasa-tc-alert-polygon-signed.xml", SignatureVerdict::kValid},
      {"ph-pagasa-tc-update-references-signed.xml", SignatureVerdict::kValid},
      {"us-usgs-earthquake-circle-signed-iso8859-1.xml", SignatureVerdict::kValid},
      {"ca-eccc-naads-snowfall-update-signed-bilingual.xml", SignatureVerdict::kValid},
  };
  for (const auto& s : samples) {
    auto check = verify(sample(s.file));
    REQUIRE(check.ok());
    INFO(s.file << ": " << verdict_name(check->verdict) << ": " << check->reason << " / "
                << check->subject);
    CHECK(check->verdict == s.verdict);
  }
  // NAADS (Canada) carries two: the issuer's (Environment Canada), then NAADS's inserted before
  // it, which breaks the issuer's digest; NAADS's own cannot be processed (its <Object> is in no
  // namespace: xmlns=""). The issuer's verifies over the alert without NAADS's.
  auto naads = verify(sample("ca-eccc-naads-snowfall-update-signed-bilingual.xml"));
  REQUIRE(naads.ok());
  CHECK(naads->signatures == 2);
  CHECK(naads->subject.find("O=Environment Canada") != std::string::npos);
  CHECK(naads->reason.find("Signature 2 of 2 verifies over the alert without the other") !=
        std::string::npos);
  // With a trust anchor (the system's CAs): IPAWS's chain (IdenTrust IGC, certificates expired
  // since) does not check out, and a bare KeyValue (PAGASA) is never trusted.
  for (const char* f :
       {"us-ipaws-nv-cancel-references-signed.xml", "ph-pagasa-tc-alert-polygon-signed.xml"}) {
    auto anchored = verify(sample(f), "/etc/ssl/certs/ca-certificates.crt");
    REQUIRE(anchored.ok());
    INFO(f << ": " << anchored->reason);
    CHECK(anchored->verdict == SignatureVerdict::kUntrusted);
  }
  // And a change of its content still fails.
  auto changed = verify(replace_once(sample("ca-eccc-naads-snowfall-update-signed-bilingual.xml"),
                                     "<status>Actual", "<status>Actuel"));
  REQUIRE(changed.ok());
  CHECK(changed->verdict == SignatureVerdict::kInvalid);
}

TEST_CASE("one Signer signs on several threads at once") {
  test::TempDir dir;
  make_cert(dir, "rsa", "rsa:2048", "/CN=capcast test signer");
  const Signer signer = signer_for(dir, "rsa");
  const std::string alert = sample("oasis-spec-a4-amber-en-es-multilang.xml");
  std::vector<int> valid(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < valid.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 5; ++k) {
        auto s = sign(alert, signer);
        if (s.ok() && verify(*s)->valid()) ++valid[t];
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (int v : valid)
    CHECK(v == 5);
}
