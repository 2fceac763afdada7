// Meridian's configuration: built-in defaults, then a TOML file, then MERIDIAN_*
// environment variables, then command-line flags (each overrides the one before).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace meridian::app {

struct Config {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8080;
  int threads = 0;                  // 0 = one per core
  std::string data_dir = "./data";  // SQLite database and local objects (embedded default)
  std::string database_url;         // empty = SQLite in data_dir; postgresql://... = PostgreSQL
  int database_pool_size = 8;
  // [bus] Real-time fan-out between nodes: empty = in-process (one node);
  // redis://[:password@]host[:port] = Redis pub/sub (several nodes behind a load balancer).
  std::string bus_url;
  std::string bus_prefix = "meridian:";  // Redis channel prefix: deployments sharing one Redis use different ones
  std::string web_root;                  // built web app; empty = look for web/dist/meridian/browser
  // TLS on the server itself, for a site without a proxy: both PEM files or neither; SIGHUP
  // reads them again (a renewed certificate).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string log_level = "info";
  std::string admin_email = "admin@meridian.local";
  std::optional<std::string> admin_password;  // generated and printed once when absent
  int session_ttl_hours = 168;
  long long session_ttl_seconds = 0;          // when set (env MERIDIAN_SESSION_TTL_SECONDS) wins over hours
  long long auth_cache_ms = 5000;             // sessions, profiles, toggles kept in memory this long (0 = off)
  std::string password_cost = "interactive";  // or "minimum" (tests only: fast, weak)
  // Threads for WebSocket frames and handshakes, which wait for the store (never the I/O
  // threads); also how many writes can share one commit.
  int work_threads = 16;
  std::size_t max_ws_frame_bytes = 64 * 1024;
  int ws_idle_timeout_seconds = 60;
  // WebSocket token buckets (docs/websocket.md "Limits and close codes"); 0 = no limit.
  long long ws_frames_per_second = 100;  // per connection
  long long ws_frame_burst = 400;
  long long ws_person_frames_per_second = 200;  // all of a person's sockets on this node
  long long ws_person_frame_burst = 800;
  long long ws_writes_per_second = 20;  // per person: message.send, reaction.toggle
  long long ws_write_burst = 100;
  long long retention_interval_seconds = 3600;         // how often the retention job runs; 0 = never by itself
  int retention_batch_size = 500;                      // messages deleted per write transaction
  bool retention_allow_run_as_of = false;              // tests only: POST /admin/retention/run {"as_of"}
  std::map<std::string, std::string> country_regions;  // overrides, e.g. {"GB": "UK"}
  std::string config_file;  // the TOML file read, if any (modules read their own sections from it)
  // [files] Object store: "local" (data_dir/objects) or "s3" (path-style, Signature V4).
  std::string object_store = "local";
  std::string s3_endpoint;  // http://host:port
  std::string s3_region = "us-east-1";
  std::string s3_bucket;
  std::string s3_access_key;
  std::string s3_secret_key;
  long long files_personal_quota_bytes = 10LL * 1024 * 1024 * 1024;
  long long files_space_quota_bytes = 100LL * 1024 * 1024 * 1024;
  long long files_max_file_bytes = 50LL * 1024 * 1024 * 1024;
  int files_keep_versions = 10;
  bool files_fsync = true;  // local store: fsync objects before they count as stored
  // Key for the file manager's short-lived download links (files/download_tokens.hpp);
  // empty = random per process, fine for one node. Several nodes must share it.
  std::string files_download_secret;
  long long files_maintenance_interval_seconds = 3600;  // expired uploads + object GC; 0 = never by itself
};

struct ParsedConfig {
  Config config;
  bool exit_now = false;  // --help or --version was printed
  int exit_code = 0;
};

// Throws std::runtime_error with a message naming the bad setting and where it came from.
ParsedConfig load_config(int argc, char** argv);

}  // namespace meridian::app
