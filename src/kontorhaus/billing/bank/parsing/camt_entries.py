"""camt.053 entries (`Ntry`) and their transaction details (`NtryDtls/TxDtls`) as drafts.

* Only booked entries (`Sts` BOOK, v02 text or v08 `Sts/Cd`) are kept; PDNG/INFO are skipped.
* Amount: an entry with one `TxDtls` (or none) gives one transaction with the booked `Ntry/Amt` (that is
  what moved the balance; the Bundesbank sample has a `TxDtls/Amt` that disagrees with it). A batch
  entry with several `TxDtls` is split into one transaction per detail, with `TxDtls/Amt` or
  `AmtDtls/TxAmt/Amt`, but only when every detail has an amount in the entry currency and they add up
  to `Ntry/Amt`; otherwise it stays one transaction of `Ntry/Amt` with the details' texts merged.
* Dates: `Dt` or the date part of `DtTm`; without `BookgDt` the value date is the booking date.
  Zero-amount entries are skipped (a ParsedTransaction amount is always > 0).
* `credit` is the booked direction (`CdtDbtInd`), also for reversals (`RvslInd` true), which are kept
  with `reversal=True`: a reversed credit is money out (credit=False).
* Counterparty: the debtor for money in, the creditor for money out (roles swap for reversals); if
  that party's account is our own account, the other party is taken instead.
"""

import xml.etree.ElementTree as ET  # noqa: S405 - types only; parsing goes through defusedxml
from dataclasses import dataclass, replace
from decimal import Decimal

from kontorhaus.billing.bank.parsing.common import Draft, clean_reference, collapse_spaces, iban_or_empty
from kontorhaus.billing.bank.parsing.xmlutil import amount_of, find, find_text, parse_date
from kontorhaus.billing.bank.types import StatementFormatError


@dataclass(frozen=True)
class _Detail:
    amount: tuple[Decimal, str] | None
    name: str
    iban: str
    remittance: str
    end_to_end_id: str
    bank_reference: str


def parse_entries(stmt: ET.Element, path: str, account: str) -> list[Draft]:
    drafts: list[Draft] = []
    for index, entry in enumerate(stmt.findall("Ntry"), start=1):
        drafts.extend(_entry(entry, f"{path}/Ntry[{index}]", index, account))
    return drafts


def _entry(entry: ET.Element, where: str, index: int, account: str) -> list[Draft]:
    status = find_text(entry, "Sts/Cd") or find_text(entry, "Sts")
    if not status:
        raise StatementFormatError("missing entry status", where=f"{where}/Sts")
    amount, currency = amount_of(entry, where)
    if status != "BOOK" or amount == 0:
        return []
    indicator = find_text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise StatementFormatError(
            f"invalid CdtDbtInd {indicator!r} (expected CRDT or DBIT)", where=f"{where}/CdtDbtInd"
        )
    credit = indicator == "CRDT"
    reversal = find_text(entry, "RvslInd").lower() in ("true", "1")
    booking_text = find_text(entry, "BookgDt/Dt") or find_text(entry, "BookgDt/DtTm")
    value_text = find_text(entry, "ValDt/Dt") or find_text(entry, "ValDt/DtTm")
    if not booking_text and not value_text:
        raise StatementFormatError("missing booking date", where=f"{where}/BookgDt")
    value_date = parse_date(value_text, f"{where}/ValDt") if value_text else None
    base = Draft(
        booking_date=parse_date(booking_text, f"{where}/BookgDt") if booking_text else value_date,
        value_date=value_date,
        amount=amount,
        currency=currency,
        credit=credit,
        reversal=reversal,
        position=str(index),
        bank_reference=find_text(entry, "AcctSvcrRef"),
    )
    party_role = "Dbtr" if credit != reversal else "Cdtr"
    details = [
        _detail(tx, f"{where}/NtryDtls/TxDtls[{n}]", party_role, account)
        for n, tx in enumerate(entry.findall("NtryDtls/TxDtls"), start=1)
    ]
    return _drafts(base, details)


def _drafts(base: Draft, details: list[_Detail]) -> list[Draft]:
    if not details:
        return [replace(base, ref_key=clean_reference(base.bank_reference))]
    if len(details) == 1 or not _splittable(base, details):
        return [_with_detail(base, _merged(details), part=0)]
    return [
        _with_detail(replace(base, amount=detail.amount[0]), detail, part=n)
        for n, detail in enumerate(details, start=1)
    ]


def _splittable(base: Draft, details: list[_Detail]) -> bool:
    if any(d.amount is None or d.amount[1] != base.currency or d.amount[0] == 0 for d in details):
        return False
    return sum(d.amount[0] for d in details) == base.amount


def _with_detail(base: Draft, detail: _Detail, *, part: int) -> Draft:
    bank_reference = base.bank_reference or detail.bank_reference
    ref_key = clean_reference(bank_reference)
    if ref_key and part and base.bank_reference:
        ref_key = f"{ref_key}|{part}"
    return replace(
        base,
        position=f"{base.position}.{part}",
        ref_key=ref_key,
        bank_reference=bank_reference,
        counterparty_name=detail.name,
        counterparty_iban=detail.iban,
        remittance=detail.remittance,
        end_to_end_id=detail.end_to_end_id,
    )


def _merged(details: list[_Detail]) -> _Detail:
    if len(details) == 1:
        return details[0]

    def same(values: list[str]) -> str:
        return values[0] if len(set(values)) == 1 else ""

    return _Detail(
        amount=None,
        name=same([d.name for d in details]),
        iban=same([d.iban for d in details]),
        remittance=" ".join(d.remittance for d in details if d.remittance),
        end_to_end_id=same([d.end_to_end_id for d in details]),
        bank_reference=same([d.bank_reference for d in details]),
    )


def _detail(tx: ET.Element, where: str, role: str, account: str) -> _Detail:
    amount = None
    for path in ("Amt", "AmtDtls/TxAmt/Amt"):
        if find(tx, path) is not None:
            amount = amount_of(tx, where, path)
            break
    name, iban = _party(tx, role)
    other_role = "Cdtr" if role == "Dbtr" else "Dbtr"
    if iban and iban == account.replace(" ", "").upper():
        other_name, other_iban = _party(tx, other_role)
        if other_name or other_iban:
            name, iban = other_name, other_iban
    return _Detail(
        amount=amount,
        name=name,
        iban=iban,
        remittance=_remittance(tx),
        end_to_end_id=clean_reference(find_text(tx, "Refs/EndToEndId")),
        bank_reference=find_text(tx, "Refs/AcctSvcrRef"),
    )


def _party(tx: ET.Element, role: str) -> tuple[str, str]:
    name = find_text(tx, f"RltdPties/{role}/Nm") or find_text(tx, f"RltdPties/{role}/Pty/Nm")
    iban = iban_or_empty(find_text(tx, f"RltdPties/{role}Acct/Id/IBAN"))
    return collapse_spaces(name), iban


def _remittance(tx: ET.Element) -> str:
    lines = [(u.text or "").strip() for u in tx.findall("RmtInf/Ustrd")]
    text = " ".join(line for line in lines if line)
    for ref in tx.findall("RmtInf/Strd/CdtrRefInf/Ref"):
        value = (ref.text or "").strip()
        if value and value not in text:
            text = f"{text} {value}" if text else value
    return text
