"""50 concurrent users over a mix of pages (run by bench/run.py; BENCH_TARGETS holds the pages as JSON).

Each simulated user is one bench account and opens, with a short think time, the pages that account
uses; the anonymous users read the public announcements. The accounts' sessions are opened before the
run (BENCH_SESSIONS, by bench/run.py): a login costs a deliberate PBKDF2 hash (about 0.3 s of CPU), and
50 people logging in within the same five seconds is not what 50 people working in the system look
like. Without BENCH_SESSIONS each user logs in at its start, as before.

FastHttpUser (geventhttpclient) rather than HttpUser (requests): locust shares the two cores with the
server and the database, and its own client costs several times less CPU per request this way, so
less of what is measured is the load tool itself.
"""

import json
import os
import re

from locust import FastHttpUser, between, task

TARGETS = json.loads(os.environ.get("BENCH_TARGETS", "[]"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench12345")
SESSIONS = json.loads(os.environ.get("BENCH_SESSIONS", "{}"))  # username -> {cookie name: value}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

ACCOUNTS = sorted({t["user"] for t in TARGETS if t["user"]}) + [""]
_next = {"i": 0}


class Visitor(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.username = ACCOUNTS[_next["i"] % len(ACCOUNTS)]
        _next["i"] += 1
        self.pages = [t for t in TARGETS if t["user"] == self.username and t["name"] != "floor"] or [
            t for t in TARGETS if t["user"] == self.username
        ]
        self.headers = {}
        if self.username in SESSIONS:
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in SESSIONS[self.username].items())
        elif self.username:
            page = self.client.get("/accounts/login/", name="login")
            token = CSRF.search(page.text).group(1)
            self.client.post(
                "/accounts/login/",
                {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                name="login",
            )

    @task
    def browse(self):
        for target in self.pages:
            # No redirect followed: a lost session would otherwise count as a fast 200 of the login page.
            with self.client.get(
                target["url"], name=target["name"], headers=self.headers, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
