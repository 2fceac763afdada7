// One string field of a JSON reply read as the reply streams in: the `openai` provider
// asks for {"answer": "...", "citations": [...]}, and the asker should see the answer's
// words as they come, not the JSON around them. Each piece fed in gives the field's newly
// decoded text (escapes and \u surrogate pairs decoded to UTF-8); the finished reply is
// still parsed whole, and that parse is the answer.
#pragma once

#include <string>
#include <string_view>

namespace meridian::ai {

class StreamedField final {
 public:
  explicit StreamedField(std::string name) : key_("\"" + std::move(name) + "\"") {}
  // The field's text decoded from this piece (empty when the piece held none of it).
  std::string feed(std::string_view piece);
  bool finished() const { return state_ == State::done; }

 private:
  enum class State { seek, colon, open, in, escape, unicode, done };
  void code_point(unsigned cp, std::string& out);

  std::string key_;
  State state_ = State::seek;
  std::string window_;  // the last characters seen while seeking the key
  std::string hex_;
  unsigned high_ = 0;  // a high surrogate waiting for its low half
};

}  // namespace meridian::ai
