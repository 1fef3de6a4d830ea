#include "http/client.h"

#include <curl/curl.h>

#include <cstdlib>

namespace capcast::dispatch::http {

namespace {

constexpr size_t kMaxBody = 64 * 1024;

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t len = size * n;
  if (body->size() < kMaxBody) body->append(data, std::min(len, kMaxBody - body->size()));
  return len;
}

}  // namespace

Target target_of(const BrokerUrl& url) {
  Target t;
  const bool v6 = url.host.find(':') != std::string::npos;
  t.base = std::string(url.tls ? "https://" : "http://") + (v6 ? "[" : "") + url.host +
           (v6 ? "]" : "") + ":" + std::to_string(url.port);
  t.user = url.user;
  t.password = url.password;
  return t;
}

Answer request(const Target& t, const std::string& method, const std::string& path,
               const std::string& content_type, const std::string& body) {
  Answer a;
  CURL* e = curl_easy_init();
  if (e == nullptr) {
    a.error = "libcurl could not start a request";
    return a;
  }
  char error[CURL_ERROR_SIZE] = {0};
  const std::string url = t.base + path;
  curl_slist* headers = nullptr;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(t.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(t.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!t.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, t.ca_bundle.c_str());
  if (!t.cert_file.empty()) curl_easy_setopt(e, CURLOPT_SSLCERT, t.cert_file.c_str());
  if (!t.key_file.empty()) curl_easy_setopt(e, CURLOPT_SSLKEY, t.key_file.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "capcast");
  if (!t.user.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERNAME, t.user.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, t.password.c_str());
  }
  if (!t.authorization.empty()) {
    headers = curl_slist_append(headers, ("Authorization: " + t.authorization).c_str());
  }
  for (const auto& h : t.headers)
    headers = curl_slist_append(headers, h.c_str());
  if (!content_type.empty()) {
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  if (method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (method == "DELETE" && body.empty()) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    if (method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  const CURLcode code = curl_easy_perform(e);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    a.status = static_cast<int>(status);
    curl_header* h = nullptr;
    if (curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK) {
      char* end = nullptr;
      const long s = std::strtol(h->value, &end, 10);
      if (end != h->value && *end == '\0' && s >= 0) a.retry_after_s = s;
    }
  } else {
    a.error = error[0] ? error : curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(e);
  return a;
}

}  // namespace capcast::dispatch::http
