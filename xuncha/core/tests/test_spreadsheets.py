"""What every Excel import shares (xuncha.core.spreadsheets): closest names and the staged upload."""

from types import SimpleNamespace

import pytest

from xuncha.core.spreadsheets import (
    closest_names,
    stage_upload,
    staged_upload,
    unknown_name_message,
    unstage_upload,
)


def test_closest_names_offer_the_likely_ones_first():
    known = ["县财政局", "县审计局", "县统计局", "青山镇"]
    assert closest_names("县财正局", known)[0] == "县财政局"
    assert closest_names("财政局", known)[0] == "县财政局"  # contained in a known name
    assert len(closest_names("县局", known, n=2)) == 2
    assert closest_names("完全不相干的名字", known) == []


def test_unknown_name_message_offers_or_asks_to_register():
    assert (
        unknown_name_message("单位", "县财正局", ["县财政局"]) == "单位“县财正局”不存在，是否为：县财政局？"
    )
    assert unknown_name_message("单位", "某某", ["县财政局"]) == "单位“某某”不存在，请先录入该单位"


@pytest.fixture
def staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path


def test_a_staged_upload_comes_back_to_its_user_only(staging):
    alice, bob = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    token = stage_upload(user=alice, content=b"sheet")
    assert staged_upload(user=alice, token=token) == b"sheet"
    assert staged_upload(user=bob, token=token) is None
    assert staged_upload(user=alice, token="../1/" + token) is None
    unstage_upload(user=alice, token=token)
    assert staged_upload(user=alice, token=token) is None
