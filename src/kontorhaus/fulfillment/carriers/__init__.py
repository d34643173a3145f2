"""Carrier adapters: booking parcels, cancelling them and fetching their tracking events.

An adapter speaks one carrier's API and nothing else: it gets plain values (a CarrierConfig and
a BookingRequest), returns plain values (BookingResult, TrackingEvent) and raises CarrierError.
It never touches the database; the services record what it answered."""
