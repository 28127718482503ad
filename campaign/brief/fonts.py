"""The CJK font every pack is set in: found once, checked, and given to vl-convert.

A pack with Chinese in a font that lacks the glyphs shows empty boxes, and nobody notices
until the meeting. So the font is looked up before anything is drawn and a missing font is
a clear error (:class:`FontMissing`, in Chinese and English), never a silent fallback.

Debian's ``fonts-noto-cjk`` installs ``/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc``
(CFF outlines in a collection). WeasyPrint finds it through fontconfig by family name and
embeds a subset (text stays extractable); vl-convert, which renders the charts, is told the
font's folder.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from campaign.i18n import t

CJK_FAMILY = "Noto Sans CJK SC"
# Symbols the CJK font lacks (the ✖ of "critical") come from DejaVu, in Debian's base image.
FALLBACK_FAMILY = "DejaVu Sans"
KNOWN_PATHS: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
)

_registered: set[Path] = set()
_lock = threading.Lock()


class FontMissing(RuntimeError):
    """The CJK font is not installed; the message says how to install it."""

    def __init__(self, family: str) -> None:
        self.family = family
        super().__init__(t("brief.error.font_missing", "en", family=family))

    def text(self, lang: str = "zh") -> str:
        return t("brief.error.font_missing", lang, family=self.family)


@dataclass(frozen=True)
class CjkFont:
    """The font the pack is set in: its family name and its file."""

    family: str
    path: Path

    @property
    def directory(self) -> Path:
        return self.path.parent


def _fontconfig_match(family: str) -> Path | None:
    """The file fontconfig gives for ``family``, if that file really is the family."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "-f", "%{family}\n%{file}", family],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = found.stdout.partition("\n")
    # fc-match always answers something; only a file of the family itself will do.
    if family.lower() not in (f.strip().lower() for f in families.split(",")):
        return None
    path = Path(file.strip())
    return path if path.is_file() else None


def locate_cjk_font(
    family: str = CJK_FAMILY, known_paths: tuple[Path, ...] = KNOWN_PATHS
) -> CjkFont:
    """The installed CJK font, via fontconfig or Debian's known paths; :class:`FontMissing`
    when neither has it."""
    path = _fontconfig_match(family)
    if path is None and family == CJK_FAMILY:
        path = next((p for p in known_paths if p.is_file()), None)
    if path is None:
        raise FontMissing(family)
    return CjkFont(family, path)


def register_for_charts(font: CjkFont) -> None:
    """Tell vl-convert where the font is (once per process and folder)."""
    import vl_convert

    with _lock:
        if font.directory not in _registered:
            vl_convert.register_font_directory(str(font.directory))
            _registered.add(font.directory)
