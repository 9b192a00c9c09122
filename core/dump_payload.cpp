#include "core/dump_payload.h"

#include "core/crc64.h"
#include "core/rdb_format.h"
#include "core/rdb_input.h"
#include "core/rdb_writer.h"

namespace kvd {
namespace {

constexpr size_t kFooterSize = 10;  // version (2) + CRC-64 (8)

}  // namespace

std::string EncodeDumpPayload(const Record& r, bool compression) {
  RdbOptions options;
  options.compression = compression;
  options.checksum = false;  // the payload's own CRC-64 follows
  RdbWriter w(options);
  if (!w.WriteValue(r).empty()) return "";
  std::string out;
  w.TakePending(out);
  out.push_back(static_cast<char>(rdb::kWriteVersion & 0xff));
  out.push_back(static_cast<char>(rdb::kWriteVersion >> 8));
  const uint64_t crc = Crc64(0, out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(crc >> (8 * i)));
  return out;
}

// Redis's verifyDumpPayload, then rdbLoadObjectType and rdbLoadObject. As Redis, bytes left
// between the value and the footer are not an error: the checksum covers them.
DumpPayloadStatus DecodeDumpPayload(std::string_view payload, DumpedValue& out) {
  if (payload.size() < kFooterSize) return DumpPayloadStatus::kVersionOrChecksum;
  const std::string_view footer = payload.substr(payload.size() - kFooterSize);
  const unsigned version =
      static_cast<uint8_t>(footer[0]) | (unsigned{static_cast<uint8_t>(footer[1])} << 8);
  if (version > rdb::kMaxReadVersion) return DumpPayloadStatus::kVersionOrChecksum;
  uint64_t crc = 0;
  for (int i = 7; i >= 0; --i) crc = (crc << 8) | static_cast<uint8_t>(footer[2 + i]);
  if (Crc64(0, payload.substr(0, payload.size() - 8)) != crc) {
    return DumpPayloadStatus::kVersionOrChecksum;
  }

  rdb::Input in(payload.substr(0, payload.size() - kFooterSize));
  const uint8_t type = in.U8("a value type");
  if (!in.ok()) return DumpPayloadStatus::kBadFormat;
  if (type == rdb::kTypeString) {
    std::string scratch;
    const std::string_view value = in.String(scratch, "a string value");
    if (!in.ok()) return DumpPayloadStatus::kBadFormat;
    out = std::string(value);
    return DumpPayloadStatus::kOk;
  }
  if (!rdb::IsCollectionType(type)) return DumpPayloadStatus::kBadFormat;
  rdb::CollectionPtr value = rdb::ReadCollection(in, type, "");
  if (!in.ok() || rdb::IsEmptyCollection(value)) return DumpPayloadStatus::kBadFormat;
  out = std::move(value);
  return DumpPayloadStatus::kOk;
}

}  // namespace kvd
