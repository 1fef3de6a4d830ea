// The bytes of an SMS as the SMS channels (SMPP 3.4 and HTTP gateways) send it: a UTF-8 text
// turned into the short_message of each submit_sm, with its data_coding, the concatenation
// header (UDH) or the SAR values, and the esm_class bit that goes with them; the reverse for
// receipts and MO text; and the 7-bit packing that cell broadcast and some gateways need.
//
// The alphabet choice and the split into parts are those of cap/text_fit.h (the same tables and
// the same rules as `capcast validate`), so what validation announced is what goes out.
// Pure functions: no I/O, thread-safe. Errors as values, never exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/text_fit.h"
#include "capcast/core/result.h"

namespace capcast::dispatch::sms {

using Bytes = std::vector<uint8_t>;

// SMPP 3.4 §5.2.19 data_coding values used here.
inline constexpr uint8_t kDataCodingSmscDefault = 0x00;  // for us: GSM 7-bit, unpacked
inline constexpr uint8_t kDataCodingIa5 = 0x01;          // IA5 (CCITT T.50) / ASCII
inline constexpr uint8_t kDataCodingUcs2 = 0x08;         // ISO/IEC 10646, UTF-16BE on the wire
// SMPP 3.4 §5.2.12 esm_class bit 6: short_message starts with a user data header.
inline constexpr uint8_t kEsmClassUdhi = 0x40;
// SMPP 3.4 §5.3.2.32: message_payload carries at most 64 K octets.
inline constexpr size_t kMaxPayloadOctets = 65535;

// How a text longer than one SMS reaches the handset in parts (SMPP 3.4 §2.2.1.4 / §5.3.2.22-24,
// 3GPP TS 23.040 §9.2.3.24). Which one works is SMSC-specific.
enum class Concatenation {
  kUdh8,   // UDH IEI 0x00 (8-bit reference): 05 00 03 ref total seq; 153 septets / 67 units
  kUdh16,  // UDH IEI 0x08 (16-bit reference): 06 08 04 refHi refLo total seq; 152 / 66
  kSar,    // no UDH: sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs per part
  // The whole text in one PDU's message_payload TLV (sm_length 0); the SMSC splits it. We
  // still report how many parts that makes (counted as 8-bit-reference UDH parts).
  kMessagePayload,
};

// Which data_coding GSM 7-bit text goes out with.
enum class Gsm7Coding {
  // 0x00, "SMSC default alphabet", taken to be GSM 7-bit: one septet an octet, ESC (0x1B)
  // before an extension character (3GPP TS 23.038 §6.2.1.1), as SMPP carries it.
  kSmscDefault,
  // 0x01 IA5, for SMSCs whose default alphabet is not GSM: the text goes as ASCII octets. A text
  // with a GSM character outside ASCII (£, é, Δ ...) has no IA5 form: it goes UCS-2 instead.
  // Parts are still cut at GSM septet counts, since the SMSC converts to GSM 7-bit for the air.
  kIa5,
};

struct EncodeOptions {
  Concatenation concatenation = Concatenation::kUdh8;
  // The concatenated message reference, allocated by the caller (one per message and
  // destination, TS 23.040 §9.2.3.24.1). At most 255 with kUdh8; 16 bits otherwise.
  uint16_t reference = 0;
  // A text that needs more parts is refused (kInvalidArgument). Kannel's default max-messages.
  size_t max_parts = 10;
  bool force_ucs2 = false;  // UCS-2 even when GSM 7-bit would do
  Gsm7Coding gsm7_coding = Gsm7Coding::kSmscDefault;
};

// The SAR TLVs of one part (SMPP 3.4 §5.3.2.22 sar_msg_ref_num, §5.3.2.23 sar_total_segments,
// §5.3.2.24 sar_segment_seqnum).
struct Sar {
  uint16_t reference = 0;
  uint8_t total = 0;
  uint8_t seq = 0;  // from 1
  bool operator==(const Sar&) const = default;
};

// One submit_sm (or, for kMessagePayload, the message_payload of the only one).
struct Part {
  Bytes short_message;         // UDH (when the method is a UDH one and there are 2+ parts) + text
  uint8_t esm_class_bits = 0;  // kEsmClassUdhi when short_message starts with a UDH; OR it in
  std::optional<Sar> sar;      // kSar with 2+ parts
  size_t units = 0;            // septets or UTF-16 units of text in this part
  bool operator==(const Part&) const = default;
};

struct Encoded {
  uint8_t data_coding = kDataCodingSmscDefault;
  cap::Encoding encoding = cap::Encoding::kGsm7;
  // SMS parts on the air: parts.size(), or for kMessagePayload what the SMSC will split into.
  size_t segments = 0;
  std::vector<Part> parts;  // at least one
};

// Encodes a UTF-8 text. Fails with kParseError on invalid UTF-8 and kInvalidArgument when the
// text needs more than max_parts parts, the reference does not fit the method, or a payload
// exceeds 64 K octets.
Result<Encoded> encode(std::string_view utf8, const EncodeOptions& options = {});

// --- The reverse (receipts, MO text, tests) ---------------------------------------------------

// GSM 7-bit unpacked (one septet an octet) to UTF-8. ESC + a code the extension table lacks
// gives the default-table character (TS 23.038 §6.2.1.1 note); ESC ESC or a trailing ESC gives a
// space (§6.2.1 and §6.2.1.1, code 0x1B). An octet above 0x7F is kParseError.
Result<std::string> gsm7_to_utf8(std::span<const uint8_t> septets);

// UCS-2 / UTF-16BE to UTF-8, surrogate pairs joined. An odd length or an unpaired surrogate is
// kParseError naming the byte offset.
Result<std::string> ucs2_to_utf8(std::span<const uint8_t> utf16be);

// --- 7-bit packing (3GPP TS 23.038 §6.1.2.1.1) ------------------------------------------------

// Packs septets into octets, least significant bit first (the 8th bit of each input octet is
// ignored). `fill_bits` (0..6) zero
// bits come first: the fill that aligns the text to a septet boundary after a UDH (TS 23.040
// §9.2.3.24); the UDH itself is not part of the result. Returns ceil((fill + 7 n) / 8) octets.
Bytes pack7(std::span<const uint8_t> septets, unsigned fill_bits = 0);

// The inverse: `count` septets from packed octets after `fill_bits` fill bits. kInvalidArgument
// when the octets are too few or fill_bits > 6. (The count is needed: 8 septets fill 7 octets
// exactly, and 7 septets leave 7 zero bits that would read as a trailing '@'.)
Result<Bytes> unpack7(std::span<const uint8_t> octets, size_t count, unsigned fill_bits = 0);

// Fill bits after a UDH of `udh_octets` octets (UDHL included): 6 -> 1, 7 -> 0 (§9.2.3.24).
unsigned fill_bits_after_udh(size_t udh_octets);

// GSM 7-bit septets (ESC included, as encode() produces them) to the 82 octets of one cell
// broadcast page: padded with CR (0x0D) to 93 septets and packed (TS 23.041 §9.4.1.2.2; the
// last 5 bits are 0). More than 93 septets is kInvalidArgument.
Result<Bytes> cbs_page7(std::span<const uint8_t> septets);

}  // namespace capcast::dispatch::sms
