#include "alerts/alert.hpp"

namespace meridian::alerts {
namespace {

template <class E, std::size_t N>
bool parse_named(std::string_view text, E& out, const char* (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i)
    if (text == names[i]) {
      out = static_cast<E>(i);
      return true;
    }
  return false;
}

const char* kPriorities[] = {"info", "warning", "critical"};
const char* kCategories[] = {"system", "announcement", "compliance", "emergency"};
const char* kStatuses[] = {"open", "acknowledged", "resolved"};

}  // namespace

const char* priority_name(Priority p) { return kPriorities[static_cast<int>(p)]; }
bool parse_priority(std::string_view text, Priority& out) { return parse_named(text, out, kPriorities); }
const char* category_name(Category c) { return kCategories[static_cast<int>(c)]; }
bool parse_category(std::string_view text, Category& out) { return parse_named(text, out, kCategories); }
const char* status_name(Status s) { return kStatuses[static_cast<int>(s)]; }
bool parse_status(std::string_view text, Status& out) { return parse_named(text, out, kStatuses); }

}  // namespace meridian::alerts
