#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace meridian::app {
namespace {

namespace fs = std::filesystem;

// Runs load_config with these flags (argv[0] added) and environment variables set for
// the duration of the call.
class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& name : set_) ::unsetenv(name.c_str());
    if (!toml_.empty()) fs::remove(toml_);
  }
  void env(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }
  std::string toml(const std::string& text) {
    toml_ = (fs::temp_directory_path() / ("meridian-config-" + std::to_string(::getpid()) + ".toml")).string();
    std::ofstream(toml_) << text;
    return toml_;
  }
  ParsedConfig load(std::vector<std::string> args) {
    args.insert(args.begin(), "meridian");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return load_config(static_cast<int>(argv.size()), argv.data());
  }

  std::vector<std::string> set_;
  std::string toml_;
};

TEST_F(ConfigTest, DefaultsAreTheEmbeddedSetUp) {
  auto c = load({}).config;
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_TRUE(c.database_url.empty());
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.session_ttl_seconds, 168 * 3600);
}

TEST_F(ConfigTest, TomlThenEnvironmentThenFlagsEachOverrideTheOneBefore) {
  auto file = toml(R"(
[server]
port = 9000
address = "127.0.0.1"
[storage]
data_dir = "/srv/from-toml"
[log]
level = "warn"
[regions]
UK = ["GB", "IM"]
)");
  env("MERIDIAN_PORT", "9100");
  env("MERIDIAN_LOG_LEVEL", "debug");
  auto c = load({"--config", file, "--port", "9200"}).config;
  EXPECT_EQ(c.port, 9200);                  // flag beats env beats TOML
  EXPECT_EQ(c.log_level, "debug");          // env beats TOML
  EXPECT_EQ(c.data_dir, "/srv/from-toml");  // TOML beats default
  EXPECT_EQ(c.address, "127.0.0.1");
  EXPECT_EQ(c.country_regions.at("GB"), "UK");
  EXPECT_EQ(c.country_regions.at("IM"), "UK");
}

TEST_F(ConfigTest, TheBusIsInProcessUnlessAUrlNamesRedis) {
  EXPECT_TRUE(load({}).config.bus_url.empty());
  auto file = toml("[bus]\nurl = \"redis://from-toml:6379\"\nprefix = \"eu1:\"\n");
  EXPECT_EQ(load({"--config", file}).config.bus_url, "redis://from-toml:6379");
  EXPECT_EQ(load({"--config", file}).config.bus_prefix, "eu1:");
  env("MERIDIAN_BUS_URL", "redis://from-env:6380");
  EXPECT_EQ(load({"--config", file}).config.bus_url, "redis://from-env:6380");
  EXPECT_EQ(load({"--config", file, "--bus-url", "redis://flag:1"}).config.bus_url, "redis://flag:1");
}

TEST_F(ConfigTest, EnvironmentNamesTheDataDirAndPortForMakeRun) {
  env("MERIDIAN_PORT", "18080");
  env("MERIDIAN_DATA_DIR", "/tmp/meridian-data");
  auto c = load({}).config;
  EXPECT_EQ(c.port, 18080);
  EXPECT_EQ(c.data_dir, "/tmp/meridian-data");
}

TEST_F(ConfigTest, BadValuesNameTheSettingAndWhereItCameFrom) {
  env("MERIDIAN_PORT", "eighty");
  try {
    load({});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("MERIDIAN_PORT"), std::string::npos) << e.what();
  }
}

TEST_F(ConfigTest, MalformedTomlIsRefusedWithTheFileName) {
  auto file = toml("[server\nport = ");
  try {
    load({"--config", file});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
}

TEST_F(ConfigTest, PortOutOfRangeIsRefused) { EXPECT_THROW(load({"--port", "70000"}), std::runtime_error); }

// Before, these were cast as given: a negative frame size became a limit of 2^64 bytes.
TEST_F(ConfigTest, ServerNumbersOutOfRangeAreRefusedWithTheSettingsName) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"threads", "-1"},
      {"threads", "100000"},
      {"work_threads", "0"},
      {"max_ws_frame_bytes", "-1"},
      {"max_ws_frame_bytes", "10"},
      {"ws_idle_timeout_seconds", "0"},
  };
  for (const auto& [key, value] : bad) {
    auto file = toml("[server]\n" + key + " = " + value + "\n");
    try {
      load({"--config", file});
      ADD_FAILURE() << key << " = " << value << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("server." + key), std::string::npos) << e.what();
    }
  }
  env("MERIDIAN_WORK_THREADS", "-3");
  EXPECT_THROW(load({}), std::runtime_error);
}

TEST_F(ConfigTest, WorkThreadsComeFromTheFileOrTheEnvironment) {
  EXPECT_EQ(load({}).config.work_threads, 16);
  auto file = toml("[server]\nwork_threads = 4\nmax_ws_frame_bytes = 131072\n");
  auto parsed = load({"--config", file});
  EXPECT_EQ(parsed.config.work_threads, 4);
  EXPECT_EQ(parsed.config.max_ws_frame_bytes, 131072u);
  env("MERIDIAN_WORK_THREADS", "32");
  EXPECT_EQ(load({"--config", file}).config.work_threads, 32);
}

TEST_F(ConfigTest, TlsTakesBothFilesFromTheFileTheEnvironmentOrFlagsAndRefusesOneAlone) {
  EXPECT_TRUE(load({}).config.tls_cert_file.empty());
  auto file = toml("[server]\ntls_cert_file = \"/etc/meridian/site.crt\"\ntls_key_file = \"/etc/meridian/site.key\"\n");
  auto parsed = load({"--config", file});
  EXPECT_EQ(parsed.config.tls_cert_file, "/etc/meridian/site.crt");
  EXPECT_EQ(parsed.config.tls_key_file, "/etc/meridian/site.key");
  env("MERIDIAN_TLS_CERT_FILE", "/run/renewed.crt");
  EXPECT_EQ(load({"--config", file}).config.tls_cert_file, "/run/renewed.crt");
  auto flags = load({"--tls-cert", "a.crt", "--tls-key", "a.key"});
  EXPECT_EQ(flags.config.tls_key_file, "a.key");
  try {
    load({"--tls-cert", "a.crt"});
    ADD_FAILURE() << "a certificate without its key was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("tls_key_file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace meridian::app
