"""全国地方公共団体コード: five digits and a check digit."""

WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    """The check digit of a five-digit local government code (総務省の計算方法)."""
    if len(first_five) != 5 or not first_five.isdigit():
        raise ValueError("five digits expected")
    total = sum(int(c) * w for c, w in zip(first_five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    """Whether `code` is six digits whose last is the check digit of the others."""
    return len(code) == 6 and code.isdigit() and check_digit(code[:5]) == int(code[5])
