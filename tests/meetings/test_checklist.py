"""The seed meeting's 準備チェックリスト lists what the seed really lacks."""

from meetings import checklist


def test_the_seed_meeting_lacks_only_what_the_seed_lacks(seed):
    found = {(f.part, f.message) for f in checklist.check(seed)}
    assert {part for part, _message in found} <= {
        "results",
        "data",
        "vaccination",
        "distribution",
    }
    # The seed prints 県単医療費助成制度 without results (two lines of text).
    assert (
        "results",
        "県単医療費助成制度のあり方検討：令和3年度の取り組み結果が登録されていません。",
    ) in found
    # Its proposer lists differ between 資料1 and 資料2 (滑川市).
    assert any(part == "data" and "滑川市" in message for part, message in found)
    # 資料4's printed grid lets 医療従事者等 and the 高齢者施設 rows advance
    # into R3.12月, where the seed's rules (6 months from 令和4年1月1日) give
    # no day before January: named, the printed grid deciding.
    grid = sorted(message for part, message in found if part == "vaccination")
    assert len(grid) == 3
    assert all("R3.12月" in m and "R4.1.1からしか接種できません" in m for m in grid)
    assert any("医療従事者等" in m for m in grid)
    # Everything about the meeting itself is there: agenda, materials,
    # attendees in office on 令和4年1月20日, seats.
    assert not [
        f
        for f in checklist.check(seed)
        if f.part in ("agenda", "materials", "attendance", "seats")
    ]
