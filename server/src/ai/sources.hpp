// What the AI module reads from other modules, through ports that keep their rules: the
// messages of a conversation as the person asking may read them (chat's own read path),
// and who asked to be left out of AI processing (identity's GDPR flags).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ai/summary.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"

namespace meridian::ai {

struct ConversationScope {
  std::int64_t conversation_id = 0;
  std::optional<std::int64_t> thread_root_id;  // the root and its replies; else the main timeline
  std::optional<UnixMillis> since;             // messages written at or after
  std::optional<UnixMillis> until;             // messages written at or before
  bool unread_only = false;                    // after the reader's own read marker
  // After this place in the conversation: the read marker the reader had when they opened
  // it (opening a conversation moves the marker, so "catch me up" sends the one before).
  std::optional<std::int64_t> after_seq;
};

struct ConversationText {
  std::string region;                   // where the conversation's data lives
  std::vector<SourceMessage> messages;  // oldest first; deleted and empty ones left out
  std::vector<Person> people;           // its members
  bool older_left_out = false;          // more matched than the reader's cap: the newest were read
};

// A conversation the reader is a member of with messages they have not read.
struct UnreadConversation {
  std::int64_t conversation_id = 0;
  std::string name;
  std::int64_t unread = 0;
  std::int64_t last_read_seq = 0;
};

class ConversationSource {
 public:
  virtual ~ConversationSource() = default;
  // The reader's own conversations with unread messages, as chat lists them for them.
  virtual Result<std::vector<UnreadConversation>> unread(const Subject& who) = 0;
  // Only for someone who may read the conversation: others get chat's own refusal
  // (not_found for a private conversation, as if it did not exist).
  virtual Result<ConversationText> read(const Subject& who, const ConversationScope& scope,
                                        std::size_t max_messages) = 0;
};

class AiExclusions {
 public:
  virtual ~AiExclusions() = default;
  // Those of these people who asked that their content be left out of AI processing.
  virtual Result<std::set<std::int64_t>> excluded_from_ai(const std::set<std::int64_t>& user_ids) = 0;
  // Whether the person restricted the processing of their data (GDPR art. 18): they are
  // among the excluded above too, and their files are not indexed.
  virtual Result<bool> restricted(std::int64_t user_id) {
    (void)user_id;
    return false;
  }
};

// A file or folder as the files module shows it to someone who may read it.
struct FileFacts {
  std::int64_t id = 0;
  std::int64_t space_id = 0;
  std::int64_t parent_id = 0;  // 0: the space's root
  bool is_folder = false;
  std::int64_t version = 0;
  std::string name;
};

class FileAccess {
 public:
  virtual ~FileAccess() = default;
  // The file or folder as `who` may read it now (files' own rules, asked afresh each
  // time); not_found when they may not.
  virtual Result<FileFacts> readable(const Subject& who, std::int64_t node_id) = 0;
  virtual Result<void> space_readable(const Subject& who, std::int64_t space_id) = 0;
};

}  // namespace meridian::ai
