#pragma once
/// \file
/// The database schema and its migrations. The version lives in
/// `PRAGMA user_version`; each migration step brings the schema from one
/// version to the next, and all pending steps run in one transaction, so a
/// database is always at a version this code knows, or untouched.

#include "domain/result.h"
#include "storage/sqlite.h"

namespace plazo {

/// The schema version this build writes (the last migration step).
int latest_schema_version();

/// The database's schema version (0 for a new, empty database).
Result<int> schema_version(Database& db);

/// Applies every step between the database's version and `target` (default:
/// the latest) in one transaction. A database already at `target` is not
/// written. A database at a version newer than this code knows is refused
/// with an error naming it (an older plazo must not write to it); a `target`
/// below the current version is an error too (there are no downgrades).
/// Safe against a second process migrating at the same time: the version is
/// re-read under the write lock.
Status migrate(Database& db, int target = latest_schema_version());

}  // namespace plazo
