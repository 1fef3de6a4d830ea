// Shared test helpers: temporary directories, reading files, the repo's paths.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace capcast::test {

// A fresh directory under the system temp dir, removed (with its contents) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// The repository's root (for samples/ and tests/data/).
std::filesystem::path source_dir();
std::filesystem::path samples_dir();  // samples/cap

// How many entries a folder holds (0 when it does not exist).
size_t count_files(const std::filesystem::path& dir);
// The files a file:// channel has finished writing in `dir`: not its ".NAME.tmp" files, which
// it renames into place (and which may vanish between listing and reading).
std::vector<std::filesystem::path> written_files(const std::filesystem::path& dir);

// The port a peer started by tests/peers/peerctl listens on (PEERS_DIR/NAME.port); throws when
// the peer's fixture did not run.
int peer_port(const std::filesystem::path& peers_dir, const std::string& name);

// A TCP port of 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
int free_port();

// The full path of a program on the PATH (test::Process does not search it); `name` as is when
// none is found.
std::string on_path(const std::string& name);

}  // namespace capcast::test
