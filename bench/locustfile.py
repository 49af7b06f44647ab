"""50 concurrent users over a mix of pages (run by bench/run.py; BENCH_TARGETS holds the pages as JSON).

Each simulated user logs in as one bench account and opens, with a short think time, the pages that
account uses; the anonymous users read the public announcements.
"""

import json
import os
import re

from locust import HttpUser, between, task

TARGETS = json.loads(os.environ.get("BENCH_TARGETS", "[]"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench12345")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

ACCOUNTS = sorted({t["user"] for t in TARGETS if t["user"]}) + [""]
_next = {"i": 0}


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.username = ACCOUNTS[_next["i"] % len(ACCOUNTS)]
        _next["i"] += 1
        self.pages = [t for t in TARGETS if t["user"] == self.username and t["name"] != "floor"] or [
            t for t in TARGETS if t["user"] == self.username
        ]
        if self.username:
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
            self.client.get(target["url"], name=target["name"])
