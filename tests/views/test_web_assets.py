"""The browser view's font manifest: Flutter loads the CJK font from it before the first frame."""

from __future__ import annotations

import json
import posixpath

from views import app

MANIFEST = app.ASSETS / "assets" / "FontManifest.json"


def test_font_manifest_names_the_theme_font_and_its_file_exists() -> None:
    families = {f["family"]: f["fonts"] for f in json.loads(MANIFEST.read_text(encoding="utf-8"))}
    assert app.FONT_NAME in families
    # Flutter fetches "assets/<asset>" relative to the page; the app serves its assets dir at "/".
    url = posixpath.normpath(posixpath.join("assets", families[app.FONT_NAME][0]["asset"]))
    assert url == app.FONT_FILE
    assert (app.ASSETS / url).stat().st_size > 1_000_000


def test_font_manifest_keeps_material_icons_and_drops_fonts_the_app_never_uses() -> None:
    families = {f["family"] for f in json.loads(MANIFEST.read_text(encoding="utf-8"))}
    assert "MaterialIcons" in families  # every icon in the app
    assert not any("KaTeX" in f or "Cupertino" in f for f in families)  # 20 files fetched before the first frame


def test_the_bundled_font_has_the_rare_characters_used_in_names() -> None:
    """Issue #4: names such as 李堃, 王喆, 张昇, 武曌, 刘犇 render (Flutter's fallback fonts come
    from a CDN, which is switched off: a glyph missing here shows as an empty box)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(app.ASSETS / app.FONT_FILE), lazy=True).getBestCmap()
    rare = "堃喆昇曌犇"
    everyday = "协通社区矫正对象走访记录口令已锁定"
    assert [c for c in rare + everyday if ord(c) not in cmap] == []
