#include "meetings/webhooks.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "core/json_fields.hpp"
#include "core/log.hpp"
#include "storage/row_columns.hpp"

namespace meridian::meetings {
namespace {

std::string hex(const unsigned char* data, unsigned int length) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0xf]);
  }
  return out;
}

WebhookDelivery delivery_from(const storage::Row& r) {
  WebhookDelivery d;
  storage::read_columns(r, d.id, d.event, d.url, d.payload, d.status, d.attempts, d.last_status_code, d.last_error,
                        d.next_attempt_at, d.created_at, d.delivered_at);
  return d;
}

constexpr const char* kColumns =
    "id, event, url, payload, status, attempts, last_status_code, last_error, next_attempt_at, created_at, "
    "delivered_at";

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return "sha256=" + hex(digest, length);
}

CurlPoster::CurlPoster() { curl_global_init(CURL_GLOBAL_DEFAULT); }
CurlPoster::~CurlPoster() { curl_global_cleanup(); }

HttpPostResult CurlPoster::post(const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                std::int64_t timeout_ms) {
  HttpPostResult out;
  CURL* curl = curl_easy_init();
  if (!curl) {
    out.error = "curl_easy_init failed";
    return out;
  }
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
  } else {
    out.error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return out;
}

WebhookDispatcher::WebhookDispatcher(storage::Database& db, const Clock& clock, WebhookOptions options,
                                     std::unique_ptr<HttpPoster> poster)
    : db_(db), clock_(clock), options_(std::move(options)), poster_(std::move(poster)) {}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

Result<void> WebhookDispatcher::enqueue(storage::Session& s, std::string_view event, const boost::json::object& data) {
  if (options_.urls.empty()) return {};
  const UnixMillis now = clock_.now_ms();
  const std::string payload =
      json::serialize(boost::json::object{{"event", event}, {"occurred_at", now}, {"data", data}});
  for (const auto& url : options_.urls) {
    MERIDIAN_TRY(storage::exec(
        s,
        "INSERT INTO webhook_deliveries (event, url, payload, status, attempts, next_attempt_at, created_at) "
        "VALUES (?, ?, ?, 'pending', 0, ?, ?)",
        {std::string(event), url, payload, now, now}));
  }
  return {};
}

Result<int> WebhookDispatcher::deliver_due() {
  const UnixMillis now = clock_.now_ms();
  auto due =
      read_value<std::vector<WebhookDelivery>>(db_, [&](storage::Session& s) -> Result<std::vector<WebhookDelivery>> {
        return storage::query_rows(s,
                                   std::string("SELECT ") + kColumns +
                                       " FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? "
                                       "ORDER BY next_attempt_at LIMIT 50",
                                   {now}, delivery_from);
      });
  if (!due.ok()) return due.error();
  int attempts = 0;
  for (const auto& d : *due) {
    // Claim it for the length of one attempt so that another node does not post it too.
    const UnixMillis lease = now + options_.timeout_ms + 5'000;
    auto claimed = write_value<std::int64_t>(db_, [&](storage::Session& s) {
      return s.execute(
          "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ? "
          "AND status = 'pending'",
          {lease, d.id, d.next_attempt_at});
    });
    if (!claimed.ok() || *claimed != 1) continue;
    const std::string timestamp = std::to_string(clock_.now_ms() / 1000);
    auto result = poster_->post(d.url, d.payload,
                                {{"Content-Type", "application/json"},
                                 {"User-Agent", "Meridian-Webhooks/1"},
                                 {"X-Meridian-Event", d.event},
                                 {"X-Meridian-Delivery", std::to_string(d.id)},
                                 {"X-Meridian-Timestamp", timestamp},
                                 {"X-Meridian-Signature", webhook_signature(options_.secret, timestamp, d.payload)}},
                                options_.timeout_ms);
    ++attempts;
    const std::int64_t tried = d.attempts + 1;
    const bool ok = result.status >= 200 && result.status < 300;
    std::string status = ok ? "delivered" : (tried >= options_.max_attempts ? "failed" : "pending");
    std::int64_t backoff = options_.first_retry_ms;
    for (std::int64_t i = 1; i < tried && backoff < options_.max_retry_ms; ++i) backoff *= 2;
    backoff = std::min(backoff, options_.max_retry_ms);
    const UnixMillis after = clock_.now_ms();
    std::string error = result.error.empty() && !ok ? "HTTP " + std::to_string(result.status) : result.error;
    auto stored = db_.write([&](storage::Session& s) -> Result<void> {
      return storage::exec(
          s,
          "UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, "
          "next_attempt_at = ?, delivered_at = ? WHERE id = ?",
          {status, tried, result.status ? storage::Value(std::int64_t{result.status}) : storage::Value(nullptr), error,
           after + backoff, ok ? storage::Value(after) : storage::Value(nullptr), d.id});
    });
    if (!stored.ok()) log::error("webhook.log_failed", {{"delivery", d.id}, {"message", stored.error().message}});
    if (!ok)
      log::warn("webhook.attempt_failed",
                {{"delivery", d.id}, {"event", d.event}, {"attempt", tried}, {"error", error}, {"status", status}});
  }
  return attempts;
}

Result<std::vector<WebhookDelivery>> WebhookDispatcher::log(std::int64_t limit) {
  return read_value<std::vector<WebhookDelivery>>(
      db_, [&](storage::Session& s) -> Result<std::vector<WebhookDelivery>> {
        auto rows =
            s.query(std::string("SELECT ") + kColumns + " FROM webhook_deliveries ORDER BY id DESC LIMIT ?", {limit});
        if (!rows.ok()) return rows.error();
        std::vector<WebhookDelivery> out;
        for (const auto& r : *rows) out.push_back(delivery_from(r));
        return out;
      });
}

void WebhookDispatcher::start() {
  if (!enabled() || worker_.joinable()) return;
  worker_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      auto r = deliver_due();
      if (!r.ok()) log::error("webhook.deliver_failed", {{"message", r.error().message}});
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stopping_ || woken_; });
      woken_ = false;
    }
  });
}

void WebhookDispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void WebhookDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

}  // namespace meridian::meetings
