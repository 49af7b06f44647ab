"""Chinese numerals for round and team names (第十五届, 第三轮, 第十二巡察组), and dates as documents write them."""

from datetime import date

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def cn_date(value: date) -> str:
    """2026年5月8日: GB/T 9704-2012 writes dates in Arabic numerals, without leading zeros."""
    return f"{value.year}年{value.month}月{value.day}日"
