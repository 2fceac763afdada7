// The people module tests act as: accounts made through identity the way an admin makes
// them, and the Subject (or files::Caller) a sign-in of theirs would establish.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/subject.hpp"
#include "files/files_service.hpp"
#include "identity/identity_service.hpp"

namespace meridian::testing {

// The zone people of that country usually live in: Europe/Lisbon for PT, Europe/Berlin for
// DE, America/New_York for US, Asia/Kolkata for IN, UTC for any other.
std::string usual_time_zone(const std::string& country);

// "<name>@example.test", display name <name>, password "a good password"; an empty time
// zone is the country's usual one; no roles: the role named like the kind.
identity::NewUser new_user(const std::string& name, UserKind kind = UserKind::employee,
                           const std::string& country = "PT", const std::string& time_zone = "",
                           std::optional<std::vector<Role>> roles = std::nullopt);

// The Subject a full session of this user establishes.
Subject subject_of(const identity::User& user);

// Creates the account (the test fails when identity refuses it) and answers its Subject.
Subject create_person(identity::IdentityService& identity, identity::NewUser user);

// The person acting on files from this address, in Portugal.
files::Caller caller_of(Subject subject, const std::string& ip);

}  // namespace meridian::testing
