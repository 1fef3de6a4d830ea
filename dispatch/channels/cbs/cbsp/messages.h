// The CBSP requests a Cell Broadcast Centre sends for one cbs::Broadcast (broadcast.h):
// WRITE-REPLACE (a new message, or a replacement with its Old Serial Number), KILL, and
// KEEP-ALIVE. Pure functions of their inputs; the unit conversions (seconds to CBSP's units)
// are here. Thread-safe.
#pragma once

#include <chrono>

#include "capcast/core/result.h"
#include "cbs/broadcast.h"
#include "cbs/cbsp/codec.h"

namespace capcast::dispatch::cbs::cbsp {

// How long an ETWS primary notification is broadcast (TS 48.049 §8.2.25) when the broadcast
// requests no count: the longest the IE can say, one hour.
inline constexpr unsigned kEtwsWarningPeriodSeconds = 3600;

// The Cell List for a broadcast: "all cells in the BSC" (discriminator 6) for whole_network,
// else its cells as CGIs (discriminator 0). TS 48.049 §8.2.6.
CellList cell_list_of(const Broadcast& b);

// WRITE-REPLACE (TS 48.049 §8.1.3.1) for b.operation kWrite or kReplace (with Old Serial Number
// = b.old_serial). A CBS message carries the basic channel, category, repetition period
// (b.repetition_seconds in units of 1.883 s), broadcasts requested, DCS and pages; an ETWS
// message (b.etws) the Emergency Indicator, Warning Type (TS 23.041 §9.3.24), a Warning
// Security Information of zeros and the Warning Period. kInvalidArgument for a kill, a replace
// without old_serial, or pages that are not 1..15 of 82 octets.
Result<Pdu> write_replace(const Broadcast& b);

// KILL (TS 48.049 §8.1.3.4) of (b.message_id, b.old_serial) in the broadcast's cells, on the
// basic channel. kInvalidArgument without old_serial.
Result<Pdu> kill(const Broadcast& b);

// KEEP-ALIVE (TS 48.049 §8.1.3.18a) announcing `period` (§8.2.26, 1..120 s).
Pdu keep_alive(std::chrono::seconds period);

}  // namespace capcast::dispatch::cbs::cbsp
