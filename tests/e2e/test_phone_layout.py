"""Issue #16, work from a phone: on a 390×844 screen the pages a unit, a receiver, the leader and the
public use on the move fit the screen (nothing scrolls sideways) and the top bar stays one line whose
items do not overlap; the left navigation is a menu button opening an offcanvas. At 1366×768 the
desktop layout keeps its left column. Screenshots of both sizes go to /tmp/phone-shots/.

The demo county (`manage.py seed_demo`) provides the people and the data: unit1 / unit1lx rectifying
县农业农村局, jiwei receiving transfer batches, the leader's dashboard, published announcements.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from clues.models import TransferBatch, TransferStatus
from demo.county import DEMO_PASSWORD
from demo.data import UNIT_ACCOUNTS
from rectification.models import Rectification, VersionStatus
from rectification.services.reports import latest_version
from rounds.models import Announcement, AnnouncementStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/phone-shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
# A 1×1 PNG, as a phone's camera would send a (much larger) JPEG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

# The top bar's items, as (name, selector); a hidden one (the menu button on a desktop) is skipped.
TOP_BAR = [
    ("menu", ".app-header .app-menu-btn"),
    ("breadcrumb", ".app-header .app-breadcrumb .breadcrumb-item:last-child"),
    ("inbox", ".app-header .inbox-link"),
    ("name", ".app-header .user-name"),
    ("logout", ".app-header .app-user form button"),
]

# Every visible top-bar item's bounding box, by name.
BOXES = """(items) => {
  const out = {};
  for (const [name, selector] of items) {
    const el = document.querySelector(selector);
    if (!el) { continue; }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) { continue; }
    out[name] = {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  }
  return out;
}"""


# Remembers, on the page, whether an upload progress bar ever appeared (it may last a moment only).
SEE_PROGRESS = """() => {
  window.sawUploadProgress = false;
  new MutationObserver(() => {
    if (document.querySelector("[data-testid=upload-progress]")) { window.sawUploadProgress = true; }
  }).observe(document.body, {childList: true, subtree: true});
}"""


def _failing_post(answer):
    """A route handler: GETs go through; a POST is cut off ("abort") or answered with that status."""

    def handle(route):
        if route.request.method != "POST":
            route.continue_()
        elif answer == "abort":
            route.abort("internetdisconnected")
        else:
            route.fulfill(status=answer, body="Request Entity Too Large")

    return handle


def _overlap(a, b):
    return (
        a["left"] < b["right"] - 0.5
        and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5
        and (b["top"] < a["bottom"] - 0.5)
    )


def _fits(page, name):
    """Nothing scrolls sideways, and (on a logged-in page) the top bar is one line of separate items."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name}: the page is {width[0]}px wide on a {width[1]}px screen"
    if page.locator(".app-header").count():
        header = page.locator(".app-header").bounding_box()
        assert header["height"] <= 60, f"{name}: the top bar is {header['height']}px high"
        boxes = page.evaluate(BOXES, TOP_BAR)
        assert {"breadcrumb", "inbox", "logout"} <= set(boxes), (name, boxes)
        names = list(boxes)
        for i, a in enumerate(names):
            box = boxes[a]
            assert box["left"] >= 0 and box["right"] <= width[1] + 0.5, (name, a, box)
            assert (
                box["top"] >= header["y"] - 0.5 and box["bottom"] <= header["y"] + header["height"] + 0.5
            ), (
                name,
                a,
                box,
            )
            for b in names[i + 1 :]:
                assert not _overlap(box, boxes[b]), f"{name}: {a} {box} overlaps {b} {boxes[b]}"


def _visit(page, live_server, path, name, *, ready=None):
    """Open the page at both sizes: check the phone one, keep a screenshot of each."""
    SHOTS.mkdir(exist_ok=True)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}{path}")
        if ready:
            ready(page)
        if size is PHONE:
            _fits(page, name)
            if page.locator(".app-header").count():
                expect(page.locator(".app-sider")).to_be_hidden()
                expect(page.get_by_test_id("menu-button")).to_be_visible()
        elif page.locator(".app-header").count():
            # The desktop keeps its 200-pixel left column and has no menu button.
            expect(page.locator(".app-sider")).to_be_visible()
            assert page.locator(".app-sider").bounding_box()["width"] == 200
            expect(page.get_by_test_id("menu-button")).to_be_hidden()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    _fits(page, f"login as {username}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".app-header .inbox-link")).to_be_visible()


def _charts_drawn(page):
    for name in ("category", "trend", "progress", "coverage"):
        page.wait_for_function(
            "(name) => { const el = document.getElementById('chart-' + name);"
            " return !!(el && window.echarts && window.echarts.getInstanceByDom(el) && el.querySelector('canvas')); }",
            arg=name,
            timeout=15000,
        )
    page.wait_for_timeout(400)


def test_a_phone_shows_every_page_of_the_move_within_its_width(browser, live_server, settings):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    rect = Rectification.objects.filter(assignment__unit__name=UNIT_ACCOUNTS["unit"]).latest("pk")
    report = next(
        r
        for r in rect.reports.order_by("due_date")
        if latest_version(r) is None or latest_version(r).status == VersionStatus.DRAFT
    )
    # A batch still to be signed for (签收) if the demo has one, else one awaiting results.
    batches = TransferBatch.objects.filter(receiver__name="县纪委监委").exclude(status=TransferStatus.DRAFT)
    batch = min(
        batches,
        key=lambda b: (
            [TransferStatus.SENT, TransferStatus.ACKNOWLEDGED].index(b.status)
            if b.status in (TransferStatus.SENT, TransferStatus.ACKNOWLEDGED)
            else 9
        ),
    )
    today = timezone.localdate()
    announcement = Announcement.objects.filter(
        status=AnnouncementStatus.PUBLISHED, start_date__lte=today, end_date__gte=today
    ).latest("pk")

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)

    # The liaison: the workbench, the menu, the half-monthly report form with its camera-ready inputs.
    _login(page, live_server, UNIT_ACCOUNTS["liaison"])
    _visit(page, live_server, reverse("home"), "01-liaison-workbench")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('home')}")
    page.get_by_test_id("menu-button").click()
    menu = page.locator(".app-sider")
    expect(menu).to_be_visible()
    expect(menu.locator(".app-nav-item").first).to_be_visible()
    assert menu.bounding_box()["width"] <= PHONE["width"]
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / "02-liaison-menu-390.png"))
    menu.get_by_role("button", name="关闭菜单").click()
    expect(menu).to_be_hidden()

    edit = reverse("rectification:version_edit", args=[rect.pk, report.pk])
    _visit(page, live_server, edit, "03-liaison-report-form")
    expect(page.get_by_test_id("version-form")).to_be_visible()
    accept = page.locator("[data-testid=version-form] input[type=file]").first.get_attribute("accept")
    assert "image/jpeg" in accept and "application/pdf" in accept and ".docx" in accept, accept
    # Fill it in on the phone: a summary, the first measure's progress and a photo as its evidence.
    page.set_viewport_size(PHONE)
    form = page.get_by_test_id("version-form")
    form.locator("textarea").first.fill("本期召开专题会议研究整改工作，逐项推进整改措施。")
    entry = page.get_by_test_id("entry-form").first
    entry.locator("textarea").fill("已完成督导方案，正在分片包干推进。")
    entry.locator("input[type=file]").set_input_files(
        {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_test_id("save-draft").click()
    expect(page.locator(".app-messages .alert-success")).to_be_visible()
    expect(page.get_by_role("link", name="现场照片.png").first).to_be_visible()
    _fits(page, "the report form after saving")

    # A failed upload keeps what was typed. The page records whether the progress bar ever showed.
    page.evaluate(SEE_PROGRESS)
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    typed = "第二次填写：现场照片过大，被服务器拒收后文字仍在。"
    page.get_by_test_id("entry-form").first.locator("textarea").fill(typed)
    page.get_by_test_id("entry-form").first.locator("input[type=file]").set_input_files(
        {"name": "大照片.png", "mimeType": "image/png", "buffer": PNG + bytes(100 * 1024)}
    )
    page.get_by_test_id("save-draft").click()
    # The server's refusal comes back as the form with its error and the text as typed.
    expect(page.get_by_test_id("version-form").locator(".alert-danger")).to_contain_text("超过")
    expect(page.get_by_test_id("entry-form").first.locator("textarea")).to_have_value(typed)
    _fits(page, "the report form with a refused photo")
    page.screenshot(path=str(SHOTS / "03b-liaison-photo-refused-390.png"), full_page=True)
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024

    # The connection drops, then a proxy answers 413: the page stays, with the text, and says so.
    page.evaluate(SEE_PROGRESS)
    for answer, message in (("abort", "网络中断"), (413, "413")):
        page.route("**/reports/*/edit/", _failing_post(answer))
        entry = page.get_by_test_id("entry-form").first
        entry.locator("input[type=file]").set_input_files(
            {"name": "现场照片2.png", "mimeType": "image/png", "buffer": PNG}
        )
        page.get_by_test_id("save-draft").click()
        status = page.get_by_test_id("upload-status")
        expect(status).to_contain_text(message)
        expect(status).to_contain_text("已填写的内容仍保留")
        expect(entry.locator("textarea")).to_have_value(typed)
        expect(page.get_by_test_id("save-draft")).to_be_enabled()
        page.unroute("**/reports/*/edit/")
    assert page.evaluate("window.sawUploadProgress === true"), "no progress bar was shown"
    _fits(page, "the report form after a failed upload")
    page.screenshot(path=str(SHOTS / "03c-liaison-upload-failed-390.png"), full_page=True)

    # Now it goes through: everything filled in, saved and submitted (报送) from the phone.
    for box in page.get_by_test_id("version-form").locator("textarea").all():
        if not box.input_value().strip():
            box.fill("已按方案推进，详见佐证材料。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("save-submit").click()
    expect(page.locator(".app-messages .alert-success")).to_contain_text("已报送")
    expect(page.get_by_role("link", name="现场照片2.png").first).to_be_visible()

    # The principal: his rectification.
    _login(page, live_server, UNIT_ACCOUNTS["principal"])
    _visit(
        page, live_server, reverse("rectification:rect_detail", args=[rect.pk]), "04-principal-rectification"
    )
    expect(page.get_by_test_id("rect-status")).to_be_visible()
    _visit(page, live_server, reverse("rectification:plan", args=[rect.pk]), "04b-principal-plan")
    # He signs the submitted report (签字背书) on the phone, re-entering his password.
    detail = reverse("rectification:report_detail", args=[rect.pk, report.pk])
    _visit(page, live_server, detail, "04c-principal-report-to-sign")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{detail}")
    sign = page.get_by_test_id("sign-card")
    expect(sign).to_be_visible()
    # A mistyped password is refused, and the card is still there to try again.
    sign.locator("input[type=password]").fill("not-his-password")
    page.once("dialog", lambda dialog: dialog.accept())
    sign.get_by_test_id("sign").click()
    expect(page.locator(".app-messages .alert-danger")).to_be_visible()
    expect(sign).to_be_visible()
    _fits(page, "the report after a wrong password")
    page.screenshot(path=str(SHOTS / "04c-principal-wrong-password-390.png"), full_page=True)
    sign.locator("input[type=password]").fill(DEMO_PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    sign.get_by_test_id("sign").click()
    expect(page.locator(".app-messages .alert-success")).to_be_visible()
    expect(page.get_by_test_id("sign-card")).to_have_count(0)
    _fits(page, "the signed report")
    page.screenshot(path=str(SHOTS / "04d-principal-signed-390.png"), full_page=True)

    # 纪委监委: a transfer batch with its 签收 and result forms.
    _login(page, live_server, "jiwei")
    _visit(page, live_server, reverse("clues:batch_detail", args=[batch.pk]), "05-jiwei-batch")
    # The result form of a batch already signed for.
    signed = [b for b in batches if b.status != TransferStatus.SENT]
    item = min(signed, key=lambda b: b.status != TransferStatus.ACKNOWLEDGED).items.order_by("pk").first()
    _visit(page, live_server, reverse("clues:item_result", args=[item.pk]), "05b-jiwei-result-form")

    # The leader's dashboard: the charts are drawn within the screen.
    _login(page, live_server, "leader")
    _visit(page, live_server, reverse("dashboards:county"), "06-leader-dashboard", ready=_charts_drawn)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('dashboards:county')}")
    _charts_drawn(page)
    for name in ("category", "trend", "progress", "coverage"):
        box = page.locator(f"#chart-{name}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
    page.get_by_test_id("toggle-coverage").click()
    expect(page.locator("#data-coverage table")).to_be_visible()
    _fits(page, "dashboard with the coverage table open")

    # The public, logged out: the announcements, one announcement, the report form, the receipt lookup.
    page.context.clear_cookies()
    _visit(page, live_server, reverse("rounds:public_announcements"), "07-public-announcements")
    _visit(
        page,
        live_server,
        reverse("rounds:public_announcement_detail", args=[announcement.pk]),
        "08-public-announcement",
    )
    _visit(page, live_server, reverse("clues:public_report", args=[announcement.pk]), "09-public-report-form")
    _visit(page, live_server, reverse("clues:public_receipt"), "10-public-receipt")
    context.close()
