#include "support/tls_broker.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

namespace capcast::test {

void make_test_certs(const std::filesystem::path& d) {
  auto openssl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    std::string out;
    int rc = run(args, &out);
    INFO(out);
    REQUIRE(rc == 0);
  };
  auto p = [&](const std::string& name) { return (d / name).string(); };
  write_file(d / "server.ext", "subjectAltName=IP:127.0.0.1\n");
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("ca.key"), "-out",
           p("ca.crt"), "-days", "2", "-subj", "/CN=capcast test CA"});
  for (std::string w : {"server", "client"}) {
    openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", p(w + ".key"), "-out",
             p(w + ".csr"), "-subj", "/CN=capcast test " + w});
    std::vector<std::string> sign{"x509",        "-req",   "-in",       p(w + ".csr"),     "-CA",
                                  p("ca.crt"),   "-CAkey", p("ca.key"), "-CAcreateserial", "-out",
                                  p(w + ".crt"), "-days",  "2"};
    if (w == "server") {
      sign.push_back("-extfile");
      sign.push_back(p("server.ext"));
    }
    openssl(sign);
  }
  // mosquitto started as root reads its files as the mosquitto user.
  for (const auto& e : std::filesystem::directory_iterator(d))
    std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all |
                                               std::filesystem::perms::group_read |
                                               std::filesystem::perms::others_read);
}

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

TlsMosquitto::TlsMosquitto() {
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
  make_test_certs(dir_.path());
  plain_ = free_port();
  tls_ = free_port();
  write_file(dir_ / "mosquitto.conf",
             "per_listener_settings false\nallow_anonymous true\nlistener " +
                 std::to_string(plain_) + " 127.0.0.1\nlistener " + std::to_string(tls_) +
                 " 127.0.0.1\ncafile " + (dir_ / "ca.crt").string() + "\ncertfile " +
                 (dir_ / "server.crt").string() + "\nkeyfile " + (dir_ / "server.key").string() +
                 "\nrequire_certificate true\nlog_dest file " + (dir_ / "mosquitto.log").string() +
                 "\n");
  broker_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/sbin/mosquitto", "-c", (dir_ / "mosquitto.conf").string()});
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(port_open(plain_) && port_open(tls_)) && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(port_open(plain_));
  REQUIRE(port_open(tls_));
}

}  // namespace capcast::test
