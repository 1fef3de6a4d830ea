// Loading a TOML configuration against a Schema (schema.h). The result is a Document of
// validated Sections whose getters cannot fail: every key they are asked for was declared, type
// checked, and given its default. Thread-compatible; a loaded Document is immutable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capcast/config/schema.h"
#include "capcast/core/clock.h"
#include "capcast/core/result.h"

namespace capcast::config {

struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string to_string() const;  // "file:line:column", or "file" when the line is unknown
};

class Section {
 public:
  Section() = default;
  Section(std::string name, int index, Location where)
      : name_(std::move(name)), index_(index), where_(std::move(where)) {}

  const std::string& name() const { return name_; }
  // "[store]", or "[[source]] #2" for the second entry of a repeated section.
  std::string label() const;
  const Location& where() const { return where_; }
  // The variant this entry was validated as ("" for sections without variants).
  const std::string& variant() const { return variant_; }

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  // Getters for declared keys. Asking for an undeclared key, or with the wrong type, is a
  // programming error and aborts in debug builds; release builds return an empty value.
  std::string get_string(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  double get_double(const std::string& key) const;
  std::vector<std::string> get_strings(const std::string& key) const;
  Duration get_duration(const std::string& key) const;
  // Where a key was written, for error messages about its value ("demo.toml:12:7").
  Location location_of(const std::string& key) const;
  // The value as text for display: secrets are masked.
  std::string display(const std::string& key) const;

  // Used by the loader.
  void set(const std::string& key, Value v, Location at, bool secret);
  void set_variant(std::string v) { variant_ = std::move(v); }

 private:
  std::string name_;
  int index_ = 0;
  Location where_;
  std::string variant_;
  std::map<std::string, Value> values_;
  std::map<std::string, Location> locations_;
  std::map<std::string, bool> secret_;
};

class Document {
 public:
  // The single [name] section (filled with defaults when absent from the file).
  const Section& section(const std::string& name) const;
  // Every entry of a repeated [[name]] section, in file order.
  const std::vector<Section>& entries(const std::string& name) const;
  // The directory of the configuration file: relative paths in it are relative to this.
  const std::filesystem::path& base_dir() const { return base_dir_; }
  // Resolves a path written in the file against base_dir(); absolute paths pass through.
  std::filesystem::path resolve_path(const std::string& written) const;
  // Resolves `file:` URLs with a relative path ("file:samples/x.xml") to absolute file:// URLs;
  // other URLs pass through.
  std::string resolve_url(const std::string& written) const;

  // Used by the loader.
  std::map<std::string, std::vector<Section>>& mutable_sections() { return sections_; }
  void set_base_dir(std::filesystem::path p) { base_dir_ = std::move(p); }

 private:
  std::map<std::string, std::vector<Section>> sections_;
  std::filesystem::path base_dir_;
};

// Looks up an environment variable for ${NAME} substitution; injected so tests need not touch
// the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// Parses and validates. On failure the Status message lists every problem found, one per line,
// each as "file:line:column: what is wrong", so that one run shows all of them.
Result<Document> load_file(const std::filesystem::path& path, const Schema& schema,
                           const EnvLookup& env = process_env());
Result<Document> load_string(std::string_view toml_text, const std::string& source_name,
                             const Schema& schema, const EnvLookup& env = process_env());

// Parses "250ms", "30s", "5m", "2h", "1d" or a bare number of seconds.
std::optional<Duration> parse_duration(std::string_view text);

}  // namespace capcast::config
