// Office Open XML files made in memory for the tests, as what they are: ZIP archives
// (written with libarchive) of XML parts.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ai/extract.hpp"

namespace meridian::ai::testing {

// What an extraction found, a line a part: "p<page>[<section>]<text>" (the page if any),
// as the extraction tests compare it.
std::string joined(const ExtractedText& text);

// A ZIP archive of these parts (name -> contents), deflated.
std::string make_zip(const std::map<std::string, std::string>& parts);

// The word namespace declaration, for documents written by hand.
extern const char* const kWordNamespace;

// A Word paragraph, with a paragraph style ("Heading1", "Title") when given.
std::string word_paragraph(const std::string& text, const std::string& style = "");

// A DOCX of (style, text) paragraphs.
std::string make_docx(const std::vector<std::pair<std::string, std::string>>& paragraphs);

}  // namespace meridian::ai::testing
