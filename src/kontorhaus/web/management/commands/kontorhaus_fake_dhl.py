"""`kontorhaus fake-dhl --port 8765`: the local DHL stand-in (fulfillment/carriers/fake_dhl.py)
for trying booking and tracking without a DHL contract. Booked parcels move on their own every
--progress seconds (in transit, out for delivery, delivered). With --account CODE the carrier
account CODE is set up to book through the fake (for the shipping methods in --methods), so a
demo needs nothing else. Credentials: see docs/shipping.md."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError
from kontorhaus.fulfillment.carriers.fake_dhl import RETURNS, SHIPPING, TOKEN, TRACKING, FakeDhlServer, FakeDhlState
from kontorhaus.fulfillment.services_carriers import CarrierAccountData, carrier_account_set


class Command(BaseCommand):
    help = "Run the local fake DHL server (Parcel DE Shipping v2, returns, tracking)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--progress", type=float, default=60.0,
                            help="seconds between a booked parcel's tracking steps (0: never)")
        parser.add_argument("--account", metavar="CODE", help="set up this carrier account to use the fake")
        parser.add_argument("--methods", default="dhl-paket,dhl", help="its shipping methods (comma-separated)")

    def handle(self, *args, **options) -> None:
        state = FakeDhlState(auto_progress_seconds=options["progress"])
        server = FakeDhlServer(host=options["host"], port=options["port"], state=state).start()
        if options["account"]:
            self._account(options["account"], options["methods"], server.url, state)
        self.stdout.write(f"fake DHL on {server.url} (API key {state.api_key}, user {state.username}); Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()

    def _account(self, code: str, methods: str, url: str, state: FakeDhlState) -> None:
        data = CarrierAccountData(
            name="DHL (fake)", kind="dhl_parcel_de", tracking_carrier="dhl",
            shipping_methods=tuple(m for m in methods.split(",") if m.strip()),
            api_base_url=url + SHIPPING, auth_url=url + TOKEN, tracking_base_url=url + TRACKING.rsplit("/", 1)[0],
            returns_base_url=url + RETURNS, billing_number="33333333330102", product="V01PAK",
            return_billing_number="33333333330701", return_receiver_id="deu", returns_enabled=True)
        secrets = {"api_key": state.api_key, "api_secret": state.api_secret, "username": state.username,
                   "password": state.password, "tracking_api_key": state.api_key}
        try:
            carrier_account_set(code=code, data=data, credentials=secrets, actor=Actor("cli", "kontorhaus_fake_dhl"))
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"carrier account {code} books {methods} through the fake")
