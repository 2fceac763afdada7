#include "availability/availability_routes.hpp"

#include <charconv>
#include <string>

#include <boost/json/array.hpp>

#include "availability/availability_json.hpp"
#include "core/json_fields.hpp"
#include "net/route_kit.hpp"

namespace meridian::availability {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 64 * 1024};
// An iCalendar file of a country's holidays for many years.
constexpr net::RouteOptions kImport{net::Auth::required, 2 * 1024 * 1024};

Result<std::vector<std::int64_t>> id_list(std::string_view text) {
  std::vector<std::int64_t> out;
  const std::string bad = "user_ids must be a comma-separated list of user ids (e.g. 1,2,3)";
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (ec != std::errc() || end != part.data() + part.size() || id <= 0)
      return make_error(ErrorCode::invalid_argument, bad);
    out.push_back(id);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (out.empty()) return make_error(ErrorCode::invalid_argument, bad);
  return out;
}

Result<std::optional<Day>> date_param(const HttpRequest& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::optional<Day>{};
  auto d = parse_date(*v);
  if (!d) return make_error(ErrorCode::invalid_argument, std::string(name) + " must be a date like 2026-03-30");
  return std::optional<Day>(*d);
}

}  // namespace

void add_availability_routes(net::Router& router, AvailabilityService& availability, const Clock& clock) {
  router.add("GET", "/api/v1/overlap", net::answer([&availability, &clock](HttpRequest& req) -> Result<HttpResponse> {
               auto ids_text = req.query_param("user_ids");
               if (!ids_text)
                 return make_error(ErrorCode::invalid_argument, "user_ids is required (e.g. user_ids=1,2,3)");
               MERIDIAN_ASSIGN_OR_RETURN(auto ids, id_list(*ids_text));
               MERIDIAN_ASSIGN_OR_RETURN(auto from, date_param(req, "from"));
               MERIDIAN_ASSIGN_OR_RETURN(auto days, net::query_int_or(req, "days", 1, 1, kMaxDays));
               auto tz = req.query_param("tz");
               if (tz && tz->empty()) tz.reset();
               MERIDIAN_ASSIGN_OR_RETURN(auto view,
                                         availability.overlap(*req.subject, ids, from, static_cast<int>(days), tz));
               return net::json_ok(overlap_json(view, clock.now_ms()));
             }),
             kSmall);

  router.add("GET", "/api/v1/me/availability",
             net::answer([&availability, &clock](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto me, availability.mine(*req.subject));
               const Day today = local_clock(me.schedule.time_zone, clock.now_ms()).day;
               return net::json_ok(person_json(me, clock.now_ms(), today, today + 366));
             }),
             kSmall);

  router.add("PUT", "/api/v1/me/availability",
             net::answer([&availability, &clock](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body,
                                         net::json_body(req, {"weekly", "days_off", "travel", "holiday_subdivision"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto settings, settings_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto me, availability.save(*req.subject, std::move(settings), req.remote_ip));
               const Day today = local_clock(me.schedule.time_zone, clock.now_ms()).day;
               return net::json_ok(person_json(me, clock.now_ms(), today, today + 366));
             }),
             kSmall);

  router.add("GET", "/api/v1/users/{id}/availability",
             net::answer([&availability, &clock](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               const Day today = static_cast<Day>(clock.now_ms() / kDayMs);
               MERIDIAN_ASSIGN_OR_RETURN(auto people, availability.people(*req.subject, {id}, today - 1, today + 366));
               return net::json_ok(person_json(people.front(), clock.now_ms(), today, today + 366));
             }),
             kSmall);

  // RFC 5545 text with a VAVAILABILITY (RFC 7953) of the weekly hours and the absences.
  router.add("GET", "/api/v1/users/{id}/availability.ics",
             net::answer([&availability](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto text, availability.ical(*req.subject, id));
               HttpResponse r;
               r.content_type = "text/calendar; charset=utf-8";
               r.body = std::move(text);
               r.headers.emplace_back("Content-Disposition",
                                      "attachment; filename=\"availability-" + std::to_string(id) + ".ics\"");
               return r;
             }),
             kSmall);

  router.add(
      "GET", "/api/v1/admin/holiday-calendars", net::answer([&availability](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto list, availability.calendars(*req.subject));
        boost::json::array items;
        for (const auto& c : list) items.push_back(calendar_json(c));
        return net::json_ok(boost::json::object{{"items", std::move(items)}, {"default_countries", [] {
                                                                                boost::json::array a;
                                                                                for (const auto& c :
                                                                                     default_holiday_countries())
                                                                                  a.push_back(boost::json::string(c));
                                                                                return a;
                                                                              }()}});
      }),
      kSmall);

  router.add("POST", "/api/v1/admin/holiday-calendars",
             net::answer([&availability](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"country", "subdivision", "name", "source"}));
               HolidayCalendar c;
               MERIDIAN_ASSIGN_OR_RETURN(c.country, json::required_string(body, "country", 2));
               MERIDIAN_ASSIGN_OR_RETURN(auto sub, json::optional_string(body, "subdivision", 6));
               MERIDIAN_ASSIGN_OR_RETURN(c.name, json::required_string(body, "name", 120));
               MERIDIAN_ASSIGN_OR_RETURN(auto source, json::optional_string(body, "source", 500));
               c.subdivision = sub.value_or("");
               c.source = source.value_or("");
               MERIDIAN_ASSIGN_OR_RETURN(auto made, availability.create_calendar(*req.subject, c, req.remote_ip));
               return net::json_ok(calendar_json(made), 201);
             }),
             kSmall);

  router.add("POST", "/api/v1/admin/holiday-calendars/defaults",
             net::answer([&availability, &clock](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"country", "from_year", "years"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto country, json::required_string(body, "country", 2));
               MERIDIAN_ASSIGN_OR_RETURN(auto from_year, json::optional_int(body, "from_year"));
               MERIDIAN_ASSIGN_OR_RETURN(auto years, json::optional_int(body, "years"));
               const auto this_year = year_of(static_cast<Day>(clock.now_ms() / kDayMs));
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto r, availability.install_defaults(
                               *req.subject, country,
                               static_cast<int>(std::clamp<std::int64_t>(from_year.value_or(this_year), 0, 10000)),
                               static_cast<int>(std::clamp<std::int64_t>(years.value_or(2), -1, 100)), req.remote_ip));
               return net::json_ok(import_json(r), 201);
             }),
             kSmall);

  router.add("DELETE", "/api/v1/admin/holiday-calendars/{id}",
             net::answer([&availability](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "holiday calendar id"));
               MERIDIAN_TRY(availability.delete_calendar(*req.subject, id, req.remote_ip));
               return HttpResponse::no_content();
             }),
             kSmall);

  // The body is the .ics file itself (text/calendar).
  router.add("POST", "/api/v1/admin/holiday-calendars/{id}/import",
             net::answer([&availability](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "holiday calendar id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto r, availability.import_ical(*req.subject, id, req.body, req.remote_ip));
               return net::json_ok(import_json(r));
             }),
             kImport);

  router.add(
      "GET", "/api/v1/admin/holiday-calendars/{id}/holidays",
      net::answer([&availability, &clock](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "holiday calendar id"));
        MERIDIAN_ASSIGN_OR_RETURN(
            auto year, net::query_int_or(req, "year", year_of(static_cast<Day>(clock.now_ms() / kDayMs)), 1970, 2200));
        MERIDIAN_ASSIGN_OR_RETURN(auto list, availability.calendar_holidays(*req.subject, id, static_cast<int>(year)));
        boost::json::array items;
        for (const auto& h : list) items.push_back(holiday_json(h));
        return net::json_ok(boost::json::object{{"items", std::move(items)}});
      }),
      kSmall);

  router.add("POST", "/api/v1/admin/holiday-calendars/{id}/holidays",
             net::answer([&availability](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "holiday calendar id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"date", "name"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto h, holiday_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto r, availability.add_holidays(*req.subject, id, {h}, req.remote_ip));
               return net::json_ok(import_json(r), r.added ? 201 : 200);
             }),
             kSmall);

  router.add("DELETE", "/api/v1/admin/holiday-calendars/{id}/holidays/{date}",
             net::answer([&availability](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "holiday calendar id"));
               auto day = parse_date(req.path_param("date"));
               if (!day) return make_error(ErrorCode::not_found, "no holiday on that date");
               MERIDIAN_TRY(availability.delete_holiday(*req.subject, id, *day, req.remote_ip));
               return HttpResponse::no_content();
             }),
             kSmall);
}

void add_scheduling_routes(net::Router& router, SchedulingService& scheduling) {
  router.add(
      "POST", "/api/v1/scheduling/suggestions", net::answer([&scheduling](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(
            auto body, net::json_body(req, {"user_ids", "duration_minutes", "from", "days", "time_zone", "limit"}));
        MERIDIAN_ASSIGN_OR_RETURN(auto q, suggestion_query_from(body));
        MERIDIAN_ASSIGN_OR_RETURN(auto s, scheduling.suggest(*req.subject, q));
        return net::json_ok(suggestions_json(s));
      }),
      kSmall);

  // A weekly meeting: one slot per week, the inconvenient time passed around fairly.
  router.add("POST", "/api/v1/scheduling/rotation",
             net::answer([&scheduling](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto body, net::json_body(req, {"user_ids", "duration_minutes", "from", "weeks", "time_zone"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto q, suggestion_query_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto r, scheduling.rotation(*req.subject, q));
               return net::json_ok(rotation_json(r));
             }),
             kSmall);
}

}  // namespace meridian::availability
