"""The HTTP half of .ci/prod-smoke: against a running gunicorn, log in (with CSRF), open a page, ask for a
document and wait until the worker has rendered it, and GET /healthz. Exits non-zero on any failure.

    python .ci/smoke_http.py http://127.0.0.1:8199
"""

import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1].rstrip("/")
USER, PASSWORD = "office", "demo12345"
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def fail(message: str) -> None:
    print(f"SMOKE FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def request(path: str, data: dict | None = None, *, expect=(200,)):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(BASE + path, data=body, headers={"Referer": BASE + path})
    try:
        with opener.open(req, timeout=60) as response:
            status, content, url = response.status, response.read(), response.url
    except urllib.error.HTTPError as exc:
        status, content, url = exc.code, exc.read(), exc.url
    if status not in expect:
        fail(f"{'POST' if data is not None else 'GET'} {path}: HTTP {status}\n{content[:500]!r}")
    return status, content, url


def csrf_from(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        fail("no CSRF token in the form")
    return match.group(1).decode()


def main() -> None:
    _, login_page, _ = request("/accounts/login/")
    _, home, url = request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf_from(login_page), "username": USER, "password": PASSWORD, "next": "/"},
    )
    if "/accounts/login/" in url or "sessionid" not in {c.name for c in jar}:
        fail("login did not succeed")
    print(f"logged in as {USER}")

    _, page, _ = request("/dashboard/common-problems/")
    if "共性问题" not in page.decode():
        fail("the common problems page does not look right")
    print("opened /dashboard/common-problems/")

    before = set(re.findall(rb"/documents/(\d+)/", page))
    _, after_post, _ = request("/dashboard/common-problems/report/", {"csrfmiddlewaretoken": csrf_from(page)})
    new = {int(i) for i in set(re.findall(rb"/documents/(\d+)/", after_post)) - before}
    if not new:
        fail("asking for the 专题报告 made no document")
    doc = max(new)
    deadline = time.monotonic() + 90
    while True:
        status, content, _ = request(f"/documents/{doc}/download/", expect=(200, 404))
        if status == 200:
            if not content.startswith(b"PK"):
                fail(f"document {doc} is not a Word file")
            print(f"document {doc} rendered by the worker ({len(content)} bytes)")
            break
        if time.monotonic() > deadline:
            fail(f"document {doc} was not rendered within 90 s (is the worker running?)")
        time.sleep(1)

    # /healthz: the worker and beat heartbeats arrive within a minute of their start.
    deadline = time.monotonic() + 75
    while True:
        status, content, _ = request("/healthz", expect=(200, 503))
        body = json.loads(content)
        if status == 200 and body["status"] == "ok":
            print(f"/healthz ok: {body['checks']}")
            break
        if time.monotonic() > deadline:
            fail(f"/healthz still failing: {body}")
        time.sleep(2)


if __name__ == "__main__":
    main()
