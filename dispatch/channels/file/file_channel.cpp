#include "file_channel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "capcast/config/config.h"

namespace capcast::dispatch::file {
namespace {

// FNV-1a, 32 bits: a short, stable, dependency-free name suffix (not a security property).
uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

Outcome io_failure(const std::string& what, int err) {
  // Full disk, lost mount, permissions: an operator can fix all of these, so the engine keeps
  // retrying rather than dropping the warning.
  return RetryLater{Duration{0}, what + ": " + std::strerror(err)};
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string file_name_for(const std::string& sender, const std::string& identifier,
                          const std::string& sent) {
  std::string safe;
  for (char c : identifier.substr(0, 100)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    safe += ok ? c : '_';
  }
  if (safe.empty() || safe[0] == '.') safe.insert(0, "alert");
  char hash[16];
  std::snprintf(hash, sizeof hash, "%08x", fnv1a(sender + "," + identifier + "," + sent));
  return safe + "-" + hash + ".xml";
}

FileChannel::FileChannel(std::filesystem::path dir, bool fsync)
    : dir_(std::move(dir)), fsync_(fsync) {}

Outcome FileChannel::deliver(const Message& m) {
  if (m.xml.empty()) return Rejected{"empty alert"};
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return RetryLater{Duration{0}, dir_.string() + ": " + ec.message()};
  auto final_path = dir_ / file_name_for(m.sender, m.identifier, m.sent);
  auto tmp_path = dir_ / ("." + final_path.filename().string() + ".tmp");
  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_failure(tmp_path.string(), errno);
  bool ok = write_all(fd, m.xml) && (!fsync_ || ::fsync(fd) == 0);
  int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp_path.c_str());
    return io_failure(tmp_path.string(), err);
  }
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp_path.c_str());
    return io_failure(final_path.string(), err);
  }
  if (fsync_) {
    // Make the rename itself durable.
    int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return Delivered{};
}

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc) {
  std::string url = section.get_string("url");
  // file:///abs/dir, or file:relative/dir (relative to the configuration file).
  std::string resolved = doc.resolve_url(url);
  std::string path = resolved.substr(std::string_view("file://").size());
  if (path.empty() || path[0] != '/') {
    return Status(Code::kInvalidArgument,
                  section.location_of("url").to_string() + ": " + section.label() + ": url '" +
                      url + "' is not a file:///absolute/path or file:relative/path");
  }
  return std::unique_ptr<Channel>(
      std::make_unique<FileChannel>(std::filesystem::path(path), section.get_bool("fsync")));
}

}  // namespace capcast::dispatch::file
