#include "alerts/alert.hpp"

#include "core/names.hpp"

namespace meridian::alerts {
namespace {

const char* kPriorities[] = {"info", "warning", "critical"};
const char* kCategories[] = {"system", "announcement", "compliance", "emergency"};
const char* kStatuses[] = {"open", "acknowledged", "resolved"};
const char* kStepNotify[] = {"again", "audience", "leads"};

}  // namespace

const char* priority_name(Priority p) { return kPriorities[static_cast<int>(p)]; }
bool parse_priority(std::string_view text, Priority& out) { return parse_in(kPriorities, text, out); }
const char* category_name(Category c) { return kCategories[static_cast<int>(c)]; }
bool parse_category(std::string_view text, Category& out) { return parse_in(kCategories, text, out); }
const char* status_name(Status s) { return kStatuses[static_cast<int>(s)]; }
bool parse_status(std::string_view text, Status& out) { return parse_in(kStatuses, text, out); }
const char* step_notify_name(StepNotify n) { return kStepNotify[static_cast<int>(n)]; }
bool parse_step_notify(std::string_view text, StepNotify& out) { return parse_in(kStepNotify, text, out); }

}  // namespace meridian::alerts
