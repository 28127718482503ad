"""A small copy of the CJK font for vl-convert to set chart text with.

vl-convert measures each label by laying it out with usvg, which reads the whole font file
every time: with Debian's 19 MB Noto Sans CJK collection one label costs about 8 ms and a
pack chart about 0.15 s, most of a pack's drawing time. A subset of the very same face that
holds only the characters the charts use (HarfBuzz makes it in about 10 ms) gives the same
advance widths and outlines from a file of some 40 KB: a chart then takes about 0.06 s,
turning its SVG into a PNG 0.02 s instead of 0.06 s, and into a PDF page 0.015 s instead of
0.05 s.

The copy is a font of its own family name (``CampaignMeasure<n>``, the face's PostScript
name kept), known to vl-convert only; the charts are drawn with that name in place of the
font stack and the stack is put back in the SVG afterwards, so what leaves
:mod:`campaign.brief.render` is exactly what drawing with the full font gives (a test
compares the two). Characters are only ever added: a chart with a character the current copy
lacks gets a new copy holding every character so far. When HarfBuzz is missing or a copy
cannot be made, the full font is used (slower, same result).
"""

from __future__ import annotations

import atexit
import html
import io
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from campaign.brief.fonts import CjkFont

log = logging.getLogger(__name__)

FAMILY_PREFIX = "CampaignMeasure"
# Characters every copy holds besides those of the chart at hand: what Vega and d3-format
# may write that is not in the spec (digits, signs, the minus sign −, the ellipsis … of a
# shortened label), and the CJK and full-width punctuation.
BASE_CHARACTERS = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x100)]
    + [chr(c) for c in range(0x2010, 0x2030)]
    + ["\u2212", "\u00d7", "\u2030", "\u2103"]
    + [chr(c) for c in range(0x3000, 0x3020)]
    + [chr(c) for c in range(0xFF01, 0xFF5F)]
)
# A process makes at most this many copies (each new character makes one); past it the
# full font is used.
MAX_COPIES = 64


class _Copies:
    """The copies this process has made for one font, and the characters the newest holds."""

    def __init__(self) -> None:
        self.characters: frozenset[str] = frozenset()
        self.family: str | None = None
        self.made = 0
        self.failed = False


_lock = threading.Lock()
_copies: dict[CjkFont, _Copies] = {}
_folder: Path | None = None
_made = 0  # copies made by this process, all fonts: each has a family name of its own


FOLDER_PREFIX = "campaign-measure-"


def _copies_folder() -> Path:
    """This process's folder of copies, in the temp folder: ``campaign-measure-<pid>-…``.
    vl-convert reads a copy each time it sets text, so the folder stays until the process
    ends (and goes then). The folders of processes that ended without removing theirs
    (killed) are removed when a new one is made."""
    global _folder
    if _folder is None:
        remove_abandoned_folders(Path(tempfile.gettempdir()))
        _folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def remove_abandoned_folders(parent: Path) -> list[Path]:
    """Remove the copy folders in ``parent`` whose process is gone; return them."""
    removed = []
    for folder in parent.glob(f"{FOLDER_PREFIX}*"):
        pid_text = folder.name[len(FOLDER_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or folder.owner() != _user_name():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except PermissionError:
            continue  # alive, another user's
    return removed


def _user_name() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


@lru_cache(maxsize=8)
def face_index(path: Path, family: str) -> int:
    """The index of ``family``'s face in a collection (0 for a single font)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    faces = TTCollection(str(path), lazy=True).fonts
    for index, face in enumerate(faces):
        if face["name"].getDebugName(1) == family:
            return index
    return 0


def subset_font(font: CjkFont, characters: Iterable[str], family: str) -> bytes:
    """``font``'s face with only ``characters``, its family renamed ``family``. Its
    PostScript name stays the face's: a chart PDF that embeds the copy names the real font."""
    import uharfbuzz
    from fontTools.ttLib import TTFont

    face = uharfbuzz.Face(
        uharfbuzz.Blob.from_file_path(str(font.path)), face_index(font.path, font.family)
    )
    wanted = uharfbuzz.SubsetInput()
    for character in characters:
        wanted.unicode_set.add(ord(character))
    data = uharfbuzz.subset(face, wanted).blob.data
    copy = TTFont(io.BytesIO(bytes(data)))
    names = copy["name"]
    postscript = names.getDebugName(6) or family.replace(" ", "")
    names.names = [record for record in names.names if record.nameID not in (1, 2, 4, 6, 16, 17)]
    for name_id, text in ((1, family), (2, "Regular"), (4, family), (6, postscript)):
        names.setName(text, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    copy.save(out)
    return out.getvalue()


def measuring_family(font: CjkFont, text: str) -> str | None:
    """The family name of a copy of ``font`` that holds every character of ``text``, known
    to vl-convert; None when none can be made (use the full font)."""
    import vl_convert

    global _made
    needed = frozenset(text)
    with _lock:
        copies = _copies.setdefault(font, _Copies())
        if copies.family is not None and needed <= copies.characters:
            return copies.family
        if copies.failed or copies.made >= MAX_COPIES:
            return None
        characters = copies.characters | needed | BASE_CHARACTERS
        family = f"{FAMILY_PREFIX}{_made + 1}"
        try:
            data = subset_font(font, characters, family)
            folder = _copies_folder() / family
            folder.mkdir()
            (folder / f"{family}.otf").write_bytes(data)
            vl_convert.register_font_directory(str(folder))
        except Exception as exc:  # no HarfBuzz, an unreadable font: the full font will do
            copies.failed = True
            log.warning("charts are set with the full font (no measuring copy: %s)", exc)
            return None
        copies.characters, copies.family, copies.made = characters, family, copies.made + 1
        _made += 1
        return family


def with_family(spec: object, stack: str, family: str) -> object:
    """``spec`` with every string equal to the font ``stack`` replaced by ``family``."""
    if isinstance(spec, str):
        return family if spec == stack else spec
    if isinstance(spec, list):
        return [with_family(item, stack, family) for item in spec]
    if isinstance(spec, dict):
        return {key: with_family(value, stack, family) for key, value in spec.items()}
    return spec


def svg_attribute(family: str) -> str:
    """How vl-convert and resvg name a font in an SVG: ``font-family="…"``."""
    return f'font-family="{html.escape(family, quote=True)}"'
