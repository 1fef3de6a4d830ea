#include "support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "support/helpers.h"

extern char** environ;

namespace capcast::test {

Process::Process(std::vector<std::string> argv) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
}

Process::~Process() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void Process::drain(int fd, std::string& into, int timeout_ms) {
  if (fd < 0) return;
  // Read everything available now (waiting up to timeout_ms for the first byte).
  char buf[65536];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;  // EOF or error
    into.append(buf, static_cast<size_t>(n));
    timeout_ms = 0;
  }
}

std::optional<std::string> Process::wait_for_line(const std::string& needle,
                                                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    size_t nl;
    while ((nl = out_.find('\n', scanned_)) != std::string::npos) {
      std::string line = out_.substr(scanned_, nl - scanned_);
      scanned_ = nl + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    drain(out_fd_, out_, 50);
    drain(err_fd_, err_, 0);
  }
}

void Process::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      drain(out_fd_, out_, 0);
      drain(err_fd_, err_, 0);
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    drain(out_fd_, out_, 20);
    drain(err_fd_, err_, 0);
  }
  return std::nullopt;
}

std::string Process::output() {
  drain(out_fd_, out_, 0);
  drain(err_fd_, err_, 0);
  return "--- stdout\n" + out_ + "--- stderr\n" + err_;
}

int run(const std::vector<std::string>& argv, std::string* output) {
  Process p(argv);
  std::optional<int> rc;
  while (!(rc = p.wait(std::chrono::milliseconds(100)))) {
  }
  if (output) *output = p.output();
  return *rc;
}

XsdRun xmllint_cap(const std::vector<std::string>& docs) {
  TempDir dir;
  std::vector<std::string> cmd = {"/usr/bin/xmllint", "--noout", "--nonet", "--schema",
                                  (source_dir() / "tests/data/xsd/CAP-v1.2.xsd").string()};
  for (size_t k = 0; k < docs.size(); ++k) {
    auto path = dir / ("alert-" + std::to_string(k) + ".xml");
    write_file(path, docs[k]);
    cmd.push_back(path.string());
  }
  XsdRun r;
  r.rc = run(cmd, &r.output);
  for (size_t at = r.output.find(" validates"); at != std::string::npos;
       at = r.output.find(" validates", at + 1))
    ++r.validates;
  return r;
}

}  // namespace capcast::test
