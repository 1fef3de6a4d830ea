// The HTTP SMS channels' I/O half (http_sms_channel.h): one libcurl multi handle on a thread of
// its own carries up to max_in_flight requests at once over reused connections. A multi rather
// than one blocking easy handle per attempt: the lane can keep a window of requests outstanding
// (a gateway answers each after its own round trip to the SMSC, often hundreds of ms), and the
// connections (TLS sessions included) are kept between requests.
#include "http_sms/http_sms_channel.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "capcast/config/config.h"

namespace capcast::dispatch::http_sms {
namespace {

struct Transfer {
  HttpRequest request;
  Done done;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  char error[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->body.size() < 64 * 1024) t->body.append(data, size * n);  // enough for any answer
  return size * n;
}

}  // namespace

class HttpSmsChannel::Impl {
 public:
  explicit Impl(HttpSmsOptions o) : o_(std::move(o)), multi_(curl_multi_init()) {
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(o_.max_in_flight));
    thread_ = std::thread([this] { loop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    curl_multi_wakeup(multi_);
    thread_.join();
    curl_multi_cleanup(multi_);
  }

  int max_window() const { return o_.max_in_flight; }

  void set_sink(ReceiptSink sink) {
    std::lock_guard lock(sink_mu_);
    sink_ = std::move(sink);
  }

  void submit(const Message& m, Done done) {
    auto r = plan(o_, m);
    if (!r.ok()) {
      done(Rejected{"cannot send as SMS: " + r.status().message()});
      return;
    }
    auto t = std::make_unique<Transfer>();
    t->request = std::move(*r);
    t->done = std::move(done);
    {
      std::lock_guard lock(mu_);
      if (!stop_) {
        incoming_.push_back(std::move(t));
        t = nullptr;
      }
    }
    if (t) {
      t->done(RetryLater{Duration{0}, "the channel is stopping"});
      return;
    }
    curl_multi_wakeup(multi_);
  }

  // A report's id that matches no delivery is still answered 200: gateways retry a report on
  // any other status, and retrying cannot make it known (it may also only be early: the lane
  // keeps such receipts a while and matches them again). A report that cannot be read is a
  // 400, which shows in the gateway's own logs what capcast's warning says.
  std::optional<int> callback(const CallbackRequest& request) {
    auto now = SystemClock::instance().now();
    std::vector<store::Receipt> got;
    if (o_.kind == Kind::kKannel) {
      auto r = kannel_receipt(request.params, now, o_.dlr_token);
      if (!r) {
        spdlog::warn("{}: a delivery report without a known id and type{} was ignored",
                     o_.channel_name, o_.dlr_token.empty() ? "" : ", or without the dlr_token");
        return 400;
      }
      got.push_back(std::move(*r));
    } else {
      if (o_.dlr_id.empty()) return std::nullopt;
      auto g = generic_receipts(o_, request, now);
      if (!g.ok()) {
        // The reason names where, never what: a report may carry the number.
        spdlog::warn("{}: {} was ignored", o_.channel_name, g.status().message());
        return 400;
      }
      if (g->unreadable > 0) {
        spdlog::warn("{}: {} of {} reports in one request had no id or status and were ignored",
                     o_.channel_name, g->unreadable, g->unreadable + g->receipts.size());
      }
      got = std::move(g->receipts);
    }
    std::lock_guard lock(sink_mu_);
    for (auto& r : got) {
      if (sink_) sink_(std::move(r));
    }
    return 200;
  }

 private:
  void start(std::unique_ptr<Transfer> t) {
    CURL* e = curl_easy_init();
    t->easy = e;
    const HttpRequest& r = t->request;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would resend the number
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o_.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!o_.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o_.ca_bundle.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_USERAGENT, "capcast");
    if (!r.user.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(e, CURLOPT_USERNAME, r.user.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, r.password.c_str());
    }
    for (const auto& h : r.headers)
      t->headers = curl_slist_append(t->headers, h.c_str());
    // No "Expect: 100-continue" round trip before a body.
    t->headers = curl_slist_append(t->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    if (r.method == "GET") {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.c_str());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
      if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    curl_multi_add_handle(multi_, e);
    active_.push_back(std::move(t));
  }

  void finish(CURL* e, CURLcode code) {
    auto it =
        std::find_if(active_.begin(), active_.end(), [e](const auto& t) { return t->easy == e; });
    if (it == active_.end()) return;
    std::unique_ptr<Transfer> t = std::move(*it);
    active_.erase(it);
    HttpAnswer a;
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
      a.status = static_cast<int>(status);
      a.body = std::move(t->body);
      curl_header* h = nullptr;
      if (curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK) {
        a.retry_after = h->value;
      }
    } else {
      // libcurl's message names the host, never the query (where Kannel's password is).
      a.error = t->error[0] ? t->error : curl_easy_strerror(code);
    }
    curl_multi_remove_handle(multi_, e);
    curl_easy_cleanup(e);
    curl_slist_free_all(t->headers);
    Outcome out = classify(o_, t->request, a, SystemClock::instance().now());
    if (const auto* rj = std::get_if<Rejected>(&out)) {
      spdlog::warn("{}: {}: {}", o_.channel_name, t->request.display, rj->reason);
    } else if (const auto* rl = std::get_if<RetryLater>(&out)) {
      spdlog::info("{}: {}: {}", o_.channel_name, t->request.display, rl->reason);
    }
    t->done(std::move(out));
  }

  void loop() {
    while (true) {
      std::deque<std::unique_ptr<Transfer>> fresh;
      bool stopping = false;
      {
        std::lock_guard lock(mu_);
        fresh.swap(incoming_);
        stopping = stop_;
      }
      if (stopping) {
        for (auto& t : fresh)
          t->done(RetryLater{Duration{0}, "the channel is stopping"});
        for (auto& t : active_) {
          curl_multi_remove_handle(multi_, t->easy);
          curl_easy_cleanup(t->easy);
          curl_slist_free_all(t->headers);
          t->done(RetryLater{Duration{0}, "the channel stopped before the gateway answered"});
        }
        active_.clear();
        return;
      }
      for (auto& t : fresh)
        start(std::move(t));
      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg == CURLMSG_DONE) finish(msg->easy_handle, msg->data.result);
      }
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
  }

  HttpSmsOptions o_;
  CURLM* multi_;
  std::mutex mu_;
  std::deque<std::unique_ptr<Transfer>> incoming_;
  std::vector<std::unique_ptr<Transfer>> active_;  // the I/O thread's only
  bool stop_ = false;                              // under mu_
  std::mutex sink_mu_;
  ReceiptSink sink_;
  std::thread thread_;  // last: started when everything else exists
};

HttpSmsChannel::HttpSmsChannel(HttpSmsOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpSmsChannel::~HttpSmsChannel() = default;

Outcome HttpSmsChannel::deliver(const Message& message) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  submit(message, [promise](Outcome o) { promise->set_value(std::move(o)); });
  return future.get();  // the transfer's timeout bounds the wait
}

void HttpSmsChannel::submit(const Message& message, Done done) {
  impl_->submit(message, std::move(done));
}

int HttpSmsChannel::max_window() const {
  return impl_->max_window();
}

void HttpSmsChannel::set_receipt_sink(ReceiptSink sink) {
  impl_->set_sink(std::move(sink));
}

std::optional<int> HttpSmsChannel::http_callback(const CallbackRequest& request) {
  return impl_->callback(request);
}

Result<std::unique_ptr<Channel>> create(const config::Section& section,
                                        const config::Document& doc) {
  auto o = http_sms_options(section, doc);
  if (!o.ok()) return o.status();
  return std::unique_ptr<Channel>(std::make_unique<HttpSmsChannel>(std::move(*o)));
}

}  // namespace capcast::dispatch::http_sms
