#include "metrics.h"

#include <cstdio>

namespace capcast::app {
namespace {

// Prometheus text format: a label value escapes backslash, double quote and line feed.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string render_metrics(const std::vector<dispatch::ChannelMetrics>& channels,
                           const store::Stats* stats) {
  std::string out;
  struct Counter {
    const char* name;
    const char* type;
    const char* help;
    double (*get)(const dispatch::ChannelMetrics&);
  };
  static const Counter kCounters[] = {
      {"capcast_channel_attempts_total", "counter", "Delivery attempts made, per channel.",
       [](const dispatch::ChannelMetrics& m) { return static_cast<double>(m.attempts); }},
      {"capcast_channel_delivered_total", "counter", "Deliveries the channel confirmed.",
       [](const dispatch::ChannelMetrics& m) { return static_cast<double>(m.delivered); }},
      {"capcast_channel_retried_total", "counter", "Attempts that failed and will be retried.",
       [](const dispatch::ChannelMetrics& m) { return static_cast<double>(m.retried); }},
      {"capcast_channel_dead_total", "counter",
       "Deliveries dead-lettered (rejected or out of attempts).",
       [](const dispatch::ChannelMetrics& m) { return static_cast<double>(m.dead); }},
      {"capcast_channel_in_flight", "gauge", "Attempts awaiting their outcome.",
       [](const dispatch::ChannelMetrics& m) { return static_cast<double>(m.in_flight); }},
      {"capcast_channel_window", "gauge", "Attempts allowed in flight at once.",
       [](const dispatch::ChannelMetrics& m) { return static_cast<double>(m.window); }},
  };
  for (const auto& c : kCounters) {
    family(out, c.name, c.type, c.help);
    for (const auto& m : channels)
      out +=
          std::string(c.name) + "{channel=\"" + label(m.channel) + "\"} " + number(c.get(m)) + "\n";
  }
  family(out, "capcast_channel_attempt_seconds", "histogram",
         "Time from claiming a delivery to knowing its outcome.");
  for (const auto& m : channels) {
    std::string ch = "channel=\"" + label(m.channel) + "\"";
    for (const auto& [bound_ms, count] : m.latency_buckets) {
      out += "capcast_channel_attempt_seconds_bucket{" + ch + ",le=\"" + number(bound_ms / 1000) +
             "\"} " + std::to_string(count) + "\n";
    }
    out += "capcast_channel_attempt_seconds_bucket{" + ch + ",le=\"+Inf\"} " +
           std::to_string(m.latency_count) + "\n";
    out +=
        "capcast_channel_attempt_seconds_sum{" + ch + "} " + number(m.latency_sum_ms / 1000) + "\n";
    out += "capcast_channel_attempt_seconds_count{" + ch + "} " + std::to_string(m.latency_count) +
           "\n";
  }
  if (stats) {
    family(out, "capcast_alerts_stored", "gauge", "Alerts in the store.");
    out += "capcast_alerts_stored " + std::to_string(stats->alerts) + "\n";
    family(out, "capcast_outbox_deliveries", "gauge", "Deliveries in the outbox, by state.");
    out += "capcast_outbox_deliveries{state=\"waiting\"} " +
           std::to_string(stats->deliveries_pending) + "\n";
    out += "capcast_outbox_deliveries{state=\"delivered\"} " +
           std::to_string(stats->deliveries_delivered) + "\n";
    out += "capcast_outbox_deliveries{state=\"dead\"} " + std::to_string(stats->deliveries_dead) +
           "\n";
  }
  return out;
}

}  // namespace capcast::app
