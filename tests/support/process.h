// A child process for integration tests: started with its stdout and stderr captured, signalled,
// and waited for with a timeout. The destructor kills it if it still runs, so that a failing test
// leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace capcast::test {

class Process {
 public:
  explicit Process(std::vector<std::string> argv);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads stdout until a line contains `needle`; returns that line, or nullopt on timeout/EOF.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout);
  void signal(int sig);
  // The exit code (128 + signal if killed), or nullopt if it did not exit in time.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Reads what the child has written so far, so that it never blocks on a full pipe.
  void pump() {
    drain(out_fd_, out_, 0);
    drain(err_fd_, err_, 0);
  }
  // Everything read from stdout and stderr so far (for failure messages).
  std::string output();

 private:
  void drain(int fd, std::string& into, int timeout_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  size_t scanned_ = 0;
};

// Runs a command to completion; returns its exit code and combined output.
int run(const std::vector<std::string>& argv, std::string* output = nullptr);

// `xmllint --noout --nonet --schema` with the official CAP 1.2 XSD (tests/data/xsd) over each
// document, written to a temporary folder first: its exit code, its output, and for how many
// documents it said "validates".
struct XsdRun {
  int rc = -1;
  std::string output;
  size_t validates = 0;
};
XsdRun xmllint_cap(const std::vector<std::string>& docs);

}  // namespace capcast::test
