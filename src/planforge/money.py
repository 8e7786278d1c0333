"""Currencies (ISO 4217) and exact money arithmetic.

Every amount is a :class:`~decimal.Decimal` read from the plan's source text.
Rounding happens once, to the currency's minor unit, with ROUND_HALF_UP (how
invoices round), and only where a planner would round: a computed line amount.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Active ISO 4217 codes whose minor unit is not 2 decimal places.
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_FOUR = "CLF UYW"
_MINOR_UNITS_EXCEPTIONS = {
    **dict.fromkeys(_ZERO.split(), 0),
    **dict.fromkeys(_THREE.split(), 3),
    **dict.fromkeys(_FOUR.split(), 4),
}

_CODES = """
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP
BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB
EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND
TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF
YER ZAR ZMW ZWG
"""

#: Active ISO 4217 currency codes (funds and precious metals left out).
CURRENCIES: tuple[str, ...] = tuple(sorted(_CODES.split()))

#: What planners write instead of the ISO code.
CURRENCY_ALIASES = {
    "RMB": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "NTD": "TWD",
    "NT$": "TWD",
    "US$": "USD",
    "$": "USD",
    "¥": "CNY",
    "€": "EUR",
    "£": "GBP",
    "HK$": "HKD",
}


def minor_units(currency: str) -> int:
    """Decimal places of ``currency`` (2 for CNY and USD, 0 for JPY, 3 for KWD)."""
    return _MINOR_UNITS_EXCEPTIONS.get(currency, 2)


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal('0.01')`` for CNY."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half-up to the currency's minor unit."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def decimals(value: Decimal) -> int:
    """How many decimal places ``value`` is written with (``Decimal('1.50')`` -> 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def fits_currency(amount: Decimal, currency: str) -> bool:
    """True when ``amount`` needs no more decimals than the currency has."""
    return round_money(amount, currency) == amount
