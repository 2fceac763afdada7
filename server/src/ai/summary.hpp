// What a summary is made from and what it says: the messages a reader may read (people
// excluded from AI already left out), and the points found in them, each with the
// messages it came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace meridian::ai {

struct SourceMessage {
  std::int64_t id = 0;
  std::int64_t seq = 0;  // its place in the conversation (links open the message by it)
  std::int64_t author_id = 0;
  std::string author_name;
  std::string text;
  UnixMillis created_at = 0;
};

// Someone who may own an action item: a member of the conversation.
struct Person {
  std::int64_t user_id = 0;
  std::string display_name;
  std::string handle;  // for @mentions (lower-case)
};

struct SummaryInput {
  std::vector<SourceMessage> messages;  // oldest first
  std::vector<Person> people;
  std::string reader_language;  // ISO 639-1 when known ("" : none asked)
};

// In the order a summary lists them.
enum class PointKind { decision, action_item, open_question, highlight };
const char* point_kind_name(PointKind k);

struct Point {
  PointKind kind = PointKind::highlight;
  std::string text;
  std::vector<std::int64_t> message_ids;
  std::vector<std::int64_t> message_seqs;     // the same messages' places in the conversation
  std::optional<std::int64_t> owner_user_id;  // action items with a known owner
  std::string owner_name;
};

struct Summary {
  std::string language;       // ISO 639-1 of the summary's own words
  std::string summary;        // plain text
  std::vector<Point> points;  // decisions, action items, open questions, then highlights
};

}  // namespace meridian::ai
