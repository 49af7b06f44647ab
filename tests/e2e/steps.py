"""What the browser tests share: the password of the users they make, making one with a role, logging in
and out through the pages as a person does."""

import re

from playwright.sync_api import expect

from xuncha.accounts.models import User
from xuncha.accounts.roles import role_group

PASSWORD = "e2e-pass-2026"


def make_user(username, role, name):
    user = User.objects.create_user(username, password=PASSWORD, name=name, email=f"{username}@example.org")
    user.groups.add(role_group(role))
    return user


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".app-user .user-name")).to_be_visible()


def logout(page):
    page.locator(".app-user form button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
