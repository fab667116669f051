#include "importer/activity_spool.h"

#include <algorithm>
#include <string_view>

namespace plazo {
namespace {

// Large enough that the block headers do not matter, small enough that the
// last, partly used block wastes little and memory is given back steadily
// while reading. Blocks this size are mmapped by glibc, so freeing one
// returns it to the system at once.
constexpr size_t kBlockBytes = size_t{1} << 20;

enum Flags : unsigned char {
  kNumberInSubcomponent = 1,
  kEmpty = 2,
  kHasDeadline = 4,
  kHasProgress = 8,
};

// Unsigned LEB128: line numbers, lengths and percentages take one or two bytes.
void put_uint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Zigzag, so that the rare negative value (a date before 1970) stays short.
void put_int(std::string& out, int64_t value) {
  put_uint(out, (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
}

void put_text(std::string& out, std::string_view text) {
  put_uint(out, text.size());
  out.append(text);
}

void put_date(std::string& out, Date day) {
  put_int(out, day.time_since_epoch().count());
}

// Reads what put_* wrote. The spool only reads its own bytes, so there are
// no bounds to check.
struct Cursor {
  const char* at;

  uint64_t get_uint() {
    uint64_t value = 0;
    int shift = 0;
    for (;;) {
      const auto byte = static_cast<unsigned char>(*at++);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }
  int64_t get_int() {
    const uint64_t raw = get_uint();
    return static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  }
  int get_small() { return static_cast<int>(get_int()); }
  void get_text(std::string& out) {
    const auto size = static_cast<size_t>(get_uint());
    out.assign(at, size);
    at += size;
  }
  Date get_date() { return Date{date::days{get_int()}}; }
};

}  // namespace

void ActivitySpool::put_ids(const std::vector<std::string>& ids) {
  put_uint(record_, ids.size());
  for (const auto& id : ids) {
    auto [it, fresh] = id_index_.try_emplace(id, static_cast<uint32_t>(ids_.size()));
    if (fresh) ids_.push_back(id);
    put_uint(record_, it->second);
  }
}

void ActivitySpool::append(const SpooledRow& row) {
  const ImportedActivity& imported = row.imported;
  const Activity& activity = imported.activity;
  record_.clear();
  put_int(record_, imported.source_line);
  put_int(record_, row.component);
  unsigned char flags = 0;
  if (row.number_in_subcomponent) flags |= kNumberInSubcomponent;
  if (row.empty) flags |= kEmpty;
  if (activity.deadline) flags |= kHasDeadline;
  if (activity.progress) flags |= kHasProgress;
  record_.push_back(static_cast<char>(flags));
  put_text(record_, activity.plan);
  put_int(record_, activity.year);
  for (const std::string* text :
       {&activity.number, &activity.component, &activity.subcomponent, &activity.title,
        &activity.deliverable, &activity.indicator, &activity.goal}) {
    put_text(record_, *text);
  }
  put_ids(activity.responsible);
  put_ids(activity.co_responsible);
  put_uint(record_, activity.periods.size());
  for (int period : activity.periods) put_int(record_, period);
  if (activity.deadline) put_date(record_, *activity.deadline);
  if (activity.progress) {
    put_date(record_, activity.progress->as_of);
    put_int(record_, activity.progress->percent);
    put_text(record_, activity.progress->note);
  }
  put_uint(record_, imported.history.size());
  for (const Progress& progress : imported.history) {
    put_date(record_, progress.as_of);
    put_int(record_, progress.percent);
    put_text(record_, progress.note);
  }
  put_text(record_, imported.responsible_text);
  put_text(record_, imported.co_responsible_text);

  // A row never spans two blocks, so read() can decode it in place.
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().size < record_.size()) {
    Block block;
    block.capacity = std::max(kBlockBytes, record_.size());
    block.bytes = std::make_unique_for_overwrite<char[]>(block.capacity);
    blocks_.push_back(std::move(block));
  }
  Block& block = blocks_.back();
  std::copy(record_.begin(), record_.end(), block.bytes.get() + block.size);
  block.size += record_.size();
  ++size_;
}

bool ActivitySpool::read(SpooledRow& row) {
  if (read_rows_ >= size_) return false;
  while (read_offset_ >= blocks_[read_block_].size) {
    blocks_[read_block_] = Block{};  // read through: give it back
    ++read_block_;
    read_offset_ = 0;
  }
  Block& block = blocks_[read_block_];
  Cursor in{block.bytes.get() + read_offset_};
  ImportedActivity& imported = row.imported;
  Activity& activity = imported.activity;
  imported.source_line = in.get_small();
  row.component = in.get_small();
  const auto flags = static_cast<unsigned char>(*in.at++);
  row.number_in_subcomponent = (flags & kNumberInSubcomponent) != 0;
  row.empty = (flags & kEmpty) != 0;
  in.get_text(activity.plan);
  activity.year = in.get_small();
  for (std::string* text :
       {&activity.number, &activity.component, &activity.subcomponent, &activity.title,
        &activity.deliverable, &activity.indicator, &activity.goal}) {
    in.get_text(*text);
  }
  for (std::vector<std::string>* ids : {&activity.responsible, &activity.co_responsible}) {
    ids->resize(static_cast<size_t>(in.get_uint()));
    for (std::string& id : *ids) id = ids_[static_cast<size_t>(in.get_uint())];
  }
  activity.periods.resize(static_cast<size_t>(in.get_uint()));
  for (int& period : activity.periods) period = in.get_small();
  activity.deadline.reset();
  if ((flags & kHasDeadline) != 0) activity.deadline = in.get_date();
  activity.progress.reset();
  if ((flags & kHasProgress) != 0) {
    Progress& progress = activity.progress.emplace();
    progress.as_of = in.get_date();
    progress.percent = in.get_small();
    in.get_text(progress.note);
  }
  imported.history.resize(static_cast<size_t>(in.get_uint()));
  for (Progress& progress : imported.history) {
    progress.as_of = in.get_date();
    progress.percent = in.get_small();
    in.get_text(progress.note);
  }
  in.get_text(imported.responsible_text);
  in.get_text(imported.co_responsible_text);

  read_offset_ = static_cast<size_t>(in.at - block.bytes.get());
  ++read_rows_;
  if (read_rows_ == size_) blocks_.clear();  // the last block, read through
  return true;
}

}  // namespace plazo
