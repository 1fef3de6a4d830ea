// An HTTP server on 127.0.0.1, a free port, for the fetcher and poller tests: serves what each
// test registers and counts the requests. Stopped on destruction.
#pragma once

#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>

namespace capcast::test {

class HttpFixture {
 public:
  HttpFixture() {
    port_ = server.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HttpFixture() {
    server.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
};

}  // namespace capcast::test
