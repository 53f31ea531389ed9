"""The application service, against a real encrypted store with cheap scrypt."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from fakes import CHEAP, PASS, clock

from core import demo
from core.errors import NotFound, ValidationError
from core.rules import BADGE_VISIT_OVERDUE
from storage import StoreLocked, WrongPassphrase
from storage.errors import WeakPassphrase
from sync.app.session import Service, SetupError, passphrase_strength

TODAY = date(2026, 11, 23)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def svc(tmp_path: Path, sleeps: Sleeps) -> Service:
    s = Service(tmp_path / "home", clock=clock, kdf=CHEAP, sleep=sleeps)
    s.setup("helper", "李协助", PASS)
    return s


@pytest.fixture
def filled(svc: Service) -> Service:
    me = svc.identity()["fingerprint"]
    office = "1" * 30
    records = demo.generate(
        random.Random(7), subjects=4, records_per_subject=5, office_fp=office, helper_fps=[me], today=TODAY
    )
    svc.store.apply(records, actor=office)
    return svc


def test_setup_then_unlock_after_lock_returns_same_identity(tmp_path: Path) -> None:
    s = Service(tmp_path / "h", clock=clock, kdf=CHEAP)
    assert not s.exists()
    made = s.setup("helper", "王芳", PASS)
    assert s.exists() and not s.locked
    assert len(made["fingerprint_groups"]) == 6 and all(len(g) == 5 for g in made["fingerprint_groups"])
    assert "".join(made["fingerprint_groups"]) == made["fingerprint"]
    s.lock()
    assert s.locked
    with pytest.raises(StoreLocked):
        s.identity()
    again = Service(tmp_path / "h", clock=clock)
    assert again.unlock(PASS)["fingerprint"] == made["fingerprint"]
    assert again.identity()["name"] == "王芳" and again.identity()["role_label"] == "协助人员"


def test_setup_refuses_weak_passphrase_and_unknown_role(tmp_path: Path) -> None:
    s = Service(tmp_path / "h", kdf=CHEAP)
    with pytest.raises(WeakPassphrase, match="至少需要8个字符"):
        s.setup("helper", "王芳", "short")
    with pytest.raises(WeakPassphrase, match="纯数字口令至少需要12位"):
        s.setup("helper", "王芳", "20261123")
    with pytest.raises(SetupError, match="请选择身份"):
        s.setup("boss", "王芳", PASS)
    assert not s.exists()


def test_wrong_passphrase_shows_store_message_and_delays_grow(svc: Service, sleeps: Sleeps) -> None:
    svc.lock()
    messages = []
    for _ in range(4):
        with pytest.raises(WrongPassphrase) as err:
            svc.unlock("not the passphrase")
        messages.append(err.value.message)
    assert messages == [
        "口令不正确,请重新输入。已连续输错1次。",
        "口令不正确,请重新输入。已连续输错2次,下次需等待1秒。",
        "口令不正确,请重新输入。已连续输错3次,下次需等待2秒。",
        "口令不正确,请重新输入。已连续输错4次,下次需等待4秒。",
    ]
    assert sleeps.calls == [1.0, 2.0]
    svc.unlock(PASS)
    assert svc.failures == 0 and not svc.locked
    assert sleeps.calls == [1.0, 2.0, 4.0]


def test_subject_rows_carry_badges_and_filter_by_query(filled: Service) -> None:
    rows = filled.subject_rows()
    assert len(rows) == 4
    assert all(set(r) >= {"id", "name", "committee", "category", "term_end", "badges", "last_visit"} for r in rows)
    summaries = filled.store.summaries()
    from core.rules import summary_badges

    for r in rows:
        assert r["badges"] == summary_badges(summaries[r["id"]], TODAY)
    name = rows[-1]["name"]
    found = filled.subject_rows(name)
    assert found and all(name in r["name"] or name in r["committee"] for r in found)
    assert filled.subject_rows("不存在的名字") == []


def test_unvisited_subject_is_overdue(filled: Service) -> None:
    sid = filled.subject_rows()[0]["id"]
    store = filled.store
    subj = store.get(sid)
    assert subj is not None
    # Remove every visit from this subject: it must be overdue while the term runs.
    for r in store.list(subject=sid, kind="visit"):
        store.put(r.revise(r.data, clock=clock, deleted=True), actor="t")
    data = dict(subj.data, term_start="2026-01-01", term_end="2027-12-31")
    store.put(subj.revise(data, clock=clock), actor="t")
    row = next(r for r in filled.subject_rows() if r["id"] == sid)
    assert BADGE_VISIT_OVERDUE in row["badges"]


def _visit(day: str = "2026-11-20") -> dict[str, str]:
    return {
        "date": day,
        "place": "家中",
        "present": "本人及其母亲",
        "thinking": "思想稳定",
        "work": "务农",
        "life": "正常",
        "family": "和睦",
        "notes": "了解近况",
    }


def test_save_record_refuses_invalid_visit_with_chinese_messages(filled: Service) -> None:
    sid = filled.subject_rows()[0]["id"]
    bad = _visit("2027-01-01")
    del bad["place"]
    with pytest.raises(ValidationError) as err:
        filled.save_record("visit", bad, subject=sid)
    assert set(err.value.errors) == {"date", "place"}
    assert "走访地点" in err.value.errors["place"]
    assert "走访日期" in err.value.errors["date"]
    assert filled.validate("visit", _visit()) == {}


def test_saved_visit_appears_first_in_subject_timeline(filled: Service) -> None:
    sid = filled.subject_rows()[0]["id"]
    before = filled.subject_detail(sid)
    rec = filled.save_record("visit", _visit("2026-11-23"), subject=sid)
    detail = filled.subject_detail(sid)
    assert len(detail["timeline"]) == len(before["timeline"]) + 1
    top = detail["timeline"][0]
    assert top["id"] == rec.id and top["kind_label"] == "走访记录" and top["title"] == "家中"
    assert top["date"] == "2026-11-23" and top["status"] == "未导出" and top["revision_note"] == ""
    assert any(p["label"] == "姓名" for p in detail["particulars"])
    revised = filled.save_record("visit", dict(_visit("2026-11-23"), place="工作单位"), subject=sid, record_id=rec.id)
    assert revised.revision == 2
    top = filled.subject_detail(sid)["timeline"][0]
    assert top["title"] == "工作单位" and top["status"] == "未导出" and top["revision_note"] == "已修改(第2版)"


def test_subject_detail_of_unknown_id_is_not_found(filled: Service) -> None:
    with pytest.raises(NotFound):
        filled.subject_detail("nope")


def test_draft_round_trips_and_is_not_plaintext_on_disk(svc: Service) -> None:
    svc.save_draft("visit-x", {"notes": "秘密的走访内容ZZQ"})
    assert svc.load_draft("visit-x") == {"notes": "秘密的走访内容ZZQ"}
    for f in svc.home.rglob("*"):
        if f.is_file():
            raw = f.read_bytes()
            assert "秘密".encode() not in raw and b"ZZQ" not in raw
    svc.discard_draft("visit-x")
    assert svc.load_draft("visit-x") is None


def test_settings_update_and_refuse_out_of_range(svc: Service) -> None:
    assert svc.settings() == {"idle_minutes": 5, "visit_interval_days": 30, "retention_days": 90}
    assert svc.update_settings(idle_minutes=10)["idle_minutes"] == 10
    with pytest.raises(ValidationError) as err:
        svc.update_settings(idle_minutes=0)
    assert "自动锁定时间" in err.value.errors["idle_minutes"]
    assert svc.settings()["idle_minutes"] == 10


def test_change_passphrase_then_unlock_with_new_only(svc: Service) -> None:
    svc.change_passphrase(PASS, "new passphrase 2")
    svc.lock()
    with pytest.raises(WrongPassphrase):
        svc.unlock(PASS)
    svc.unlock("new passphrase 2")
    assert not svc.locked


def test_passphrase_strength_hint_orders_weak_to_strong() -> None:
    assert passphrase_strength("abc") == "太短"
    assert passphrase_strength("abcdefgh") == "弱"
    assert passphrase_strength("abcd1234") == "中"
    assert passphrase_strength("Abcd1234!xyz") == "强"


def test_change_passphrase_says_an_old_key_file_copy_still_opens_the_data(svc: Service, tmp_path: Path) -> None:
    from sync.app.session import PASSPHRASE_ONLY

    old_copy = (svc.home / "xietong.key").read_bytes()
    note = svc.change_passphrase(PASS, "new passphrase 2")
    assert note == PASSPHRASE_ONLY and "旧口令仍能打开" in note
    svc.lock()
    (svc.home / "xietong.key").write_bytes(old_copy)
    assert Service(svc.home, clock=clock).unlock(PASS)  # what the note warns about


def test_change_passphrase_with_rekey_makes_an_old_key_file_copy_useless_and_stays_unlocked(
    filled: Service,
) -> None:
    from storage import StoreError
    from sync.app.session import REKEY_DONE

    svc = filled
    old_copy = (svc.home / "xietong.key").read_bytes()
    rows = svc.subject_rows()
    me = svc.identity()
    assert svc.change_passphrase(PASS, "new passphrase 2", rekey=True) == REKEY_DONE
    assert not svc.locked and svc.identity() == me and svc.subject_rows() == rows
    saved = svc.save_record("visit", {**_visit(), "notes": "换钥之后"}, subject=rows[0]["id"])
    svc.lock()
    again = Service(svc.home, clock=clock)
    again.unlock("new passphrase 2")
    assert again.record(saved.id).data["notes"] == "换钥之后"
    again.lock()
    (svc.home / "xietong.key").write_bytes(old_copy)
    with pytest.raises(StoreError):
        Service(svc.home, clock=clock).unlock(PASS)


def test_change_passphrase_with_rekey_refuses_a_wrong_old_passphrase(svc: Service) -> None:
    with pytest.raises(WrongPassphrase):
        svc.change_passphrase("not the passphrase", "new passphrase 2", rekey=True)
    svc.lock()
    svc.unlock(PASS)


def test_setup_refuses_control_characters_in_the_name(tmp_path: Path) -> None:
    s = Service(tmp_path / "h", kdf=CHEAP)
    with pytest.raises(SetupError, match="姓名.*控制字符"):
        s.setup("helper", "王\x1b[31m芳", PASS)
    assert not s.exists()


def test_a_cheap_kdf_is_refused_by_setup_without_the_test_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.errors import WeakKdf
    from sync.app.session import test_kdf_from_env

    monkeypatch.delenv("XIETONG_INSECURE_TEST_KDF")
    with pytest.raises(WeakKdf):
        Service(tmp_path / "h", kdf=CHEAP).setup("helper", "王芳", PASS)
    assert not Service(tmp_path / "h").exists()
    monkeypatch.setenv("XIETONG_SCRYPT_N", "1024")
    with pytest.raises(WeakKdf, match="XIETONG_INSECURE_TEST_KDF"):
        test_kdf_from_env()


def test_passphrase_strength_calls_a_short_all_digit_passphrase_too_weak() -> None:
    assert passphrase_strength("12345678") == "太弱"
    assert passphrase_strength("123456789012") != "太弱"
