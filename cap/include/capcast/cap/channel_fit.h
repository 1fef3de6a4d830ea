// What an <info> becomes on the channels that carry short text (cell broadcast, WEA, SMS), and
// how it fits them: the text those channels send (CMAMlongtext, else CMAMtext, else headline and
// instruction), its encoding, SMS segments, cell-broadcast pages and WEA limits. Used by
// `capcast validate` and, later, by dispatch. Pure; thread-safe.
#pragma once

#include <string>

#include "capcast/cap/model.h"
#include "capcast/cap/text_fit.h"
#include "capcast/core/result.h"

namespace capcast::cap {

// The short text of an <info>: the CMAMlongtext parameter, else CMAMtext, else the headline and
// the instruction joined by a space (whichever exist), else the event.
std::string short_text(const Info& info);

struct ChannelFit {
  std::string text;  // what short_text() gives
  TextFit fit;
};

// Fails only when the text is not valid UTF-8.
Result<ChannelFit> channel_fit(const Info& info);

}  // namespace capcast::cap
