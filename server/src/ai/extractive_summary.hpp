// The built-in provider's summary: extractive, deterministic, no model. Sentences are
// ranked with TextRank (PageRank over their word overlap); decisions, action items with
// their owners and open questions are found by cue phrases in English, German, French,
// Spanish and Portuguese. The summary's headings are in the messages' language, and it
// says which language that was.
#pragma once

#include "ai/summary.hpp"

namespace meridian::ai {

struct ExtractiveOptions {
  int highlights = 5;  // the most central sentences kept as highlights
  // TextRank compares every pair of sentences: above this many, the most central by word
  // weight (TF-IDF against the whole conversation) are ranked and the rest dropped.
  int max_ranked_sentences = 1'200;
};

Summary summarise_extractive(const SummaryInput& in, const ExtractiveOptions& options = {});

// Sentences ranked by TextRank, most central first: (index into `sentences`, score).
std::vector<std::pair<std::size_t, double>> text_rank(const std::vector<std::vector<std::string>>& sentence_words,
                                                      int iterations = 30);

}  // namespace meridian::ai
