// libFuzzer target for cell broadcast (issue 7): the CBSP decoder on arbitrary bytes (what a BSC
// or anything on the network may send; cbs/cbsp/codec.h), as one PDU and as a TCP stream cut by
// next_pdu_size, with every decoded PDU encoded again; and, for input that starts with '<', the
// CAP-to-messages planner (cbs/plan.h) under every built-in profile, with the incident's state
// at rest and mid-incident. A crash, a sanitizer report, a leak or a hang is a finding; so is a
// broken contract, which traps:
//   - a PDU our decoder accepted and our encoder encoded decodes to the same PDU;
//   - every page a plan produced is 82 octets, there are at most 15, and its text decodes back.
// Built and run by tests/fuzz/run-fuzz --target cbs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "capcast/cap/parse.h"
#include "cbs/cbsp/codec.h"
#include "cbs/message_id.h"
#include "cbs/pages.h"
#include "cbs/plan.h"

namespace {

using namespace capcast;
using namespace capcast::dispatch::cbs;

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "cbs_fuzz: contract broken: %s\n", what);
  std::abort();
}

void cbsp_bytes(std::span<const uint8_t> data) {
  (void)cbsp::decode(data);
  // As a stream: PDU after PDU, as the client reads them.
  while (!data.empty()) {
    auto size = cbsp::next_pdu_size(data);
    if (!size.ok() || *size > data.size() || *size < cbsp::kHeaderSize) break;
    auto pdu = cbsp::decode(data.first(*size));
    if (pdu.ok()) {
      auto bytes = cbsp::encode(*pdu);
      if (bytes.ok()) {
        auto again = cbsp::decode(*bytes);
        if (!again.ok() || !(*again == *pdu)) broken("decode(encode(pdu)) != pdu");
      }
    }
    data = data.subspan(*size);
  }
}

void cap_text(std::string_view xml) {
  auto parsed = cap::parse(xml);
  if (!parsed.ok()) return;
  for (const char* name : {"wea", "eu-alert", "etws"}) {
    PlanOptions o;
    o.profile = builtin_profile(name);
    for (const IncidentState& state :
         {IncidentState{}, IncidentState{1023, 15, {OnAir{4371, Serial{}, true, {}}}}}) {
      auto p = plan(parsed->alert, state, o);
      if (!p.ok()) continue;
      for (const auto& b : p->broadcasts) {
        if (b.pages.size() > kMaxPages) broken("more than 15 pages");
        for (const auto& page : b.pages) {
          if (page.size() != kPageOctets) broken("a page is not 82 octets");
        }
        if (b.pages.empty()) continue;
        auto text = decode_pages(b.pages, b.dcs);
        if (!text.ok()) broken("the pages of a plan do not decode");
        // A text may end in CRs that decode as padding; the rest must match.
        std::string_view want = b.text;
        while (!want.empty() && want.back() == '\r')
          want.remove_suffix(1);
        if (*text != want) broken("the pages do not say the plan's text");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 0 && data[0] == '<') {
    cap_text(std::string_view(reinterpret_cast<const char*>(data), size));
  } else {
    cbsp_bytes(std::span(data, size));
  }
  return 0;
}
