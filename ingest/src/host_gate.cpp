#include "capcast/ingest/host_gate.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace capcast::ingest {

std::string host_key(const std::string& url) {
  CURLU* u = curl_url();
  std::string key;
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      (std::string(scheme) == "http" || std::string(scheme) == "https") &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    std::string h = host;
    std::transform(h.begin(), h.end(), h.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    key = std::string(scheme) + "://" + h + ":" + port;
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  return key;
}

}  // namespace capcast::ingest
