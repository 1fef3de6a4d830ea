// The one table of channel kinds, and the [[channel]] section of the configuration schema that
// it generates. Thread-safe (immutable after start-up).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capcast/config/config.h"
#include "capcast/dispatch/channel.h"

namespace capcast::dispatch {

struct ChannelKind {
  const char* scheme;  // "file" for file:///var/out
  const char* help;
  std::vector<config::Key> keys;  // keys only this kind has
  ChannelFactory create;
};

const std::vector<ChannelKind>& channel_kinds();
// [[channel]]: name, url, retry policy, and each kind's own keys as variants by URL scheme.
config::SectionSpec channel_section();

struct NamedChannel {
  std::string name;
  std::string url;  // for display: its password masked
  std::unique_ptr<Channel> channel;
  int max_attempts = 0;
  Duration backoff_base{0};
  Duration backoff_max{0};
  int window = 0;   // attempts outstanding at once; 0: the channel's own maximum
  double rate = 0;  // attempts per second at most; 0: unlimited
  // cancel_pending, when configured (store::Store::set_cancel_pending); unset: the defaults.
  std::optional<store::CancelPending> cancel_pending;
};

// Builds every configured channel; the Status lists each one that could not be built.
Result<std::vector<NamedChannel>> build_channels(const config::Document& doc);

}  // namespace capcast::dispatch
