// /metrics rendering: the Prometheus text format (exposition format 0.0.4).
#include <catch2/catch.hpp>

#include "metrics.h"

using namespace capcast;

TEST_CASE("metrics: counters per channel, a cumulative histogram, label values escaped") {
  dispatch::ChannelMetrics m;
  m.channel = "sms \"main\"\\n";
  m.attempts = 7;
  m.delivered = 5;
  m.retried = 1;
  m.dead = 1;
  m.in_flight = 0;
  m.window = 64;
  m.latency_buckets = {{1, 2}, {10, 6}};
  m.latency_count = 7;
  m.latency_sum_ms = 1500;
  store::Stats st;
  st.alerts = 3;
  st.deliveries_pending = 2;
  st.deliveries_delivered = 5;
  st.deliveries_dead = 1;
  std::string out = app::render_metrics({m}, &st);
  const std::string ch = "channel=\"sms \\\"main\\\"\\\\n\"";
  CHECK_THAT(out, Catch::Contains("# TYPE capcast_channel_attempts_total counter\n"));
  CHECK_THAT(out, Catch::Contains("capcast_channel_attempts_total{" + ch + "} 7\n"));
  CHECK_THAT(out, Catch::Contains("capcast_channel_delivered_total{" + ch + "} 5\n"));
  CHECK_THAT(out, Catch::Contains("capcast_channel_dead_total{" + ch + "} 1\n"));
  CHECK_THAT(out, Catch::Contains("capcast_channel_window{" + ch + "} 64\n"));
  CHECK_THAT(
      out, Catch::Contains("capcast_channel_attempt_seconds_bucket{" + ch + ",le=\"0.001\"} 2\n"));
  CHECK_THAT(out,
             Catch::Contains("capcast_channel_attempt_seconds_bucket{" + ch + ",le=\"0.01\"} 6\n"));
  CHECK_THAT(out,
             Catch::Contains("capcast_channel_attempt_seconds_bucket{" + ch + ",le=\"+Inf\"} 7\n"));
  CHECK_THAT(out, Catch::Contains("capcast_channel_attempt_seconds_sum{" + ch + "} 1.5\n"));
  CHECK_THAT(out, Catch::Contains("capcast_outbox_deliveries{state=\"waiting\"} 2\n"));
  CHECK_THAT(out, Catch::Contains("capcast_alerts_stored 3\n"));
  // Without the store's figures, only the channels'.
  CHECK(app::render_metrics({m}, nullptr).find("capcast_alerts_stored") == std::string::npos);
}
