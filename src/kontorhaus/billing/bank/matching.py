"""Matching a bank line to open invoices: pure functions over data the service loads.

Step 1 looks for our invoice and order numbers in the remittance text (see `references`).
Step 2, only when no number is found, looks for an open invoice over exactly the amount whose
buyer resembles the payer. Each outcome has a confidence; a line is booked when it reaches the
threshold, otherwise it waits for review with its suggestions:

    number exact, amount = due                  1.0   book the due
    several numbers, amount = sum of their dues 1.0   book each due (0.9 with a typo)
    number with one typo, amount = due          0.9   book the due
    number exact, amount != due                 0.8   book the amount (partial or overpayment)
    amount = due and payer's name resembles     0.7   suggestion
    amount = due only                           0.3   suggestion, never booked
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .references import INVOICE, ORDER, Reference, names_similar, neighbour_keys, number_key, references_in
from .types import ParsedTransaction

EXACT, EXACT_MULTI, TYPO, EXACT_OTHER_AMOUNT = Decimal("1.0"), Decimal("1.0"), Decimal("0.9"), Decimal("0.8")
AMOUNT_AND_NAME, UNSURE, AMOUNT_ONLY, NOTHING = Decimal("0.7"), Decimal("0.5"), Decimal("0.3"), Decimal("0")
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    order_number: str
    currency: str
    due: Decimal  # total gross minus what is paid, > 0
    names: tuple[str, ...] = ()  # the buyer's name and company
    payment_method: str = ""


@dataclass(frozen=True)
class Suggestion:
    invoice: str
    score: Decimal
    reason: str

    def as_dict(self) -> dict:
        return {"invoice": self.invoice, "score": str(self.score), "reason": self.reason}


@dataclass(frozen=True)
class Allocation:
    invoice: OpenInvoice
    amount: Decimal


@dataclass(frozen=True)
class Match:
    status: str  # "booked", "review" or "ignored"
    confidence: Decimal
    reason: str
    allocations: tuple[Allocation, ...] = ()
    suggestions: tuple[Suggestion, ...] = field(default_factory=tuple)


def allocate(amount: Decimal, dues: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Spread a payment over invoices in the given order: each gets its due, the last one gets
    what is left (less than its due: partial; more: overpayment). An invoice left with nothing is
    dropped; the caller decides whether that is acceptable."""
    shares, left = [], amount
    for i, (number, due) in enumerate(dues):
        share = left if i == len(dues) - 1 else min(due, left)
        if share > 0:
            shares.append((number, share))
        left -= share
    return shares


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:.2f} {currency}"


class Matcher:
    """Open invoices indexed by number key, order number key and amount. `book` lowers the dues
    as lines are booked, so two lines of one statement do not both settle the same due."""

    def __init__(self, invoices: Iterable[OpenInvoice], *, threshold: Decimal,
                 closed_numbers: Iterable[str] = ()):
        self.threshold = threshold
        self.invoices: dict[str, OpenInvoice] = {}
        self.dues: dict[str, Decimal] = {}
        self.by_key: dict[tuple[str, str], list[str]] = {}
        self.by_amount: dict[tuple[str, Decimal], list[str]] = {}
        self.closed = {key for n in closed_numbers if (key := number_key(n))}
        self.currencies: set[str] = set()
        for invoice in invoices:
            self.invoices[invoice.number] = invoice
            self.dues[invoice.number] = invoice.due
            self.currencies.add(invoice.currency)
            self.by_amount.setdefault((invoice.currency, invoice.due), []).append(invoice.number)
            for number in (invoice.number, invoice.order_number):
                if key := number_key(number):
                    self.by_key.setdefault(key, []).append(invoice.number)

    # --- step 1: numbers ----------------------------------------------------------------

    def _lookup(self, ref: Reference, key: str) -> list[str]:
        kinds = (ref.kind,) if ref.kind else (INVOICE, ORDER)
        return [n for kind in kinds for n in self.by_key.get((kind, key), ())]

    def _resolve(self, ref: Reference) -> tuple[list[str], bool]:
        """(invoice numbers, exact?) for one reference; a number known but no longer open
        stops the typo search, so a repeated payment of a paid invoice never lands on its neighbour."""
        if ref.key is not None:
            exact = self._lookup(ref, ref.key)
            kinds = (ref.kind,) if ref.kind else (INVOICE, ORDER)
            if exact or any((kind, ref.key) in self.closed for kind in kinds):
                return exact, True
        fuzzy = sorted({n for key in neighbour_keys(ref) for n in self._lookup(ref, key)})
        return fuzzy, False

    def _by_number(self, tx: ParsedTransaction, refs: list[Reference]) -> Match | None:
        chosen: dict[str, bool] = {}  # invoice number -> found exactly
        self._refs_of: dict[str, Reference] = {}
        others: list[Suggestion] = []
        for ref in refs:
            numbers, exact = self._resolve(ref)
            numbers = [n for n in numbers if n not in chosen]
            if len(numbers) > 1:  # ambiguous: the amount decides, else it is a suggestion
                fitting = [n for n in numbers if self.dues[n] == tx.amount]
                numbers, others = (fitting, others) if len(fitting) == 1 else ([], others + [
                    Suggestion(n, UNSURE, f"{ref.label} could be {n}") for n in numbers])
            for n in numbers:
                chosen[n] = exact
                self._refs_of[n] = ref
        if not chosen:
            if not others:
                return None
            return Match("review", UNSURE, "several invoices fit the reference",
                         suggestions=tuple(others[:MAX_SUGGESTIONS]))
        invoices = [self.invoices[n] for n in chosen]
        wrong = [i for i in invoices if i.currency != tx.currency]
        if wrong:
            return Match("review", NOTHING, f"amount in {tx.currency}, invoice {wrong[0].number} is in "
                         f"{wrong[0].currency}", suggestions=(Suggestion(wrong[0].number, NOTHING, "other currency"),))
        all_exact = all(chosen.values())
        if len(invoices) == 1:
            return self._single(tx, invoices[0], exact=all_exact)
        return self._several(tx, invoices, exact=all_exact)

    def _single(self, tx: ParsedTransaction, invoice: OpenInvoice, *, exact: bool) -> Match:
        due, amount, n = self.dues[invoice.number], tx.amount, invoice.number
        if due <= 0:
            return self._decide(UNSURE, f"{n} is already paid (earlier line of this import)", (),
                                (Suggestion(n, UNSURE, "already paid"),))
        if amount == due and (twin := self._stranger_twin(invoice, tx)):
            # Number and amount fit, but the payer is someone else and a neighbouring invoice of
            # theirs is open over the same amount: one wrong digit would book the wrong customer.
            return self._decide(UNSURE, f"{n} is named and the amount fits, but the payer is not its buyer; "
                                f"{twin} (one digit away, same amount) fits the payer", (),
                                (Suggestion(twin, TYPO, "one digit away, amount and payer match"),
                                 Suggestion(n, UNSURE, "named, other buyer")))
        if amount == due:
            conf, reason = (EXACT, f"{n}: number and amount match") if exact else \
                (TYPO, f"{n}: number with one typo, amount matches")
        elif not exact:
            return self._decide(UNSURE, f"{n}: number with one typo and the amount differs "
                                f"({_money(amount, tx.currency)} paid, {_money(due, tx.currency)} due)", (),
                                (Suggestion(n, UNSURE, "number with one typo, other amount"),))
        elif twin := self._typo_twin(invoice.number, tx):
            return self._decide(UNSURE, f"{n} is named but its due differs, and {twin} (one digit away) is due "
                                f"over exactly {_money(amount, tx.currency)}: a typo?", (),
                                (Suggestion(twin, TYPO, "one digit away, amount matches"),
                                 Suggestion(n, UNSURE, "named, other amount")))
        elif amount < due:
            conf, reason = EXACT_OTHER_AMOUNT, f"{n}: partial payment, {_money(due - amount, tx.currency)} still due"
        else:
            conf, reason = EXACT_OTHER_AMOUNT, (
                f"{n}: overpaid by {_money(amount - due, tx.currency)}, booked in full; the refund or customer "
                "credit is handled with refunds")
        return self._decide(conf, reason, (Allocation(invoice, amount),), (Suggestion(n, conf, reason),))

    def _several(self, tx: ParsedTransaction, invoices: list[OpenInvoice], *, exact: bool) -> Match:
        dues = [self.dues[i.number] for i in invoices]
        names = ", ".join(i.number for i in invoices)
        if all(d > 0 for d in dues) and sum(dues) == tx.amount:
            conf = EXACT_MULTI if exact else TYPO
            allocations = tuple(Allocation(i, d) for i, d in zip(invoices, dues, strict=True))
            return self._decide(conf, f"{names}: amount is the sum of their dues", allocations,
                                tuple(Suggestion(i.number, conf, "one of several invoices paid") for i in invoices))
        return self._decide(UNSURE, f"{names} named, but {_money(tx.amount, tx.currency)} is not the sum of their "
                            f"dues ({_money(sum(dues), tx.currency)})", (),
                            tuple(Suggestion(i.number, UNSURE, f"named, due {d}") for i, d in zip(invoices, dues,
                                                                                                  strict=True)))

    def _typo_twin(self, number: str, tx: ParsedTransaction) -> str | None:
        """An open invoice one digit away from the named one, over exactly the amount paid: in a
        dense number range a typo often hits another valid number, so the named one is not sure."""
        ref = self._refs_of.get(number)
        if ref is None:
            return None
        twins = {n for key in neighbour_keys(ref) for n in self._lookup(ref, key)
                 if n != number and self.dues[n] == tx.amount and self.invoices[n].currency == tx.currency}
        return min(twins) if twins else None

    def _stranger_twin(self, invoice: OpenInvoice, tx: ParsedTransaction) -> str | None:
        """A neighbour of the named invoice, over the same amount, whose buyer is the payer —
        when the named invoice's buyer is not."""
        if not tx.counterparty_name or names_similar(tx.counterparty_name, invoice.names):
            return None
        twin = self._typo_twin(invoice.number, tx)
        if twin and names_similar(tx.counterparty_name, self.invoices[twin].names):
            return twin
        return None

    # --- step 2: amount and name ------------------------------------------------------------

    def _by_amount(self, tx: ParsedTransaction) -> Match:
        numbers = [n for n in self.by_amount.get((tx.currency, tx.amount), ()) if self.dues[n] == tx.amount]
        if not numbers:
            return Match("review", NOTHING, "no invoice number in the text and no open invoice over this amount")
        named = [n for n in numbers if names_similar(tx.counterparty_name, self.invoices[n].names)]
        suggestions = [Suggestion(n, AMOUNT_AND_NAME, "amount and name match") for n in named]
        suggestions += [Suggestion(n, AMOUNT_ONLY, "amount matches") for n in numbers if n not in named]
        if len(named) == 1:
            n = named[0]
            reason = f"no number in the text; {n} is due over this amount from a payer of this name"
            return self._decide(AMOUNT_AND_NAME, reason, (Allocation(self.invoices[n], tx.amount),),
                                tuple(suggestions[:MAX_SUGGESTIONS]))
        reason = "no invoice number in the text; open invoices over this amount are suggested"
        best = AMOUNT_AND_NAME if named else AMOUNT_ONLY
        return Match("review", best, reason, suggestions=tuple(suggestions[:MAX_SUGGESTIONS]))

    # --- the decision -------------------------------------------------------------------

    def _decide(self, confidence: Decimal, reason: str, allocations: tuple[Allocation, ...],
                suggestions: tuple[Suggestion, ...]) -> Match:
        booked = allocations and confidence >= self.threshold and confidence > AMOUNT_ONLY
        return Match("booked" if booked else "review", confidence, reason, allocations, suggestions)

    def match(self, tx: ParsedTransaction) -> Match:
        if not tx.credit:
            return Match("ignored", NOTHING, "outgoing payment")
        if tx.reversal:
            return Match("review", NOTHING, "reversal of an earlier booking (a returned payment): check by hand")
        refs = references_in(f"{tx.remittance} {tx.end_to_end_id}")
        found = self._by_number(tx, refs) if refs else None
        if found is not None:
            return found
        if any(ref.key and self._is_closed(ref) for ref in refs):
            closed = next(ref.label for ref in refs if ref.key and self._is_closed(ref))
            return Match("review", NOTHING, f"{closed} is already paid or cancelled")
        if self.invoices and tx.currency not in self.currencies:
            return Match("review", NOTHING, f"no open invoice in {tx.currency}")
        return self._by_amount(tx)

    def _is_closed(self, ref: Reference) -> bool:
        kinds = (ref.kind,) if ref.kind else (INVOICE, ORDER)
        return any((kind, ref.key) in self.closed for kind in kinds)

    def book(self, match: Match) -> None:
        for allocation in match.allocations:
            self.dues[allocation.invoice.number] -= allocation.amount
