// @mentions as written in a message's text, parsed on the server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace meridian::chat {

struct MentionTokens {
  std::vector<std::string> handles;  // lower-cased, without '@', each once
  bool channel = false;              // @channel (or @all / @everyone)
  bool here = false;                 // @here
};

// "@name" counts when '@' starts the text or follows a character that cannot be part of
// an email address's local part (so "ana@example.test" mentions nobody). A handle is
// letters, digits, '.', '_' and '-'; trailing '.' and '-' are punctuation, not handle.
MentionTokens parse_mentions(std::string_view text);

}  // namespace meridian::chat
