"""Strings, expiry, pipelines, SCAN iterators, each data type, connection and errors."""

import threading
import time

import redis

from registry import WRONGTYPE, check, eq, scenario, wait_blocked


# ---- strings --------------------------------------------------------------------------------

@scenario("strings")
def strings_get_set(ctx):
    r = ctx.r
    check(r.set("s", "v") is True, "SET replies OK (True)")
    eq(r.get("s"), "v")
    eq(r.get("missing"), None)
    eq(r.set("s", "w", nx=True), None, "SET NX on an existing key")
    eq(r.set("s", "w", xx=True), True, "SET XX on an existing key")
    eq(r.set("s", "x", get=True), "w", "SET GET returns the old value")
    eq(r.set("fresh", "1", xx=True), None, "SET XX on a missing key")
    eq(r.setnx("fresh", "1"), True)
    eq(r.getset("fresh", "2"), "1")
    eq(r.getdel("fresh"), "2")
    eq(r.exists("fresh"), 0)
    eq(r.append("s", "yz"), 3)
    eq(r.strlen("s"), 3)
    eq(r.getrange("s", 1, -1), "yz")
    eq(r.setrange("s", 1, "AB"), 3)
    eq(r.get("s"), "xAB")


@scenario("strings")
def strings_binary_safe(ctx):
    b = ctx.binary
    value = b"\x00\r\n\xff binary \x00"
    b.set(b"k\x00\n", value)
    eq(b.get(b"k\x00\n"), value)
    eq(b.strlen(b"k\x00\n"), len(value))


@scenario("strings")
def strings_incr(ctx):
    r = ctx.r
    eq(r.incr("n"), 1)
    eq(r.incr("n", 10), 11)
    eq(r.incrby("n", -5), 6)
    eq(r.decr("n"), 5)
    eq(r.decrby("n", 3), 2)
    eq(r.incrbyfloat("f", 1.5), 1.5)
    eq(r.incrbyfloat("f", "0.25"), 1.75)
    r.set("text", "abc")
    try:
        r.incr("text")
        raise AssertionError("INCR on a non-integer must fail")
    except redis.ResponseError as e:
        # redis-py strips the "ERR " prefix.
        eq(str(e), "value is not an integer or out of range")


@scenario("strings")
def strings_mget_mset(ctx):
    r = ctx.r
    eq(r.mset({"a": "1", "b": "2", "c": "3"}), True)
    eq(r.mget("a", "missing", "c"), ["1", None, "3"])
    eq(r.mget(["b", "a"]), ["2", "1"])
    eq(r.msetnx({"a": "x", "d": "4"}), False, "MSETNX with an existing key")
    eq(r.exists("d"), 0)
    eq(r.msetnx({"d": "4", "e": "5"}), True)
    eq(r.mget("d", "e"), ["4", "5"])


# ---- expiry ---------------------------------------------------------------------------------

@scenario("expiry")
def expiry_ttl_and_options(ctx):
    r = ctx.r
    r.set("k", "v", ex=100)
    check(90 < r.ttl("k") <= 100, "TTL after SET EX 100")
    check(90_000 < r.pttl("k") <= 100_000, "PTTL after SET EX 100")
    eq(r.ttl("missing"), -2)
    r.set("plain", "v")
    eq(r.ttl("plain"), -1)
    r.set("p", "v", px=50_000)
    check(40_000 < r.pttl("p") <= 50_000, "PTTL after SET PX")
    eq(r.set("k", "w", keepttl=True), True)
    check(r.ttl("k") > 90, "KEEPTTL keeps the TTL")
    eq(r.expire("plain", 200, nx=True), True)
    eq(r.expire("plain", 300, nx=True), False, "EXPIRE NX on a key with a TTL")
    eq(r.expire("plain", 100, gt=True), False, "EXPIRE GT with a smaller TTL")
    eq(r.expire("plain", 500, gt=True), True)
    check(r.ttl("plain") > 400, "EXPIRE GT applied")
    eq(r.getex("plain", persist=True), "v")
    eq(r.ttl("plain"), -1)


@scenario("expiry")
def expiry_pexpire_persist(ctx):
    r = ctx.r
    r.set("k", "v")
    eq(r.pexpire("k", 60_000), True)
    check(50_000 < r.pttl("k") <= 60_000, "PTTL after PEXPIRE")
    eq(r.persist("k"), True)
    eq(r.ttl("k"), -1)
    eq(r.persist("k"), False, "PERSIST on a key without a TTL")
    eq(r.pexpire("missing", 1000), False)


@scenario("expiry")
def expiry_expire_at(ctx):
    r = ctx.r
    now = int(time.time())
    r.set("k", "v")
    eq(r.expireat("k", now + 1000), True)
    check(990 < r.ttl("k") <= 1000, "TTL after EXPIREAT")
    eq(r.expiretime("k"), now + 1000)
    eq(r.pexpireat("k", (now + 2000) * 1000), True)
    check(1990 < r.ttl("k") <= 2000, "TTL after PEXPIREAT")
    # A time in the past deletes the key at once: expiry observed without waiting.
    eq(r.expireat("k", now - 10), True)
    eq(r.exists("k"), 0)
    eq(r.get("k"), None)
    r.set("j", "v")
    eq(r.pexpireat("j", (now - 10) * 1000), True)
    eq(r.get("j"), None)


# ---- pipelines ------------------------------------------------------------------------------

@scenario("pipelines")
def pipeline_without_transaction(ctx):
    r = ctx.r
    p = r.pipeline(transaction=False)
    p.set("a", "1").incr("a").get("a").rpush("l", "x", "y").lrange("l", 0, -1).get("missing")
    eq(p.execute(), [True, 2, "2", 2, ["x", "y"], None])


@scenario("pipelines")
def pipeline_errors_in_place(ctx):
    r = ctx.r
    r.set("s", "text")
    p = r.pipeline(transaction=False)
    p.set("a", "1").lpush("s", "x").incr("a")
    results = p.execute(raise_on_error=False)
    eq(results[0], True)
    check(isinstance(results[1], redis.ResponseError), "the failed command's slot holds its error")
    eq(str(results[1]), WRONGTYPE)
    eq(results[2], 2, "commands after an error still run")
    p.lpush("s", "x")
    try:
        p.execute()
        raise AssertionError("execute() raises the first error by default")
    except redis.ResponseError as e:
        check(WRONGTYPE in str(e), f"error text: {e}")


@scenario("pipelines")
def pipeline_many_commands(ctx):
    r = ctx.r
    p = r.pipeline(transaction=False)
    for i in range(2000):
        p.set(f"k{i}", i)
    for i in range(2000):
        p.get(f"k{i}")
    results = p.execute()
    eq(results[:2000], [True] * 2000)
    eq(results[2000:], [str(i) for i in range(2000)])
    eq(r.dbsize(), 2000)


# ---- SCAN iterators -------------------------------------------------------------------------

@scenario("scan")
def scan_iter_keys(ctx):
    r = ctx.r
    p = r.pipeline(transaction=False)
    for i in range(500):
        p.set(f"user:{i}", i)
    for i in range(50):
        p.set(f"other:{i}", i)
    p.execute()
    seen = list(r.scan_iter(match="user:*", count=37))
    eq(len(seen), len(set(seen)), "no duplicates without concurrent writes")
    eq(set(seen), {f"user:{i}" for i in range(500)})
    eq(set(r.scan_iter(count=1000)), {f"user:{i}" for i in range(500)} |
       {f"other:{i}" for i in range(50)})
    r.rpush("alist", "x")
    eq(list(r.scan_iter(_type="list")), ["alist"])


@scenario("scan")
def scan_iter_collections(ctx):
    r = ctx.r
    fields = {f"f{i}": f"v{i}" for i in range(300)}
    r.hset("h", mapping=fields)
    eq(dict(r.hscan_iter("h", count=20)), fields)
    eq(dict(r.hscan_iter("h", match="f1?")), {f"f{i}": f"v{i}" for i in range(10, 20)})
    members = {f"m{i}" for i in range(300)}
    r.sadd("s", *members)
    eq(set(r.sscan_iter("s", count=25)), members)
    r.zadd("z", {f"z{i}": i * 1.5 for i in range(300)})
    eq(dict(r.zscan_iter("z", count=25)), {f"z{i}": i * 1.5 for i in range(300)})
    # Small collections (compact encodings) come back in one step.
    r.hset("small", mapping={"a": "1", "b": "2"})
    eq(dict(r.hscan_iter("small")), {"a": "1", "b": "2"})


# ---- data types -----------------------------------------------------------------------------

@scenario("hashes")
def hashes(ctx):
    r = ctx.r
    eq(r.hset("h", "a", "1"), 1)
    eq(r.hset("h", mapping={"b": "2", "c": "3"}), 2)
    eq(r.hset("h", "a", "10"), 0, "HSET of an existing field adds nothing")
    eq(r.hget("h", "a"), "10")
    eq(r.hget("h", "nope"), None)
    eq(r.hgetall("h"), {"a": "10", "b": "2", "c": "3"})
    eq(r.hmget("h", ["a", "nope", "c"]), ["10", None, "3"])
    eq(r.hincrby("h", "b", 5), 7)
    eq(r.hincrbyfloat("h", "f", 0.5), 0.5)
    eq(r.hexists("h", "a"), True)
    eq(r.hsetnx("h", "a", "x"), False)
    eq(r.hlen("h"), 4)
    eq(sorted(r.hkeys("h")), ["a", "b", "c", "f"])
    eq(sorted(r.hvals("h")), ["0.5", "10", "3", "7"])
    eq(r.hstrlen("h", "a"), 2)
    eq(r.hdel("h", "a", "nope"), 1)
    eq(r.hgetall("missing"), {})


@scenario("lists")
def lists(ctx):
    r = ctx.r
    eq(r.rpush("l", "a", "b", "c"), 3)
    eq(r.lpush("l", "z"), 4)
    eq(r.lrange("l", 0, -1), ["z", "a", "b", "c"])
    eq(r.llen("l"), 4)
    eq(r.lindex("l", -1), "c")
    eq(r.linsert("l", "before", "b", "a2"), 5)
    eq(r.lset("l", 0, "Z"), True)
    eq(r.lpos("l", "b"), 3)
    eq(r.lrem("l", 1, "a2"), 1)
    eq(r.lpop("l"), "Z")
    eq(r.rpop("l"), "c")
    eq(r.lpop("l", 5), ["a", "b"])
    eq(r.exists("l"), 0, "an emptied list is deleted")
    r.rpush("src", "1", "2", "3")
    eq(r.lmove("src", "dst", "LEFT", "RIGHT"), "1")
    eq(r.rpoplpush("src", "dst"), "3")
    eq(r.lrange("dst", 0, -1), ["3", "1"])
    eq(r.ltrim("src", 1, 0), True)
    eq(r.exists("src"), 0)


@scenario("lists")
def lists_blocking_pop(ctx):
    r = ctx.r
    # Times out with nothing to pop: None after the (float) timeout.
    started = time.monotonic()
    eq(r.blpop(["empty1", "empty2"], timeout=0.1), None)
    check(time.monotonic() - started >= 0.09, "BLPOP waited for its timeout")
    # Data already there: served at once, from the first non-empty key.
    r.rpush("q2", "ready")
    eq(r.blpop(["q1", "q2"], timeout=1), ("q2", "ready"))
    # A push from a second client wakes the blocked one.
    blocker = ctx.new_client()
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("v", blocker.blpop("jobs", timeout=20)))
    t.start()
    wait_blocked(r, 1)
    eq(r.rpush("jobs", "job1", "job2"), 2)
    t.join(20)
    check(not t.is_alive(), "BLPOP returned after the push")
    eq(result.get("v"), ("jobs", "job1"))
    eq(r.lrange("jobs", 0, -1), ["job2"])
    eq(r.brpoplpush("jobs", "done", timeout=1), "job2")


@scenario("sets")
def sets(ctx):
    r = ctx.r
    eq(r.sadd("s1", "a", "b", "c", "a"), 3)
    r.sadd("s2", "b", "c", "d")
    eq(r.smembers("s1"), {"a", "b", "c"})
    eq(r.sismember("s1", "a"), True)
    eq(r.smismember("s1", ["a", "x"]), [1, 0])
    eq(r.scard("s1"), 3)
    eq(r.sinter("s1", "s2"), {"b", "c"})
    eq(r.sunion("s1", "s2"), {"a", "b", "c", "d"})
    eq(r.sdiff("s1", "s2"), {"a"})
    eq(r.sinterstore("dst", ["s1", "s2"]), 2)
    eq(r.smembers("dst"), {"b", "c"})
    eq(r.smove("s1", "s2", "a"), True)
    eq(r.srem("s1", "b", "zz"), 1)
    popped = r.spop("s1")
    eq(popped, "c")
    eq(r.smembers("s1"), set(), "an emptied set reads as empty")
    r.sadd("ints", 1, 2, 3)
    eq(r.smembers("ints"), {"1", "2", "3"})
    check(r.srandmember("ints") in {"1", "2", "3"}, "SRANDMEMBER returns a member")


@scenario("sorted sets")
def sorted_sets(ctx):
    r = ctx.r
    eq(r.zadd("z", {"a": 1, "b": 2.5, "c": -3}), 3)
    eq(r.zscore("z", "b"), 2.5)
    eq(r.zscore("z", "nope"), None)
    eq(r.zrange("z", 0, -1, withscores=True), [("c", -3.0), ("a", 1.0), ("b", 2.5)])
    eq(r.zrevrange("z", 0, 0), ["b"])
    eq(r.zrangebyscore("z", 0, "+inf"), ["a", "b"])
    eq(r.zrangebyscore("z", "(1", 10, withscores=True), [("b", 2.5)])
    eq(r.zincrby("z", 10, "a"), 11.0)
    eq(r.zrank("z", "a"), 2)
    eq(r.zrevrank("z", "a"), 0)
    eq(r.zcount("z", "-inf", 3), 2)
    eq(r.zcard("z"), 3)
    eq(r.zadd("z", {"a": 5}, gt=True), 0)
    eq(r.zscore("z", "a"), 11.0, "ZADD GT with a lower score changes nothing")
    eq(r.zadd("z", {"d": 4}, nx=True), 1)
    eq(r.zadd("z", {"d": 7}, xx=True, ch=True), 1)
    eq(r.zmscore("z", ["d", "nope"]), [7.0, None])
    eq(r.zpopmin("z"), [("c", -3.0)])
    eq(r.zrem("z", "b", "nope"), 1)
    eq(r.zrange("z", 0, -1, withscores=True), [("d", 7.0), ("a", 11.0)])
    eq(r.zadd("inf", {"x": float("inf"), "y": float("-inf")}), 2)
    eq(r.zscore("inf", "x"), float("inf"))
    eq(r.zrange("inf", 0, -1), ["y", "x"])


# ---- connection ------------------------------------------------------------------------------

@scenario("connection")
def connection_basics(ctx):
    r = ctx.r
    eq(r.ping(), True)
    eq(r.echo("hello"), "hello")
    eq(r.client_setname("suite-conn"), True)
    eq(r.client_getname(), "suite-conn")
    check(isinstance(r.client_id(), int), "CLIENT ID is an integer")
    names = [c.get("name") for c in r.client_list()]
    check("suite-conn" in names, f"CLIENT LIST shows the name: {names}")
    info = r.info("server")
    check("redis_version" in info, "INFO server has redis_version")


@scenario("connection")
def connection_select_db(ctx):
    db3 = ctx.new_client(db=3)
    db3.set("k", "in-3")
    eq(ctx.r.get("k"), None, "db 0 does not see db 3's key")
    eq(db3.get("k"), "in-3")
    eq(db3.dbsize(), 1)
    # A connection pool re-selects the db on every new connection.
    db3.connection_pool.disconnect()
    eq(db3.get("k"), "in-3")
    eq(ctx.r.move("missing", 3), False)
    ctx.r.set("m", "v")
    eq(ctx.r.move("m", 3), True)
    eq(db3.get("m"), "v")
    try:
        ctx.r.execute_command("SELECT", 99)
        raise AssertionError("SELECT 99 must fail")
    except redis.ResponseError as e:
        eq(str(e), "DB index is out of range")


# ---- errors ---------------------------------------------------------------------------------

@scenario("errors")
def errors(ctx):
    r = ctx.r
    r.set("s", "v")
    for call in (lambda: r.lpush("s", "x"), lambda: r.hget("s", "f"),
                 lambda: r.sadd("s", "m"), lambda: r.zadd("s", {"m": 1})):
        try:
            call()
            raise AssertionError("a command on the wrong type must fail")
        except redis.ResponseError as e:
            eq(type(e), redis.ResponseError)
            eq(str(e), WRONGTYPE)
    try:
        r.execute_command("NOSUCHCOMMAND", "a", "b")
        raise AssertionError("unknown command must fail")
    except redis.ResponseError as e:
        eq(str(e), "unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ")
    try:
        r.execute_command("GET")
        raise AssertionError("wrong arity must fail")
    except redis.ResponseError as e:
        eq(str(e), "wrong number of arguments for 'get' command")
    eq(r.get("s"), "v", "the connection still works after errors")
