#include "net/metrics.hpp"

#include <gtest/gtest.h>

namespace meridian::net {
namespace {

TEST(Metrics, RendersCountersHistogramsAndGauges) {
  Metrics metrics;
  metrics.record_request("GET", "/api/users/{id}", 200, 0.003);
  metrics.record_request("GET", "/api/users/{id}", 200, 0.2);
  metrics.ws_connection_opened();
  metrics.ws_message_received();
  std::string text = metrics.render();
  EXPECT_NE(text.find("meridian_http_requests_total{method=\"GET\",route=\"/api/users/{id}\",status=\"200\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("meridian_http_request_duration_seconds_bucket{route=\"/api/users/{id}\",le=\"0.005\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("meridian_http_request_duration_seconds_bucket{route=\"/api/users/{id}\",le=\"+Inf\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("meridian_http_request_duration_seconds_count{route=\"/api/users/{id}\"} 2"), std::string::npos);
  EXPECT_NE(text.find("meridian_ws_connections 1"), std::string::npos);
  EXPECT_NE(text.find("meridian_ws_messages_received_total 1"), std::string::npos);
}

}  // namespace
}  // namespace meridian::net
