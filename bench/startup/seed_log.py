#!/usr/bin/env python3
"""Fills a wwdev request log with N realistic entries (for the startup benchmark's
large-log case: opening it runs SQLite's quick_check, about 2 s at 100,000 entries).

Usage: seed_log.py LOG_FILE N

LOG_FILE must already exist with wwdev's schema (any wwdev start creates it). Entries are
recent (retention keeps them), ~20% errors, with bodies of the size real calls have; one
transaction, so seeding 100,000 takes seconds where the app's one-per-call inserts would
take minutes.
"""
import json
import random
import sqlite3
import sys
import time

path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
now = int(time.time() * 1000)
paths = ["/cgi-bin/gettoken", "/cgi-bin/get_jsapi_ticket", "/cgi-bin/ticket/get", "/cgi-bin/user/get",
         "/cgi-bin/auth/getuserinfo", "/cgi-bin/message/send", "/cgi-bin/user/simplelist"]
names = ["张三", "李四", "王五", "赵六", "陈晓明", "林雨桐"]
db = sqlite3.connect(path)
with db:
    rows = []
    for i in range(n):
        p = rnd.choice(paths)
        err = rnd.choice([0, 0, 0, 0, 40014, 42001, 60111, 40029])
        body = {"errcode": err, "errmsg": "ok" if err == 0 else "invalid", "userid": f"user{i % 997}",
                "name": rnd.choice(names), "department": [1, rnd.randint(2, 40)],
                "position": "产品经理", "mobile": "138****0000", "extattr": {"attrs": []}}
        rows.append((now - rnd.randint(0, 20 * 86400_000), rnd.choice(["Sandbox", "生产", "测试"]), "token", "https://qyapi.weixin.qq.com",
                     "GET", p, json.dumps([["access_token", "abcd***wxyz"], ["userid", f"user{i % 997}"]]),
                     None, 200, err, "ok" if err == 0 else "invalid", rnd.randint(20, 400), json.dumps([["content-type", "application/json"]]),
                     json.dumps(body, ensure_ascii=False), None, 1 if err else 0))
    db.executemany(
        "INSERT INTO requests (time_ms, profile, feature, base_url, method, path, query, request_body, status, errcode,"
        " errmsg, latency_ms, response_headers, response_body, error, failed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows)
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(db.execute("SELECT count(*) FROM requests").fetchone()[0])
