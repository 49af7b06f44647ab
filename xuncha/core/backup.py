"""Backup and restore: one tar archive with the database, the media files and a manifest
(`manage.py backup`, `manage.py restore`).

    manifest.json     format, app version, time, database engine, and the SHA-256 and size of each part
    database.dump     PostgreSQL: `pg_dump -Fc` (custom format, restored with pg_restore)
    database.sqlite3  SQLite: a consistent copy made with SQLite's online backup API
    media.tar         every file under MEDIA_ROOT (uploads, evidence, generated documents)

Never the keys: FIELD_ENCRYPTION_KEY, SECRET_KEY, AUDIT_HMAC_KEY and XUNCHA_DIGEST_KEY stay in the
environment, and must be kept apart from the archives (the identities in a dump are useless without
FIELD_ENCRYPTION_KEY, and so is the dump to whoever steals it without the key).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

FORMAT = "xuncha-backup/1"
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media.tar"


class BackupError(Exception):
    """The archive cannot be written or is not fit to restore; the message says why."""


def app_version() -> str:
    try:
        return metadata.version("xuncha")
    except metadata.PackageNotFoundError:
        text = (Path(settings.BASE_DIR) / "pyproject.toml").read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("version"):
                return line.split("=", 1)[1].strip().strip('"')
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库类型：{vendor}")
    return vendor


def _pg_env_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}：请安装与数据库同一主版本的 PostgreSQL 客户端（postgresql-client）") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[-2000:]}")


def _dump_database(target_dir: Path) -> Path:
    if _engine() == "postgresql":
        env, args = _pg_env_args()
        path = target_dir / PG_DUMP
        _run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(path), settings.DATABASES["default"]["NAME"]], env)
        return path
    path = target_dir / SQLITE_DUMP
    source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
    dest = sqlite3.connect(str(path))
    try:
        source.backup(dest)  # the online backup API: consistent while the app keeps writing
    finally:
        dest.close()
        source.close()
    return path


def _pack_media(target_dir: Path) -> tuple[Path, int]:
    media_root = Path(settings.MEDIA_ROOT)
    path = target_dir / MEDIA
    count = 0
    with tarfile.open(path, "w") as archive:
        if media_root.is_dir():
            for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
                archive.add(file, arcname=str(file.relative_to(media_root)), recursive=False)
                count += 1
    return path, count


def backup(output: Path) -> dict:
    """Write the archive to `output` (a .tar file); returns the manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xuncha-backup-") as tmp:
        tmp_dir = Path(tmp)
        database = _dump_database(tmp_dir)
        media, media_files = _pack_media(tmp_dir)
        parts = {p.name: {"sha256": _sha256(p), "size": p.stat().st_size} for p in (database, media)}
        manifest = {
            "format": FORMAT,
            "app_version": app_version(),
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "engine": _engine(),
            "media_files": media_files,
            "crypto": getattr(settings, "XUNCHA_CRYPTO", "gm"),
            "keys_included": False,
            "parts": parts,
        }
        (tmp_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            for name in (MANIFEST, *parts):
                archive.add(tmp_dir / name, arcname=name, recursive=False)
        partial.replace(output)
    return manifest


# --- restore ----------------------------------------------------------------------------------------------


def read_and_verify(archive_path: Path, into: Path) -> dict:
    """Extract the archive into `into` and check it against its manifest; BackupError when anything is off."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"找不到备份文件：{archive_path}")
    try:
        with tarfile.open(archive_path, "r") as archive:
            members = archive.getmembers()
            names = {m.name for m in members}
            if MANIFEST not in names:
                raise BackupError("备份文件中没有 manifest.json，不是巡察通的备份")
            for member in members:
                if not member.isfile() or "/" in member.name or member.name.startswith("."):
                    raise BackupError(f"备份文件中有不应出现的内容：{member.name}")
            archive.extractall(into, filter="data")
    except tarfile.TarError as exc:
        raise BackupError(f"备份文件已损坏：{exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise BackupError("manifest.json 无法读取") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
    parts = manifest.get("parts") or {}
    expected = {PG_DUMP if manifest.get("engine") == "postgresql" else SQLITE_DUMP, MEDIA}
    if set(parts) != expected:
        raise BackupError(f"备份的组成与清单不符：{sorted(parts)}")
    if names != {MANIFEST, *parts}:
        raise BackupError("备份文件中的文件与清单不符")
    for name, info in parts.items():
        actual = _sha256(into / name)
        if actual != info.get("sha256"):
            raise BackupError(f"{name} 的 SHA-256 与清单不符（备份文件已损坏或被改动），拒绝恢复")
    return manifest


def database_is_empty() -> bool:
    """No migration has been applied (a freshly created database)."""
    tables = connection.introspection.table_names()
    if "django_migrations" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        return cursor.fetchone()[0] == 0


def _restore_postgresql(dump: Path) -> None:
    env, args = _pg_env_args()
    name = settings.DATABASES["default"]["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connections.close_all()
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", *args, "-d", name, str(dump)], env)


def _restore_sqlite(dump: Path) -> None:
    connections.close_all()
    target = Path(settings.DATABASES["default"]["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(dump))
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _restore_media(media_tar: Path) -> Path | None:
    """Unpack the media files; an existing non-empty MEDIA_ROOT is kept aside (returned), never deleted."""
    media_root = Path(settings.MEDIA_ROOT)
    kept = None
    if media_root.is_dir() and any(media_root.iterdir()):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
        shutil.move(str(media_root), str(kept))
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media_tar, "r") as archive:
        archive.extractall(media_root, filter="data")
    return kept


def restore(archive_path: Path, *, overwrite: bool = False) -> dict:
    """Bring the database and the media files back from an archive. Refuses a damaged archive, another
    database engine, and a non-empty database unless `overwrite`."""
    with tempfile.TemporaryDirectory(prefix="xuncha-restore-") as tmp:
        tmp_dir = Path(tmp)
        manifest = read_and_verify(archive_path, tmp_dir)
        if manifest["engine"] != _engine():
            raise BackupError(f"备份来自 {manifest['engine']} 数据库，当前为 {_engine()}，不能直接恢复")
        if not database_is_empty() and not overwrite:
            raise BackupError("当前数据库不是空的：恢复将覆盖其中全部数据。确认覆盖请加 --yes")
        if manifest["engine"] == "postgresql":
            _restore_postgresql(tmp_dir / PG_DUMP)
        else:
            _restore_sqlite(tmp_dir / SQLITE_DUMP)
        manifest["media_kept_aside"] = str(_restore_media(tmp_dir / MEDIA) or "")
    return manifest
