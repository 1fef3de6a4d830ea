#include "sms/encode.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace capcast::dispatch::sms {
namespace {

constexpr uint8_t kEsc = 0x1B;  // TS 23.038 §6.2.1: escape to the extension table

// One part of text before it becomes bytes: its code points and the units it uses.
struct Chunk {
  std::u32string chars;
  size_t units = 0;
};

// The septet tables inverted, built once from cap::gsm7_code() so that the one copy of
// TS 23.038 §6.2.1 stays in cap/src/text_fit.cpp. Every character of the default alphabet and
// its extension table lies in U+0000..U+03FF, except the euro sign.
struct Gsm7Reverse {
  std::array<char32_t, 128> normal{};
  std::array<char32_t, 128> escaped{};  // 0: no character for ESC + septet
};

const Gsm7Reverse& gsm7_reverse() {
  static const Gsm7Reverse table = [] {
    Gsm7Reverse r;
    auto add = [&r](char32_t cp) {
      if (auto code = cap::gsm7_code(cp)) {
        (code->escaped ? r.escaped : r.normal)[code->septet] = cp;
      }
    };
    for (char32_t cp = 0; cp < 0x400; ++cp)
      add(cp);
    add(U'\u20AC');
    r.normal[kEsc] = U' ';  // §6.2.1: "a receiving entity shall display a space"
    return r;
  }();
  return table;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_text(Bytes& out, const std::u32string& chars, cap::Encoding e, bool ia5) {
  for (char32_t cp : chars) {
    if (e == cap::Encoding::kUcs2) {
      // UTF-16BE (RFC 2781 §2.1): a character above U+FFFF as a surrogate pair.
      auto unit = [&out](char32_t u) {
        out.push_back(static_cast<uint8_t>(u >> 8));
        out.push_back(static_cast<uint8_t>(u & 0xFF));
      };
      if (cp > 0xFFFF) {
        unit(0xD800 + ((cp - 0x10000) >> 10));
        unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        unit(cp);
      }
    } else if (ia5) {
      out.push_back(static_cast<uint8_t>(cp));  // checked to be ASCII by the caller
    } else {
      const auto code = cap::gsm7_code(cp);  // present: the text was measured as GSM 7-bit
      if (code->escaped) out.push_back(kEsc);
      out.push_back(code->septet);
    }
  }
}

bool all_ascii(const std::u32string& s) {
  return std::all_of(s.begin(), s.end(), [](char32_t c) { return c < 0x80; });
}

// A text that GSM 7-bit could carry, split as UCS-2. Every GSM character is in the BMP, so a
// character is one UTF-16 unit and no surrogate pair can be cut.
std::vector<Chunk> split_as_ucs2(const std::u32string& chars, cap::ConcatRef ref) {
  const size_t capacity = chars.size() <= cap::kSmsSingleUcs2
                              ? cap::kSmsSingleUcs2
                              : cap::sms_part_capacity(cap::Encoding::kUcs2, ref);
  std::vector<Chunk> chunks;
  for (size_t at = 0; at < chars.size() || chunks.empty(); at += capacity) {
    Chunk c;
    c.chars = chars.substr(at, capacity);
    c.units = c.chars.size();
    chunks.push_back(std::move(c));
  }
  return chunks;
}

Bytes udh(const EncodeOptions& o, size_t total, size_t seq) {
  const auto t = static_cast<uint8_t>(total), s = static_cast<uint8_t>(seq);
  if (o.concatenation == Concatenation::kUdh8) {
    // TS 23.040 §9.2.3.24.1: UDHL 5, IEI 0x00, IEDL 3, reference, maximum number, sequence.
    return {0x05, 0x00, 0x03, static_cast<uint8_t>(o.reference), t, s};
  }
  // §9.2.3.24.8: UDHL 6, IEI 0x08, IEDL 4, 16-bit reference (most significant octet first).
  return {0x06,
          0x08,
          0x04,
          static_cast<uint8_t>(o.reference >> 8),
          static_cast<uint8_t>(o.reference & 0xFF),
          t,
          s};
}

}  // namespace

Result<Encoded> encode(std::string_view utf8, const EncodeOptions& options) {
  if (options.concatenation == Concatenation::kUdh8 && options.reference > 0xFF) {
    return invalid_argument("concatenation reference " + std::to_string(options.reference) +
                            " does not fit the 8-bit reference of UDH IEI 0x00 (0..255)");
  }
  const cap::ConcatRef ref = options.concatenation == Concatenation::kUdh16 ? cap::ConcatRef::k16Bit
                                                                            : cap::ConcatRef::k8Bit;
  auto seg = cap::sms_segments(utf8, ref);
  if (!seg.ok()) return seg.status();

  Encoded out;
  out.encoding = seg->encoding;
  std::vector<Chunk> chunks;
  for (const cap::TextPart& p : seg->parts) {
    auto chars = cap::decode_utf8(cap::part_text(utf8, p));
    if (!chars.ok()) return chars.status();  // not reached: sms_segments decoded it already
    chunks.push_back({std::move(*chars), p.units});
  }
  bool ia5 = false;
  if (out.encoding == cap::Encoding::kGsm7) {
    std::u32string all;
    for (const Chunk& c : chunks)
      all += c.chars;
    const bool want_ia5 = options.gsm7_coding == Gsm7Coding::kIa5;
    if (options.force_ucs2 || (want_ia5 && !all_ascii(all))) {
      out.encoding = cap::Encoding::kUcs2;
      chunks = split_as_ucs2(all, ref);
    } else {
      ia5 = want_ia5;
    }
  }
  out.data_coding = out.encoding == cap::Encoding::kUcs2 ? kDataCodingUcs2
                    : ia5                                ? kDataCodingIa5
                                                         : kDataCodingSmscDefault;
  out.segments = chunks.size();
  const size_t max_parts = std::min(options.max_parts, cap::kSmsMaxParts);
  if (out.segments > max_parts) {
    return invalid_argument("text needs " + std::to_string(out.segments) + " SMS parts (" +
                            std::string(cap::encoding_name(out.encoding)) + "), at most " +
                            std::to_string(max_parts) + " allowed (max_parts)");
  }

  if (options.concatenation == Concatenation::kMessagePayload) {
    Part part;
    for (const Chunk& c : chunks) {
      append_text(part.short_message, c.chars, out.encoding, ia5);
      part.units += c.units;
    }
    if (part.short_message.size() > kMaxPayloadOctets) {
      return invalid_argument("message_payload of " + std::to_string(part.short_message.size()) +
                              " octets, at most " + std::to_string(kMaxPayloadOctets) +
                              " (SMPP 3.4 §5.3.2.32)");
    }
    out.parts.push_back(std::move(part));
    return out;
  }

  const size_t total = chunks.size();
  for (size_t i = 0; i < total; ++i) {
    Part part;
    part.units = chunks[i].units;
    if (total > 1) {
      if (options.concatenation == Concatenation::kSar) {
        part.sar = Sar{options.reference, static_cast<uint8_t>(total), static_cast<uint8_t>(i + 1)};
      } else {
        part.short_message = udh(options, total, i + 1);
        part.esm_class_bits = kEsmClassUdhi;
      }
    }
    append_text(part.short_message, chunks[i].chars, out.encoding, ia5);
    out.parts.push_back(std::move(part));
  }
  return out;
}

Result<std::string> gsm7_to_utf8(std::span<const uint8_t> septets) {
  const Gsm7Reverse& table = gsm7_reverse();
  std::string out;
  for (size_t i = 0; i < septets.size(); ++i) {
    uint8_t s = septets[i];
    bool escaped = false;
    if (s == kEsc && i + 1 < septets.size() && septets[i + 1] != kEsc) {
      s = septets[++i];
      escaped = true;
    } else if (s == kEsc && i + 1 < septets.size()) {
      ++i;  // ESC ESC: reserved for another extension table; shown as one space (§6.2.1.1)
    }
    if (s > 0x7F) {
      return parse_error("octet " + std::to_string(s) + " at byte " + std::to_string(i) +
                         " is not a GSM 7-bit septet (above 0x7F)");
    }
    // §6.2.1.1: a code the extension table lacks shows as the default-table character.
    const char32_t cp = escaped && table.escaped[s] != 0 ? table.escaped[s] : table.normal[s];
    append_utf8(out, cp);
  }
  return out;
}

Result<std::string> ucs2_to_utf8(std::span<const uint8_t> utf16be) {
  if (utf16be.size() % 2 != 0) {
    return parse_error("UCS-2 text of " + std::to_string(utf16be.size()) +
                       " octets: not a whole number of 16-bit units");
  }
  std::string out;
  for (size_t i = 0; i < utf16be.size(); i += 2) {
    const char32_t u = (char32_t{utf16be[i]} << 8) | utf16be[i + 1];
    if (u >= 0xDC00 && u <= 0xDFFF) {
      return parse_error("unpaired low surrogate at byte " + std::to_string(i));
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      const char32_t lo =
          i + 3 < utf16be.size() ? (char32_t{utf16be[i + 2]} << 8) | utf16be[i + 3] : 0;
      if (lo < 0xDC00 || lo > 0xDFFF) {
        return parse_error("unpaired high surrogate at byte " + std::to_string(i));
      }
      append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
      i += 2;
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

// TS 23.038 §6.1.2.1.1: septet n takes bits 7n .. 7n+6 of the stream, octets filled from
// their least significant bit; the fill bits come first (TS 23.040 §9.2.3.24).
Bytes pack7(std::span<const uint8_t> septets, unsigned fill_bits) {
  const size_t bits = fill_bits + 7 * septets.size();
  Bytes out((bits + 7) / 8, 0);
  for (size_t n = 0; n < septets.size(); ++n) {
    const size_t pos = fill_bits + 7 * n;
    const unsigned v = static_cast<unsigned>(septets[n] & 0x7F) << (pos % 8);
    out[pos / 8] |= static_cast<uint8_t>(v & 0xFF);
    if (v > 0xFF) out[pos / 8 + 1] |= static_cast<uint8_t>(v >> 8);
  }
  return out;
}

Result<Bytes> unpack7(std::span<const uint8_t> octets, size_t count, unsigned fill_bits) {
  if (fill_bits > 6) {
    return invalid_argument("fill bits " + std::to_string(fill_bits) + ", at most 6");
  }
  if (octets.size() * 8 < fill_bits + 7 * count) {
    return invalid_argument(std::to_string(count) + " septets after " + std::to_string(fill_bits) +
                            " fill bits need more than " + std::to_string(octets.size()) +
                            " octets");
  }
  Bytes out;
  out.reserve(count);
  for (size_t n = 0; n < count; ++n) {
    const size_t pos = fill_bits + 7 * n;
    unsigned v = octets[pos / 8] >> (pos % 8);
    if (pos / 8 + 1 < octets.size())
      v |= static_cast<unsigned>(octets[pos / 8 + 1]) << (8 - pos % 8);
    out.push_back(static_cast<uint8_t>(v & 0x7F));
  }
  return out;
}

unsigned fill_bits_after_udh(size_t udh_octets) {
  return static_cast<unsigned>((7 - (udh_octets * 8) % 7) % 7);
}

Result<Bytes> cbs_page7(std::span<const uint8_t> septets) {
  if (septets.size() > cap::kCbsPageSeptets) {
    return invalid_argument(std::to_string(septets.size()) + " septets, a CBS page holds at most " +
                            std::to_string(cap::kCbsPageSeptets) + " (3GPP TS 23.041 §9.4.1.2.2)");
  }
  Bytes padded(septets.begin(), septets.end());
  padded.resize(cap::kCbsPageSeptets, 0x0D);  // §9.4.1.2.2: padded with <CR>
  return pack7(padded);
}

}  // namespace capcast::dispatch::sms
