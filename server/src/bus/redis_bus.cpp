#include "bus/redis_bus.hpp"

#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <charconv>
#include <vector>

#include "core/log.hpp"

namespace meridian::bus {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Reply command(redisContext* c, const char* format, std::string_view a = {}) {
  return Reply(
      static_cast<redisReply*>(a.data() ? redisCommand(c, format, a.data(), a.size()) : redisCommand(c, format)));
}

bool is_error(const Reply& r) { return !r || r->type == REDIS_REPLY_ERROR; }

// Connects and authenticates; logs and returns null on failure. `timeout` bounds every
// later command (0: block, for the subscriber that waits for messages).
Context connect(const RedisOptions& o, std::chrono::milliseconds timeout, const char* role) {
  Context c(redisConnectWithTimeout(o.host.c_str(), o.port, to_timeval(o.connect_timeout)));
  auto fail = [&](std::string_view why) {
    log::debug("bus.redis_connect_failed", {{"role", std::string_view(role)}, {"message", why}});
    return Context();
  };
  if (!c) return fail("out of memory");
  if (c->err) return fail(c->errstr);
  redisEnableKeepAlive(c.get());
  if (timeout.count() > 0 && redisSetTimeout(c.get(), to_timeval(timeout)) != REDIS_OK) return fail("set timeout");
  if (!o.password.empty()) {
    auto r = command(c.get(), "AUTH %b", o.password);
    if (is_error(r)) return fail(r ? std::string_view(r->str, r->len) : std::string_view(c->errstr));
  }
  return c;
}

}  // namespace

Result<RedisOptions> parse_redis_url(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::invalid_argument,
                      "bus URL: " + std::string(why) + " (redis://[:password@]host[:port])");
  };
  if (url.substr(0, scheme.size()) != scheme) return bad("must start with redis://");
  std::string_view rest = url.substr(scheme.size());
  RedisOptions o;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    int n = 0;
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), n);
      if (ec != std::errc() || p != db.data() + db.size() || n < 0) return bad("the database must be a number");
    }
    rest = rest.substr(0, slash);
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = rest.substr(0, at);
    if (auto colon = auth.find(':'); colon != std::string_view::npos) auth = auth.substr(colon + 1);
    o.password = std::string(auth);
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest;
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
    host = rest.substr(0, colon);
    std::string_view port = rest.substr(colon + 1);
    int n = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc() || p != port.data() + port.size() || n < 1 || n > 65535)
      return bad("the port must be 1..65535");
    o.port = n;
  }
  if (host.empty()) return bad("the host is missing");
  o.host = std::string(host);
  return o;
}

RedisBus::RedisBus(RedisOptions options) : options_(std::move(options)) {
  publisher_ = std::thread([this] { run_publisher(); });
  subscriber_ = std::thread([this] { run_subscriber(); });
}

RedisBus::~RedisBus() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (subscriber_fd_ >= 0) ::shutdown(subscriber_fd_, SHUT_RDWR);  // ends the blocking read
  }
  wake_.notify_all();
  publisher_.join();
  subscriber_.join();
}

void RedisBus::publish(std::string_view topic, std::string payload) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queue) {
      if (dropped_.fetch_add(1) % 10'000 == 0)
        log::warn("bus.redis_queue_full", {{"queued", static_cast<std::int64_t>(queue_.size())}});
      return;
    }
    queue_.emplace_back(options_.prefix + std::string(topic), std::move(payload));
  }
  wake_.notify_all();
}

std::unique_ptr<Subscription> RedisBus::subscribe(std::string topic, Handler handler) {
  return local_.subscribe(std::move(topic), std::move(handler));
}

bool RedisBus::wait_ready(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool RedisBus::pause(std::chrono::milliseconds& backoff) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, backoff, [this] { return stopping_; });
  backoff = std::min(backoff * 2, options_.max_backoff);
  return !stopping_;
}

void RedisBus::run_publisher() {
  constexpr std::size_t kBatch = 256;
  std::chrono::milliseconds backoff{50};
  Context c;
  bool was_up = false;
  for (;;) {
    if (!c) {
      c = connect(options_, options_.command_timeout, "publisher");
      if (!c) {
        publisher_up_ = false;
        if (!pause(backoff)) return;
        continue;
      }
      if (was_up) reconnects_++;
      was_up = true;
      backoff = std::chrono::milliseconds{50};
      publisher_up_ = true;
    }
    std::vector<std::pair<std::string, std::string>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        // What is queued at shutdown goes out best-effort on the live connection.
        while (!queue_.empty() && batch.size() < 10 * kBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      } else {
        while (!queue_.empty() && batch.size() < kBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
    }
    if (batch.empty()) {
      if (stopping) return;
      // Idle: a PING tells ready() whether Redis is still there.
      if (is_error(command(c.get(), "PING"))) {
        log::warn("bus.redis_disconnected", {{"role", "publisher"}, {"message", std::string_view(c->errstr)}});
        c.reset();
        publisher_up_ = false;
      }
      continue;
    }
    for (const auto& [channel, payload] : batch)
      redisAppendCommand(c.get(), "PUBLISH %b %b", channel.data(), channel.size(), payload.data(), payload.size());
    bool failed = false;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(c.get(), &raw) != REDIS_OK) {
        failed = true;
        break;
      }
      freeReplyObject(raw);
    }
    if (failed) {
      // The batch on the broken connection is lost (at-most-once); the queue behind it is kept.
      dropped_ += batch.size();
      log::warn("bus.redis_disconnected", {{"role", "publisher"},
                                           {"message", std::string_view(c->errstr)},
                                           {"lost", static_cast<std::int64_t>(batch.size())}});
      c.reset();
      publisher_up_ = false;
    }
    if (stopping) return;
  }
}

void RedisBus::run_subscriber() {
  std::chrono::milliseconds backoff{50};
  const std::string pattern = options_.prefix + "*";
  bool was_up = false;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    Context c = connect(options_, std::chrono::milliseconds(0), "subscriber");
    if (!c) {
      subscriber_up_ = false;
      if (!pause(backoff)) return;
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      subscriber_fd_ = c->fd;
    }
    auto r = command(c.get(), "PSUBSCRIBE %b", pattern);
    if (!is_error(r)) {
      if (was_up) reconnects_++;
      was_up = true;
      backoff = std::chrono::milliseconds{50};
      subscriber_up_ = true;
      log::info("bus.redis_subscribed", {{"pattern", std::string_view(pattern)}});
      for (;;) {
        void* raw = nullptr;
        if (redisGetReply(c.get(), &raw) != REDIS_OK) break;
        Reply msg(static_cast<redisReply*>(raw));
        // ["pmessage", pattern, channel, payload]
        if (!msg || msg->type != REDIS_REPLY_ARRAY || msg->elements != 4) continue;
        const redisReply* kind = msg->element[0];
        const redisReply* channel = msg->element[2];
        const redisReply* payload = msg->element[3];
        if (std::string_view(kind->str, kind->len) != "pmessage") continue;
        std::string_view topic(channel->str, channel->len);
        if (topic.substr(0, options_.prefix.size()) != options_.prefix) continue;
        topic.remove_prefix(options_.prefix.size());
        try {
          local_.publish(topic, std::string(payload->str, payload->len));
        } catch (const std::exception& e) {
          log::error("bus.handler_failed", {{"topic", topic}, {"message", std::string_view(e.what())}});
        }
      }
    }
    subscriber_up_ = false;
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      subscriber_fd_ = -1;
      stopping = stopping_;
    }
    if (stopping) return;
    log::warn("bus.redis_disconnected", {{"role", "subscriber"}, {"message", std::string_view(c->errstr)}});
    c.reset();
    if (!pause(backoff)) return;
  }
}

}  // namespace meridian::bus
