// The SMS bytes of dispatch/channels/sms/encode.h, byte for byte: GSM 7-bit unpacked as SMPP
// carries it with data_coding 0 (3GPP TS 23.038 §6.2.1), UCS-2 as UTF-16BE, the concatenation
// UDH (TS 23.040 §9.2.3.24.1/.8), SAR values, message_payload, and the 7-bit packing of
// TS 23.038 §6.1.2.1.1. Expected bytes are written out by hand from the standards; libosmocore
// checks the packing independently in gsm7_oracle_test.cpp.
#include <catch2/catch.hpp>

#include <string>

#include "sms/encode.h"

using namespace capcast;
using namespace capcast::dispatch::sms;

namespace {

Bytes hex(std::string_view s) {
  Bytes out;
  for (size_t i = 0; i + 1 < s.size(); i += 3) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(s.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

Bytes rep(size_t n, uint8_t b) {
  return Bytes(n, b);
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Encoded enc(std::string_view text, const EncodeOptions& o = {}) {
  auto r = encode(text, o);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

std::string repeat(size_t n, std::string_view s) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

}  // namespace

TEST_CASE("GSM 7-bit text goes unpacked, one septet an octet, ESC before extension characters") {
  // TS 23.038 §6.2.1: @ 0x00, £ 0x01, $ 0x02, H 0x48, i 0x69; §6.2.1.1: ESC 0x1B + € 0x65,
  // [ 0x3C, ] 0x3E, { 0x28, } 0x29, ~ 0x3D, ^ 0x14, | 0x40, \ 0x2F.
  const Encoded e = enc("@\u00A3$Hi\u20AC[]{}~^|\\");
  CHECK(e.data_coding == 0x00);
  CHECK(e.encoding == cap::Encoding::kGsm7);
  CHECK(e.segments == 1);
  REQUIRE(e.parts.size() == 1);
  CHECK(e.parts[0].short_message ==
        hex("00 01 02 48 69 1B 65 1B 3C 1B 3E 1B 28 1B 29 1B 3D 1B 14 1B 40 1B 2F"));
  CHECK(e.parts[0].esm_class_bits == 0);
  CHECK_FALSE(e.parts[0].sar);
  CHECK(e.parts[0].units == 23);
}

TEST_CASE("160 septets are one SMS without UDH, 161 are two with 8-bit-reference UDH") {
  const Encoded one = enc(std::string(160, 'a'));
  CHECK(one.segments == 1);
  CHECK(one.parts.at(0).short_message == rep(160, 0x61));
  CHECK(one.parts.at(0).esm_class_bits == 0);

  EncodeOptions o;
  o.reference = 0xA7;
  const Encoded two = enc(std::string(161, 'a'), o);
  REQUIRE(two.segments == 2);
  REQUIRE(two.parts.size() == 2);
  CHECK(two.parts[0].short_message == cat(hex("05 00 03 A7 02 01"), rep(153, 0x61)));
  CHECK(two.parts[1].short_message == cat(hex("05 00 03 A7 02 02"), rep(8, 0x61)));
  CHECK(two.parts[0].esm_class_bits == kEsmClassUdhi);
  CHECK(two.parts[1].esm_class_bits == kEsmClassUdhi);
  CHECK(two.parts[0].units == 153);
  CHECK(two.parts[1].units == 8);
}

TEST_CASE(
    "Kannel's observed split: 200 characters are 153 + 47 septets, UDH 05 00 03 ref 02 01/02") {
  EncodeOptions o;
  o.reference = 0x2C;
  const Encoded e = enc(std::string(200, 'x'), o);
  REQUIRE(e.parts.size() == 2);
  CHECK(e.parts[0].short_message == cat(hex("05 00 03 2C 02 01"), rep(153, 0x78)));
  CHECK(e.parts[1].short_message == cat(hex("05 00 03 2C 02 02"), rep(47, 0x78)));
  // Kannel sends esm_class 0x43: its default 0x03 with UDHI 0x40.
  CHECK((0x03 | e.parts[0].esm_class_bits) == 0x43);
}

TEST_CASE("an escape sequence at a part boundary moves whole to the next part") {
  // 152 + 2 + 10 = 164 septets: part 1 has room for one septet more, not for ESC + €.
  const Encoded e = enc(std::string(152, 'a') + "\u20AC" + std::string(10, 'b'));
  REQUIRE(e.parts.size() == 2);
  CHECK(e.parts[0].short_message == cat(hex("05 00 03 00 02 01"), rep(152, 0x61)));
  CHECK(e.parts[1].short_message == cat(hex("05 00 03 00 02 02 1B 65"), rep(10, 0x62)));
  CHECK(e.parts[0].units == 152);
  CHECK(e.parts[1].units == 12);
}

TEST_CASE("70 UCS-2 units are one SMS, 71 are two of 67 + 4") {
  const std::string zhe = "\u0436";  // CYRILLIC SMALL LETTER ZHE, not in GSM 7-bit
  const Encoded one = enc(repeat(70, zhe));
  CHECK(one.data_coding == 0x08);
  CHECK(one.encoding == cap::Encoding::kUcs2);
  CHECK(one.segments == 1);
  Bytes seventy;
  for (int i = 0; i < 70; ++i)
    seventy = cat(seventy, hex("04 36"));
  CHECK(one.parts.at(0).short_message == seventy);

  const Encoded two = enc(repeat(71, zhe), EncodeOptions{});
  REQUIRE(two.parts.size() == 2);
  CHECK(two.parts[0].short_message.size() == 6 + 67 * 2);
  CHECK(Bytes(two.parts[0].short_message.begin(), two.parts[0].short_message.begin() + 8) ==
        hex("05 00 03 00 02 01 04 36"));
  CHECK(two.parts[1].short_message == hex("05 00 03 00 02 02 04 36 04 36 04 36 04 36"));
}

TEST_CASE("UCS-2 keeps a surrogate pair together, also at a part boundary") {
  // U+1F600 is D83D DE00 in UTF-16. 66 + 2 + 5 = 73 units: part 1 stops at 66.
  const std::string text = repeat(66, "\u0436") + "\U0001F600" + repeat(5, "\u0436");
  const Encoded e = enc(text);
  REQUIRE(e.parts.size() == 2);
  CHECK(e.parts[0].units == 66);
  CHECK(e.parts[0].short_message.size() == 6 + 132);
  CHECK(e.parts[1].short_message ==
        hex("05 00 03 00 02 02 D8 3D DE 00 04 36 04 36 04 36 04 36 04 36"));
  CHECK(e.parts[1].units == 7);

  const Encoded single = enc("A\U0001F600");
  CHECK(single.parts.at(0).short_message == hex("00 41 D8 3D DE 00"));
}

TEST_CASE("16-bit-reference UDH: 06 08 04 refHi refLo total seq, 152 septets a part") {
  EncodeOptions o;
  o.concatenation = Concatenation::kUdh16;
  o.reference = 0x1234;
  const Encoded e = enc(std::string(161, 'a'), o);
  REQUIRE(e.parts.size() == 2);
  CHECK(e.parts[0].short_message == cat(hex("06 08 04 12 34 02 01"), rep(152, 0x61)));
  CHECK(e.parts[1].short_message == cat(hex("06 08 04 12 34 02 02"), rep(9, 0x61)));
  CHECK(e.parts[1].esm_class_bits == kEsmClassUdhi);
}

TEST_CASE("SAR: no UDH, the reference, total and sequence as TLV values") {
  EncodeOptions o;
  o.concatenation = Concatenation::kSar;
  o.reference = 0xBEEF;
  const Encoded e = enc(std::string(161, 'a'), o);
  REQUIRE(e.parts.size() == 2);
  CHECK(e.parts[0].short_message == rep(153, 0x61));
  CHECK(e.parts[1].short_message == rep(8, 0x61));
  CHECK(e.parts[0].esm_class_bits == 0);
  CHECK(e.parts[0].sar == Sar{0xBEEF, 2, 1});
  CHECK(e.parts[1].sar == Sar{0xBEEF, 2, 2});

  const Encoded single = enc("short", o);
  CHECK_FALSE(single.parts.at(0).sar);
}

TEST_CASE("message_payload: the whole text in one part, the segment count announced") {
  EncodeOptions o;
  o.concatenation = Concatenation::kMessagePayload;
  const Encoded e = enc(std::string(200, 'a') + "\u20AC", o);
  CHECK(e.segments == 2);
  REQUIRE(e.parts.size() == 1);
  CHECK(e.parts[0].short_message == cat(rep(200, 0x61), hex("1B 65")));
  CHECK(e.parts[0].esm_class_bits == 0);
  CHECK_FALSE(e.parts[0].sar);
  CHECK(e.parts[0].units == 202);
}

TEST_CASE("more parts than max_parts are refused with the count") {
  EncodeOptions o;
  o.max_parts = 1;
  auto r = encode(std::string(161, 'a'), o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message() ==
        "text needs 2 SMS parts (GSM 7-bit), at most 1 allowed (max_parts)");
  o.max_parts = 2;
  CHECK(encode(std::string(161, 'a'), o).ok());
  o.concatenation = Concatenation::kMessagePayload;  // the SMSC's split counts too
  o.max_parts = 1;
  CHECK_FALSE(encode(std::string(161, 'a'), o).ok());
}

TEST_CASE("a reference that does not fit the 8-bit UDH is refused") {
  EncodeOptions o;
  o.reference = 256;
  auto r = encode("x", o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  o.concatenation = Concatenation::kUdh16;
  CHECK(encode("x", o).ok());
}

TEST_CASE("force_ucs2 and the IA5 data_coding") {
  EncodeOptions o;
  o.force_ucs2 = true;
  const Encoded u = enc("Hi\u20AC", o);
  CHECK(u.data_coding == 0x08);
  CHECK(u.parts.at(0).short_message == hex("00 48 00 69 20 AC"));
  // Forced UCS-2 splits at 70 / 67 characters, not at septets.
  const Encoded u71 = enc(std::string(71, 'a'), o);
  REQUIRE(u71.parts.size() == 2);
  CHECK(u71.parts[1].short_message == hex("05 00 03 00 02 02 00 61 00 61 00 61 00 61"));

  EncodeOptions ia5;
  ia5.gsm7_coding = Gsm7Coding::kIa5;
  const Encoded a = enc("@Hi[$_", ia5);
  CHECK(a.data_coding == 0x01);
  CHECK(a.encoding == cap::Encoding::kGsm7);
  CHECK(a.parts.at(0).short_message == hex("40 48 69 5B 24 5F"));  // ASCII, not GSM codes
  const Encoded pound = enc("\u00A31", ia5);                       // £ is GSM 7-bit but not IA5
  CHECK(pound.data_coding == 0x08);
  CHECK(pound.parts.at(0).short_message == hex("00 A3 00 31"));
}

TEST_CASE("an empty text is one empty part") {
  const Encoded e = enc("");
  CHECK(e.segments == 1);
  REQUIRE(e.parts.size() == 1);
  CHECK(e.parts[0].short_message.empty());
  EncodeOptions o;
  o.force_ucs2 = true;
  CHECK(enc("", o).parts.size() == 1);
}

TEST_CASE("invalid UTF-8 is a parse error") {
  auto r = encode("abc\xC3", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kParseError);
}

TEST_CASE("GSM 7-bit unpacked and UCS-2 back to UTF-8") {
  const std::string all =
      "@\u00A3$\u00A5\u00E8\u00E9\u00F9\u00EC\u00F2\u00C7\n\u00D8\u00F8\r\u00C5\u00E5"
      "\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\u00C6\u00E6\u00DF\u00C9"
      " !\"#\u00A4%&'()*+,-./0123456789:;<=>?\u00A1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00C4\u00D6\u00D1"
      "\u00DC\u00A7\u00BFabcdefghijklmnopqrstuvwxyz\u00E4\u00F6\u00F1\u00FC\u00E0"
      "\f^{}\\[~]|\u20AC";
  EncodeOptions o;
  o.concatenation = Concatenation::kMessagePayload;
  const Encoded e = enc(all, o);
  REQUIRE(e.encoding == cap::Encoding::kGsm7);
  CHECK(e.parts.at(0).short_message.size() == 127 + 2 * 10);
  CHECK(gsm7_to_utf8(e.parts[0].short_message).value() == all);

  // §6.2.1.1: ESC + a code without an extension character shows the default one; ESC ESC
  // and a trailing ESC show a space.
  CHECK(gsm7_to_utf8(hex("1B 41 1B 1B 42 1B")).value() == "A B ");
  CHECK_FALSE(gsm7_to_utf8(hex("41 80")).ok());

  const std::string mixed = "\u0436a\U0001F600\u20AC";
  const Encoded u = enc(mixed);
  CHECK(u.parts.at(0).short_message == hex("04 36 00 61 D8 3D DE 00 20 AC"));
  CHECK(ucs2_to_utf8(u.parts[0].short_message).value() == mixed);
  CHECK(ucs2_to_utf8(hex("00")).status().code() == Code::kParseError);
  CHECK(ucs2_to_utf8(hex("D8 3D 00 41")).status().message() == "unpaired high surrogate at byte 0");
  CHECK(ucs2_to_utf8(hex("00 41 DE 00")).status().message() == "unpaired low surrogate at byte 2");
  CHECK(ucs2_to_utf8(hex("D8 3D")).status().code() == Code::kParseError);
}

TEST_CASE("pack7: the TS 23.038 example and fill bits after a UDH") {
  const Bytes hello = hex("68 65 6C 6C 6F 68 65 6C 6C 6F");  // "hellohello"
  CHECK(pack7(hello) == hex("E8 32 9B FD 46 97 D9 EC 37"));
  CHECK(unpack7(hex("E8 32 9B FD 46 97 D9 EC 37"), 10).value() == hello);
  // One fill bit (after a 6-octet UDH): the same septets one bit later.
  CHECK(fill_bits_after_udh(6) == 1);
  CHECK(fill_bits_after_udh(7) == 0);
  CHECK(fill_bits_after_udh(3) == 4);  // 24 bits -> 4 fill bits to reach 28
  CHECK(pack7(hello, 1) == hex("D0 65 36 FB 8D 2E B3 D9 6F"));
  CHECK(unpack7(hex("D0 65 36 FB 8D 2E B3 D9 6F"), 10, 1).value() == hello);
  CHECK(pack7(hello, 4) == hex("80 2E B3 D9 6F 74 99 CD 7E 03"));  // after a 3-octet UDH
  CHECK(unpack7(hex("80 2E B3 D9 6F 74 99 CD 7E 03"), 10, 4).value() == hello);
  // 8 septets fill 7 octets exactly.
  const Bytes digits = hex("31 32 33 34 35 36 37 38");
  CHECK(pack7(digits) == hex("31 D9 8C 56 B3 DD 70"));
  CHECK(unpack7(pack7(digits), 8).value() == digits);
  CHECK(pack7({}).empty());

  CHECK(unpack7(hex("E8 32"), 3).status().code() == Code::kInvalidArgument);
  CHECK(unpack7(hello, 1, 7).status().code() == Code::kInvalidArgument);
}

TEST_CASE("a cell broadcast page: 93 septets padded with CR, 82 octets") {
  auto page = cbs_page7(hex("68 65 6C 6C 6F"));
  REQUIRE(page.ok());
  REQUIRE(page->size() == 82);
  // Checked with an independent big-integer packing (hello + 88 CR, LSB first).
  const Bytes expected =
      hex("E8 32 9B FD 6E 34 1A 8D 46 A3 D1 68 34 1A 8D 46 A3 D1 68 34 1A 8D 46 A3 "
          "D1 68 34 1A 8D 46 A3 D1 68 34 1A 8D 46 A3 D1 68 34 1A 8D 46 A3 D1 68 34 "
          "1A 8D 46 A3 D1 68 34 1A 8D 46 A3 D1 68 34 1A 8D 46 A3 D1 68 34 1A 8D 46 "
          "A3 D1 68 34 1A 8D 46 A3 D1 00 ");
  CHECK(*page == expected);
  CHECK(cbs_page7(rep(93, 0x41)).ok());
  CHECK(cbs_page7(rep(94, 0x41)).status().code() == Code::kInvalidArgument);
}
