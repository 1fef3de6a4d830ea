#include "support/helpers.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace capcast::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "capcast-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& content) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::filesystem::path source_dir() {
  return CAPCAST_SOURCE_DIR;
}
std::filesystem::path samples_dir() {
  return source_dir() / "samples" / "cap";
}

}  // namespace capcast::test
