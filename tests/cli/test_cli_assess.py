"""``xietong assess``: an officer scripts the helper assessment (四.2); the CLI parses the period
and prints, the app records (``office.assess_helper``, the function the 协助人员 screen calls)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fakes import PASS, clock

from core.errors import XietongError
from sync.app import office
from sync.app.office.assessment import helper_assessments, period_bounds
from sync.app.session import Service
from sync.cli.main import run


@pytest.fixture(autouse=True)
def cheap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIETONG_PASSPHRASE", PASS)
    monkeypatch.setenv("XIETONG_SCRYPT_N", "16")
    monkeypatch.delenv("XIETONG_HOME", raising=False)


def xt(home: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    return run(["--home", str(home), *args], out=out, clock=clock), out.getvalue()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An office with demo helpers and their records (today is 2026-11-23, the fake clock); the
    demo has assessed each helper for the last full quarter, 2026-Q3."""
    home = tmp_path / "office"
    assert xt(home, "init", "--role", "office", "--name", "东岭司法所")[0] == 0
    assert xt(home, "demo", "--subjects", "20", "--records", "6")[0] == 0  # two helpers
    return home


def helpers(home: Path) -> list[dict[str, str]]:
    return [json.loads(line)["data"] for line in xt(home, "list", "helper", "--json")[1].splitlines()]


def session(home: Path) -> Service:
    svc = Service(home, clock=clock)
    svc.unlock(PASS)
    return svc


def test_assess_records_the_figures_the_app_counts_and_the_roster_lists_it(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    helper = helpers(home)[0]
    fp = helper["fingerprint"]
    grouped = " ".join(fp[i : i + 5] for i in range(0, 30, 5))  # as read aloud
    code, text = xt(home, "assess", grouped, "--period", "2026-Q3", "--evaluation", "走访按时,报告及时")
    assert code == 0, capsys.readouterr().err
    svc = session(home)
    try:
        figures = office.assessment_figures(svc, fp, "2026-07-01", "2026-09-30")
        latest = office.latest_assessments(svc)[fp]  # what the roster shows
    finally:
        svc.lock()
    assert latest["period"] == "2026年第3季度" and latest["result"] == "合格"
    assert (latest["period_start"], latest["period_end"]) == ("2026-07-01", "2026-09-30")
    assert {k: latest[k] for k in figures} == figures
    assert text.startswith(f"已保存考核:{helper['name']} 2026年第3季度(2026-07-01至2026-09-30)")
    assert f"走访 {figures['visits_done']}/{figures['visits_due']} 次" in text and "走访按时,报告及时" in text


def test_a_running_year_ends_today_and_the_list_shows_the_latest_period_first(home: Path) -> None:
    fp = helpers(home)[1]["fingerprint"]
    code, text = xt(home, "assess", fp, "--list")
    assert code == 0 and text.startswith("2026年第3季度(2026-07-01至2026-09-30)")  # the demo's
    assert xt(home, "assess", fp, "--period", "2026-03", "--evaluation", "走访不足", "--result", "不合格")[0] == 0
    assert xt(home, "assess", fp, "--period", "2026", "--evaluation", "全年表现良好")[0] == 0
    code, text = xt(home, "assess", fp, "--list")
    lines = [line for line in text.splitlines() if not line.startswith("  ")]
    assert code == 0 and len(lines) == 3
    assert lines[0].startswith("2026年度(2026-01-01至2026-11-23)") and " 合格 " in lines[0]
    assert lines[1].startswith("2026年第3季度")
    assert lines[2].startswith("2026年3月(2026-03-01至2026-03-31)") and " 不合格 " in lines[2]
    assert "司法所评价:走访不足" in text


def test_the_cli_and_the_app_record_the_same_assessment(home: Path) -> None:
    fp = helpers(home)[0]["fingerprint"]
    assert xt(home, "assess", fp, "--period", "2026-Q2", "--evaluation", "能按要求走访", "--result", "合格")[0] == 0
    svc = session(home)
    try:
        label, start, end = period_bounds("2026-Q2", svc.today())
        app = office.assess_helper(svc, fp, label, start, end, result="合格", evaluation="能按要求走访").data
        both = [a for a in helper_assessments(svc, fp) if a["period"] == "2026年第2季度"]
    finally:
        svc.lock()
    assert len(both) == 2 and both[0]["id"] != both[1]["id"]
    assert [{k: v for k, v in a.items() if k != "id"} for a in both] == [app, app]  # the CLI's and the app's


@pytest.mark.parametrize(
    ("args", "quoted"),
    [
        (("--period", "2026-Q5", "--evaluation", "好"), "考核期间“2026-Q5”无法识别"),
        (("--period", "二〇二六年", "--evaluation", "好"), "考核期间“二〇二六年”无法识别"),
        (("--period", "2027", "--evaluation", "好"), "考核期间“2027”尚未开始"),
        (("--period", "2026-Q1", "--evaluation", "好", "--result", "优秀"), "考核结果“优秀”无效:只能是 合格或不合格"),
        (("--period", "2026-Q1"), "请填写司法所评价"),
        (("--evaluation", "好"), "请用 --period 指明考核期间"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_sentence_quoting_it_and_nothing_is_written(
    home: Path, args: tuple[str, ...], quoted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fp = helpers(home)[0]["fingerprint"]
    before = xt(home, "assess", fp, "--list")[1]
    capsys.readouterr()
    code, text = xt(home, "assess", fp, *args)
    err = capsys.readouterr().err
    assert code == 1 and text == "" and quoted in err, err
    assert "Traceback" not in err
    assert xt(home, "assess", fp, "--list")[1] == before


@pytest.mark.parametrize(
    ("typed", "quoted"), [("12345", "身份指纹“12345”应为30位数字"), ("1" * 30, "“" + "1" * 30 + "”")]
)
def test_a_wrong_fingerprint_is_quoted_and_the_app_says_the_same(
    home: Path, typed: str, quoted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert xt(home, "assess", typed, "--period", "2026-Q1", "--evaluation", "好")[0] == 1
    cli_message = capsys.readouterr().err.strip()
    assert quoted in cli_message
    assert xt(home, "assess", typed, "--list")[0] == 1
    assert capsys.readouterr().err.strip() == cli_message
    svc = session(home)
    try:
        with pytest.raises(XietongError) as app:
            office.assess_helper(
                svc, typed, "2026年第1季度", "2026-01-01", "2026-03-31", result="合格", evaluation="好"
            )
    finally:
        svc.lock()
    assert str(app.value) == cli_message
