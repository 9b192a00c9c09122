// The replica's side of the sync protocol without sockets (server/replication/sync_protocol.h):
// PSYNC replies, the snapshot's header, and reading a payload ended by its size or its mark,
// however the bytes are split.
#include "server/replication/sync_protocol.h"

#include <doctest/doctest.h>

#include <string>

namespace kvd {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef01234567";

TEST_CASE("PSYNC replies") {
  PsyncReply r = ParsePsyncReply("+FULLRESYNC " + kId + " 1234");
  CHECK(r.kind == PsyncReply::Kind::kFullResync);
  CHECK(r.replid == kId);
  CHECK(r.offset == 1234);
  r = ParsePsyncReply("+FULLRESYNC");  // malformed: still a full sync, identity unknown
  CHECK(r.kind == PsyncReply::Kind::kFullResync);
  CHECK(r.replid.empty());
  CHECK(r.offset == -1);
  r = ParsePsyncReply("+CONTINUE");
  CHECK(r.kind == PsyncReply::Kind::kContinue);
  CHECK(r.replid.empty());
  r = ParsePsyncReply("+CONTINUE " + kId);
  CHECK(r.kind == PsyncReply::Kind::kContinue);
  CHECK(r.replid == kId);
  CHECK(ParsePsyncReply("").kind == PsyncReply::Kind::kKeepalive);
  CHECK(ParsePsyncReply("-NOMASTERLINK Can't SYNC while not connected with my master").kind ==
        PsyncReply::Kind::kTryLater);
  CHECK(ParsePsyncReply("-LOADING Redis is loading the dataset in memory").kind ==
        PsyncReply::Kind::kTryLater);
  CHECK(ParsePsyncReply("-ERR unknown command 'PSYNC'").kind == PsyncReply::Kind::kError);
  CHECK(ParsePsyncReply("+OK").kind == PsyncReply::Kind::kError);
}

TEST_CASE("the snapshot's header: sized, EOF-marked, keepalive, errors") {
  PayloadHeader h = ParsePayloadHeader("$175");
  CHECK(h.kind == PayloadHeader::Kind::kSized);
  CHECK(h.size == 175);
  h = ParsePayloadHeader("$EOF:" + kId);
  CHECK(h.kind == PayloadHeader::Kind::kEofMarked);
  CHECK(h.mark == kId);
  CHECK(ParsePayloadHeader("").kind == PayloadHeader::Kind::kKeepalive);
  CHECK(ParsePayloadHeader("-ERR no").kind == PayloadHeader::Kind::kError);
  CHECK(ParsePayloadHeader("+OK").kind == PayloadHeader::Kind::kBad);
  CHECK(ParsePayloadHeader("$-1").kind == PayloadHeader::Kind::kBad);
  CHECK(ParsePayloadHeader("$EOF:short").kind == PayloadHeader::Kind::kBad);
}

// Feeds `wire` in pieces of `step` bytes; returns what was written and what was left over.
std::pair<std::string, std::string> ReadInSteps(const PayloadHeader& header,
                                                const std::string& wire, size_t step) {
  std::string written;
  PayloadReader reader(header, [&](std::string_view b) {
    written.append(b);
    return true;
  });
  std::string rest;
  for (size_t at = 0; at < wire.size(); at += step) {
    const std::string_view piece = std::string_view(wire).substr(at, step);
    if (reader.done()) {
      rest.append(piece);
      continue;
    }
    const size_t n = reader.Feed(piece);
    rest.append(piece.substr(n));
  }
  CHECK(reader.done());
  CHECK(reader.received() == static_cast<int64_t>(written.size()));
  return {written, rest};
}

TEST_CASE("a sized payload ends at its size; what follows is the stream") {
  const std::string payload = "REDIS0010\xfa binary \r\n bytes \xff";
  const std::string stream = "*1\r\n$4\r\nPING\r\n";
  PayloadHeader h = ParsePayloadHeader("$" + std::to_string(payload.size()));
  for (size_t step : {1, 3, 7, 1000}) {
    CAPTURE(step);
    auto [written, rest] = ReadInSteps(h, payload + stream, step);
    CHECK(written == payload);
    CHECK(rest == stream);
  }
  // An empty payload is done at once.
  PayloadReader empty(ParsePayloadHeader("$0"), [](std::string_view) { return true; });
  CHECK(empty.done());
}

TEST_CASE("an EOF-marked payload ends at its mark, even split across reads") {
  std::string payload = "REDIS0010";
  for (int i = 0; i < 300; ++i) payload += static_cast<char>(i * 7);
  payload += kId.substr(0, 39);  // almost the mark: still payload
  const std::string stream = "*1\r\n$4\r\nPING\r\n";
  const PayloadHeader h = ParsePayloadHeader("$EOF:" + kId);
  for (size_t step : {1, 2, 39, 40, 41, 64, 5000}) {
    CAPTURE(step);
    auto [written, rest] = ReadInSteps(h, payload + kId + stream, step);
    CHECK(written == payload);
    CHECK(rest == stream);
  }
}

TEST_CASE("a payload whose writer fails stops") {
  PayloadReader reader(ParsePayloadHeader("$10"), [](std::string_view) { return false; });
  reader.Feed("12345");
  CHECK(reader.failed());
  CHECK_FALSE(reader.done());
  CHECK(reader.Feed("67890") == 0);
}

}  // namespace
}  // namespace kvd
