#pragma once
/// \file
/// Where the matrix parser keeps the activity rows it has read until the end
/// of the file, when their components, plan, year and follow-up dates become
/// known. A matrix row is a dozen short texts; as ImportedActivity values
/// each costs a string header and an allocation, and 100,000 rows come to
/// about three times the size of their text. The spool packs them into
/// large blocks instead and gives them back one at a time, freeing each
/// block once it has been read.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/model.h"

namespace plazo {

/// One activity row, and what the parser must remember of it until the end
/// of the file besides its ImportedActivity.
struct SpooledRow {
  ImportedActivity imported;
  int component = 0;                    ///< first part of the activity number
  bool number_in_subcomponent = false;  ///< SUBCOMPONENTE repeated the number
  bool empty = false;                   ///< the row held only its number
};

/// A first-in, first-out store of rows: append() them all, then read() them
/// back once, in the same order. Every field round-trips exactly (the unit
/// ids are kept once each, in a table). Not thread-safe.
class ActivitySpool {
 public:
  ActivitySpool() = default;
  ActivitySpool(const ActivitySpool&) = delete;
  ActivitySpool& operator=(const ActivitySpool&) = delete;

  /// Copies `row` to the end of the spool. Only before the first read().
  void append(const SpooledRow& row);

  /// Rows appended.
  size_t size() const { return size_; }

  /// Overwrites `row` with the next row, in append order, and returns true;
  /// false when every row has been read. Reuses the buffers `row` already
  /// has, so reading into the same object allocates little. A block is
  /// freed as soon as the read moves past it: memory shrinks as rows are
  /// taken out.
  bool read(SpooledRow& row);

 private:
  struct Block {
    std::unique_ptr<char[]> bytes;
    size_t size = 0;      ///< bytes in use
    size_t capacity = 0;  ///< bytes allocated
  };
  void put_ids(const std::vector<std::string>& ids);

  std::vector<Block> blocks_;
  std::string record_;  // one row being encoded; reused
  std::vector<std::string> ids_;
  std::unordered_map<std::string, uint32_t> id_index_;
  size_t size_ = 0;
  // Read position.
  size_t read_rows_ = 0;
  size_t read_block_ = 0;
  size_t read_offset_ = 0;
};

}  // namespace plazo
