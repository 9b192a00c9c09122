#pragma once
// The commands in an AOF file: RESP multibulk frames, as Redis writes them
// (catAppendOnlyGenericCommand), optionally preceded by "#TS:<unix seconds>\r\n" timestamp
// annotations (aof-timestamp-enabled), which readers skip.
//
// AofRecordReader reads them back strictly: every record must start with '*', every
// argument with '$', every argument must end with "\r\n". The file ending inside a record is
// "truncated" (a crash mid-write: the caller may drop the partial record); anything else that
// breaks these rules is "damaged", reported with its offset.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kvd {

// Appends `args` as a RESP multibulk frame.
void AppendAofCommand(std::string& out, std::span<const std::string_view> args);
// Appends SELECT <db>.
void AppendAofSelect(std::string& out, size_t db);
// Appends the "#TS:<unix_seconds>\r\n" annotation.
void AppendAofTimestamp(std::string& out, int64_t unix_seconds);

// Reads records from a file descriptor through a buffer; the views it returns stay valid
// until the next call.
class AofRecordReader {
 public:
  enum class Status { kRecord, kEnd, kTruncated, kDamaged, kIoError };

  // `fd` is read from its current position, which is offset `start` of the file.
  explicit AofRecordReader(int fd, uint64_t start = 0) : fd_(fd), base_offset_(start) {}

  // The next command in `args`. kEnd: the file ended after a whole record; kTruncated: it
  // ended inside one (record_offset() is where it began); kDamaged: error() says what is
  // wrong at offset(); kIoError: the read failed (errno kept in error()).
  Status Next(std::vector<std::string_view>& args);

  // File offset where the last record returned (or the partial or damaged one) started.
  uint64_t record_offset() const { return record_offset_; }
  // File offset just past the last whole record (or annotation) read.
  uint64_t valid_offset() const { return base_offset_ + pos_; }
  // File offset of the damage (kDamaged).
  uint64_t damage_offset() const { return damage_offset_; }
  const std::string& error() const { return error_; }

 private:
  enum class Parse { kOk, kNeedMore, kBad };
  // Parses one item at pos_ from what is buffered; kNeedMore when the buffer ends first.
  Parse ParseAt(std::vector<std::string_view>& args, size_t* end, bool* annotation);
  // Reads more bytes; false at end of file (or error, then io_failed_).
  bool Fill();
  Parse Bad(size_t at, std::string what);

  int fd_;
  uint64_t base_offset_;  // file offset of buf_[0]
  std::string buf_;
  size_t pos_ = 0;        // start of the next record in buf_
  bool eof_ = false;
  bool io_failed_ = false;
  uint64_t record_offset_ = 0;
  uint64_t damage_offset_ = 0;
  std::string error_;
};

}  // namespace kvd
