// The file channel (file:///var/capcast/out): one CAP XML file per alert, written atomically
// (temporary file, fsync, rename), named so that a retry or a restart rewrites the same file
// rather than adding another. Not thread-safe (used by the engine's thread only).
#pragma once

#include <filesystem>
#include <string>

#include "capcast/dispatch/channel.h"

namespace capcast::dispatch::file {

class FileChannel final : public Channel {
 public:
  FileChannel(std::filesystem::path dir, bool fsync);
  Outcome deliver(const Message& message) override;

 private:
  std::filesystem::path dir_;
  bool fsync_;
};

// "<identifier, made safe>-<8 hex digits of a hash of sender,identifier,sent>.xml": readable,
// unique per alert, stable across runs. Pure.
std::string file_name_for(const std::string& sender, const std::string& identifier,
                          const std::string& sent);

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc);

}  // namespace capcast::dispatch::file
