"""Which accounts a booking goes to: the debtor (Konto) and the revenue account (Gegenkonto)
by chart, VAT case and rate, from settings KONTORHAUS["DATEV"].

Default revenue accounts (DATEV SKR 03 / SKR 04):

  case             SKR03  SKR04  BU   EU columns (Bestimmung)
  domestic_19      8400   4400   -    -                         Automatikkonto: DATEV books the 19 % itself
  domestic_7       8300   4300   -    -                         Automatikkonto (7 %)
  oss              8320   4320   240  country code + its rate   Erlöse aus im anderen EU-Land steuerpflichtigen
                                                                Lieferungen; no Automatikkonto, the tax key
                                                                240 with EU-Land/EU-Steuersatz carries the
                                                                destination's VAT
  intra_community  8125   4125   -    the buyer's VAT id        steuerfreie innergemeinschaftliche Lieferung
                                                                (Automatikkonto, feeds the ZM)
  reverse_charge   8336   4336   -    the buyer's VAT id        sonstige Leistungen, Steuerschuld beim Empfänger
  export           8120   4120   -    -                         steuerfreie Ausfuhr (§ 4 Nr. 1a UStG)
  outside_scope    8338   4338   -    -                         im Drittland steuerbare Leistungen
  small_business   8195   4185   -    -                         Erlöse als Kleinunternehmer (§ 19 UStG)

A shop's tax advisor may want other accounts (e.g. one OSS account per country): ACCOUNTS and
BU_KEYS in the settings override any entry. Other German rates (e.g. 0 % for solar panels, or
16 %/5 % of 2020) have no default: an export that meets one names the setting to add.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from kontorhaus.core.exceptions import InvalidInput

CHARTS = {"skr03": "03", "skr04": "04"}
CASES = ("domestic_19", "domestic_7", "oss", "intra_community", "reverse_charge", "export", "outside_scope",
         "small_business")
DEFAULT_ACCOUNTS: dict[str, dict[str, str]] = {
    "skr03": {"domestic_19": "8400", "domestic_7": "8300", "oss": "8320", "intra_community": "8125",
              "reverse_charge": "8336", "export": "8120", "outside_scope": "8338", "small_business": "8195"},
    "skr04": {"domestic_19": "4400", "domestic_7": "4300", "oss": "4320", "intra_community": "4125",
              "reverse_charge": "4336", "export": "4120", "outside_scope": "4338", "small_business": "4185"},
}
DEFAULT_BU_KEYS = {"oss": "240"}
# EN 16931 VAT category of a tax bucket -> the case; S and Z are domestic or OSS by country.
CASE_OF_CATEGORY = {"K": "intra_community", "AE": "reverse_charge", "G": "export", "O": "outside_scope",
                    "E": "small_business"}
HOME = "DE"
DEBTOR_MODES = ("collective", "per_customer")


@dataclass(frozen=True)
class DatevConfig:
    consultant: int
    client: int
    chart: str  # "skr03" / "skr04"
    fiscal_year_start: tuple[int, int]  # month, day
    account_length: int
    debtor: str
    debtor_account: int
    accounts: Mapping[str, str]  # case key -> account, this chart, overrides applied
    bu_keys: Mapping[str, str]
    lock: bool

    @property
    def chart_code(self) -> str:
        return CHARTS[self.chart]


def _invalid(message: str, field: str = "settings") -> InvalidInput:
    return InvalidInput(message, details={"field": field})


def _fiscal_year_start(value: str) -> tuple[int, int]:
    try:
        start = dt.date(2001, *(int(part) for part in str(value).split("-")))  # a year without 29 Feb
    except (TypeError, ValueError):
        raise _invalid(f"DATEV FISCAL_YEAR_START must be MM-DD, not {value!r}")
    return start.month, start.day


def datev_config(*, chart: str | None = None) -> DatevConfig:
    """The DATEV settings, checked; `chart` overrides the configured chart."""
    raw = settings.KONTORHAUS.get("DATEV", {})
    chart = (chart or raw.get("CHART") or "skr03").lower()
    if chart not in CHARTS:
        raise _invalid(f"chart must be skr03 or skr04, not {chart!r}", field="chart")
    consultant, client = int(raw.get("CONSULTANT", 1001)), int(raw.get("CLIENT", 1))
    if not 1001 <= consultant <= 9_999_999:
        raise _invalid(f"DATEV CONSULTANT (Beraternummer) must be 1001-9999999, not {consultant}")
    if not 1 <= client <= 99_999:
        raise _invalid(f"DATEV CLIENT (Mandantennummer) must be 1-99999, not {client}")
    length = int(raw.get("ACCOUNT_LENGTH", 4))
    if not 4 <= length <= 8:
        raise _invalid(f"DATEV ACCOUNT_LENGTH (Sachkontenlänge) must be 4-8, not {length}")
    debtor = raw.get("DEBTOR", "collective")
    if debtor not in DEBTOR_MODES:
        raise _invalid(f"DATEV DEBTOR must be collective or per_customer, not {debtor!r}")
    accounts = {**DEFAULT_ACCOUNTS[chart], **{k: str(v) for k, v in raw.get("ACCOUNTS", {}).get(chart, {}).items()}}
    for key, account in accounts.items():
        if not account.isdigit() or len(account) > length:
            raise _invalid(f"DATEV account {account!r} for {chart} {key} is not a number of at most {length} digits")
    return DatevConfig(
        consultant=consultant, client=client, chart=chart,
        fiscal_year_start=_fiscal_year_start(raw.get("FISCAL_YEAR_START", "01-01")), account_length=length,
        debtor=debtor, debtor_account=int(raw.get("DEBTOR_ACCOUNT", 10000)), accounts=accounts,
        bu_keys={**DEFAULT_BU_KEYS, **{k: str(v) for k, v in raw.get("BU_KEYS", {}).items()}},
        lock=bool(raw.get("LOCK", False)),
    )


def fiscal_year_start(config: DatevConfig, on: dt.date) -> dt.date:
    """The first day of the fiscal year that `on` lies in."""
    month, day = config.fiscal_year_start
    start = dt.date(on.year, month, day)
    return start if start <= on else dt.date(on.year - 1, month, day)


def rate_key(rate: Decimal) -> str:
    """19.00 -> "19", 5.50 -> "5.5"."""
    return format(rate.normalize(), "f")


def case_of_bucket(bucket: Mapping) -> str:
    """The account case of one tax bucket of a document; old rows without a country are German."""
    category = str(bucket.get("category") or "S")
    if category in CASE_OF_CATEGORY:
        return CASE_OF_CATEGORY[category]
    if category not in ("S", "Z"):
        raise _invalid(f"VAT category {category!r} has no DATEV account", field="tax_breakdown")
    if (bucket.get("country") or HOME) != HOME:
        return "oss"
    return f"domestic_{rate_key(Decimal(str(bucket['rate'])))}"


def revenue_account(config: DatevConfig, case: str) -> str:
    account = config.accounts.get(case)
    if account is None:
        raise _invalid(f"no {config.chart.upper()} revenue account for {case}: set "
                       f"KONTORHAUS['DATEV']['ACCOUNTS']['{config.chart}']['{case}']")
    return account.ljust(config.account_length, "0")  # DATEV widens 8400 to 84000 at length 5


def debtor_account(config: DatevConfig, customer_number: str) -> str:
    """The collective debtor account, or DEBTOR_ACCOUNT + the customer number's digits."""
    account = config.debtor_account
    if config.debtor == "per_customer":
        digits = re.sub(r"\D", "", customer_number or "")
        if not digits:
            raise _invalid(f"customer number {customer_number!r} has no digits for a debtor account")
        account += int(digits)
    low, high = 10 ** config.account_length, 7 * 10 ** config.account_length  # 10000-69999 at length 4
    if not low <= account < high:
        raise _invalid(f"debtor account {account} is outside {low}-{high - 1} (Sachkontenlänge "
                       f"{config.account_length})")
    return str(account)
