"""Drafts: encrypted unsaved form input, one file per draft."""

from __future__ import annotations

from pathlib import Path

from store_helpers import CHEAP_KDF, PASS, TickClock

from storage import Store


def test_drafts_round_trip_list_and_delete_across_reopen(tmp_path: Path, clock: TickClock) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, clock=clock, kdf=CHEAP_KDF)
    store.save_draft("visit:new", {"notes": "未写完", "family": [{"name": "王五"}]})
    store.save_draft("report:1", {"category": "外出"})
    store.save_draft("visit:new", {"notes": "写了一半"})
    assert store.load_draft("visit:new") == {"notes": "写了一半"}
    assert store.load_draft("missing") is None
    drafts = store.list_drafts()
    assert [d for d, _ in drafts] == ["report:1", "visit:new"]
    assert drafts[0][1] < drafts[1][1]
    store.close()
    store = Store.open(home, PASS, clock=clock)
    assert store.load_draft("report:1") == {"category": "外出"}
    store.delete_draft("report:1")
    store.delete_draft("report:1")  # deleting twice is harmless
    assert [d for d, _ in store.list_drafts()] == ["visit:new"]
    assert len(list((home / "drafts").iterdir())) == 1
    store.close()


def test_draft_file_names_do_not_reveal_draft_ids(tmp_path: Path, clock: TickClock) -> None:
    store = Store.create(tmp_path / "home", PASS, clock=clock, kdf=CHEAP_KDF)
    store.save_draft("subject-张三", {"x": 1})
    [path] = (tmp_path / "home" / "drafts").iterdir()
    assert "张三" not in path.name and "subject" not in path.name
    store.close()
