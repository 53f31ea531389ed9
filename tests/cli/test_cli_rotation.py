"""Office key rotation end to end through the CLI, as an officer and a helper would type it.

Before this work the helper refused the office's first bundle after ``xietong rotate`` as out of
scope (a subject written under the new key, in a bundle signed with the old one) and stayed on the
old key; and a thief holding the old key alone could move every helper to a key of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli_sync import PASS, ROW, _roster, cheap_env, fingerprint, pair, store_bytes, xt  # noqa: F401

from sync.protocol.bundle import parse

pytestmark = pytest.mark.crypto


def _subjects(home: Path) -> dict[str, dict[str, object]]:
    return {d["name"]: d for d in (json.loads(x) for x in xt(home, "list", "subject", "--json")[1].splitlines())}


def test_after_rotate_both_directions_keep_working_and_old_records_stay_the_offices(
    pair: tuple[Path, Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office, helper, old_fp, hfp = pair
    assert xt(office, "subjects", "import", str(_roster(tmp_path / "r.xlsx", [ROW])))[0] == 0
    first = _subjects(office)["张三"]["id"]
    assert xt(office, "assign", first, hfp)[0] == 0
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "o0.xtb"))[0] == 0
    assert xt(helper, "import", str(tmp_path / "o0.xtb"))[0] == 0

    code, text = xt(office, "rotate")
    assert code == 0 and "新指纹" in text and "confirm-key" in text
    new_fp = fingerprint(office)
    assert new_fp != old_fp

    # a subject assigned after the rotation, written under the new key
    second = list(ROW)
    second[0] = "李四"
    assert xt(office, "subjects", "import", str(_roster(tmp_path / "r2.xlsx", [ROW, second])))[0] == 0
    assert xt(office, "assign", _subjects(office)["李四"]["id"], hfp)[0] == 0

    # 1. the bundle carrying the rotation imports on the phone, which waits for the in-person check
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "o1.xtb"))[0] == 0
    assert parse((tmp_path / "o1.xtb").read_bytes()).header.sender == old_fp.replace(" ", "")
    code, text = xt(helper, "import", str(tmp_path / "o1.xtb"))
    assert code == 0 and "已导入" in text and "当面" in text, text
    assert "李四" in _subjects(helper)

    # the digits typed must be the ones the officer reads out
    code, _ = xt(helper, "confirm-key", "--fingerprint", old_fp)
    assert code == 1 and "不一致" in capsys.readouterr().err
    code, text = xt(helper, "confirm-key", "--fingerprint", new_fp)
    assert code == 0 and "新密钥" in text

    # 2. the helper's next bundle imports at the office (addressed to the new key)
    assert xt(helper, "demo", "--records", "2")[0] == 0
    assert xt(helper, "export", "--out", str(tmp_path / "h1.xtb"))[0] == 0
    assert parse((tmp_path / "h1.xtb").read_bytes()).header.recipient == new_fp.replace(" ", "")
    code, text = xt(office, "import", str(tmp_path / "h1.xtb"))
    assert code == 0 and "已导入" in text, text

    # 3. a subject assigned after the helper moved, signed and written under the new key, reaches
    # the phone; 4. and a subject written under the old key, changed now, still counts as the office's
    third = list(ROW)
    third[0] = "王五"
    assert xt(office, "subjects", "import", str(_roster(tmp_path / "r3.xlsx", [ROW, second, third])))[0] == 0
    assert xt(office, "assign", _subjects(office)["王五"]["id"], hfp)[0] == 0
    changed = list(ROW)
    changed[4] = "花山区湖东路9号"
    assert xt(office, "subjects", "import", str(_roster(tmp_path / "r4.xlsx", [changed, second, third])))[0] == 0
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "o2.xtb"))[0] == 0
    env = parse((tmp_path / "o2.xtb").read_bytes())
    assert env.header.sender == new_fp.replace(" ", "") and "rotation" not in env.header.ack
    code, text = xt(helper, "import", str(tmp_path / "o2.xtb"))
    assert code == 0 and "已导入" in text, text
    on_phone = _subjects(helper)
    assert {"张三", "李四", "王五"} <= set(on_phone)
    assert on_phone["张三"]["author"] == old_fp.replace(" ", "")
    assert on_phone["张三"]["residence"] == "花山区湖东路9号"


def test_confirm_key_without_an_announced_rotation_is_refused(
    pair: tuple[Path, Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    office, helper, ofp, _ = pair
    before = store_bytes(helper)
    assert xt(helper, "confirm-key", "--fingerprint", ofp)[0] == 1
    assert "没有待核对" in capsys.readouterr().err
    assert store_bytes(helper) == before


def test_office_warns_when_a_helper_acknowledges_a_bundle_its_rolled_back_store_never_sent(
    pair: tuple[Path, Path, str, str], tmp_path: Path
) -> None:
    """A whole-store rollback (an old copy of the office folder put back) cannot be seen locally;
    the helper's acknowledgement of a sequence number the office never sent shows it."""
    import shutil

    office, helper, ofp, hfp = pair
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "o1.xtb"))[0] == 0
    shutil.copytree(office, tmp_path / "office-copy")  # the old copy, taken after bundle 1
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "o2.xtb"))[0] == 0
    assert xt(helper, "import", str(tmp_path / "o1.xtb"), str(tmp_path / "o2.xtb"))[0] == 0
    shutil.rmtree(office)
    shutil.copytree(tmp_path / "office-copy", office)  # rolled back: the office "sent" only bundle 1
    assert xt(helper, "export", "--out", str(tmp_path / "h1.xtb"))[0] == 0
    code, text = xt(office, "import", str(tmp_path / "h1.xtb"))
    assert code == 0 and "已导入" in text
    assert "【警告】" in text and "第2号" in text and "回滚" in text


def test_no_warning_when_nothing_was_rolled_back(pair: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    office, helper, ofp, hfp = pair
    assert xt(office, "export", "--to", hfp, "--out", str(tmp_path / "o1.xtb"))[0] == 0
    assert xt(helper, "import", str(tmp_path / "o1.xtb"))[0] == 0
    assert xt(helper, "export", "--out", str(tmp_path / "h1.xtb"))[0] == 0
    code, text = xt(office, "import", str(tmp_path / "h1.xtb"))
    assert code == 0 and "警告" not in text


def test_no_bundle_is_sealed_for_a_revoked_helper_in_the_cli_or_the_app(
    pair: tuple[Path, Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.app import office as office_app
    from sync.app.session import Service

    office, helper, ofp, hfp = pair
    assert xt(office, "revoke", hfp)[0] == 0
    code, _ = xt(office, "export", "--to", hfp, "--out", str(tmp_path / "x.xtb"))
    assert code == 1 and "撤销" in capsys.readouterr().err and not (tmp_path / "x.xtb").exists()
    code, text = xt(office, "export", "--all", "--out-dir", str(tmp_path / "all"))
    assert not list((tmp_path / "all").glob("*.xtb")) if (tmp_path / "all").exists() else True
    svc = Service(office)
    svc.unlock(PASS)
    try:
        with pytest.raises(Exception) as err:
            office_app.export_to_helper(svc, hfp, tmp_path / "y.xtb")
        assert "撤销" in str(err.value) and not (tmp_path / "y.xtb").exists()
        assert office_app.export_all(svc, tmp_path / "all2") == []
    finally:
        svc.lock()
