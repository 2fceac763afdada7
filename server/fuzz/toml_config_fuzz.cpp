// The TOML configuration file as every reader of it sees it: the server's settings
// (app/config.cpp) and the sections meetings, AI, alerts and remote support read
// themselves. A bad file must end in an exception naming the setting (main prints it and
// exits), never in a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include "ai/ai_config.hpp"
#include "alerts/alerts_config.hpp"
#include "app/config.hpp"
#include "fuzz_check.hpp"
#include "meetings/meetings_config.hpp"
#include "remote_support/remote_support_config.hpp"

using namespace meridian;

namespace {

const std::string& config_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/meridian-toml-fuzz-" + std::to_string(::getpid()) + ".toml";
  }();
  return path;
}

template <class F>
void expect_no_crash(F&& read) {
  try {
    read();
  } catch (const std::exception& e) {
    FUZZ_CHECK(e.what()[0] != '\0');  // main prints it: it must say something
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = config_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(f != nullptr);
  FUZZ_CHECK(std::fwrite(data, 1, size, f) == size);
  std::fclose(f);

  expect_no_crash([&] {
    std::string arg0 = "meridian", arg1 = "--config", arg2 = path;
    char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
    auto parsed = app::load_config(3, argv);
    FUZZ_CHECK(!parsed.exit_now);
  });
  expect_no_crash([&] { (void)meetings::load_meetings_options(path); });
  expect_no_crash([&] { (void)meetings::load_webhook_options(path); });
  expect_no_crash([&] { (void)ai::load_ai_options(path); });
  expect_no_crash([&] { (void)alerts::load_scheduler_options(path); });
  expect_no_crash([&] { (void)remote_support::load_remote_support_options(path); });
  return 0;
}
