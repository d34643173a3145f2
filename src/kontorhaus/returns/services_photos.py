"""Photos of damaged goods from the portal. The type is decided by the file's first bytes, never
by its name or the browser's content type: a "photo.jpg" that is really HTML or a script is
refused before anything is stored."""

import hashlib
from dataclasses import dataclass

from kontorhaus.core.exceptions import InvalidInput

from .models import ReturnLine, ReturnPhoto

MAX_BYTES = 8 * 1024 * 1024
MAX_PER_LINE = 5
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


@dataclass(frozen=True)
class PhotoUpload:
    filename: str
    content: bytes


def photo_type(content: bytes) -> str | None:
    """image/jpeg, image/png, image/webp or image/heic by the magic bytes, else None."""
    if content[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS:
        return "image/heic"
    return None


def photo_check(photo: PhotoUpload, *, field: str = "photos") -> str:
    if not photo.content:
        raise InvalidInput(f"{photo.filename[:80]}: the file is empty", code="photo_empty", details={"field": field})
    if len(photo.content) > MAX_BYTES:
        raise InvalidInput(f"{photo.filename[:80]}: a photo may have at most {MAX_BYTES // (1024 * 1024)} MB",
                           code="photo_too_large", details={"field": field})
    kind = photo_type(photo.content)
    if kind is None:
        raise InvalidInput(f"{photo.filename[:80]}: only JPEG, PNG, WebP or HEIC photos",
                           code="photo_type", details={"field": field})
    return kind


def photos_save(*, line: ReturnLine, uploads: tuple[PhotoUpload, ...]) -> list[ReturnPhoto]:
    """Checked again here (callers may skip photo_check); called inside the caller's transaction."""
    if len(uploads) + line.photos.count() > MAX_PER_LINE:
        raise InvalidInput(f"at most {MAX_PER_LINE} photos per item", code="photo_count", details={"field": "photos"})
    rows = [ReturnPhoto(line=line, filename=_safe_name(u.filename), content_type=photo_check(u), size=len(u.content),
                        sha256=hashlib.sha256(u.content).hexdigest(), content=u.content) for u in uploads]
    return ReturnPhoto.objects.bulk_create(rows)


def _safe_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in name if c.isprintable() and c not in '"<>;')
    return (cleaned or "photo")[:200]
