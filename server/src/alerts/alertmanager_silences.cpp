#include "alerts/alertmanager_silences.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <ctime>
#include <mutex>

#include <boost/json/array.hpp>

#include "core/json_fields.hpp"

namespace meridian::alerts {
namespace {

constexpr long kTimeoutMs = 3000;

struct Reply {
  long status = 0;
  std::string body;
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* text = static_cast<std::string*>(out);
  if (text->size() < 64 * 1024) text->append(data, size * n);
  return size * n;
}

Result<Reply> call(const char* method, const std::string& url, const std::string& body) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (!curl) return make_error(ErrorCode::unavailable, "Alertmanager: no HTTP client");
  Reply reply;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK)
    return make_error(ErrorCode::unavailable,
                      std::string("Alertmanager cannot be reached: ") + curl_easy_strerror(code));
  return reply;
}

}  // namespace

std::string rfc3339(UnixMillis t) {
  const std::time_t seconds = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(t % 1000));
  return text;
}

boost::json::object silence_body(const std::map<std::string, std::string>& labels, UnixMillis starts, UnixMillis ends,
                                 const std::string& by, std::int64_t alert_id) {
  boost::json::array matchers;
  for (const auto& [name, value] : labels)
    matchers.push_back(boost::json::object{{"name", name}, {"value", value}, {"isRegex", false}, {"isEqual", true}});
  return boost::json::object{{"matchers", std::move(matchers)},
                             {"startsAt", rfc3339(starts)},
                             {"endsAt", rfc3339(ends)},
                             {"createdBy", by},
                             {"comment", "Acknowledged in Meridian (alert " + std::to_string(alert_id) + ")"}};
}

Result<std::string> create_silence(const std::string& base_url, const boost::json::object& body) {
  MERIDIAN_ASSIGN_OR_RETURN(auto reply, call("POST", base_url + "/api/v2/silences", json::serialize(body)));
  if (reply.status != 200)
    return make_error(ErrorCode::unavailable, "Alertmanager refused the silence: HTTP " + std::to_string(reply.status) +
                                                  " " + reply.body.substr(0, 200));
  auto answer = json::parse_object(reply.body);
  if (!answer.ok()) return make_error(ErrorCode::unavailable, "Alertmanager answered no JSON object");
  const auto* id = answer->if_contains("silenceID");
  if (!id || !id->is_string()) return make_error(ErrorCode::unavailable, "Alertmanager answered no silenceID");
  return std::string(id->as_string());
}

Result<void> expire_silence(const std::string& base_url, const std::string& silence_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto reply, call("DELETE", base_url + "/api/v2/silence/" + silence_id, ""));
  // 404: Alertmanager no longer knows it (restarted without its storage, or expired).
  if (reply.status != 200 && reply.status != 404)
    return make_error(ErrorCode::unavailable,
                      "Alertmanager refused to expire the silence: HTTP " + std::to_string(reply.status));
  return {};
}

}  // namespace meridian::alerts
