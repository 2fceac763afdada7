#include "app/config.hpp"

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include <concepts>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace meridian::app {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

long long to_int(const std::string& text, const std::string& where) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument("trailing characters");
    return v;
  } catch (const std::exception&) {
    throw std::runtime_error(where + ": '" + text + "' is not an integer");
  }
}

// A number a setting cannot take (a negative frame size would become a huge size_t) stops
// the start with the setting's name, instead of running with nonsense.
long long in_range(long long v, long long low, long long high, const std::string& where) {
  if (v < low || v > high)
    throw std::runtime_error(where + " must be between " + std::to_string(low) + " and " + std::to_string(high));
  return v;
}

std::uint16_t to_port(long long v, const std::string& where) {
  if (v < 0 || v > 65535) throw std::runtime_error(where + ": port must be 0..65535");
  return static_cast<std::uint16_t>(v);
}

// A setting the file has replaces the default: text, true/false, or a whole number.
using Node = toml::node_view<toml::node>;
void read(Node node, std::string& field) {
  if (auto v = node.value<std::string>()) field = *v;
}
void read(Node node, bool& field) {
  if (auto v = node.value<bool>()) field = *v;
}
template <std::integral Number>
void read(Node node, Number& field) {
  if (auto v = node.value<long long>()) field = static_cast<Number>(*v);
}

// A MERIDIAN_* variable that is set (and not empty) replaces the file's setting.
void read_env(const char* name, std::string& field) {
  if (auto v = env(name)) field = *v;
}
template <std::integral Number>
void read_env(const char* name, Number& field) {
  if (auto v = env(name)) field = static_cast<Number>(to_int(*v, name));
}

void apply_toml(Config& c, const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("config file " + path + ": " + std::string(e.description()));
  }
  const std::string where = "config file " + path;
  read(t["server"]["address"], c.address);
  if (auto v = t["server"]["port"].value<long long>()) c.port = to_port(*v, where + " server.port");
  if (auto v = t["server"]["threads"].value<long long>())
    c.threads = static_cast<int>(in_range(*v, 0, 256, where + " server.threads"));
  if (auto v = t["server"]["work_threads"].value<long long>())
    c.work_threads = static_cast<int>(in_range(*v, 1, 256, where + " server.work_threads"));
  read(t["server"]["web_root"], c.web_root);
  read(t["server"]["tls_cert_file"], c.tls_cert_file);
  read(t["server"]["tls_key_file"], c.tls_key_file);
  if (auto v = t["server"]["max_ws_frame_bytes"].value<long long>())
    c.max_ws_frame_bytes =
        static_cast<std::size_t>(in_range(*v, 1024, 16 * 1024 * 1024, where + " server.max_ws_frame_bytes"));
  if (auto v = t["server"]["ws_idle_timeout_seconds"].value<long long>())
    c.ws_idle_timeout_seconds = static_cast<int>(in_range(*v, 2, 3600, where + " server.ws_idle_timeout_seconds"));
  read(t["server"]["ws_frames_per_second"], c.ws_frames_per_second);
  read(t["server"]["ws_frame_burst"], c.ws_frame_burst);
  read(t["server"]["ws_person_frames_per_second"], c.ws_person_frames_per_second);
  read(t["server"]["ws_person_frame_burst"], c.ws_person_frame_burst);
  read(t["server"]["ws_writes_per_second"], c.ws_writes_per_second);
  read(t["server"]["ws_write_burst"], c.ws_write_burst);
  read(t["storage"]["data_dir"], c.data_dir);
  read(t["storage"]["database_url"], c.database_url);
  read(t["storage"]["pool_size"], c.database_pool_size);
  read(t["bus"]["url"], c.bus_url);
  read(t["bus"]["prefix"], c.bus_prefix);
  read(t["log"]["level"], c.log_level);
  read(t["auth"]["admin_email"], c.admin_email);
  read(t["auth"]["session_ttl_hours"], c.session_ttl_hours);
  read(t["auth"]["password_cost"], c.password_cost);
  read(t["auth"]["cache_ms"], c.auth_cache_ms);
  read(t["files"]["object_store"], c.object_store);
  read(t["files"]["s3_endpoint"], c.s3_endpoint);
  read(t["files"]["s3_region"], c.s3_region);
  read(t["files"]["s3_bucket"], c.s3_bucket);
  read(t["files"]["s3_access_key"], c.s3_access_key);
  read(t["files"]["s3_secret_key"], c.s3_secret_key);
  read(t["files"]["personal_quota_bytes"], c.files_personal_quota_bytes);
  read(t["files"]["space_quota_bytes"], c.files_space_quota_bytes);
  read(t["files"]["max_file_bytes"], c.files_max_file_bytes);
  read(t["files"]["keep_versions"], c.files_keep_versions);
  read(t["files"]["fsync"], c.files_fsync);
  read(t["files"]["download_secret"], c.files_download_secret);
  read(t["files"]["maintenance_interval_seconds"], c.files_maintenance_interval_seconds);
  read(t["retention"]["interval_seconds"], c.retention_interval_seconds);
  read(t["retention"]["batch_size"], c.retention_batch_size);
  read(t["retention"]["allow_run_as_of"], c.retention_allow_run_as_of);
  if (auto regions = t["regions"].as_table()) {
    // [regions] EU = ["DE", "FR"]: every listed country belongs to that region.
    for (const auto& [region, countries] : *regions) {
      auto arr = countries.as_array();
      if (!arr)
        throw std::runtime_error(where + ": regions." + std::string(region.str()) + " must be a list of country codes");
      for (const auto& c2 : *arr) {
        auto code = c2.value<std::string>();
        if (!code) throw std::runtime_error(where + ": regions." + std::string(region.str()) + " must hold strings");
        c.country_regions[*code] = std::string(region.str());
      }
    }
  }
}

void apply_env(Config& c) {
  read_env("MERIDIAN_ADDRESS", c.address);
  if (auto v = env("MERIDIAN_PORT")) c.port = to_port(to_int(*v, "MERIDIAN_PORT"), "MERIDIAN_PORT");
  if (auto v = env("MERIDIAN_THREADS"))
    c.threads = static_cast<int>(in_range(to_int(*v, "MERIDIAN_THREADS"), 0, 256, "MERIDIAN_THREADS"));
  if (auto v = env("MERIDIAN_WORK_THREADS"))
    c.work_threads = static_cast<int>(in_range(to_int(*v, "MERIDIAN_WORK_THREADS"), 1, 256, "MERIDIAN_WORK_THREADS"));
  read_env("MERIDIAN_DATA_DIR", c.data_dir);
  read_env("MERIDIAN_DATABASE_URL", c.database_url);
  read_env("MERIDIAN_BUS_URL", c.bus_url);
  read_env("MERIDIAN_BUS_PREFIX", c.bus_prefix);
  read_env("MERIDIAN_WEB_ROOT", c.web_root);
  read_env("MERIDIAN_TLS_CERT_FILE", c.tls_cert_file);
  read_env("MERIDIAN_TLS_KEY_FILE", c.tls_key_file);
  read_env("MERIDIAN_LOG_LEVEL", c.log_level);
  read_env("MERIDIAN_ADMIN_EMAIL", c.admin_email);
  if (auto v = env("MERIDIAN_ADMIN_PASSWORD")) c.admin_password = *v;
  read_env("MERIDIAN_SESSION_TTL_HOURS", c.session_ttl_hours);
  read_env("MERIDIAN_SESSION_TTL_SECONDS", c.session_ttl_seconds);
  read_env("MERIDIAN_PASSWORD_COST", c.password_cost);
  read_env("MERIDIAN_AUTH_CACHE_MS", c.auth_cache_ms);
  read_env("MERIDIAN_OBJECT_STORE", c.object_store);
  read_env("MERIDIAN_S3_ENDPOINT", c.s3_endpoint);
  read_env("MERIDIAN_S3_REGION", c.s3_region);
  read_env("MERIDIAN_S3_BUCKET", c.s3_bucket);
  read_env("MERIDIAN_S3_ACCESS_KEY", c.s3_access_key);
  read_env("MERIDIAN_S3_SECRET_KEY", c.s3_secret_key);
  read_env("MERIDIAN_FILES_DOWNLOAD_SECRET", c.files_download_secret);
  read_env("MERIDIAN_FILES_PERSONAL_QUOTA_BYTES", c.files_personal_quota_bytes);
  read_env("MERIDIAN_FILES_SPACE_QUOTA_BYTES", c.files_space_quota_bytes);
  read_env("MERIDIAN_FILES_MAX_FILE_BYTES", c.files_max_file_bytes);
  read_env("MERIDIAN_FILES_KEEP_VERSIONS", c.files_keep_versions);
  if (auto v = env("MERIDIAN_FILES_FSYNC")) c.files_fsync = !(*v == "0" || *v == "false");
  read_env("MERIDIAN_FILES_MAINTENANCE_INTERVAL_SECONDS", c.files_maintenance_interval_seconds);
  read_env("MERIDIAN_RETENTION_INTERVAL_SECONDS", c.retention_interval_seconds);
  read_env("MERIDIAN_RETENTION_BATCH_SIZE", c.retention_batch_size);
  read_env("MERIDIAN_WS_FRAMES_PER_SECOND", c.ws_frames_per_second);
  read_env("MERIDIAN_WS_FRAME_BURST", c.ws_frame_burst);
  read_env("MERIDIAN_WS_PERSON_FRAMES_PER_SECOND", c.ws_person_frames_per_second);
  read_env("MERIDIAN_WS_PERSON_FRAME_BURST", c.ws_person_frame_burst);
  read_env("MERIDIAN_WS_WRITES_PER_SECOND", c.ws_writes_per_second);
  read_env("MERIDIAN_WS_WRITE_BURST", c.ws_write_burst);
  if (auto v = env("MERIDIAN_RETENTION_ALLOW_RUN_AS_OF")) c.retention_allow_run_as_of = *v == "1" || *v == "true";
}

}  // namespace

ParsedConfig load_config(int argc, char** argv) {
  CLI::App cli{
      "Meridian: self-hosted chat, meetings, files, AI copilot, alerts and remote support.\n"
      "Settings come from defaults < --config TOML file < MERIDIAN_* environment < flags.",
      "meridian"};
  std::string config_file, address, data_dir, database_url, bus_url, web_root, log_level, tls_cert, tls_key;
  long long port = -1, threads = -1;
  cli.add_option("-c,--config", config_file, "TOML configuration file (env MERIDIAN_CONFIG)");
  cli.add_option("--address", address, "Address to listen on (default 0.0.0.0; env MERIDIAN_ADDRESS)");
  cli.add_option("-p,--port", port, "Port to listen on, 0 = any free port (default 8080; env MERIDIAN_PORT)");
  cli.add_option("--threads", threads, "Worker threads, 0 = one per core (env MERIDIAN_THREADS)");
  cli.add_option("-d,--data-dir", data_dir,
                 "Data folder for SQLite and local objects (default ./data; env MERIDIAN_DATA_DIR)");
  cli.add_option("--database-url", database_url,
                 "postgresql://user:pass@host:port/db to use PostgreSQL instead of SQLite (env MERIDIAN_DATABASE_URL)");
  cli.add_option("--bus-url", bus_url,
                 "redis://host:port to fan out real-time events across nodes through Redis (default: in-process; "
                 "env MERIDIAN_BUS_URL)");
  cli.add_option("--web-root", web_root, "Folder of the built web app (env MERIDIAN_WEB_ROOT)");
  cli.add_option("--tls-cert", tls_cert,
                 "PEM certificate chain: serve HTTPS and WSS on the port (with --tls-key; env MERIDIAN_TLS_CERT_FILE)");
  cli.add_option("--tls-key", tls_key, "PEM private key of --tls-cert (env MERIDIAN_TLS_KEY_FILE)");
  cli.add_option("--log-level", log_level, "debug, info, warn, error or off (default info; env MERIDIAN_LOG_LEVEL)");
  cli.set_version_flag("--version", "meridian 0.1.0");

  ParsedConfig out;
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    out.exit_now = true;
    out.exit_code = cli.exit(e);
    return out;
  }

  Config& c = out.config;
  if (config_file.empty()) config_file = env("MERIDIAN_CONFIG").value_or("");
  if (!config_file.empty()) apply_toml(c, config_file);
  c.config_file = config_file;
  apply_env(c);
  if (!address.empty()) c.address = address;
  if (port >= 0) c.port = to_port(port, "--port");
  if (threads >= 0) c.threads = static_cast<int>(in_range(threads, 0, 256, "--threads"));
  if (!data_dir.empty()) c.data_dir = data_dir;
  if (!database_url.empty()) c.database_url = database_url;
  if (!bus_url.empty()) c.bus_url = bus_url;
  if (!web_root.empty()) c.web_root = web_root;
  if (!log_level.empty()) c.log_level = log_level;
  if (!tls_cert.empty()) c.tls_cert_file = tls_cert;
  if (!tls_key.empty()) c.tls_key_file = tls_key;
  if (c.tls_cert_file.empty() != c.tls_key_file.empty())
    throw std::runtime_error("TLS needs both tls_cert_file and tls_key_file (or neither)");

  if (c.password_cost != "interactive" && c.password_cost != "minimum")
    throw std::runtime_error("password_cost must be 'interactive' or 'minimum'");
  if (c.auth_cache_ms < 0 || c.auth_cache_ms > 60'000)
    throw std::runtime_error("auth cache_ms must be between 0 and 60000");
  if (c.files_maintenance_interval_seconds < 0)
    throw std::runtime_error("files maintenance_interval_seconds must be 0 or more");
  if (c.retention_interval_seconds < 0) throw std::runtime_error("retention interval_seconds must be 0 or more");
  if (c.retention_batch_size < 1 || c.retention_batch_size > 10'000)
    throw std::runtime_error("retention batch_size must be between 1 and 10000");
  if (c.session_ttl_hours <= 0) throw std::runtime_error("session_ttl_hours must be positive");
  if (c.session_ttl_seconds == 0) c.session_ttl_seconds = static_cast<long long>(c.session_ttl_hours) * 3600;
  if (c.session_ttl_seconds < 0) throw std::runtime_error("MERIDIAN_SESSION_TTL_SECONDS must be positive");
  if (c.web_root.empty() && std::filesystem::exists("web/dist/meridian/browser/index.html"))
    c.web_root = "web/dist/meridian/browser";
  return out;
}

}  // namespace meridian::app
