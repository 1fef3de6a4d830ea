// Status: the value in which errors cross module boundaries (after LevelDB's util/status.h).
// A Status is either ok() or carries a Code from a closed set and a message that says what went
// wrong and where. Cheap to copy when ok. Thread-compatible (no shared state).
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace capcast {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // the caller's input is wrong (bad config value, malformed alert ...)
  kNotFound,
  kAlreadyExists,
  kIoError,           // a file, socket or database operation failed
  kUnavailable,       // a peer is down or busy; trying again later may help
  kPermissionDenied,  // a peer refused us (authentication, authorisation)
  kParseError,        // bytes that do not parse (XML, TOML, JSON)
  kInternal,
  kAborted,  // given up before it was attempted (queued for a connection that closed): no harm done
};

std::string_view code_name(Code code);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: message", or "ok".
  std::string to_string() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string msg) {
  return {Code::kInvalidArgument, std::move(msg)};
}
inline Status not_found(std::string msg) {
  return {Code::kNotFound, std::move(msg)};
}
inline Status io_error(std::string msg) {
  return {Code::kIoError, std::move(msg)};
}
inline Status unavailable(std::string msg) {
  return {Code::kUnavailable, std::move(msg)};
}
inline Status parse_error(std::string msg) {
  return {Code::kParseError, std::move(msg)};
}
inline Status internal_error(std::string msg) {
  return {Code::kInternal, std::move(msg)};
}

}  // namespace capcast
