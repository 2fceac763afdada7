// Prometheus metrics kept by the transport: connections, requests by route and
// status, latency histograms. Lock-free on the hot path where it matters.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace meridian::net {

class Metrics {
 public:
  void http_connection_opened() { ++http_connections_; }
  void http_connection_closed() { --http_connections_; }
  void ws_connection_opened() { ++ws_connections_; ++ws_connections_total_; }
  void ws_connection_closed() { --ws_connections_; }
  void ws_message_received() { ++ws_messages_in_; }
  void ws_message_sent() { ++ws_messages_out_; }
  void record_request(std::string_view method, std::string_view route, int status, double seconds);

  std::int64_t ws_connections() const { return ws_connections_; }
  // Prometheus text exposition format 0.0.4.
  std::string render() const;

 private:
  static constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  struct Histogram {
    std::uint64_t buckets[sizeof(kBuckets) / sizeof(double)] = {};
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::atomic<std::int64_t> http_connections_{0};
  std::atomic<std::int64_t> ws_connections_{0};
  std::atomic<std::uint64_t> ws_connections_total_{0};
  std::atomic<std::uint64_t> ws_messages_in_{0};
  std::atomic<std::uint64_t> ws_messages_out_{0};
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // method, route, status
  std::map<std::string, Histogram, std::less<>> latency_;                         // route
};

}  // namespace meridian::net
