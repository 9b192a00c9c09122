// BlockedClients, the bookkeeping of blocking commands: queues in blocking order, ready keys,
// deadlines.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/blocked_clients.h"
#include "server/client_state.h"

namespace kvd {
namespace {

using Views = std::vector<std::string_view>;

void Block(BlockedClients& b, ClientState& c, size_t db, Views keys, int64_t deadline = 0) {
  Views args = {"BLPOP"};
  args.insert(args.end(), keys.begin(), keys.end());
  args.push_back("0");
  b.Block(c, db, keys, ValueType::kList, deadline, args);
}

std::vector<std::string> Keys(const std::vector<BlockedClients::ReadyKey>& ready) {
  std::vector<std::string> out;
  for (const auto& r : ready) out.push_back(std::to_string(r.db) + ":" + r.key);
  return out;
}

TEST_CASE("waiters are kept per key in the order they blocked") {
  BlockedClients b;
  ClientState c1, c2, c3;
  Block(b, c1, 0, {"k"});
  Block(b, c2, 0, {"other", "k"});
  Block(b, c3, 0, {"k"});
  CHECK(c1.blocked);
  CHECK(b.size() == 3);
  CHECK(b.KeyCount() == 2);
  CHECK(b.WaitersOf(0, "k") == std::vector<ClientState*>{&c1, &c2, &c3});
  CHECK(b.WaitersOf(0, "other") == std::vector<ClientState*>{&c2});
  CHECK(b.WaitersOf(1, "k").empty());

  // Leaving takes the client out of every queue; an emptied queue disappears.
  std::optional<BlockedClients::Waiter> w = b.Unblock(c2);
  REQUIRE(w);
  CHECK_FALSE(c2.blocked);
  CHECK(w->keys == std::vector<std::string>{"other", "k"});
  CHECK(w->args == std::vector<std::string>{"BLPOP", "other", "k", "0"});
  CHECK(b.WaitersOf(0, "k") == std::vector<ClientState*>{&c1, &c3});
  CHECK(b.KeyCount() == 1);
  CHECK_FALSE(b.Unblock(c2));
  CHECK(b.Find(c2) == nullptr);

  // Blocking again puts the client at the back.
  Block(b, c2, 0, {"k"});
  CHECK(b.WaitersOf(0, "k") == std::vector<ClientState*>{&c1, &c3, &c2});
  b.Unblock(c1);
  b.Unblock(c2);
  b.Unblock(c3);
  CHECK(b.empty());
  CHECK(b.KeyCount() == 0);
}

TEST_CASE("a key named twice is waited on once") {
  BlockedClients b;
  ClientState c;
  Block(b, c, 0, {"k", "k", "j", "k"});
  CHECK(b.Find(c)->keys == std::vector<std::string>{"k", "j"});
  CHECK(b.WaitersOf(0, "k").size() == 1);
  CHECK(b.KeyCount() == 2);
  b.Unblock(c);
  CHECK(b.KeyCount() == 0);
}

TEST_CASE("a write marks only waited keys ready, each once, in any database") {
  BlockedClients b;
  ClientState c1, c2;
  Block(b, c1, 0, {"a", "b"});
  Block(b, c2, 3, {"b"});
  CHECK_FALSE(b.HasReady());
  const Views lpush = {"LPUSH", "x", "b", "a"};
  b.SignalKeys(lpush);
  const Views again = {"RPUSH", "a"};
  b.SignalKeys(again);
  REQUIRE(b.HasReady());
  CHECK(Keys(b.TakeReady()) == std::vector<std::string>{"0:b", "0:a", "3:b"});
  CHECK_FALSE(b.HasReady());
  // Taken keys can become ready again.
  b.SignalKeys(again);
  CHECK(Keys(b.TakeReady()) == std::vector<std::string>{"0:a"});

  b.SignalDatabase(3);
  b.SignalDatabase(7);
  CHECK(Keys(b.TakeReady()) == std::vector<std::string>{"3:b"});
  b.Unblock(c1);
  b.Unblock(c2);
  const Views none = {"a", "b"};
  b.SignalKeys(none);
  CHECK_FALSE(b.HasReady());
}

TEST_CASE("deadlines: due clients come earliest first; 0 waits forever") {
  BlockedClients b;
  ClientState c1, c2, c3;
  Block(b, c1, 0, {"k"}, 2000);
  Block(b, c2, 0, {"k"}, 0);
  Block(b, c3, 0, {"j"}, 1000);
  CHECK(b.TimeoutCount() == 2);
  CHECK(b.Due(999).empty());
  CHECK(b.Due(1000) == std::vector<ClientState*>{&c3});
  CHECK(b.Due(5000) == std::vector<ClientState*>{&c3, &c1});

  b.SetDeadline(c1, 500);
  CHECK(b.Due(1000) == std::vector<ClientState*>{&c1, &c3});
  b.SetDeadline(c3, 0);
  CHECK(b.TimeoutCount() == 1);
  b.Unblock(c1);
  CHECK(b.Due(1'000'000).empty());
  CHECK(b.TimeoutCount() == 0);
  b.Unblock(c2);
  b.Unblock(c3);
}

}  // namespace
}  // namespace kvd
