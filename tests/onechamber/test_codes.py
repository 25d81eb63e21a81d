import pytest

from onechamber.codes import check_digit, is_valid_code

TOYAMA_CODES = {
    "富山県": "160008",
    "富山市": "162019",
    "高岡市": "162027",
    "魚津市": "162043",
    "氷見市": "162051",
    "滑川市": "162060",
    "黒部市": "162078",
    "砺波市": "162086",
    "小矢部市": "162094",
    "南砺市": "162108",
    "射水市": "162116",
    "舟橋村": "163210",
    "上市町": "163228",
    "立山町": "163236",
    "入善町": "163422",
    "朝日町": "163431",
}


@pytest.mark.parametrize(("name", "code"), TOYAMA_CODES.items())
def test_every_toyama_code_has_a_valid_check_digit(name, code):
    assert is_valid_code(code)


@pytest.mark.parametrize(
    "code", ["162010", "162018", "160009", "16201", "1620190", "16201X", ""]
)
def test_wrong_check_digits_and_shapes_are_invalid(code):
    assert not is_valid_code(code)


def test_check_digit_of_a_known_code_outside_toyama():
    assert check_digit("13101") == 6  # 千代田区 131016


def test_check_digit_takes_the_last_digit_of_eleven_minus_remainder():
    assert check_digit("01700") == 1  # weighted sum 33, remainder 0 → 11 → 1
    assert check_digit("20000") == 0  # weighted sum 12, remainder 1 → 10 → 0
