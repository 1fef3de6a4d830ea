// A mosquitto of a test's own with TLS: certificates made with the openssl command for this test
// only (a CA, a server certificate for 127.0.0.1, a client certificate; 2 days), and one broker
// with two listeners on free ports: TLS requiring a client certificate signed by that CA, and
// plain (for the test's own publisher or subscriber). Stopped on destruction.
#pragma once

#include <filesystem>
#include <memory>

#include "support/helpers.h"
#include "support/process.h"

namespace capcast::test {

// Writes ca.crt/ca.key, server.crt/server.key (subjectAltName IP:127.0.0.1) and
// client.crt/client.key into `dir`, readable by a mosquitto started as root.
void make_test_certs(const std::filesystem::path& dir);

// Whether something accepts TCP connections on 127.0.0.1:port.
bool port_open(int port);

class TlsMosquitto {
 public:
  TlsMosquitto();  // REQUIREs that both listeners are up within 10 s
  int plain_port() const { return plain_; }
  int tls_port() const { return tls_; }
  std::filesystem::path file(const char* name) const { return dir_ / name; }  // ca.crt ...
  std::string log() const { return read_file(dir_ / "mosquitto.log"); }

 private:
  TempDir dir_;
  int plain_ = 0;
  int tls_ = 0;
  std::unique_ptr<Process> broker_;
};

}  // namespace capcast::test
