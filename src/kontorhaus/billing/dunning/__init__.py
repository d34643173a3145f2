"""Dunning: payment reminders for overdue invoices (purchase on account) and for unpaid
prepayment orders. The policy (levels, terms) is pure; selectors plan, services issue."""
