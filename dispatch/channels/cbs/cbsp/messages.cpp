// CBSP requests for a Broadcast (messages.h).
#include "cbs/cbsp/messages.h"

#include <algorithm>
#include <string>

namespace capcast::dispatch::cbs::cbsp {

CellList cell_list_of(const Broadcast& b) {
  if (b.whole_network) return CellList{Discriminator::kAllInBsc, {}};
  return CellList{Discriminator::kCgi, b.cells};
}

Result<Pdu> write_replace(const Broadcast& b) {
  if (b.operation == Operation::kKill) {
    return invalid_argument("CBSP WRITE-REPLACE for a kill of message " +
                            std::to_string(b.message_id));
  }
  if (b.operation == Operation::kReplace && !b.old_serial) {
    return invalid_argument("CBSP WRITE-REPLACE: a replace of message " +
                            std::to_string(b.message_id) +
                            " without the Old Serial Number (TS 48.049 §8.1.3.1)");
  }
  Pdu p;
  p.type = MessageType::kWriteReplace;
  p.message_id = b.message_id;
  p.new_serial = b.serial.packed();
  if (b.operation == Operation::kReplace) p.old_serial = b.old_serial->packed();
  p.cell_list = cell_list_of(b);
  if (b.etws) {
    // TS 23.041 §9.3.24: type in bits 15-9, emergency user alert bit 8, popup bit 7.
    p.emergency_indicator = 1;
    p.warning_type =
        static_cast<uint16_t>(static_cast<unsigned>(b.etws->type) << 9 |
                              (b.etws->user_alert ? 1u : 0u) << 8 | (b.etws->popup ? 1u : 0u) << 7);
    p.warning_security_information = std::array<uint8_t, 50>{};
    unsigned seconds = kEtwsWarningPeriodSeconds;
    if (b.broadcasts_requested > 0) {
      seconds = std::min(kEtwsWarningPeriodSeconds,
                         b.broadcasts_requested * std::max(1u, b.repetition_seconds));
    }
    p.warning_period = warning_period_code(seconds);
    return p;
  }
  if (b.pages.empty() || b.pages.size() > kMaxPages) {
    return invalid_argument("CBSP WRITE-REPLACE of message " + std::to_string(b.message_id) + ": " +
                            std::to_string(b.pages.size()) +
                            " pages, not 1..15 (TS 48.049 §8.2.21)");
  }
  p.channel_indicator = 0;  // basic channel (§8.2.20)
  p.category = static_cast<uint8_t>(b.category);
  p.repetition_period = repetition_units(b.repetition_seconds);
  p.broadcasts_requested = static_cast<uint16_t>(std::min(b.broadcasts_requested, 65535u));
  p.dcs = b.dcs;
  for (size_t i = 0; i < b.pages.size(); ++i) {
    if (b.pages[i].size() != kPageOctets) {
      return invalid_argument("CBSP WRITE-REPLACE of message " + std::to_string(b.message_id) +
                              ": page " + std::to_string(i + 1) + " has " +
                              std::to_string(b.pages[i].size()) +
                              " octets, not 82 (TS 48.049 §8.2.3)");
    }
    Page page;
    std::copy(b.pages[i].begin(), b.pages[i].end(), page.data.begin());
    const size_t used = i < b.page_used.size() ? b.page_used[i] : kPageOctets;
    page.used = static_cast<uint8_t>(std::min(used, kPageOctets));
    p.pages.push_back(page);
  }
  return p;
}

Result<Pdu> kill(const Broadcast& b) {
  if (!b.old_serial) {
    return invalid_argument("CBSP KILL of message " + std::to_string(b.message_id) +
                            " without the serial on air (TS 48.049 §8.1.3.4)");
  }
  Pdu p;
  p.type = MessageType::kKill;
  p.message_id = b.message_id;
  p.old_serial = b.old_serial->packed();
  p.cell_list = cell_list_of(b);
  p.channel_indicator = 0;
  return p;
}

Pdu keep_alive(std::chrono::seconds period) {
  Pdu p;
  p.type = MessageType::kKeepAlive;
  const auto s = std::clamp<int64_t>(period.count(), 1, 120);
  p.keep_alive_period = warning_period_code(static_cast<unsigned>(s));
  return p;
}

}  // namespace capcast::dispatch::cbs::cbsp
