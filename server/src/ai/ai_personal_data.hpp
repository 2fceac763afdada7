// The AI module's answer to the personal data port: what it derived from a person's
// content. Summaries and answers are not stored; the index of file contents is, per file
// version, with who uploaded it. Erasure deletes the index of every file the person
// uploaded (the files themselves are the files module's), whatever space they are in:
// a derived copy of their words is not kept when the person goes, and nothing of it can
// be needed by law. A later version by someone else is indexed again from that version.
#pragma once

#include "platform/personal_data.hpp"

namespace meridian::ai {

class AiPersonalData final : public platform::StoredPersonalData {
 public:
  explicit AiPersonalData(storage::Database& db);
};

}  // namespace meridian::ai
