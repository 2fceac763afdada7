// Session codes a caller reads out or types: 8 characters from an alphabet without
// look-alikes (no 0/O, 1/I/L), so that a code read on the phone is typed right. Only a
// code's hash is stored; the code itself is shown once to the agent and never logged.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace meridian::remote_support {

// 31 characters: A-Z and 2-9 without I, L, O (and without 0 and 1).
inline constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
inline constexpr std::size_t kCodeLength = 8;

// A fresh code drawn uniformly from kCodeAlphabet with the system's CSPRNG.
std::string new_access_code();

// What the caller typed, as stored codes are spelled: upper case, spaces and dashes
// dropped ("abcd-efgh" -> "ABCDEFGH"); nullopt when it cannot be a code (wrong length or
// a character outside the alphabet), so that a typo costs no database lookup.
std::optional<std::string> normalise_access_code(std::string_view typed);

// The stored form of a (normalised) code.
std::string access_code_hash(std::string_view code);

}  // namespace meridian::remote_support
