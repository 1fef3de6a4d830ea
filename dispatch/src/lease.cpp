// Lease holders (engine.h): "host:pid:start-time", where start-time is the process's start in
// clock ticks since boot (proc(5), /proc/PID/stat field 22), so that a pid reused by another
// process is not mistaken for the holder.
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "capcast/dispatch/engine.h"

namespace capcast::dispatch {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// Field 22 of /proc/PID/stat; empty if the process does not exist. The second field (comm) may
// hold spaces and parentheses, so fields are counted from the last ')'.
std::string start_time_of(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return "";
  auto close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream fields(stat.substr(close + 1));
  std::string f;
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> f)) return "";
  }
  return f;
}

}  // namespace

std::string lease_owner_id() {
  long pid = static_cast<long>(::getpid());
  return host_name() + ":" + std::to_string(pid) + ":" + start_time_of(pid);
}

bool owner_is_dead(const std::string& owner) {
  auto second = owner.rfind(':');
  auto first =
      second == std::string::npos || second == 0 ? std::string::npos : owner.rfind(':', second - 1);
  if (first == std::string::npos) return false;  // not ours to judge: wait for the lease
  if (owner.substr(0, first) != host_name()) return false;
  std::string pid_text = owner.substr(first + 1, second - first - 1);
  if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos ||
      pid_text.size() > 9) {
    return false;
  }
  std::string started = start_time_of(std::stol(pid_text));
  return started.empty() || started != owner.substr(second + 1);
}

}  // namespace capcast::dispatch
