// Outbound webhooks: events are stored as deliveries (one per configured URL) in the same
// transaction as the change they report, then POSTed by a background worker, signed
// with HMAC-SHA256, retried with exponential backoff, every attempt kept in the
// delivery log. Any node may deliver: a delivery is claimed with a conditional update.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::meetings {

struct HttpPostResult {
  int status = 0;     // 0 when no answer (connection refused, timeout)
  std::string error;  // empty on an HTTP answer
};

// The port to the network; CurlPoster is the real one.
class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  virtual HttpPostResult post(const std::string& url, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::int64_t timeout_ms) = 0;
};

class CurlPoster final : public HttpPoster {
 public:
  CurlPoster();
  ~CurlPoster() override;
  HttpPostResult post(const std::string& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      std::int64_t timeout_ms) override;
};

struct WebhookOptions {
  std::vector<std::string> urls;  // none: events are not recorded at all
  std::string secret;
  int max_attempts = 6;
  std::int64_t first_retry_ms = 2'000;  // then doubled per attempt, at most max_retry_ms
  std::int64_t max_retry_ms = 3'600'000;
  std::int64_t timeout_ms = 5'000;
  std::int64_t poll_ms = 500;
};

struct WebhookDelivery {
  std::int64_t id = 0;
  std::string event;
  std::string url;
  std::string payload;
  std::string status;  // pending, delivered, failed
  std::int64_t attempts = 0;
  std::optional<std::int64_t> last_status_code;
  std::string last_error;
  UnixMillis next_attempt_at = 0;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> delivered_at;
};

// "sha256=" + lower-case hex of HMAC-SHA256(secret, timestamp + "." + body).
std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body);

class WebhookDispatcher final {
 public:
  WebhookDispatcher(storage::Database& db, const Clock& clock, WebhookOptions options,
                    std::unique_ptr<HttpPoster> poster);
  ~WebhookDispatcher();

  // Within the caller's write transaction: one pending delivery per URL.
  Result<void> enqueue(storage::Session& s, std::string_view event, const boost::json::object& data);
  // Delivers what is due now; returns how many attempts were made. The worker calls it.
  Result<int> deliver_due();
  // Newest first.
  Result<std::vector<WebhookDelivery>> log(std::int64_t limit);

  void start();  // the background worker; stop() (or the destructor) ends it
  void stop();
  void wake();  // something was enqueued

  bool enabled() const { return !options_.urls.empty(); }

 private:
  storage::Database& db_;
  const Clock& clock_;
  WebhookOptions options_;
  std::unique_ptr<HttpPoster> poster_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread worker_;
};

}  // namespace meridian::meetings
