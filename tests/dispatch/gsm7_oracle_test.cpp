// libosmocore as an independent oracle for dispatch/channels/sms/encode.h: its ASCII-to-GSM
// table and its 7-bit packing (gsm_septet_encode, gsm_7bit_encode_n, gsm_7bit_decode_n,
// gsm_7bit_decode_n_hdr) against ours. libosmocore is GPL: this executable is the only thing
// that links it, and nothing of it is copied into capcast.
#include <catch2/catch.hpp>

extern "C" {  // the header does not declare C linkage itself
#include <osmocom/gsm/gsm_utils.h>
}

#include <array>
#include <string>
#include <vector>

#include "sms/encode.h"

using namespace capcast;
using namespace capcast::dispatch::sms;

namespace {

// Texts libosmocore's table can take: printable ASCII except '`' (not in GSM 7-bit), LF, CR,
// and the extension characters.
std::vector<std::string> texts() {
  std::vector<std::string> out = {"hellohello",
                                  "a",
                                  "1234567",
                                  "12345678",
                                  "123456789",
                                  "@$_ are GSM 0x00 0x02 0x11",
                                  "[]{}~^|\\ need ESC",
                                  "Flood warning.\r\nMove to higher ground [now]!",
                                  "~",
                                  "x~"};
  std::string printable;
  for (char c = 0x20; c < 0x7F; ++c) {
    if (c != '`') printable.push_back(c);
  }
  out.push_back(printable);
  // Every length from 1 to 40 septets, so every bit offset is met with and without an escape.
  for (size_t n = 1; n <= 40; ++n) {
    out.push_back(printable.substr(n, n));
    out.push_back(std::string(n, '}'));
  }
  return out;
}

Bytes septets_of(const std::string& text) {
  EncodeOptions o;
  o.concatenation = Concatenation::kMessagePayload;
  auto e = encode(text, o);
  REQUIRE(e.ok());
  REQUIRE(e->encoding == cap::Encoding::kGsm7);
  return e->parts.at(0).short_message;
}

}  // namespace

TEST_CASE("GSM 7-bit septets agree with libosmocore's gsm_septet_encode") {
  for (const std::string& text : texts()) {
    INFO(text);
    std::vector<uint8_t> theirs(text.size() * 2 + 1);
    const int n = gsm_septet_encode(theirs.data(), text.c_str());
    theirs.resize(static_cast<size_t>(n));
    CHECK(septets_of(text) == theirs);
  }
}

TEST_CASE("pack7 agrees with libosmocore's gsm_7bit_encode_n and gsm_7bit_decode_n") {
  for (const std::string& text : texts()) {
    INFO(text);
    const Bytes septets = septets_of(text);
    std::vector<uint8_t> theirs(septets.size() + 8);
    int octets = 0;
    const int n = gsm_7bit_encode_n(theirs.data(), theirs.size(), text.c_str(), &octets);
    REQUIRE(static_cast<size_t>(n) == septets.size());
    theirs.resize(static_cast<size_t>(octets));
    const Bytes ours = pack7(septets);
    CHECK(ours == theirs);

    std::vector<char> decoded(text.size() + 2);
    gsm_7bit_decode_n(decoded.data(), decoded.size(), ours.data(),
                      static_cast<uint8_t>(septets.size()));
    CHECK(std::string(decoded.data()) == text);
    CHECK(unpack7(ours, septets.size()).value() == septets);
  }
}

TEST_CASE("fill bits after a UDH agree with libosmocore's gsm_7bit_decode_n_hdr") {
  for (size_t udh_octets = 1; udh_octets <= 8; ++udh_octets) {
    // UDHL, then filler information elements: only the length matters to the packing.
    Bytes ud(udh_octets, 0x70);
    ud[0] = static_cast<uint8_t>(udh_octets - 1);
    const unsigned fill = fill_bits_after_udh(udh_octets);
    CHECK((udh_octets * 8 + fill) % 7 == 0);
    for (const std::string& text : texts()) {
      INFO(udh_octets << " UDH octets, " << fill << " fill bits: " << text);
      const Bytes septets = septets_of(text);
      Bytes message = ud;
      const Bytes packed = pack7(septets, fill);
      message.insert(message.end(), packed.begin(), packed.end());
      const size_t header_septets = (udh_octets * 8 + fill) / 7;
      std::vector<char> decoded(text.size() + 2);
      gsm_7bit_decode_n_hdr(decoded.data(), decoded.size(), message.data(),
                            static_cast<uint8_t>(header_septets + septets.size()), 1);
      CHECK(std::string(decoded.data()) == text);
      CHECK(unpack7(packed, septets.size(), fill).value() == septets);
    }
  }
}
