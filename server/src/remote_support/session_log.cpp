#include "remote_support/session_log.hpp"

#include "core/random.hpp"

namespace meridian::remote_support {
namespace {

// Each field with its length in front, so that no two different entries hash the same text.
void field(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
  out += '\n';
}

}  // namespace

std::string entry_hash(const LogEntry& e) {
  std::string text;
  field(text, e.prev_hash);
  field(text, std::to_string(e.session_id));
  field(text, std::to_string(e.seq));
  field(text, std::to_string(e.at));
  field(text, e.actor);
  field(text, e.event);
  field(text, e.country);
  field(text, e.data);
  return sha256_hex(text);
}

LogEntry chained(const std::optional<LogEntry>& last, LogEntry next) {
  next.seq = last ? last->seq + 1 : 1;
  next.prev_hash = last ? last->hash : kGenesisHash;
  next.hash = entry_hash(next);
  return next;
}

ChainCheck verify_chain(const std::vector<LogEntry>& entries) {
  std::string prev = kGenesisHash;
  std::int64_t seq = 0;
  for (const auto& e : entries) {
    ++seq;
    if (e.seq != seq || e.prev_hash != prev || entry_hash(e) != e.hash) return ChainCheck{false, e.seq};
    prev = e.hash;
  }
  return {};
}

}  // namespace meridian::remote_support
