// The CBSP codec (dispatch/channels/cbs/cbsp/codec.h, messages.h) on its own: the demo vectors
// of ../shared/notes/cell-broadcast-and-sms.md §1b byte for byte, round trips of every message
// capcast sends or receives, errors that say what and where, and decoding of random and
// truncated bytes (under ASan/UBSan: nothing read out of bounds, no crash). The independent
// decoders (libosmocore, Wireshark) are in cbsp_oracle_test.cpp.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "cbs/cbsp/codec.h"
#include "cbs/cbsp/messages.h"

using namespace capcast;
using namespace capcast::dispatch::cbs;
using namespace capcast::dispatch::cbs::cbsp;

namespace {

Bytes hex(std::string_view s) {
  Bytes out;
  int hi = -1;
  for (char c : s) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

std::string to_hex(const Bytes& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

Bytes encoded(const Pdu& p) {
  auto r = encode(p);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

Pdu decoded(const Bytes& b) {
  auto r = decode(b);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

CellId cgi(uint16_t mcc, uint16_t mnc, uint32_t lac, uint32_t ci, bool mnc3 = false) {
  return CellId{mcc, mnc, mnc3, lac, ci};
}

Broadcast cbs_broadcast() {
  Broadcast b;
  b.message_id = 4370;
  b.serial = Serial{GeoScope::kPlmn, 291, 0};  // 0x5230
  b.dcs = 0x01;
  b.pages = {Bytes(kPageOctets, 0x0D)};
  b.page_used = {64};
  b.whole_network = true;
  b.category = Category::kHighPriority;
  b.repetition_seconds = 9;  // 5 units
  return b;
}

// Every message type capcast sends or receives, with its IEs filled in.
std::vector<Pdu> samples() {
  std::vector<Pdu> out;
  Pdu wr = *write_replace(cbs_broadcast());
  out.push_back(wr);
  Broadcast etws = cbs_broadcast();
  etws.message_id = 4352;
  etws.etws = Etws{};
  etws.pages.clear();
  out.push_back(*write_replace(etws));
  Broadcast repl = cbs_broadcast();
  repl.operation = Operation::kReplace;
  repl.old_serial = Serial{GeoScope::kPlmn, 291, 0};
  repl.serial.update_number = 1;
  repl.whole_network = false;
  repl.cells = {cgi(262, 1, 0x1234, 0x5678), cgi(310, 410, 7, 65535, true)};
  repl.pages.push_back(Bytes(kPageOctets, 0x41));
  repl.page_used = {82, 10};
  out.push_back(*write_replace(repl));
  repl.operation = Operation::kKill;
  out.push_back(*kill(repl));

  Pdu c;
  c.type = MessageType::kWriteReplaceComplete;
  c.message_id = 4370;
  c.new_serial = 0x5231;
  c.old_serial = 0x5230;
  c.completed =
      CompletedList{Discriminator::kLacCi, {{cgi(0, 0, 1, 2), 7, 0}, {cgi(0, 0, 3, 4), 0, 2}}};
  c.cell_list = CellList{Discriminator::kLac, {cgi(0, 0, 99, 0)}};
  c.channel_indicator = 0;
  out.push_back(c);
  Pdu f;
  f.type = MessageType::kWriteReplaceFailure;
  f.message_id = 4370;
  f.new_serial = 0x5230;
  f.failures =
      std::vector<Failure>{{Discriminator::kCgi, cgi(262, 1, 5, 6), cause::kCellMemoryExceeded},
                           {Discriminator::kCi, cgi(0, 0, 0, 9), cause::kCellIdentityNotValid},
                           {Discriminator::kLai, cgi(1, 2, 3, 0), cause::kLaiOrLacNotValid},
                           {Discriminator::kAllInBsc, CellId{}, cause::kBscCapacityExceeded}};
  f.cell_list = CellList{Discriminator::kCgi, {cgi(262, 1, 7, 8)}};
  out.push_back(f);
  Pdu kc;
  kc.type = MessageType::kKillComplete;
  kc.message_id = 4370;
  kc.old_serial = 0x5231;
  kc.cell_list = CellList{Discriminator::kAllInBsc, {}};
  out.push_back(kc);
  Pdu kf;
  kf.type = MessageType::kKillFailure;
  kf.message_id = 4370;
  kf.old_serial = 0x5231;
  kf.failures = std::vector<Failure>{
      {Discriminator::kLacCi, cgi(0, 0, 1, 2), cause::kMessageReferenceNotIdentified}};
  out.push_back(kf);
  out.push_back(keep_alive(std::chrono::seconds(30)));
  Pdu kac;
  kac.type = MessageType::kKeepAliveComplete;
  out.push_back(kac);
  Pdu reset;
  reset.type = MessageType::kReset;
  reset.cell_list = CellList{Discriminator::kAllInBsc, {}};
  out.push_back(reset);
  reset.type = MessageType::kResetComplete;
  out.push_back(reset);
  Pdu rf;
  rf.type = MessageType::kResetFailure;
  rf.failures =
      std::vector<Failure>{{Discriminator::kLac, cgi(0, 0, 42, 0), cause::kUnspecifiedError}};
  out.push_back(rf);
  Pdu restart;
  restart.type = MessageType::kRestart;
  restart.cell_list = CellList{Discriminator::kAllInBsc, {}};
  restart.broadcast_message_type = 0;
  restart.recovery_indication = 1;
  out.push_back(restart);
  Pdu failure;
  failure.type = MessageType::kFailure;
  failure.failures = std::vector<Failure>{
      {Discriminator::kCgi, cgi(1, 1, 1, 1), cause::kCellBroadcastNotOperational}};
  failure.broadcast_message_type = 0;
  out.push_back(failure);
  Pdu err;
  err.type = MessageType::kErrorIndication;
  err.cause = cause::kMissingMandatoryElement;
  err.message_id = 4370;
  err.new_serial = 0x5230;
  out.push_back(err);
  return out;
}

}  // namespace

TEST_CASE("CBSP demo vectors encode byte for byte (notes §1b)") {
  SECTION("KILL 4370, old serial 0x5231, all cells") {
    Pdu p;
    p.type = MessageType::kKill;
    p.message_id = 4370;
    p.old_serial = 0x5231;
    p.cell_list = CellList{Discriminator::kAllInBsc, {}};
    CHECK(to_hex(encoded(p)) ==
          "0400000a0e1112025231"
          "04000106");
  }
  SECTION("KEEP-ALIVE 30 s") {
    CHECK(to_hex(encoded(keep_alive(std::chrono::seconds(30)))) == "160000021814");
  }
  SECTION("ETWS WRITE-REPLACE: earthquake, user alert, popup") {
    Broadcast b = cbs_broadcast();
    b.message_id = 4352;
    b.serial = Serial::unpack(0x4010);
    b.etws = Etws{EtwsWarningType::kEarthquake, true, true};
    const std::string h = to_hex(encoded(*write_replace(b)));
    CHECK(h ==
          "01000044"
          "0e1100"
          "034010"
          "04000106"
          "0f01"
          "100180"
          "11" +
              std::string(100, '0') + "17ba");
  }
  SECTION("CBS WRITE-REPLACE: 4370, 0x5230, high priority, 5 units, DCS 1, one page") {
    const std::string h = to_hex(encoded(*write_replace(cbs_broadcast())));
    CHECK(h.substr(0, 60) ==
          "0100006c"
          "0e1112"
          "035230"
          "04000106"
          "1200"
          "0500"
          "060005"
          "070000"
          "1301"
          "0c01"
          "0140");
    CHECK(h.size() == (4 + 108) * 2);
    std::string pad;
    for (size_t i = 0; i < kPageOctets; ++i)
      pad += "0d";
    CHECK(h.substr(60) == pad);
  }
}

TEST_CASE("CBSP round trips every message type it sends or receives") {
  for (const Pdu& p : samples()) {
    INFO(message_type_name(p.type));
    const Bytes b = encoded(p);
    CHECK(decoded(b) == p);
    CHECK(*next_pdu_size(b) == b.size());
  }
}

TEST_CASE("CBSP Cell List identifications: CGI with 2- and 3-digit MNCs, LAC+CI, CI, LAI, LAC") {
  // MCC 262, MNC 01: 62 f2 10; MCC 310, MNC 410: 13 00 14 (TS 24.008 §10.5.1.3).
  Pdu p;
  p.type = MessageType::kReset;
  p.cell_list =
      CellList{Discriminator::kCgi, {cgi(262, 1, 0x1234, 0x5678), cgi(310, 410, 1, 2, true)}};
  CHECK(to_hex(encoded(p)) ==
        "10000012"
        "04000f00"
        "62f210"
        "1234"
        "5678"
        "130014"
        "0001"
        "0002");
  p.cell_list = CellList{Discriminator::kLacCi, {cgi(0, 0, 0xABCD, 0x0102)}};
  CHECK(to_hex(encoded(p)) ==
        "10000008"
        "04000501"
        "abcd0102");
  p.cell_list = CellList{Discriminator::kCi, {cgi(0, 0, 0, 0x0102)}};
  CHECK(to_hex(encoded(p)) ==
        "10000006"
        "04000302"
        "0102");
  p.cell_list = CellList{Discriminator::kLai, {cgi(262, 1, 0x0007, 0)}};
  CHECK(to_hex(encoded(p)) ==
        "10000009"
        "04000604"
        "62f2100007");
  p.cell_list = CellList{Discriminator::kLac, {cgi(0, 0, 0x0007, 0)}};
  CHECK(to_hex(encoded(p)) ==
        "10000006"
        "04000305"
        "0007");
}

TEST_CASE("CBSP periods: seconds to the IEs' units") {
  CHECK(repetition_units(9) == 5);    // 9 / 1.883 = 4.78
  CHECK(repetition_units(60) == 32);  // 31.86
  CHECK(repetition_units(0) == 1);    // never 0
  CHECK(repetition_units(1000000) == 4095);
  CHECK(repetition_seconds(32) == 60);
  CHECK(warning_period_code(30) == 0x14);
  CHECK(warning_period_code(10) == 0x0A);
  CHECK(warning_period_code(11) == 0x0B);  // rounds up to 12 s
  CHECK(warning_period_code(60) == 0x1A);  // 35 + 5 x 5
  CHECK(warning_period_code(600) == 0x56);
  CHECK(warning_period_code(3600) == 0xBA);
  CHECK(warning_period_code(99999) == 0xBA);
  for (unsigned code = 1; code <= 0xBA; ++code) {
    INFO(code);
    const auto s = warning_period_seconds(static_cast<uint8_t>(code));
    REQUIRE(s);
    CHECK(warning_period_code(*s) == code);
  }
  CHECK_FALSE(warning_period_seconds(0x00));
  CHECK_FALSE(warning_period_seconds(0xBB));
}

TEST_CASE("CBSP encode refuses what the IEs cannot carry") {
  Broadcast b = cbs_broadcast();
  b.pages.assign(16, Bytes(kPageOctets, 0));
  CHECK(write_replace(b).status().code() == Code::kInvalidArgument);
  b.pages = {Bytes(81, 0)};
  CHECK(write_replace(b).status().message().find("not 82") != std::string::npos);
  b = cbs_broadcast();
  b.operation = Operation::kReplace;
  CHECK(write_replace(b).status().message().find("Old Serial Number") != std::string::npos);
  CHECK(kill(cbs_broadcast()).status().code() == Code::kInvalidArgument);

  Pdu p;
  p.type = MessageType::kKill;
  p.message_id = 1;
  p.cell_list = CellList{Discriminator::kAllInBsc, {}};
  auto r = encode(p);
  CHECK(r.status().message() ==
        "CBSP KILL: Old Serial Number: missing, mandatory in this message (TS 48.049 §8.2.4)");
  p.old_serial = 1;
  p.cell_list = CellList{Discriminator::kLacCi, {cgi(0, 0, 70000, 1)}};
  CHECK(encode(p).status().message().find("LAC 70000 over 16 bits") != std::string::npos);
  p.cell_list = CellList{Discriminator::kAllInBsc, {}};
  p.dcs = 1;  // not an IE of KILL
  CHECK(encode(p).status().message().find("not carried by this message") != std::string::npos);
}

TEST_CASE("CBSP decode errors say what, where and which section") {
  const Bytes good = encoded(*write_replace(cbs_broadcast()));
  SECTION("an unknown IEI") {
    Bytes b =
        hex("0400000a"
            "0e1112"
            "025231"
            "99000106");
    CHECK(decode(b).status().message() ==
          "CBSP KILL: at offset 10: IEI 153 not defined (TS 48.049 §8.2.1)");
  }
  SECTION("a list longer than the PDU") {
    Bytes b =
        hex("0400000a"
            "0e1112"
            "025231"
            "04000906");
    CHECK(decode(b).status().message() ==
          "CBSP KILL: Cell List at offset 10: 9 octets of value, only 1 left (TS 48.049 §8.2.6)");
  }
  SECTION("a missing mandatory IE") {
    Bytes b =
        hex("04000006"
            "0e1112"
            "025231");
    CHECK(decode(b).status().message() ==
          "CBSP KILL: Cell List at offset 10: missing, mandatory by §8.1.3.4 (TS 48.049 §8.2.6)");
  }
  SECTION("a length field that disagrees with the octets") {
    Bytes b = good;
    b.pop_back();
    CHECK(decode(b).status().message().find("length 108 at offset 1, but 107 octets") !=
          std::string::npos);
  }
  SECTION("Number of Pages and the pages disagree") {
    Bytes b = good;
    b[4 + 3 + 3 + 4 + 2 + 2 + 3 + 3 + 1] = 2;  // the Number of Pages value
    CHECK(decode(b).status().message().find("says 2 pages, 1 Message Content IEs follow") !=
          std::string::npos);
  }
  SECTION("an unknown message type, a cell identification discriminator CBSP does not use") {
    CHECK(decode(hex("7f000000")).status().message() ==
          "CBSP message type 127 at offset 0: not defined (TS 48.049 §8.2.2)");
    CHECK(decode(hex("10000004"
                     "04000103"))
              .status()
              .message()
              .find("discriminator 3 not used by CBSP") != std::string::npos);
  }
  SECTION("a repeated IE, a Repetition Period of 0") {
    CHECK(decode(hex("0400000d"
                     "0e1112"
                     "0e1112"
                     "025231"
                     "04000106"))
              .status()
              .message()
              .find("Message Identifier at offset 7: repeated") != std::string::npos);
    Bytes b = good;
    b[4 + 3 + 3 + 4 + 2 + 2 + 1] = 0;
    b[4 + 3 + 3 + 4 + 2 + 2 + 2] = 0;
    CHECK(decode(b).status().message().find("Repetition Period at offset 18: 0 not in 1..4095") !=
          std::string::npos);
  }
  CHECK(decode(hex("04000006"
                   "0e1112"
                   "025231"))
            .status()
            .code() == Code::kParseError);
}

TEST_CASE("CBSP framing finds PDU boundaries in a byte stream") {
  const Bytes a = encoded(keep_alive(std::chrono::seconds(30)));
  const Bytes b = encoded(*write_replace(cbs_broadcast()));
  Bytes stream = a;
  stream.insert(stream.end(), b.begin(), b.end());
  for (size_t have = 0; have < 4; ++have) {
    CHECK(*next_pdu_size(std::span(stream).first(have)) == kHeaderSize);
  }
  CHECK(*next_pdu_size(stream) == a.size());
  CHECK(*next_pdu_size(std::span(stream).subspan(a.size(), 4)) == b.size());
  CHECK(decoded(Bytes(stream.begin(), stream.begin() + static_cast<ptrdiff_t>(a.size()))) ==
        keep_alive(std::chrono::seconds(30)));
  CHECK(next_pdu_size(hex("01ffffff")).status().code() == Code::kParseError);
}

TEST_CASE("CBSP decode of random and truncated bytes returns errors, never crashes") {
  std::mt19937 rng(48049);  // fixed: the same bytes every run
  size_t errors = 0, decodes = 0;
  for (const Pdu& p : samples()) {
    const Bytes b = encoded(p);
    // Every truncation, with the length field fixed up so that the IEs themselves are cut.
    for (size_t n = 0; n < b.size(); ++n) {
      Bytes t(b.begin(), b.begin() + static_cast<ptrdiff_t>(n));
      if (t.size() >= 4) {
        const size_t body = t.size() - 4;
        t[1] = static_cast<uint8_t>(body >> 16), t[2] = static_cast<uint8_t>(body >> 8),
        t[3] = static_cast<uint8_t>(body);
      }
      auto r = decode(t);
      ++decodes;
      if (!r.ok()) ++errors;
    }
    // Random corruption of single octets.
    for (int k = 0; k < 200 && b.size() > 4; ++k) {
      Bytes t = b;
      t[4 + rng() % (t.size() - 4)] = static_cast<uint8_t>(rng());
      auto r = decode(t);
      ++decodes;
      if (r.ok()) (void)encode(*r);  // what decodes must not crash the encoder either
    }
  }
  for (int k = 0; k < 20000; ++k) {
    Bytes t(4 + rng() % 300);
    for (auto& x : t)
      x = static_cast<uint8_t>(rng());
    t[0] = static_cast<uint8_t>(1 + rng() % 0x17);
    const size_t body = t.size() - 4;
    t[1] = 0, t[2] = static_cast<uint8_t>(body >> 8), t[3] = static_cast<uint8_t>(body);
    auto r = decode(t);
    ++decodes;
    if (!r.ok()) {
      ++errors;
      CHECK(r.status().code() == Code::kParseError);
    }
  }
  CHECK(decodes > 20000);
  CHECK(errors > 0);
}
