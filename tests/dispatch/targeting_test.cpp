// Location-based targeting (dispatch/targeting.h): the subscribers an alert's areas reach.
#include <catch2/catch.hpp>

#include "capcast/cap/parse.h"
#include "capcast/dispatch/targeting.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;

namespace {

cap::Alert alert_with(const std::string& area) {
  std::string xml =
      "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>A</identifier>"
      "<sender>s</sender><sent>2030-01-01T00:00:00-00:00</sent><status>Actual</status>"
      "<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>"
      "<event>Flood</event><urgency>Immediate</urgency><severity>Severe</severity>"
      "<certainty>Observed</certainty><area><areaDesc>x</areaDesc>" +
      area + "</area></info></alert>";
  auto p = cap::parse(xml);
  REQUIRE(p.ok());
  return p->alert;
}

store::Subscriber at(double lat, double lon) {
  store::Subscriber s;
  s.lat = lat;
  s.lon = lon;
  return s;
}

}  // namespace

TEST_CASE("targeting: home inside a polygon or circle, or a registered geocode") {
  auto areas =
      alert_areas(alert_with("<polygon>-1.4,36.6 -1.4,37.0 -1.1,37.0 -1.1,36.6 -1.4,36.6</polygon>"
                             "<circle>-4.05,39.67 10</circle><geocode><valueName>UGC</valueName>"
                             "<value>KEZ001</value></geocode>"));
  CHECK(reaches(areas, at(-1.2864, 36.8172), "sms"));    // Nairobi, in the polygon
  CHECK(reaches(areas, at(-4.0435, 39.6682), "sms"));    // Mombasa, in the 10 km circle
  CHECK_FALSE(reaches(areas, at(-0.09, 34.77), "sms"));  // Kisumu: outside both
  CHECK_FALSE(reaches(areas, at(-4.30, 39.67), "sms"));  // 28 km south of the circle's centre
  store::Subscriber by_code;
  by_code.geocodes = {"UGC=KEZ001"};
  CHECK(reaches(areas, by_code, "sms"));
  by_code.geocodes = {"UGC=KEZ002"};
  CHECK_FALSE(reaches(areas, by_code, "sms"));
  // A subscriber who chose other channels is not reached on this one.
  auto picky = at(-1.2864, 36.8172);
  picky.channels = {"sms-b"};
  CHECK_FALSE(reaches(areas, picky, "sms"));
  CHECK(reaches(areas, picky, "sms-b"));
  // Neither location nor areas: never reached.
  CHECK_FALSE(reaches(areas, store::Subscriber{}, "sms"));
}

TEST_CASE("targeting: from the store, candidates by box then the exact test") {
  test::TempDir dir;
  auto sealer =
      store::sodium_sealer("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto st = store::open_sqlite(dir / "capcast.db",
                               std::shared_ptr<const store::Sealer>(std::move(*sealer)));
  REQUIRE(st.ok());
  std::vector<store::Subscriber> subs;
  // A triangle: (0,0) (0,2) (2,0). Its box holds (1.5,1.5), but the triangle does not.
  for (auto [n, lat, lon] :
       {std::tuple{"+254700000001", 0.5, 0.5}, std::tuple{"+254700000002", 1.5, 1.5},
        std::tuple{"+254700000003", 5.0, 5.0}}) {
    store::Subscriber s = at(lat, lon);
    s.number = n;
    subs.push_back(s);
  }
  REQUIRE((*st)->upsert_subscribers(subs).ok());
  auto alert = alert_with("<polygon>0,0 0,2 2,0 0,0</polygon>");
  auto ids = target_subscribers(**st, alert, "sms");
  REQUIRE(ids.ok());
  auto all = *(*st)->list_subscribers(10, 0);
  CHECK(*ids == std::vector<int64_t>{all[0].recipient_id});

  // attach_people: the channel leaves the channel list and gets its people; a Cancel gets none
  // by area (only the follow-up of those who were sent the original, in the store).
  store::NewAlert n;
  std::vector<std::string> channels{"files", "sms"};
  auto count = attach_people(**st, alert, {"sms"}, channels, n);
  REQUIRE(count.ok());
  CHECK(*count == 1);
  CHECK(channels == std::vector<std::string>{"files"});
  REQUIRE(n.recipients.size() == 1);
  CHECK(n.recipients[0].ids == *ids);
  alert.msg_type = "Cancel";
  store::NewAlert c;
  channels = {"files", "sms"};
  CHECK(*attach_people(**st, alert, {"sms"}, channels, c) == 0);
  CHECK(channels == std::vector<std::string>{"files"});
  CHECK(c.recipients.empty());
}
