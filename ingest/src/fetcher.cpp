#include "capcast/ingest/fetcher.h"

#include <algorithm>
#include <cstring>

namespace capcast::ingest {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

void ensure_curl_global() {
  static CurlGlobal global;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool header_is(const std::string& line, const char* name) {
  size_t n = std::strlen(name);
  return line.size() > n && line[n] == ':' && strncasecmp(line.c_str(), name, n) == 0;
}

}  // namespace

struct Fetcher::Transfer {
  Callback done;
  FetchResponse response;
  curl_slist* headers = nullptr;
  size_t max_bytes = 0;
  bool too_large = false;
  char error[CURL_ERROR_SIZE] = {0};
  ~Transfer() { curl_slist_free_all(headers); }

  static size_t on_body(char* data, size_t size, size_t n, void* self) {
    auto* t = static_cast<Transfer*>(self);
    size_t len = size * n;
    if (t->response.body.size() + len > t->max_bytes) {
      t->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->response.body.append(data, len);
    return len;
  }

  static size_t on_header(char* data, size_t size, size_t n, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::string line(data, size * n);
    // A new status line (after a redirect) starts a new set of headers.
    if (line.rfind("HTTP/", 0) == 0) {
      t->response.etag.clear();
      t->response.last_modified.clear();
      t->response.retry_after = Duration{0};
    } else if (header_is(line, "ETag")) {
      t->response.etag = trim(line.substr(5));
    } else if (header_is(line, "Last-Modified")) {
      t->response.last_modified = trim(line.substr(14));
    } else if (header_is(line, "Retry-After")) {
      // Seconds form only (RFC 9110 §10.2.3); an HTTP-date falls back to the source's backoff.
      std::string v = trim(line.substr(12));
      if (!v.empty() && std::all_of(v.begin(), v.end(), ::isdigit) && v.size() < 9) {
        t->response.retry_after = Duration{std::stoll(v) * 1000};
      }
    }
    return size * n;
  }
};

Fetcher::Fetcher(FetchOptions options) : options_(std::move(options)) {
  ensure_curl_global();
  multi_ = curl_multi_init();
}

Fetcher::~Fetcher() {
  for (auto& [easy, t] : transfers_) {
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
  }
  transfers_.clear();
  curl_multi_cleanup(multi_);
}

void Fetcher::submit(const FetchRequest& request, Callback done) {
  CURL* easy = curl_easy_init();
  auto t = std::make_unique<Transfer>();
  t->done = std::move(done);
  t->max_bytes = options_.max_bytes;
  t->response.effective_url = request.url;
  if (!request.etag.empty()) {
    t->headers = curl_slist_append(t->headers, ("If-None-Match: " + request.etag).c_str());
  }
  if (!request.last_modified.empty()) {
    t->headers =
        curl_slist_append(t->headers, ("If-Modified-Since: " + request.last_modified).c_str());
  }
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, options_.max_redirects);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_bundle.empty())
    curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_bytes));
  if (t->headers) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
  transfers_.emplace(easy, std::move(t));
  curl_multi_add_handle(multi_, easy);
}

void Fetcher::poll(Duration max_wait) {
  auto reap = [this] {
    bool any = false;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg == CURLMSG_DONE) {
        finish(msg->easy_handle, msg->data.result);
        any = true;
      }
    }
    return any;
  };
  int running = 0;
  curl_multi_perform(multi_, &running);
  // Transfers that need no socket (file://) finish within perform: do not wait after those.
  if (reap()) return;
  int ms = static_cast<int>(std::clamp<int64_t>(max_wait.count(), 0, 60'000));
  curl_multi_poll(multi_, nullptr, 0, ms, nullptr);
  curl_multi_perform(multi_, &running);
  reap();
}

void Fetcher::wakeup() {
  curl_multi_wakeup(multi_);
}

void Fetcher::finish(CURL* easy, CURLcode result) {
  auto it = transfers_.find(easy);
  if (it == transfers_.end()) return;
  std::unique_ptr<Transfer> t = std::move(it->second);
  transfers_.erase(it);
  curl_multi_remove_handle(multi_, easy);

  FetchResponse& r = t->response;
  char* effective = nullptr;
  curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective);
  if (effective) r.effective_url = effective;
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  r.http_status = code;
  bool is_http = r.effective_url.rfind("http", 0) == 0;

  if (t->too_large || result == CURLE_FILESIZE_EXCEEDED) {
    r.status = Status(Code::kInvalidArgument,
                      "response larger than " + std::to_string(options_.max_bytes) + " bytes");
  } else if (result != CURLE_OK) {
    std::string detail = t->error[0] ? t->error : curl_easy_strerror(result);
    r.status = Status(Code::kUnavailable, detail);
  } else if (is_http && code == 304) {
    r.not_modified = true;
  } else if (is_http && (code < 200 || code > 299)) {
    r.status = Status(code == 429 || code >= 500 ? Code::kUnavailable : Code::kInvalidArgument,
                      "HTTP status " + std::to_string(code));
  }
  curl_easy_cleanup(easy);
  t->done(std::move(r));
}

std::string resolve_reference(const std::string& base, const std::string& ref) {
  CURLU* u = curl_url();
  std::string out = ref;
  if (curl_url_set(u, CURLUPART_URL, base.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_URL, ref.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    char* s = nullptr;
    if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) out = s;
    curl_free(s);
  }
  curl_url_cleanup(u);
  return out;
}

}  // namespace capcast::ingest
