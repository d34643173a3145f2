"""Payment service providers: each module verifies its provider's webhook signature over the
raw body and reads the event into a `flows.psp_payment.PspPayment`."""
