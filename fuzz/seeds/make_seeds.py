#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

The seeds are meaningful inputs: the signing vectors, odd answers,
requests of every kind. Run it again after changing it; files are named by
their purpose, so other files are not touched: the `sandbox-*` answers in
corpus/answer/ are real answers captured from a running sandbox with curl,
and libFuzzer's own finds may be added with `cargo fuzz cmin`.
"""
import hashlib
import hmac
import json
import os
import sys
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
PATH = "/koodrive/ose/v1/space/usage/user"
X_DATE = "20251127T115959Z"  # one second before the harnesses' "now"


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def sign(method, path, host, x_date, user, body, secret="sandbox-secret", app="sandbox-app"):
    headers = f"host:{host.strip()}\nx-date:{x_date.strip()}\nx-user-id:{user.strip()}\n"
    canonical = "\n".join([
        method, path.rstrip("/") + "/", "", headers, "host;x-date;x-user-id",
        hashlib.sha256(body.encode()).hexdigest(),
    ])
    to_sign = "HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    signature = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return f"HMAC-SHA256 AppId={app},SignedHeaders=host;x-date;x-user-id,Signature={signature}"


def check_against_vectors():
    with open(os.path.join(ROOT, "crates/core/tests/data/signing-vectors.json")) as f:
        vectors = json.load(f)
    for v in vectors:
        url = urlsplit(v["url"])
        if url.query:
            continue  # the seeds sign no query
        got = sign(v["method"], url.path, url.netloc, v["headers"]["X-Date"],
                   v["headers"]["X-User-Id"], v["body"], v["appSecret"], v["appId"])
        if got != v["authorization"]:
            sys.exit(f"seed signing disagrees with vector {v['name']!r}")
    return vectors


def answers():
    record = {"userId": "1008600000509220652", "quota": "1048576", "used": 0,
              "effectiveTime": "2025-11-12T08:37:14.613Z", "expirationTime": "2025-12-12T08:37:14.613Z"}
    page = {"data": [record], "total": 1, "code": 0, "msg": "success"}
    seeds = {
        "page-example": json.dumps(page),
        "u64-quota": json.dumps({"code": 0, "msg": "success", "total": 2, "data": [
            {"userId": "1", "quota": "18446744073709551615", "used": 1.5e19, "createTime": "2025-01-01T00:00:00Z"},
            {"userId": "2", "quota": "0", "used": 3}]}),
        "bad-records": json.dumps({"code": 0, "msg": "success", "data": [
            {"userId": "1", "quota": "5 GB", "used": 1}, {"userId": "2", "quota": "10", "used": -1},
            {"userId": "3", "quota": "10", "used": "12"}, {"userId": "4"}, {"quota": "1"}, 7, None,
            {"userId": "5", "quota": "99999999999999999999999", "used": 1e308, "expirationTime": "yesterday"}]}),
        "gateway-code": '{"code":"APIGW.0301","msg":"Incorrect IAM authentication"}',
        "koodrive-error": '{"code":13000101,"msg":"X-Date is in the future by 1200 s"}',
        "code-float": '{"code":0.0,"msg":"success","data":[],"total":0.0}',
        "code-huge": '{"code":1e300,"msg":"x","data":[],"total":-1}',
        "total-odd": '{"code":0,"data":[],"total":"7","msg":null}',
        "data-object": '{"code":0,"msg":"success","data":{"userId":"1"}}',
        "no-code": '{"data":[]}',
        "array": "[1,2,3]",
        "html-502": "<html><body><h1>502 Bad Gateway</h1></body></html>",
        "empty": "",
        "spaces": "   \n\t ",
        "garbage-fault": '{"code":0,"msg":"success","data":[{"userId":"10086000',
        "deep": "[" * 200 + "]" * 200,
        "deep-object": '{"data":' + "[" * 130 + "]" * 130 + "}",
        "surrogates": '{"code":0,"msg":"\\ud800\\udfff\\ud800","data":[{"userId":"\\u0000","quota":"1","used":0}]}',
        "duplicate-keys": '{"code":1,"code":0,"data":[],"data":null,"msg":"a","msg":"b"}',
        "head-429": "#head 429|Thu, 27 Nov 2025 12:00:00 GMT|2\n" + '{"code":429,"msg":"Too Many Requests"}',
        "head-401-clock": "#head 401|Thu, 27 Nov 2025 12:30:00 GMT|\n" + '{"code":13000101,"msg":"X-Date is 1800 s old"}',
        "head-odd": "#head 99999|Sun, 31 Feb 2025 25:61:61 GMT|-1\n{}",
    }
    for name, body in seeds.items():
        write("answer", name, body)


def authorization(vectors):
    for i, v in enumerate(vectors):
        url = urlsplit(v["url"])
        text = f"{v['authorization']}\n{v['method']} {url.path}" + (f"?{url.query}" if url.query else "")
        text += f"\nHost: {url.netloc}\nX-Date: {v['headers']['X-Date']}\nX-User-Id: {v['headers']['X-User-Id']}\n\n{v['body']}"
        write("authorization", f"vector-{i}", text)
    body = '{"limit":3}'
    good = sign("POST", PATH, "127.0.0.1:8080", X_DATE, "42", body)
    req = f"POST {PATH}\nHost: 127.0.0.1:8080\nX-Date: {X_DATE}\nX-User-Id: 42\n\n{body}"
    odd = {
        "sandbox-signed": good,
        "spaces-after-commas": good.replace(",", ", "),
        "upper-hex": good.split("Signature=")[0] + "Signature=" + good.split("Signature=")[1].upper(),
        "bearer": "Bearer sandbox-token",
        "junk": "HMAC-SHA256 junk",
        "no-signature": "HMAC-SHA256 AppId=sandbox-app,SignedHeaders=host;x-date;x-user-id",
        "unsigned-user": "HMAC-SHA256 AppId=sandbox-app,SignedHeaders=host;x-date,Signature=00",
        "odd-hex": good + "0",
        "not-hex": good[:-4] + "zzzz",
        "unknown-app": good.replace("AppId=sandbox-app", "AppId=other"),
        "duplicate-fields": good + ",AppId=other,Signature=",
        "empty-signed": "HMAC-SHA256 AppId=sandbox-app,SignedHeaders=,Signature=ab",
        "unicode": "HMAC-SHA256 AppId=é,SignedHeaders=x-date;x-user-id;ü,Signature=ß",
        "missing-header": "HMAC-SHA256 AppId=sandbox-app,SignedHeaders=host;x-date;x-user-id;x-missing,Signature=00",
    }
    for name, value in odd.items():
        write("authorization", name, f"{value}\n{req}")
    write("authorization", "dot-segments", f"{good}\nPOST /a/../koodrive/./ose//v1/space/usage/user?b=2&a=%20\nHost: 127.0.0.1:8080\nX-Date: {X_DATE}\nX-User-Id: 42\n\n{body}")
    write("authorization", "empty", "")


def dates():
    values = {
        "x-date": "20251103T070140Z", "x-date-now": X_DATE, "x-date-leap": "20240229T235959Z",
        "x-date-not-leap": "20250229T000000Z", "x-date-year-0": "00000101T000000Z",
        "x-date-year-9999": "99991231T235959Z", "x-date-lower": "20251103t070140z",
        "x-date-short": "20251103T070140", "x-date-sign": "+2025110T070140Z",
        "x-date-fullwidth": "２０２５１１０３T０７０１４０Z", "x-date-spaces": " 20251103T070140Z ",
        "http-date": "Sun, 06 Nov 1994 08:49:37 GMT", "http-date-now": "Thu, 27 Nov 2025 12:00:00 GMT",
        "http-date-wrong-weekday": "Mon, 06 Nov 1994 08:49:37 GMT", "http-date-feb-30": "Sun, 30 Feb 2025 00:00:00 GMT",
        "http-date-rfc850": "Sunday, 06-Nov-94 08:49:37 GMT", "http-date-asctime": "Sun Nov  6 08:49:37 1994",
        "http-date-year-0": "Sat, 01 Jan 0000 00:00:00 GMT", "http-date-padded": "  Thu, 27 Nov 2025 12:00:00 GMT\t",
        "iso": "2025-11-12T08:37:14.613Z", "iso-offset": "2025-11-12T08:37:14+08:00", "iso-big-year": "+10000-01-01T00:00:00Z",
        "iso-leap-second": "2016-12-31T23:59:60Z", "retry-seconds": "120", "retry-huge": "99999999999999999999999",
        "retry-negative": "-1", "retry-date": "Thu, 27 Nov 2025 12:01:00 GMT", "empty": "", "multibyte": "Thu, 27 Nov 2025 12:00:0é GMT",
    }
    for name, value in values.items():
        write("dates", name, value)


def request(method, target, headers, body=""):
    lines = [f"{method} {target}"] + [f"{n}: {v}" for n, v in headers]
    return "\n".join(lines) + "\n\n" + body


def handler():
    token = [("Host", "127.0.0.1:8080"), ("Authorization", "Bearer sandbox-token"),
             ("X-User-Id", "1505084218764547200"), ("X-Date", X_DATE), ("Content-Type", "application/json")]
    api = lambda body, headers=token, method="POST", target=PATH: request(method, target, headers, body)
    # Control POSTs are JSON, as the sandbox requires.
    json_type = lambda method: [("Content-Type", "application/json")] if method == "POST" else []
    control = lambda name, body="", method="POST": request(method, f"/__sandbox/{name}", [("Host", "127.0.0.1:8080")] + json_type(method), body)
    sep = "\n=====\n"
    body = '{"limit":3}'
    app = [("Host", "127.0.0.1:8080"), ("X-Date", X_DATE), ("X-User-Id", "42"),
           ("Authorization", sign("POST", PATH, "127.0.0.1:8080", X_DATE, "42", body))]
    seeds = {
        "page": api('{"limit":5,"offset":10}'),
        "ids": api('{"userIds":["232323","34343434"],"limit":10,"offset":0}'),
        "app-signed": api(body, app),
        "bearer-plus": api("{}", [(n, "Bearer+sandbox-token" if n == "Authorization" else v) for n, v in token]),
        "bare-token": api("{}", [(n, "sandbox-token" if n == "Authorization" else v) for n, v in token]),
        "prefix": api("{}", token, "POST", "/kd" + PATH + "?x=1"),
        "wrong-method": api("", token, "GET"),
        "wrong-path": api("{}", token, "POST", "/koodrive/ose/v1/space/usage/users"),
        "no-user": api("{}", [h for h in token if h[0] != "X-User-Id"]),
        "bad-x-date": api("{}", [(n, "2025-11-27T11:59:59Z" if n == "X-Date" else v) for n, v in token]),
        "future-x-date": api("{}", [(n, "20251127T122000Z" if n == "X-Date" else v) for n, v in token]),
        "stale-x-date": api("{}", [(n, "20251127T114459Z" if n == "X-Date" else v) for n, v in token]),
        "wrong-token": api("{}", [(n, "Bearer nope" if n == "Authorization" else v) for n, v in token]),
        "body-array": api("[1]"),
        "body-types": api('{"userIds":[1,"",null],"limit":"3","offset":-1}'),
        "too-many-ids": api(json.dumps({"userIds": [str(i) for i in range(51)]})),
        "limit-range": api('{"limit":0,"offset":18446744073709551616}'),
        "oversized": api('{"userIds":["' + "1" * 66000 + '"]}'),
        "preflight": request("OPTIONS", PATH, [("Origin", "http://localhost:8081"), ("Access-Control-Request-Method", "POST")]),
        "openapi": request("GET", "/openapi.yaml", []),
        "health": control("health", "", "GET"),
        "stats": control("stats", "", "GET"),
        "faults-each-kind": sep.join([
            control("faults", '[{"kind":"status","status":503,"retryAfterSecs":1},{"kind":"apiError","code":"APIGW.0301"},{"kind":"garbage"},{"kind":"drop"},{"kind":"delay","delayMs":5},{"kind":"status","status":502,"body":"<h1>x</h1>","contentType":"text/html"}]'),
            api(body), api(body), api(body), api(body), api(body), api(body), api(body)]),
        "down": sep.join([control("faults", '{"kind":"down","durationMs":600}'), api(body), api(body), api(body), api(body)]),
        "clock": sep.join([control("clock", '{"offsetSecs":-1800}'), api(body), control("clock", '{"offsetSecs":1800}'), api(body), control("reset")]),
        "bad-controls": sep.join([control("faults", '{"kind":"nope"}'), control("clock", '{"offsetSecs":1e99}'), control("nowhere"), control("faults", "", "PUT")]),
    }
    for name, text in seeds.items():
        write("sandbox_handler", name, text)


def main():
    vectors = check_against_vectors()
    answers()
    authorization(vectors)
    dates()
    handler()


if __name__ == "__main__":
    main()
