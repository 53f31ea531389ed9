"""``xietong team``, ``xietong list team`` and ``xietong decide`` do what the console does,
through the same ``sync.app`` functions (issue 14)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from workflow_setup import Clock, case, to_office

from sync.app import office
from sync.app.session import Service
from sync.cli.main import run

PASS = "correct horse 1"
TRAVEL = {
    "type": "外出",
    "channel": "经协助人员提出",
    "applied": "2026-11-23",
    "start": "2026-11-25",
    "end": "2026-11-30",
    "destination": "成都市武侯区",
    "reason": "探亲",
}
MOVE = {
    "type": "居住地变更",
    "channel": "经协助人员提出",
    "applied": "2026-11-23",
    "start": "2026-12-01",
    "destination": "白石村五组",
    "new_committee": "白石村民委员会",
    "reason": "随子女居住",
}


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "16")
    monkeypatch.delenv("XIETONG_HOME", raising=False)


def xt(home: Path, clock: Clock, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    return run(["--home", str(home), *args], out=out, clock=clock), out.getvalue()


def _office_case(tmp_path: Path) -> tuple[Clock, Service, Service, str]:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    osvc.lock()
    return clock, osvc, h, sid


def test_team_command_replaces_the_team_and_list_team_prints_it_as_json(tmp_path: Path) -> None:
    clock, osvc, _h, sid = _office_case(tmp_path)
    home = tmp_path / "office"
    code, out = xt(
        home,
        clock,
        "team",
        sid,
        "--member",
        "司法所专职人员:陈晓:13900001111",
        "--member",
        "村(居)委会人员:赵敏",
        "--member",
        "X:网格员老吴",
        "--leader",
        "陈晓",
    )
    assert code == 0 and "3 人" in out and "组长 陈晓" in out
    code, out = xt(home, clock, "team", sid, "--member", "社区民警:刘翀", "--leader", "刘翀")
    assert code == 0 and "第2版" in out
    code, out = xt(home, clock, "list", "team", "--subject", sid, "--json")
    [line] = out.strip().splitlines()
    team = json.loads(line)
    assert team["revision"] == 2 and team["data"]["leader"] == "刘翀"
    assert team["data"]["members"] == [{"slot": "police", "name": "刘翀"}]
    osvc.unlock(PASS)
    assert office.team_page(osvc, sid)["leader"] == "刘翀"  # what the console shows


def test_team_command_refuses_an_unknown_role_or_a_leader_outside_the_team(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock, _osvc, _h, sid = _office_case(tmp_path)
    home = tmp_path / "office"
    assert xt(home, clock, "team", sid, "--member", "老板:甲")[0] == 1
    assert "未知的成员角色" in capsys.readouterr().err
    assert xt(home, clock, "team", sid, "--member", "志愿者:甲", "--leader", "乙")[0] == 1
    assert "组长应为小组成员之一" in capsys.readouterr().err
    assert xt(home, clock, "team", sid, "--member", "志愿者")[0] == 1
    assert "角色:姓名" in capsys.readouterr().err


def test_decide_approves_or_refuses_and_asks_for_reassignment_after_a_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    osvc, h, sid = case(tmp_path, clock)
    travel = h.save_record("movement", TRAVEL, subject=sid)
    move = h.save_record("movement", MOVE, subject=sid)
    to_office(h, osvc, tmp_path)
    osvc.lock()
    home = tmp_path / "office"
    code, out = xt(home, clock, "decide", travel.id, "--refuse", "--note", "暂不批准")
    assert code == 0 and "已不批准" in out
    code, out = xt(home, clock, "decide", move.id, "--approve")
    assert code == 0 and "已批准" in out and "白石村民委员会" in out and "重新分配协助人员" in out
    assert xt(home, clock, "decide", move.id)[0] == 1
    assert "--approve" in capsys.readouterr().err
    osvc.unlock(PASS)
    assert office.pending_requests(osvc) == []
    assert [r["to"] for r in office.relocations(osvc)] == ["白石村民委员会"]
