#include "net/router.hpp"

#include <utility>

namespace meridian::net {
namespace {

// Splits "/a/b/c" into {"a","b","c"}; "/" gives one empty segment so that it only
// matches the pattern "/".
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      break;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// The next segment of a pattern or path from `rest` ("/a/b" gives "a", then "b"); false
// at the end. No allocation: every request compares its path against every route.
bool next_segment(std::string_view& rest, std::string_view& segment, bool& started) {
  if (!started) {
    started = true;
    if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  } else if (rest.data() == nullptr) {
    return false;
  }
  std::size_t slash = rest.find('/');
  segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (slash == std::string_view::npos) rest = std::string_view(nullptr, 0);  // the last one was read
  return true;
}

// Number of literal segments when the pattern matches, or -1. More literals = more specific.
int match_pattern(std::string_view pattern, const std::vector<std::string_view>& path_segments,
                  std::map<std::string, std::string, std::less<>>* params) {
  int literals = 0;
  std::size_t i = 0;
  std::string_view rest = pattern;
  std::string_view segment;
  bool started = false;
  while (next_segment(rest, segment, started)) {
    if (i == path_segments.size()) return -1;
    if (is_param(segment)) {
      if (path_segments[i].empty()) return -1;
    } else if (segment != path_segments[i]) {
      return -1;
    } else {
      ++literals;
    }
    ++i;
  }
  if (i != path_segments.size()) return -1;
  if (params) {
    rest = pattern;
    started = false;
    for (i = 0; next_segment(rest, segment, started); ++i) {
      if (!is_param(segment)) continue;
      (*params)[std::string(segment.substr(1, segment.size() - 2))] = std::string(path_segments[i]);
    }
  }
  return literals;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler), options, {}});
}

void Router::add_streaming(std::string method, std::string pattern, StreamingHandler handler, RouteOptions options) {
  options.stream_body = true;
  Route route{std::move(method), std::move(pattern), {}, options};
  route.streaming = std::move(handler);
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  auto segments = split_segments(path);
  // A literal segment beats a parameter when several patterns match: prefer the
  // pattern with the most literal segments, the first one registered on a tie.
  int best = -1;
  for (const Route& route : routes_) {
    int literals = match_pattern(route.pattern, segments, nullptr);
    if (literals < 0) continue;
    if (route.method != method) {
      result.path_matched_other_method = true;
      continue;
    }
    if (literals > best) {
      best = literals;
      result.route = &route;
    }
  }
  if (result.route) {
    result.path_matched_other_method = false;
    match_pattern(result.route->pattern, segments, &result.params);
  }
  return result;
}

std::vector<std::string> Router::allowed_methods(std::string_view path) const {
  std::vector<std::string> methods;
  auto segments = split_segments(path);
  for (const Route& route : routes_) {
    if (match_pattern(route.pattern, segments, nullptr) < 0) continue;
    bool seen = false;
    for (const auto& m : methods) seen = seen || m == route.method;
    if (!seen) methods.push_back(route.method);
  }
  return methods;
}

}  // namespace meridian::net
