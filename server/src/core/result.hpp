// Expected failures as values: every module returns Result<T>; transport maps the
// ErrorCode to an HTTP status or WebSocket error in exactly one place.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace meridian {

enum class ErrorCode {
  invalid_argument,  // 400: malformed or semantically wrong input
  unauthenticated,   // 401: missing, expired, revoked or forged credentials
  forbidden,         // 403: authenticated but the policy says no
  not_found,         // 404
  conflict,          // 409: uniqueness or state conflict
  too_large,         // 413
  rate_limited,      // 429: slowed down or locked out for a while
  unavailable,       // 503: a dependency (database, bus) is down
  internal,          // 500: a bug or an unexpected failure
};

// Stable machine-readable code used in JSON error bodies.
const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  int retry_after_seconds = 0;  // rate_limited: when the caller may try again
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> ok() { return {}; }

}  // namespace meridian

// Early return of a failed Result from a function that returns a Result.
#define MERIDIAN_TRY(expr)                             \
  do {                                                 \
    auto&& meridian_try_result_ = (expr);              \
    if (!meridian_try_result_.ok()) return meridian_try_result_.error(); \
  } while (0)

#define MERIDIAN_CONCAT_INNER_(a, b) a##b
#define MERIDIAN_CONCAT_(a, b) MERIDIAN_CONCAT_INNER_(a, b)

// `MERIDIAN_ASSIGN_OR_RETURN(auto id, path_id(req, "id"));` declares `id` from a Result's
// value, or returns its error from the enclosing function (as Abseil's and DuckDB's do).
#define MERIDIAN_ASSIGN_OR_RETURN(lhs, expr) \
  MERIDIAN_ASSIGN_OR_RETURN_IMPL_(MERIDIAN_CONCAT_(meridian_result_, __LINE__), lhs, expr)
#define MERIDIAN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.error();                    \
  lhs = std::move(tmp).value()
