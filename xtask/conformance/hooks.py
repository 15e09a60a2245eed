"""Schemathesis hooks of `cargo xtask conformance`.

The endpoint needs a fresh X-Date (within the last 15 minutes of the
server's clock): a generated X-Date of the right form is replaced with the
current time, one second back, as a client sends it. Malformed ones, which
negative tests generate on purpose, are left alone so that the server must
refuse them.
"""
import re
import time

import schemathesis

X_DATE = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")


def fresh_x_date():
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 1))


@schemathesis.hook
def map_headers(ctx, headers):
    if headers is not None:
        value = headers.get("X-Date")
        if isinstance(value, str) and X_DATE.match(value):
            headers["X-Date"] = fresh_x_date()
    return headers
