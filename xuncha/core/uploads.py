"""Checks every uploaded file passes before it is stored: size, type by extension and by content."""

import hashlib
from pathlib import Path

from django.conf import settings

from xuncha.errors import DomainError

# Documents, images and archives an inspection team or a citizen may reasonably send.
ALLOWED_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".txt",
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".mp3", ".m4a", ".wav", ".mp4", ".zip",
}
PUBLIC_ALLOWED_EXTENSIONS = {".pdf", ".doc", ".docx", ".txt", ".jpg", ".jpeg", ".png"}

# The MIME types a file picker should offer besides the extensions: the image types ask a phone for its
# camera and photo library; naming them (not `image/*`) makes iOS hand over a JPEG instead of a HEIC,
# which check_upload would refuse.
_ACCEPT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
}


def upload_accept(*, public: bool = False) -> str:
    """The `accept` attribute of a file input: what check_upload accepts, and nothing else."""
    allowed = sorted(PUBLIC_ALLOWED_EXTENSIONS if public else ALLOWED_EXTENSIONS)
    types = sorted({_ACCEPT_TYPES[ext] for ext in allowed if ext in _ACCEPT_TYPES})
    return ",".join(types + allowed)


# Magic numbers for the types a browser could be tricked into running or a viewer into parsing.
_SIGNATURES = {
    ".pdf": [b"%PDF"],
    ".png": [b"\x89PNG"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".gif": [b"GIF8"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".zip": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
}


def check_upload(upload, *, public: bool = False) -> str:
    """Refuse a file that is too large, of a type not accepted, or whose content is not what its name
    says. Returns its SHA-256 (hex)."""
    name = Path(upload.name or "").name
    ext = Path(name).suffix.lower()
    allowed = PUBLIC_ALLOWED_EXTENSIONS if public else ALLOWED_EXTENSIONS
    limit = settings.PUBLIC_UPLOAD_MAX_BYTES if public else settings.UPLOAD_MAX_BYTES
    if ext not in allowed:
        raise DomainError(f"不接受“{name}”这种类型的文件；可上传：{'、'.join(sorted(e[1:] for e in allowed))}")
    if upload.size > limit:
        raise DomainError(f"文件“{name}”大小为{upload.size / 1048576:.1f}MB，超过{limit // 1048576}MB的上限")
    if upload.size == 0:
        raise DomainError(f"文件“{name}”是空文件")
    head = upload.read(8)
    upload.seek(0)
    signatures = _SIGNATURES.get(ext)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise DomainError(f"文件“{name}”的内容与其扩展名不符")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
