"""Streams through redis-py's own reply parsers: a producer, a blocked reader woken by it,
a consumer group with acknowledgement, pending entries and claiming, trimming, XINFO."""

import threading

import redis

from registry import WRONGTYPE, check, eq, scenario, wait_blocked


@scenario("streams", needs="streams")
def streams_add_range_trim(ctx):
    r = ctx.r
    first = r.xadd("events", {"type": "login", "user": "ann"})
    check("-" in first, "XADD returns the generated ID")
    eq(r.xadd("events", {"type": "logout", "user": "ann"}, id="9999999999999-0"),
       "9999999999999-0")
    try:
        r.xadd("events", {"a": "b"}, id="1-1")
        raise AssertionError("XADD of a smaller ID must fail")
    except redis.ResponseError as e:
        eq(str(e), "The ID specified in XADD is equal or smaller than the target stream top item")
    eq(r.xlen("events"), 2)
    entries = r.xrange("events")
    eq([fields for _, fields in entries],
       [{"type": "login", "user": "ann"}, {"type": "logout", "user": "ann"}])
    eq(r.xrevrange("events", count=1)[0][0], "9999999999999-0")
    for i in range(10):
        r.xadd("bounded", {"n": str(i)}, maxlen=5, approximate=False)
    eq(r.xlen("bounded"), 5)
    eq(r.xrange("bounded", count=1)[0][1], {"n": "5"})
    eq(r.xtrim("bounded", maxlen=2, approximate=False), 3)
    eq(r.xdel("bounded", r.xrange("bounded")[0][0]), 1)
    eq(r.xlen("bounded"), 1)
    eq(r.type("bounded"), "stream")
    r.set("plain", "x")
    try:
        r.xadd("plain", {"a": "b"})
        raise AssertionError("XADD on a string must fail")
    except redis.ResponseError as e:
        eq(str(e), WRONGTYPE)


@scenario("streams", needs="streams")
def streams_blocking_read(ctx):
    r = ctx.r
    r.xadd("feed", {"old": "1"}, id="1-0")
    got = {}

    reader_conn = ctx.new_client()

    def reader():
        got["reply"] = reader_conn.xread({"feed": "$"}, block=20000)

    t = threading.Thread(target=reader)
    t.start()
    wait_blocked(r, 1)
    r.xadd("feed", {"new": "2"}, id="2-0")
    t.join(30)
    check(not t.is_alive(), "the blocked XREAD returned")
    eq(got["reply"], [["feed", [("2-0", {"new": "2"})]]])
    eq(r.xread({"feed": "0"}, count=1), [["feed", [("1-0", {"old": "1"})]]])
    eq(r.xread({"feed": "2-0"}, block=1), [])


@scenario("streams", needs="streams")
def streams_consumer_group(ctx):
    r = ctx.r
    for i in range(1, 4):
        r.xadd("jobs", {"job": str(i)}, id=f"{i}-0")
    eq(r.xgroup_create("jobs", "workers", id="0"), True)
    try:
        r.xgroup_create("jobs", "workers", id="0")
        raise AssertionError("a second XGROUP CREATE must fail")
    except redis.ResponseError as e:
        eq(str(e), "BUSYGROUP Consumer Group name already exists")
    batch = r.xreadgroup("workers", "alice", {"jobs": ">"}, count=2)
    eq(batch, [["jobs", [("1-0", {"job": "1"}), ("2-0", {"job": "2"})]]])
    eq(r.xack("jobs", "workers", "1-0"), 1)
    summary = r.xpending("jobs", "workers")
    eq(summary["pending"], 1)
    eq(summary["min"], "2-0")
    eq(summary["consumers"], [{"name": "alice", "pending": 1}])
    detail = r.xpending_range("jobs", "workers", min="-", max="+", count=10)
    eq([(d["message_id"], d["consumer"], d["times_delivered"]) for d in detail],
       [("2-0", "alice", 1)])
    claimed = r.xclaim("jobs", "workers", "bob", min_idle_time=0, message_ids=["2-0"])
    eq(claimed, [("2-0", {"job": "2"})])
    auto = r.xautoclaim("jobs", "workers", "carol", min_idle_time=0, start_id="0-0")
    eq(auto[0], "0-0")
    eq(auto[1], [("2-0", {"job": "2"})])
    eq(r.xreadgroup("workers", "bob", {"jobs": ">"}), [["jobs", [("3-0", {"job": "3"})]]])
    groups = r.xinfo_groups("jobs")
    eq([(g["name"], g["consumers"], g["pending"], g["last-delivered-id"]) for g in groups],
       [("workers", 3, 2, "3-0")])
    consumers = {c["name"]: c["pending"] for c in r.xinfo_consumers("jobs", "workers")}
    eq(consumers, {"alice": 0, "bob": 1, "carol": 1})
    info = r.xinfo_stream("jobs")
    eq(info["length"], 3)
    eq(info["groups"], 1)
    eq(info["first-entry"], ("1-0", {"job": "1"}))
    eq(info["last-entry"], ("3-0", {"job": "3"}))
    eq(r.xgroup_delconsumer("jobs", "workers", "carol"), 1)
    eq(r.xgroup_destroy("jobs", "workers"), 1)
    eq(r.xinfo_groups("jobs"), [])
