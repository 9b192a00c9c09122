#pragma once
// The compact blobs Redis stores inside RDB strings: ziplists (Redis 2.6 to 6.2: small
// lists, hashes and sorted sets, and the nodes of a quicklist), listpacks (Redis 7) and
// intsets (small sets of integers). The reader walks them, checking every length against
// the blob; the writers build ziplists for the list nodes of an RDB version 9 file and
// listpacks for the nodes of a stream.
//
//   ziplist: zlbytes u32 | zltail u32 | zllen u16 | entries | 0xff        (little-endian)
//     entry: prevlen (1 byte, or 0xfe + u32) | encoding [+ length] | data
//   listpack: total bytes u32 | count u16 | entries | 0xff
//     entry: encoding [+ length] | data | backlen (1-5 bytes, the entry's size)
//   intset: encoding u32 (2, 4 or 8: bytes per integer) | count u32 | sorted integers
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kvd::rdb {

// Calls visit with every element as its string (integers as their decimal text), in order.
// Returns "" or what is wrong with the blob; visit returning false stops the walk and
// returns "stopped".
using ElementVisitor = std::function<bool(std::string_view)>;
std::string WalkZiplist(std::string_view blob, const ElementVisitor& visit);
std::string WalkListpack(std::string_view blob, const ElementVisitor& visit);
std::string WalkIntset(std::string_view blob, const ElementVisitor& visit);

// Builds one ziplist, encoding each element as Redis's ziplistPush does (strings that are
// canonical integers of up to 31 characters as integers).
class ZiplistBuilder {
 public:
  ZiplistBuilder() { Clear(); }
  void Clear();
  // Bytes the element would add.
  size_t EntrySize(std::string_view s) const;
  void Push(std::string_view s);
  size_t count() const { return count_; }
  size_t bytes() const { return buf_.size() + 1; }
  // The finished ziplist (header filled in, end byte appended); the builder is left empty.
  std::string Finish();

 private:
  std::string buf_;  // header and entries, without the end byte
  size_t count_ = 0;
  size_t last_entry_size_ = 0;  // the next entry's prevlen
  size_t tail_offset_ = 0;
};

// Builds one listpack, encoding each element as Redis's lpAppend does: strings that are
// canonical integers as the smallest integer encoding, others with a 6, 12 or 32-bit length.
class ListpackBuilder {
 public:
  ListpackBuilder() { Clear(); }
  void Clear();
  void Push(std::string_view s);
  void PushInt(int64_t v);
  size_t count() const { return count_; }
  // The finished listpack (header filled in, end byte appended); the builder is left empty.
  std::string Finish();

 private:
  void Backlen(size_t entry_size);
  std::string buf_;  // header and entries, without the end byte
  size_t count_ = 0;
};

}  // namespace kvd::rdb
