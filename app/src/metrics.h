// /metrics: capcast's counters in the Prometheus text exposition format (version 0.0.4), for
// the operator's monitoring. Names follow Prometheus conventions (_total for counters, base
// units: seconds). No phone number, recipient or secret ever appears in a label. Pure.
#pragma once

#include <string>
#include <vector>

#include "capcast/dispatch/engine.h"
#include "capcast/store/store.h"

namespace capcast::app {

std::string render_metrics(const std::vector<dispatch::ChannelMetrics>& channels,
                           const store::Stats* stats);

}  // namespace capcast::app
