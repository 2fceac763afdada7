// The [ai] section of the TOML configuration and its MERIDIAN_AI_* environment overrides:
// which provider does which feature, by default and per region. Throws
// std::runtime_error naming the bad setting.
//
//   [ai]
//   provider = "builtin"          # every feature, unless chosen below (MERIDIAN_AI_PROVIDER)
//   index_files = true            # index file contents for questions (MERIDIAN_AI_INDEX_FILES);
//                                 # false: nothing is indexed, and turning it on again indexes
//                                 # every stored file in the background (the backfill)
//   backfill_files_per_second = 0 # the backfill's pace (0: as fast as it goes between uploads),
//                                 # to spare a busy server (MERIDIAN_AI_BACKFILL_FILES_PER_SECOND)
//   [ai.features]
//   summaries = "builtin"
//   [ai.regions.EU]               # people and sources of region EU
//   summaries = "builtin"
//   [ai.providers.openai]         # an external provider: the regions whose data it may get
//   regions = ["US"]              # ("*": all); none listed: it gets nothing
//   [ai.budgets]                  # tokens sent to and received from external providers; 0: no limit
//   person_day_tokens = 50000     # each person, per UTC day (MERIDIAN_AI_BUDGET_PERSON_DAY_TOKENS)
//   organisation_month_tokens = 5000000  # everyone together, per calendar month (UTC)
//                                 # (MERIDIAN_AI_BUDGET_ORGANISATION_MONTH_TOKENS)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::ai {

// The features a provider is chosen for.
inline constexpr std::string_view kFeatureSummaries = "summaries";
inline constexpr std::string_view kFeatureAsk = "ask";
const std::vector<std::string_view>& known_ai_features();

// An OpenAI-compatible Chat Completions endpoint ([ai.providers.<name>] with base_url;
// OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp server).
struct OpenAiSettings {
  std::string base_url;       // ".../v1": requests go to base_url + "/chat/completions"
  std::string api_key;        // or MERIDIAN_AI_<NAME>_API_KEY; empty: no Authorization header
  std::string model;          // required
  int context_tokens = 8192;  // the model's context, prompt and answer together (Ollama: its num_ctx)
  int output_tokens = 1024;   // the most one answer may hold
  int timeout_ms = 60'000;    // one attempt, connection to last byte
  int retries = 3;            // further attempts on 429, 5xx and network errors
  int backoff_ms = 500;       // first wait; doubles each time, with jitter; Retry-After wins
  int max_backoff_ms = 20'000;
  bool stream = true;  // stream answers over SSE
};

struct AiOptions {
  std::string provider = "builtin";
  bool index_files = true;
  std::int64_t backfill_files_per_second = 0;
  std::map<std::string, std::string, std::less<>> features;  // feature -> provider
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> regions;
  // provider -> the regions whose people and data it may receive ("*": all).
  std::map<std::string, std::vector<std::string>, std::less<>> provider_regions;
  // provider name -> its endpoint, for every [ai.providers.<name>] with a base_url.
  std::map<std::string, OpenAiSettings, std::less<>> openai;
  // Budgets of tokens on external providers (0: none).
  std::int64_t person_day_tokens = 0;
  std::int64_t organisation_month_tokens = 0;

  // Whether an external provider may receive data of this region.
  bool allows(std::string_view provider, std::string_view region) const;

  // The provider configured for `feature` for someone in `region`: the region's choice,
  // else the feature's, else the default.
  std::string choose(std::string_view feature, std::string_view region) const;
  // Every provider name the options mention (checked against the registry at start-up).
  std::vector<std::string> named_providers() const;
};

// config_file may be empty (defaults and environment only).
AiOptions load_ai_options(const std::string& config_file);

}  // namespace meridian::ai
