#include "capcast/cap/channel_fit.h"

namespace capcast::cap {

std::string short_text(const Info& info) {
  // WEA's own texts first (IPAWS profile: CMAMlongtext is the 360-character form).
  for (const char* name : {"CMAMlongtext", "CMAMtext"}) {
    for (const auto& p : info.parameters) {
      if (p.value_name == name && !p.value.empty()) return p.value;
    }
  }
  std::string out;
  for (const auto* part : {&info.headline, &info.instruction}) {
    if (*part && !(*part)->empty()) out += (out.empty() ? "" : " ") + **part;
  }
  return out.empty() ? info.event : out;
}

Result<ChannelFit> channel_fit(const Info& info) {
  ChannelFit out;
  out.text = short_text(info);
  auto f = fit(out.text);
  if (!f.ok()) return f.status();
  out.fit = *f;
  return out;
}

}  // namespace capcast::cap
