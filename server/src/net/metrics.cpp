#include "net/metrics.hpp"

#include <cstdio>
#include <iterator>

namespace meridian::net {
namespace {

// Label values are route patterns and methods, but escape anyway: the format breaks
// on a stray quote or newline.
std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void append_metric_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

template <class T>
void append_sample(std::string& out, std::string_view name, T value) {
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

}  // namespace

void Metrics::record_request(std::string_view method, std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[std::tuple<std::string, std::string, int>(method, route, status)];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (std::size_t i = 0; i < std::size(kBuckets); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render() const {
  std::string out;
  append_metric_header(out, "meridian_http_connections", "Open HTTP connections.", "gauge");
  append_sample(out, "meridian_http_connections", http_connections_.load());
  append_metric_header(out, "meridian_ws_connections", "Open WebSocket connections.", "gauge");
  append_sample(out, "meridian_ws_connections", ws_connections_.load());
  append_metric_header(out, "meridian_ws_connections_total", "WebSocket connections accepted.", "counter");
  append_sample(out, "meridian_ws_connections_total", ws_connections_total_.load());
  append_metric_header(out, "meridian_ws_messages_received_total", "WebSocket messages received.", "counter");
  append_sample(out, "meridian_ws_messages_received_total", ws_messages_in_.load());
  append_metric_header(out, "meridian_ws_messages_sent_total", "WebSocket messages sent.", "counter");
  append_sample(out, "meridian_ws_messages_sent_total", ws_messages_out_.load());

  std::lock_guard lock(mutex_);
  append_metric_header(out, "meridian_http_requests_total", "HTTP requests by method, route and status.", "counter");
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "meridian_http_requests_total{method=\"";
    out += escape_label(method);
    out += "\",route=\"";
    out += escape_label(route);
    out += "\",status=\"";
    out += std::to_string(status);
    out += "\"} ";
    out += std::to_string(count);
    out += '\n';
  }
  append_metric_header(out, "meridian_http_request_duration_seconds", "HTTP request latency by route.", "histogram");
  for (const auto& [route, h] : latency_) {
    std::string label = escape_label(route);
    for (std::size_t i = 0; i < std::size(kBuckets); ++i) {
      out += "meridian_http_request_duration_seconds_bucket{route=\"" + label + "\",le=\"" +
             format_double(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + '\n';
    }
    out += "meridian_http_request_duration_seconds_bucket{route=\"" + label + "\",le=\"+Inf\"} " +
           std::to_string(h.count) + '\n';
    out += "meridian_http_request_duration_seconds_sum{route=\"" + label + "\"} " + format_double(h.sum) + '\n';
    out += "meridian_http_request_duration_seconds_count{route=\"" + label + "\"} " + std::to_string(h.count) + '\n';
  }
  return out;
}

}  // namespace meridian::net
