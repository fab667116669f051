#pragma once
/// \file
/// Reads of a plazo database that end-to-end tests make while no plazo runs
/// (in-process, through the store), to compare the outbox with what a
/// receiver got.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "storage/sqlite_store.h"

namespace plazo::testing {

/// Keys of the outbox rows of `database` in `status` ("sent", "in_flight", ...).
inline std::set<std::string> outbox_keys(const std::string& database, const std::string& status) {
  auto store = SqliteStore::open(database);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return {};
  auto select = (*store)->database().prepare("SELECT key FROM outbox WHERE status = ?1");
  EXPECT_TRUE(select.ok());
  std::set<std::string> keys;
  if (!select.ok() || !select->bind(1, status).ok()) return keys;
  while (*select->step() == Step::kRow) keys.insert(select->column_text(0));
  return keys;
}

}  // namespace plazo::testing
