"""Transactions (MULTI/EXEC/WATCH through redis-py's pipelines) and pub/sub scenarios."""

import redis

from registry import WRONGTYPE, check, eq, scenario

TX = "MULTI/EXEC/WATCH"
PUBSUB = "SUBSCRIBE/PUBLISH"
MESSAGE_TIMEOUT_S = 10  # get_message waits for the event; this only bounds a broken server


# ---- transactions ----------------------------------------------------------------------------

@scenario("transactions", needs=TX)
def transaction_pipeline(ctx):
    r = ctx.r
    p = r.pipeline(transaction=True)
    p.set("a", "1").incr("a").rpush("l", "x").get("a")
    eq(p.execute(), [True, 2, 1, "2"])
    eq(r.get("a"), "2")


@scenario("transactions", needs=TX)
def transaction_watch_multi_execute(ctx):
    r = ctx.r
    r.set("balance", "10")
    with r.pipeline() as p:
        p.watch("balance")
        current = int(p.get("balance"))  # immediate mode while watching
        p.multi()
        p.set("balance", current + 5)
        p.get("balance")
        eq(p.execute(), [True, "15"])
    eq(r.get("balance"), "15")


@scenario("transactions", needs=TX)
def transaction_watch_conflict(ctx):
    r = ctx.r
    other = ctx.new_client()
    r.set("k", "1")
    with r.pipeline() as p:
        p.watch("k")
        other.set("k", "changed")
        p.multi()
        p.set("k", "mine")
        try:
            p.execute()
            raise AssertionError("EXEC after a watched key changed must fail")
        except redis.WatchError:
            pass
    eq(r.get("k"), "changed", "the aborted transaction wrote nothing")


@scenario("transactions", needs=TX)
def transaction_watch_flushall_and_delete(ctx):
    r = ctx.r
    other = ctx.new_client()
    for touch in (lambda: other.flushall(), lambda: other.delete("k"),
                  lambda: other.expire("k", 0)):
        r.set("k", "1")
        with r.pipeline() as p:
            p.watch("k")
            touch()
            p.multi()
            p.set("k", "mine")
            try:
                p.execute()
                raise AssertionError("EXEC after the watched key was removed must fail")
            except redis.WatchError:
                pass
        eq(r.get("k"), None)


@scenario("transactions", needs=TX)
def transaction_unwatch(ctx):
    r = ctx.r
    other = ctx.new_client()
    r.set("k", "1")
    with r.pipeline() as p:
        p.watch("k")
        p.unwatch()
        other.set("k", "2")
        p.multi()
        p.incr("k")
        eq(p.execute(), [3])


@scenario("transactions", needs=TX)
def transaction_helper_retries(ctx):
    r = ctx.r
    other = ctx.new_client()
    r.set("counter", "0")
    attempts = []

    def add_one(p):
        value = int(p.get("counter"))
        if not attempts:
            other.incrby("counter", 100)  # conflicts with the first attempt only
        attempts.append(value)
        p.multi()
        p.set("counter", value + 1)

    r.transaction(add_one, "counter")
    eq(attempts, [0, 100], "the first attempt was aborted and retried")
    eq(r.get("counter"), "101")


@scenario("transactions", needs=TX)
def transaction_error_at_exec(ctx):
    r = ctx.r
    r.set("s", "text")
    p = r.pipeline(transaction=True)
    p.set("a", "1").lpush("s", "x").incr("a")
    results = p.execute(raise_on_error=False)
    eq(results[0], True)
    check(isinstance(results[1], redis.ResponseError), "the failed command's slot holds its error")
    eq(str(results[1]), WRONGTYPE)
    eq(results[2], 2, "the other queued commands ran")
    p.lpush("s", "x")
    try:
        p.execute()
        raise AssertionError("execute() raises the first error")
    except redis.ResponseError as e:
        check(WRONGTYPE in str(e), f"error text: {e}")


@scenario("transactions", needs=TX)
def transaction_queuing_error_aborts(ctx):
    r = ctx.r
    p = r.pipeline(transaction=True)
    p.set("a", "1")
    p.execute_command("SET", "only-a-key")  # wrong arity: refused when queued
    try:
        p.execute()
        raise AssertionError("a queuing error must abort the transaction")
    except redis.ResponseError as e:
        check("wrong number of arguments for 'set' command" in str(e), f"error text: {e}")
    eq(r.exists("a"), 0, "EXECABORT ran nothing")


@scenario("transactions", needs=TX)
def transaction_raw_multi_discard(ctx):
    # One raw connection: replies as sent, without redis-py's per-command conversions.
    conn = redis.Connection(host="127.0.0.1", port=ctx.port, decode_responses=True)

    def call(*args):
        conn.send_command(*args)
        try:
            return conn.read_response()
        except redis.ResponseError as e:
            return e

    eq(call("MULTI"), "OK")
    eq(call("SET", "k", "v"), "QUEUED")
    eq(call("DISCARD"), "OK")
    eq(call("GET", "k"), None)
    eq(str(call("EXEC")), "EXEC without MULTI")
    eq(str(call("DISCARD")), "DISCARD without MULTI")
    eq(call("MULTI"), "OK")
    eq(str(call("MULTI")), "MULTI calls can not be nested")
    eq(call("INCR", "n"), "QUEUED")
    eq(call("SET", "k", "v"), "QUEUED")
    eq(call("EXEC"), [1, "OK"])
    conn.disconnect()


# ---- pub/sub ---------------------------------------------------------------------------------

def next_message(p):
    m = p.get_message(timeout=MESSAGE_TIMEOUT_S)
    check(m is not None, "a message arrived")
    return m


@scenario("pub/sub", needs=PUBSUB)
def pubsub_subscribe_publish(ctx):
    r = ctx.r
    p = r.pubsub()
    p.subscribe("news", "sport")
    eq(next_message(p), {"type": "subscribe", "pattern": None, "channel": "news", "data": 1})
    eq(next_message(p), {"type": "subscribe", "pattern": None, "channel": "sport", "data": 2})
    eq(r.publish("news", "hello"), 1)
    eq(r.publish("nobody-listens", "x"), 0)
    eq(next_message(p), {"type": "message", "pattern": None, "channel": "news", "data": "hello"})
    eq(r.publish("sport", "goal"), 1)
    eq(next_message(p)["data"], "goal")
    p.unsubscribe("news")
    eq(next_message(p), {"type": "unsubscribe", "pattern": None, "channel": "news", "data": 1})
    eq(r.publish("news", "unheard"), 0)
    p.close()


@scenario("pub/sub", needs=PUBSUB)
def pubsub_patterns_and_counts(ctx):
    r = ctx.r
    p1 = r.pubsub()
    p2 = r.pubsub()
    p1.psubscribe("news.*")
    eq(next_message(p1), {"type": "psubscribe", "pattern": None, "channel": "news.*", "data": 1})
    p2.subscribe("news.tech")
    eq(next_message(p2)["type"], "subscribe")
    p2.psubscribe("news.t*")
    eq(next_message(p2), {"type": "psubscribe", "pattern": None, "channel": "news.t*", "data": 2})
    # One delivery per matching subscription: p1's pattern, p2's channel and p2's pattern.
    eq(r.publish("news.tech", "chips"), 3)
    eq(next_message(p1), {"type": "pmessage", "pattern": "news.*", "channel": "news.tech",
                          "data": "chips"})
    got = [next_message(p2), next_message(p2)]
    eq(sorted(m["type"] for m in got), ["message", "pmessage"])
    eq(r.publish("news.art", "paint"), 1)
    eq(next_message(p1)["channel"], "news.art")
    eq(r.pubsub_channels(), ["news.tech"])
    eq(r.pubsub_numsub("news.tech", "none"), [("news.tech", 1), ("none", 0)])
    eq(r.pubsub_numpat(), 2)
    p1.punsubscribe()
    eq(next_message(p1), {"type": "punsubscribe", "pattern": None, "channel": "news.*",
                          "data": 0})
    eq(r.pubsub_numpat(), 1)
    p1.close()
    p2.close()


@scenario("pub/sub", needs=PUBSUB)
def pubsub_binary_and_ping(ctx):
    p = ctx.binary.pubsub()
    p.subscribe(b"bin\x00chan")
    eq(next_message(p)["type"], "subscribe")
    payload = b"\x00\xff\r\n payload"
    eq(ctx.binary.publish(b"bin\x00chan", payload), 1)
    m = next_message(p)
    eq((m["channel"], m["data"]), (b"bin\x00chan", payload))
    # PING is allowed in subscriber mode and answers as a message.
    p.ping()
    eq(next_message(p)["type"], "pong")
    p.close()


@scenario("pub/sub", needs=PUBSUB)
def pubsub_subscriber_mode_rules(ctx):
    c = ctx.new_client(single_connection_client=True)
    # Plain execute_command reads one reply: the subscribe confirmation.
    eq(c.execute_command("SUBSCRIBE", "ch"), ["subscribe", "ch", 1])
    try:
        c.execute_command("GET", "k")
        raise AssertionError("GET in subscriber mode must fail")
    except redis.ResponseError as e:
        eq(str(e), "Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                   "RESET are allowed in this context")
    eq(c.execute_command("UNSUBSCRIBE", "ch"), ["unsubscribe", "ch", 0])
    eq(c.get("k"), None, "back to normal after the last unsubscribe")


@scenario("pub/sub", needs="keyspace notifications")
def keyspace_notifications(ctx):
    r = ctx.r
    eq(r.config_set("notify-keyspace-events", "KEA"), True)
    try:
        p = r.pubsub()
        p.psubscribe("__keyevent@0__:*")
        p.subscribe("__keyspace@0__:watched")
        eq(sorted(next_message(p)["type"] for _ in range(2)), ["psubscribe", "subscribe"])
        r.set("watched", "v")
        got = {(m["channel"], m["data"]) for m in (next_message(p), next_message(p))}
        eq(got, {("__keyspace@0__:watched", "set"), ("__keyevent@0__:set", "watched")})
        r.lpush("list", "x")
        eq(next_message(p)["channel"], "__keyevent@0__:lpush")
        # Expiry, by the server's own clock: the `expired` event is waited for, not slept on.
        r.set("soon", "v", px=1)
        eq(next_message(p)["channel"], "__keyevent@0__:set")
        eq(next_message(p)["channel"], "__keyevent@0__:expire")
        m = next_message(p)
        eq((m["channel"], m["data"]), ("__keyevent@0__:expired", "soon"))
        eq(r.exists("soon"), 0)
        p.close()
    finally:
        r.config_set("notify-keyspace-events", "")
