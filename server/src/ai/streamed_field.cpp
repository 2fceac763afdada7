#include "ai/streamed_field.hpp"

namespace meridian::ai {
namespace {

bool blank(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

void utf8(unsigned cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

void StreamedField::code_point(unsigned cp, std::string& out) {
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    high_ = cp;
    return;
  }
  if (cp >= 0xDC00 && cp <= 0xDFFF) {
    if (high_) utf8(0x10000 + ((high_ - 0xD800) << 10) + (cp - 0xDC00), out);
    high_ = 0;
    return;
  }
  high_ = 0;
  utf8(cp, out);
}

std::string StreamedField::feed(std::string_view piece) {
  std::string out;
  for (char c : piece) {
    switch (state_) {
      case State::seek:
        window_ += c;
        if (window_.size() > key_.size()) window_.erase(0, window_.size() - key_.size());
        if (window_ == key_) state_ = State::colon;
        break;
      case State::colon:
        if (c == ':')
          state_ = State::open;
        else if (!blank(c))
          state_ = State::seek, window_.clear();
        break;
      case State::open:
        if (c == '"')
          state_ = State::in;
        else if (!blank(c))
          state_ = State::seek, window_.clear();
        break;
      case State::in:
        if (c == '\\')
          state_ = State::escape;
        else if (c == '"')
          state_ = State::done;
        else
          out += c;
        break;
      case State::escape:
        state_ = State::in;
        switch (c) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
          case 'f':
            break;
          case 'u':
            hex_.clear();
            state_ = State::unicode;
            break;
          default:
            out += c;  // \" \\ \/
        }
        break;
      case State::unicode:
        hex_ += c;
        if (hex_.size() == 4) {
          unsigned cp = 0;
          for (char h : hex_) {
            cp <<= 4;
            if (h >= '0' && h <= '9')
              cp |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
              cp |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
              cp |= static_cast<unsigned>(h - 'A' + 10);
          }
          code_point(cp, out);
          state_ = State::in;
        }
        break;
      case State::done:
        return out;
    }
  }
  return out;
}

}  // namespace meridian::ai
