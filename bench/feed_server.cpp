// feed_server: the HTTP peer of poller_bench, run as a separate process so that its CPU time is
// not counted. Serves /CLIENT/N (any CLIENT and N) as a small CAP ATOM feed (two entries, each
// embedding a CAP 1.2 alert) with an ETag that changes on every K-th request of that path (each
// path starting at its own phase, from a hash of the path): a
// conditional GET with the current ETag gets 304, anything else 200 and the body, so a client
// that keeps its validators sees 1 in K answers as 200. Each path counts on its own, so two
// clients polling the same feeds under different CLIENT prefixes see the same share.
// GET /stats?client=CLIENT answers "REQUESTS OK NOT_MODIFIED" for that client.
//
// Usage: feed_server [--port P] [--change-every K] [--threads T]; prints "port P" once listening
// on 127.0.0.1 (which every name under .localhost reaches; curl resolves them itself).
#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace {

struct Counts {
  long requests = 0;
  long ok = 0;
  long not_modified = 0;
};

std::string alert(const std::string& id, const std::string& sent) {
  return "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" + id +
         "</identifier><sender>w-nws.webmaster@noaa.gov</sender><sent>" + sent +
         "</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>"
         "<info><language>en-US</language><category>Met</category><event>Flood Warning</event>"
         "<urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty>"
         "<expires>2030-01-01T00:00:00-00:00</expires><senderName>NWS Example</senderName>"
         "<headline>Flood Warning issued for the Example River at Sampleton</headline>"
         "<description>The Example River at Sampleton is expected to rise above flood stage this "
         "evening and crest near 21 feet tomorrow morning. Minor lowland flooding is expected."
         "</description><instruction>Do not drive cars through flooded areas.</instruction>"
         "<area><areaDesc>Sample County</areaDesc><polygon>38.91,-94.72 38.95,-94.60 "
         "39.02,-94.62 38.99,-94.75 38.91,-94.72</polygon><geocode><valueName>SAME</valueName>"
         "<value>020091</value></geocode></area></info></alert>";
}

std::string feed(const std::string& path, long version) {
  std::string id = path.substr(1);
  for (char& c : id)
    if (c == '/') c = '-';
  std::string sent = "2026-11-30T01:" + std::to_string(10 + version % 50) + ":00-00:00";
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
      "<id>urn:bench:" +
      id + "</id><title>bench feed " + id + "</title><updated>2026-11-30T01:00:00Z</updated>";
  for (int e = 0; e < 2; ++e) {
    std::string aid = "bench-" + id + "-" + std::to_string(version) + "-" + std::to_string(e);
    out += "<entry><id>urn:" + aid +
           "</id><title>Flood Warning</title>"
           "<updated>2026-11-30T01:00:00Z</updated><content type=\"text/xml\">" +
           alert(aid, sent) + "</content></entry>";
  }
  return out + "</feed>";
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  long change_every = 10;
  int threads = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port")) port = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--change-every")) change_every = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
  }
  if (change_every < 1) change_every = 1;

  std::mutex mu;
  std::unordered_map<std::string, long> served;  // per path
  std::map<std::string, Counts> counts;          // per client

  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.Get("/stats", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    const Counts& c = counts[req.get_param_value("client")];
    res.set_content(std::to_string(c.requests) + " " + std::to_string(c.ok) + " " +
                        std::to_string(c.not_modified) + "\n",
                    "text/plain");
  });
  server.Get(R"(/(\w+)/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    long version = 0;
    {
      std::lock_guard<std::mutex> l(mu);
      // Each path starts at its own phase of the K requests, so that in any window 1 in K
      // answers is a change, not only after K polls of every feed.
      auto [it, added] = served.try_emplace(req.path, 0);
      if (added) it->second = static_cast<long>(std::hash<std::string>{}(req.path) % change_every);
      version = it->second++ / change_every;
    }
    std::string etag = "\"v" + std::to_string(version) + "\"";
    res.set_header("ETag", etag);
    bool fresh = req.get_header_value("If-None-Match") == etag;
    if (fresh) {
      res.status = 304;
    } else {
      res.set_content(feed(req.path, version), "application/atom+xml");
    }
    std::lock_guard<std::mutex> l(mu);
    Counts& c = counts[req.matches[1]];
    ++c.requests;
    ++(fresh ? c.not_modified : c.ok);
  });
  int bound = port ? (server.bind_to_port("127.0.0.1", port) ? port : -1)
                   : server.bind_to_any_port("127.0.0.1");
  if (bound <= 0) {
    std::fprintf(stderr, "feed_server: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("port %d\n", bound);
  std::fflush(stdout);
  server.listen_after_bind();
  return 0;
}
