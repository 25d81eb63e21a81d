"""How text and queries are read for the search index: no database."""

from search import text


def test_kanji_and_kana_are_read_as_bigrams_and_latin_as_words():
    assert text.tokens("除雪対策（RPA導入）") == ["除雪", "雪対", "対策", "rpa", "導入"]


def test_digits_are_read_with_the_kanji_around_them():
    assert text.tokens("第4回") == ["第4", "4回"]


def test_full_and_half_width_forms_are_the_same_words():
    assert text.tokens("ＲＰＡ　２０２２") == text.tokens("RPA 2022")
    assert text.tokens("ﾜﾝﾁｰﾑ") == text.tokens("ワンチーム")


def test_wareki_years_are_read_as_western_years():
    assert text.fold("令和3年度") == "2021年度"
    assert text.fold("R3年度") == "2021年度"
    assert text.fold("平成31年") == "2019年"
    assert text.fold("令和元年") == "2019年"
    # A letter inside a latin word is not an era.
    assert text.fold("for3") == "for3"


def test_dates_are_read_alike_however_written():
    written = [
        "令和4年1月20日",
        "R4.1.20",
        "2022/1/20",
        "2022.01.20",
        "２０２２年１月２０日",
    ]
    assert {text.fold(d) for d in written} == {"2022年1月20日"}


def test_a_query_is_one_term_per_word_all_of_which_must_match():
    terms = text.parse_query("除雪　ＲＰＡ 令和3年度")
    assert [t.tokens for t in terms] == [
        ("除雪",),
        ("rpa",),
        ("20", "02", "21", "1年", "年度"),
    ]
    # A latin word may be the start of a longer one; kanji words are exact.
    assert [t.prefix for t in terms] == [False, True, False]


def test_a_one_character_query_looks_up_characters():
    (term,) = text.parse_query("雪")
    assert term.character and term.tokens == ("雪",)
    assert text.characters("除雪と雪") == ["除", "雪", "と"]


def test_a_query_of_punctuation_only_has_no_terms():
    assert text.parse_query("・、。！？ -- ()") == []
    assert text.parse_query("") == []


def test_a_query_is_cut_to_its_limits():
    assert (
        len(text.parse_query(" ".join(f"語{i}" for i in range(30)))) == text.MAX_TERMS
    )
    assert len(text.parse_query("あ" * 10_000)[0].tokens) == text.MAX_QUERY - 1


def test_the_snippet_marks_every_match_as_written():
    terms = text.parse_query("2021年度 除雪")
    assert text.snippet("令和３年度の除雪計画", terms) == (
        "<mark>令和３年度</mark>の<mark>除雪</mark>計画"
    )


def test_the_snippet_marks_a_date_written_otherwise():
    terms = text.parse_query("2022/1/20")
    assert text.snippet("R4.1.20 開催", terms) == "<mark>R4.1.20</mark> 開催"
    assert (
        text.snippet("令和4年1月20日（木）", terms)
        == "<mark>令和4年1月20日</mark>（木）"
    )


def test_the_snippet_escapes_the_text():
    terms = text.parse_query("防災")
    assert text.snippet("<script>防災</script>", terms) == (
        "&lt;script&gt;<mark>防災</mark>&lt;/script&gt;"
    )


def test_the_snippet_is_cut_around_the_matches():
    body = "あ" * 300 + "除雪" + "い" * 300
    out = text.snippet(body, text.parse_query("除雪"), width=60)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>除雪</mark>" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) == 62


def test_the_snippet_without_a_match_is_the_start_of_the_text():
    assert (
        text.snippet("あ" * 200, text.parse_query("除雪"), width=10) == "あ" * 10 + "…"
    )
