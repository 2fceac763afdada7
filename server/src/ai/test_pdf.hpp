// A small valid PDF made in memory for the tests: one page per string, each line of it a
// line of Helvetica text (ASCII). Poppler reads it like any other PDF.
#pragma once

#include <string>
#include <vector>

namespace meridian::ai::testing {

std::string make_pdf(const std::vector<std::vector<std::string>>& pages);

}  // namespace meridian::ai::testing
