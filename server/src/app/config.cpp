#include "app/config.hpp"

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

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

void apply_toml(Config& c, const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("config file " + path + ": " + std::string(e.description()));
  }
  const std::string where = "config file " + path;
  if (auto v = t["server"]["address"].value<std::string>()) c.address = *v;
  if (auto v = t["server"]["port"].value<long long>()) c.port = to_port(*v, where + " server.port");
  if (auto v = t["server"]["threads"].value<long long>())
    c.threads = static_cast<int>(in_range(*v, 0, 256, where + " server.threads"));
  if (auto v = t["server"]["work_threads"].value<long long>())
    c.work_threads = static_cast<int>(in_range(*v, 1, 256, where + " server.work_threads"));
  if (auto v = t["server"]["web_root"].value<std::string>()) c.web_root = *v;
  if (auto v = t["server"]["tls_cert_file"].value<std::string>()) c.tls_cert_file = *v;
  if (auto v = t["server"]["tls_key_file"].value<std::string>()) c.tls_key_file = *v;
  if (auto v = t["server"]["max_ws_frame_bytes"].value<long long>())
    c.max_ws_frame_bytes =
        static_cast<std::size_t>(in_range(*v, 1024, 16 * 1024 * 1024, where + " server.max_ws_frame_bytes"));
  if (auto v = t["server"]["ws_idle_timeout_seconds"].value<long long>())
    c.ws_idle_timeout_seconds = static_cast<int>(in_range(*v, 2, 3600, where + " server.ws_idle_timeout_seconds"));
  if (auto v = t["server"]["ws_frames_per_second"].value<long long>()) c.ws_frames_per_second = *v;
  if (auto v = t["server"]["ws_frame_burst"].value<long long>()) c.ws_frame_burst = *v;
  if (auto v = t["server"]["ws_person_frames_per_second"].value<long long>()) c.ws_person_frames_per_second = *v;
  if (auto v = t["server"]["ws_person_frame_burst"].value<long long>()) c.ws_person_frame_burst = *v;
  if (auto v = t["server"]["ws_writes_per_second"].value<long long>()) c.ws_writes_per_second = *v;
  if (auto v = t["server"]["ws_write_burst"].value<long long>()) c.ws_write_burst = *v;
  if (auto v = t["storage"]["data_dir"].value<std::string>()) c.data_dir = *v;
  if (auto v = t["storage"]["database_url"].value<std::string>()) c.database_url = *v;
  if (auto v = t["storage"]["pool_size"].value<long long>()) c.database_pool_size = static_cast<int>(*v);
  if (auto v = t["bus"]["url"].value<std::string>()) c.bus_url = *v;
  if (auto v = t["bus"]["prefix"].value<std::string>()) c.bus_prefix = *v;
  if (auto v = t["log"]["level"].value<std::string>()) c.log_level = *v;
  if (auto v = t["auth"]["admin_email"].value<std::string>()) c.admin_email = *v;
  if (auto v = t["auth"]["session_ttl_hours"].value<long long>()) c.session_ttl_hours = static_cast<int>(*v);
  if (auto v = t["auth"]["password_cost"].value<std::string>()) c.password_cost = *v;
  if (auto v = t["auth"]["cache_ms"].value<long long>()) c.auth_cache_ms = *v;
  if (auto v = t["files"]["object_store"].value<std::string>()) c.object_store = *v;
  if (auto v = t["files"]["s3_endpoint"].value<std::string>()) c.s3_endpoint = *v;
  if (auto v = t["files"]["s3_region"].value<std::string>()) c.s3_region = *v;
  if (auto v = t["files"]["s3_bucket"].value<std::string>()) c.s3_bucket = *v;
  if (auto v = t["files"]["s3_access_key"].value<std::string>()) c.s3_access_key = *v;
  if (auto v = t["files"]["s3_secret_key"].value<std::string>()) c.s3_secret_key = *v;
  if (auto v = t["files"]["personal_quota_bytes"].value<long long>()) c.files_personal_quota_bytes = *v;
  if (auto v = t["files"]["space_quota_bytes"].value<long long>()) c.files_space_quota_bytes = *v;
  if (auto v = t["files"]["max_file_bytes"].value<long long>()) c.files_max_file_bytes = *v;
  if (auto v = t["files"]["keep_versions"].value<long long>()) c.files_keep_versions = static_cast<int>(*v);
  if (auto v = t["files"]["fsync"].value<bool>()) c.files_fsync = *v;
  if (auto v = t["files"]["download_secret"].value<std::string>()) c.files_download_secret = *v;
  if (auto v = t["files"]["maintenance_interval_seconds"].value<long long>()) c.files_maintenance_interval_seconds = *v;
  if (auto v = t["retention"]["interval_seconds"].value<long long>()) c.retention_interval_seconds = *v;
  if (auto v = t["retention"]["batch_size"].value<long long>()) c.retention_batch_size = static_cast<int>(*v);
  if (auto v = t["retention"]["allow_run_as_of"].value<bool>()) c.retention_allow_run_as_of = *v;
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
  if (auto v = env("MERIDIAN_ADDRESS")) c.address = *v;
  if (auto v = env("MERIDIAN_PORT")) c.port = to_port(to_int(*v, "MERIDIAN_PORT"), "MERIDIAN_PORT");
  if (auto v = env("MERIDIAN_THREADS"))
    c.threads = static_cast<int>(in_range(to_int(*v, "MERIDIAN_THREADS"), 0, 256, "MERIDIAN_THREADS"));
  if (auto v = env("MERIDIAN_WORK_THREADS"))
    c.work_threads = static_cast<int>(in_range(to_int(*v, "MERIDIAN_WORK_THREADS"), 1, 256, "MERIDIAN_WORK_THREADS"));
  if (auto v = env("MERIDIAN_DATA_DIR")) c.data_dir = *v;
  if (auto v = env("MERIDIAN_DATABASE_URL")) c.database_url = *v;
  if (auto v = env("MERIDIAN_BUS_URL")) c.bus_url = *v;
  if (auto v = env("MERIDIAN_BUS_PREFIX")) c.bus_prefix = *v;
  if (auto v = env("MERIDIAN_WEB_ROOT")) c.web_root = *v;
  if (auto v = env("MERIDIAN_TLS_CERT_FILE")) c.tls_cert_file = *v;
  if (auto v = env("MERIDIAN_TLS_KEY_FILE")) c.tls_key_file = *v;
  if (auto v = env("MERIDIAN_LOG_LEVEL")) c.log_level = *v;
  if (auto v = env("MERIDIAN_ADMIN_EMAIL")) c.admin_email = *v;
  if (auto v = env("MERIDIAN_ADMIN_PASSWORD")) c.admin_password = *v;
  if (auto v = env("MERIDIAN_SESSION_TTL_HOURS"))
    c.session_ttl_hours = static_cast<int>(to_int(*v, "MERIDIAN_SESSION_TTL_HOURS"));
  if (auto v = env("MERIDIAN_SESSION_TTL_SECONDS")) c.session_ttl_seconds = to_int(*v, "MERIDIAN_SESSION_TTL_SECONDS");
  if (auto v = env("MERIDIAN_PASSWORD_COST")) c.password_cost = *v;
  if (auto v = env("MERIDIAN_AUTH_CACHE_MS")) c.auth_cache_ms = to_int(*v, "MERIDIAN_AUTH_CACHE_MS");
  if (auto v = env("MERIDIAN_OBJECT_STORE")) c.object_store = *v;
  if (auto v = env("MERIDIAN_S3_ENDPOINT")) c.s3_endpoint = *v;
  if (auto v = env("MERIDIAN_S3_REGION")) c.s3_region = *v;
  if (auto v = env("MERIDIAN_S3_BUCKET")) c.s3_bucket = *v;
  if (auto v = env("MERIDIAN_S3_ACCESS_KEY")) c.s3_access_key = *v;
  if (auto v = env("MERIDIAN_S3_SECRET_KEY")) c.s3_secret_key = *v;
  if (auto v = env("MERIDIAN_FILES_DOWNLOAD_SECRET")) c.files_download_secret = *v;
  if (auto v = env("MERIDIAN_FILES_PERSONAL_QUOTA_BYTES"))
    c.files_personal_quota_bytes = to_int(*v, "MERIDIAN_FILES_PERSONAL_QUOTA_BYTES");
  if (auto v = env("MERIDIAN_FILES_SPACE_QUOTA_BYTES"))
    c.files_space_quota_bytes = to_int(*v, "MERIDIAN_FILES_SPACE_QUOTA_BYTES");
  if (auto v = env("MERIDIAN_FILES_MAX_FILE_BYTES"))
    c.files_max_file_bytes = to_int(*v, "MERIDIAN_FILES_MAX_FILE_BYTES");
  if (auto v = env("MERIDIAN_FILES_KEEP_VERSIONS"))
    c.files_keep_versions = static_cast<int>(to_int(*v, "MERIDIAN_FILES_KEEP_VERSIONS"));
  if (auto v = env("MERIDIAN_FILES_FSYNC")) c.files_fsync = !(*v == "0" || *v == "false");
  if (auto v = env("MERIDIAN_FILES_MAINTENANCE_INTERVAL_SECONDS"))
    c.files_maintenance_interval_seconds = to_int(*v, "MERIDIAN_FILES_MAINTENANCE_INTERVAL_SECONDS");
  if (auto v = env("MERIDIAN_RETENTION_INTERVAL_SECONDS"))
    c.retention_interval_seconds = to_int(*v, "MERIDIAN_RETENTION_INTERVAL_SECONDS");
  if (auto v = env("MERIDIAN_RETENTION_BATCH_SIZE"))
    c.retention_batch_size = static_cast<int>(to_int(*v, "MERIDIAN_RETENTION_BATCH_SIZE"));
  if (auto v = env("MERIDIAN_WS_FRAMES_PER_SECOND"))
    c.ws_frames_per_second = to_int(*v, "MERIDIAN_WS_FRAMES_PER_SECOND");
  if (auto v = env("MERIDIAN_WS_FRAME_BURST")) c.ws_frame_burst = to_int(*v, "MERIDIAN_WS_FRAME_BURST");
  if (auto v = env("MERIDIAN_WS_PERSON_FRAMES_PER_SECOND"))
    c.ws_person_frames_per_second = to_int(*v, "MERIDIAN_WS_PERSON_FRAMES_PER_SECOND");
  if (auto v = env("MERIDIAN_WS_PERSON_FRAME_BURST"))
    c.ws_person_frame_burst = to_int(*v, "MERIDIAN_WS_PERSON_FRAME_BURST");
  if (auto v = env("MERIDIAN_WS_WRITES_PER_SECOND"))
    c.ws_writes_per_second = to_int(*v, "MERIDIAN_WS_WRITES_PER_SECOND");
  if (auto v = env("MERIDIAN_WS_WRITE_BURST")) c.ws_write_burst = to_int(*v, "MERIDIAN_WS_WRITE_BURST");
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
