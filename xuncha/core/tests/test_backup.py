"""manage.py backup / restore: one archive, a manifest with each part's SHA-256, never the keys; a damaged
archive or a non-empty database is refused. (The full round trip on PostgreSQL is .ci/restore-drill.)"""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xuncha.core import backup as backup_module
from xuncha.core.backup import BackupError, read_and_verify

pytestmark = pytest.mark.django_db
KEY = "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI="


@pytest.fixture
def archive(settings, tmp_path, monkeypatch):
    settings.FIELD_ENCRYPTION_KEY = KEY
    media = Path(settings.MEDIA_ROOT)
    (media / "documents" / "2026").mkdir(parents=True)
    (media / "documents" / "2026" / "通知.docx").write_bytes(b"docx bytes")
    (media / "leads").mkdir()
    (media / "leads" / "材料.pdf").write_bytes(b"%PDF-1.4 test")

    def fake_dump(target_dir):  # the test database lives in memory; the dump itself is the drill's
        path = target_dir / (backup_module.PG_DUMP if connection.vendor == "postgresql" else backup_module.SQLITE_DUMP)
        path.write_bytes(b"database dump")
        return path

    monkeypatch.setattr(backup_module, "_dump_database", fake_dump)
    out = tmp_path / "backups" / "b.tar"
    call_command("backup", "--output", str(out))
    return out


def _members(path):
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


def test_the_archive_has_the_manifest_the_dump_and_the_media_and_no_key(archive, settings, tmp_path):
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "xuncha-backup/1" and manifest["app_version"] and manifest["keys_included"] is False
    assert manifest["engine"] == connection.vendor and manifest["media_files"] == 2
    assert set(members) == {"manifest.json", *manifest["parts"]}
    with tarfile.open(fileobj=io.BytesIO(members["media.tar"])) as media:
        assert sorted(media.getnames()) == ["documents/2026/通知.docx", "leads/材料.pdf"]
    for blob in members.values():
        assert KEY.encode() not in blob and settings.SECRET_KEY.encode() not in blob
    assert read_and_verify(archive, tmp_path / "check")["parts"] == manifest["parts"]


def _rewrite(archive, tmp_path, change):
    members = _members(archive)
    change(members)
    out = tmp_path / "tampered.tar"
    with tarfile.open(out, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def test_a_damaged_or_foreign_archive_is_refused(archive, tmp_path):
    def flip(members):
        members["media.tar"] = members["media.tar"][:-1] + b"x"

    with pytest.raises(BackupError, match="SHA-256"):
        read_and_verify(_rewrite(archive, tmp_path, flip), tmp_path / "a")

    def extra(members):
        members["../evil"] = b"x"

    with pytest.raises(BackupError, match="不应出现"):
        read_and_verify(_rewrite(archive, tmp_path, extra), tmp_path / "b")

    def no_manifest(members):
        del members["manifest.json"]

    with pytest.raises(BackupError, match="manifest"):
        read_and_verify(_rewrite(archive, tmp_path, no_manifest), tmp_path / "c")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(_rewrite(archive, tmp_path, flip)), "--yes")


def test_restore_refuses_a_non_empty_database_without_yes(archive, settings):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    # Nothing was touched: the media files are still the ones there.
    assert (Path(settings.MEDIA_ROOT) / "leads" / "材料.pdf").read_bytes() == b"%PDF-1.4 test"
