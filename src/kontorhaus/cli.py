"""The `kontorhaus` command: serve, worker, migrate, demo, createuser, token, import, dunning, refunds.

It sets up Django and mostly delegates to management commands, so everything it does is also
available through `python -m django <command>`. Errors end with a message on stderr and a
non-zero exit code; `kontorhaus --help` works without a database.
"""

import argparse
import contextlib
import getpass
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.config import KNOWN_SETTINGS as GUNICORN_SETTINGS

SETTINGS_MODULE = "kontorhaus.config.settings"
STOP_TIMEOUT_SECONDS = 20
EXIT_USAGE = 2


class CliError(Exception):
    """A failure the user can fix; printed without a traceback."""

    def __init__(self, message: str, *, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


# --- parser ---------------------------------------------------------------------------------


def _default_workers() -> int:
    # gthread workers: one per core plus one, capped; threads cover waiting on the database.
    return min((os.cpu_count() or 1) + 1, 8)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kontorhaus",
        description="Kontorhaus: the order-processing back office.",
        epilog="Configuration comes from the environment: DATABASE_URL, EMAIL_URL, SECRET_KEY, "
        "KONTORHAUS_VAR (data directory, default ./var).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", help="run the web server (gunicorn) and the task worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=_default_workers(),
                       help="gunicorn worker processes (default: %(default)s)")
    serve.add_argument("--threads", type=int, default=4, help="threads per worker (default: %(default)s)")
    serve.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    serve.add_argument("--worker-nice", type=int, default=10,
                       help="CPU priority of the task worker below the web server (default: %(default)s)")

    worker = sub.add_parser("worker", help="run the task worker (e-mail, documents, webhooks)")
    worker.add_argument("--interval", help="seconds between polls of the task queue")
    worker.add_argument("--batch", action="store_true", help="run every task that is ready, then exit")
    worker.add_argument("--nice", type=int, default=0,
                        help="lower the worker's CPU priority by this much (0-19; default: %(default)s)")

    sub.add_parser("migrate", help="create or update the database tables")

    demo = sub.add_parser("demo", help="load demo data (articles, customers, orders, user demo/demo)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if there are orders already")
    demo.add_argument("--orders", type=int)
    demo.add_argument("--customers", type=int)

    createuser = sub.add_parser("createuser", help="create a back-office user")
    createuser.add_argument("username")
    createuser.add_argument("--password", help="default: asked for on the terminal")
    createuser.add_argument("--superuser", action="store_true", help="may use the Django admin")

    token = sub.add_parser("token", help="API bearer tokens")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    token_create = token_sub.add_parser("create", help="create a token and print it (shown only once)")
    token_create.add_argument("--name", required=True)
    token_sub.add_parser("list", help="list tokens")
    token_revoke = token_sub.add_parser("revoke", help="revoke a token")
    token_revoke.add_argument("--name", required=True)

    imports = sub.add_parser("import", help="import data files (bank statements)")
    import_sub = imports.add_subparsers(dest="import_command", metavar="KIND", required=True)
    bank = import_sub.add_parser("bank", help="a camt.053 or MT940 bank statement: book payments, park the rest")
    bank.add_argument("file")
    bank.add_argument("--dry-run", action="store_true", help="match and report, store nothing")

    _add_dunning(sub)
    _add_refunds(sub)
    _add_invoicing(sub)
    _add_warehouse(sub)
    return parser


# Warehouse commands take their arguments as their management commands define them (their
# --help is that command's): `kontorhaus stock count --warehouse MAIN --file counts.csv`.
PASS_THROUGH = {
    "stock": ("kontorhaus_stock", "stock: export-csv, count, low, ledger (see `kontorhaus stock --help`)"),
    "warehouse": ("kontorhaus_warehouse", "warehouses and bins: list, create, bins, bin-create"),
    "reorder": ("kontorhaus_reorder", "the reorder proposals per supplier; --create makes draft purchase orders"),
    "receive": ("kontorhaus_receive", "goods receipt: PO_NUMBER SKU=QTY[@BIN] ... [--receipt-id ID]"),
    "pick-run": ("kontorhaus_pick_run", "create a pick run from released orders"),
    "ship": ("kontorhaus_ship", "book SHIPMENT... [--labels FILE]; import-tracking FILE.csv"),
    "tracking": ("kontorhaus_tracking", "refresh: fetch tracking events from the carriers"),
    "fake-dhl": ("kontorhaus_fake_dhl", "run the local fake DHL server for trying booking (--port 8765)"),
    "returns": ("kontorhaus_returns", "returns: list, receive CODE, deadlines (refund deadlines of withdrawals)"),
}


def _add_warehouse(sub: argparse._SubParsersAction) -> None:
    for name, (_, text) in PASS_THROUGH.items():
        command = sub.add_parser(name, help=text, add_help=False)
        command.add_argument("arguments", nargs=argparse.REMAINDER)


def _add_invoicing(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="accounting exports")
    export_sub = export.add_subparsers(dest="export_command", metavar="KIND", required=True)
    datev = export_sub.add_parser("datev", help="DATEV Buchungsstapel (EXTF 700) of the invoices and credit notes")
    datev.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
    datev.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
    datev.add_argument("--chart", choices=["skr03", "skr04"], help="chart of accounts (default: settings)")
    datev.add_argument("--out", help="file to write (default: EXTF_Buchungsstapel_<from>_<to>.csv)")
    quotes = sub.add_parser("quotes", help="quotes: mark those past their validity date expired")
    quotes.add_argument("quotes_command", choices=["expire"], metavar="expire")
    rates = sub.add_parser("vat-rates", help="the EU VAT rate table (OSS destination rates)")
    rates_sub = rates.add_subparsers(dest="vat_rates_command", metavar="ACTION", required=True)
    rates_import = rates_sub.add_parser("import", help="replace the rate table with a JSON file")
    rates_import.add_argument("file")
    rates_show = rates_sub.add_parser("show", help="print the rates in force")
    rates_show.add_argument("--country", help="one country (ISO code)")


def _add_dunning(sub: argparse._SubParsersAction) -> None:
    dunning = sub.add_parser("dunning", help="payment reminders for overdue invoices and unpaid prepayment orders")
    dunning_sub = dunning.add_subparsers(dest="dunning_command", metavar="ACTION", required=True)
    dunning_run = dunning_sub.add_parser("run", help="send the reminders that are due (and cancel unpaid orders)")
    dunning_run.add_argument("--dry-run", action="store_true", help="show what would be sent; send nothing")
    dunning_run.add_argument("--date", help="the run's date, YYYY-MM-DD (default: today)")


def _add_refunds(sub: argparse._SubParsersAction) -> None:
    refunds = sub.add_parser("refunds", help="refunds: the SEPA credit transfer file of the bank refunds")
    refunds_sub = refunds.add_subparsers(dest="refunds_command", metavar="ACTION", required=True)
    sepa_export = refunds_sub.add_parser("sepa-export", help="write the pain.001 file of all requested bank refunds")
    sepa_export.add_argument("--out", help="file to write (default: stdout)")


# --- commands -------------------------------------------------------------------------------


def _run_worker(args: argparse.Namespace) -> int:
    if not 0 <= args.nice <= 19:
        raise CliError("--nice must be between 0 and 19", exit_code=EXIT_USAGE)
    if args.nice:
        # Background work yields the CPU to requests: under a burst of orders the e-mails and
        # PDFs wait a few seconds instead of slowing every checkout down.
        os.nice(args.nice)
    argv = []
    if args.interval is not None:
        argv += ["--interval", str(args.interval)]
    if args.batch:
        argv.append("--batch")
    call_command("kontorhaus_worker", *argv)
    return 0


def _run_migrate(args: argparse.Namespace) -> int:
    call_command("migrate", interactive=False)
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    argv = ["--if-empty"] if args.if_empty else []
    if args.orders is not None:
        argv += ["--orders", str(args.orders)]
    if args.customers is not None:
        argv += ["--customers", str(args.customers)]
    call_command("kontorhaus_demo", *argv)
    return 0


def _ask_password() -> str:
    if not sys.stdin.isatty():
        raise CliError("no password given: use --password (stdin is not a terminal)", exit_code=EXIT_USAGE)
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise CliError("the passwords do not match", exit_code=EXIT_USAGE)
    return password


def _run_createuser(args: argparse.Namespace) -> int:
    if get_user_model().objects.filter(username=args.username).exists():
        raise CliError(f"a user named {args.username!r} already exists")
    password = args.password if args.password is not None else _ask_password()
    argv = [args.username, "--password", password, *(["--superuser"] if args.superuser else [])]
    call_command("kontorhaus_createuser", *argv)
    return 0


def _run_token(args: argparse.Namespace) -> int:
    argv = [args.token_command]
    if getattr(args, "name", None) is not None:
        argv += ["--name", args.name]
    call_command("kontorhaus_token", *argv)
    return 0


def _run_import(args: argparse.Namespace) -> int:
    call_command("kontorhaus_import_bank", args.file, *(["--dry-run"] if args.dry_run else []))
    return 0


def _run_dunning(args: argparse.Namespace) -> int:
    argv = [args.dunning_command, *(["--dry-run"] if args.dry_run else [])]
    if args.date is not None:
        argv += ["--date", args.date]
    call_command("kontorhaus_dunning", *argv)
    return 0


def _run_refunds(args: argparse.Namespace) -> int:
    call_command("kontorhaus_refunds", args.refunds_command, *(["--out", args.out] if args.out else []))
    return 0


def _run_export(args: argparse.Namespace) -> int:
    argv = ["--from", args.date_from, "--to", args.date_to]
    argv += ["--chart", args.chart] if args.chart else []
    argv += ["--out", args.out] if args.out else []
    call_command("kontorhaus_export_datev", *argv)
    return 0


def _run_pass_through(args: argparse.Namespace) -> int:
    name = PASS_THROUGH[args.command][0]
    if {"-h", "--help"} & set(args.arguments):
        ManagementUtility(["kontorhaus", name]).fetch_command(name).print_help(f"kontorhaus {args.command}", "")
        return 0
    call_command(name, *args.arguments)
    return 0


def _run_quotes(args: argparse.Namespace) -> int:
    call_command("kontorhaus_quotes", args.quotes_command)
    return 0


def _run_vat_rates(args: argparse.Namespace) -> int:
    argv = [args.vat_rates_command]
    argv += [args.file] if args.vat_rates_command == "import" else []
    argv += ["--country", args.country] if getattr(args, "country", None) else []
    call_command("kontorhaus_vat_rates", *argv)
    return 0


# --- serve ----------------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    env["KONTORHAUS_VAR"] = str(settings.VAR_DIR)  # children agree on the data directory
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _check_database() -> None:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise CliError(f"cannot use the database: {exc}")
    if pending:
        print(f"Warning: {len(pending)} database migration(s) not applied; run `kontorhaus migrate`.",
              file=sys.stderr)


def _prepare_static() -> None:
    """whitenoise serves STATIC_ROOT; collectstatic copies only what changed, so this is quick."""
    call_command("collectstatic", interactive=False, verbosity=0)


def _gunicorn_command(args: argparse.Namespace) -> list[str]:
    # gunicorn 24+ opens a control socket in ~/.gunicorn by default; one server per box would win it.
    has_control_socket = any(s.name == "control_socket_disable" for s in GUNICORN_SETTINGS)
    extra = ["--no-control-socket"] if has_control_socket else []
    return [
        sys.executable, "-m", "gunicorn", "kontorhaus.config.wsgi:application",
        "--bind", f"{args.host}:{args.port}",
        "--worker-class", "gthread",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--timeout", "60",
        "--graceful-timeout", str(STOP_TIMEOUT_SECONDS - 5),
        "--error-logfile", "-",
        *extra,
    ]


def _demo_user_exists() -> bool:
    try:
        return get_user_model().objects.filter(username="demo").exists()
    except DatabaseError:
        return False


class _Supervisor:
    """Runs child processes; stops all of them when one exits or on SIGTERM/SIGINT."""

    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_signal: int | None = None

    def start(self, name: str, argv: list[str]) -> None:
        # Own process group: Ctrl-C reaches only us, and we stop the children gracefully.
        self.children[name] = subprocess.Popen(argv, env=_child_env(), process_group=0)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signal = signum

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        failed: tuple[str, int] | None = None
        while self.stop_signal is None and failed is None:
            for name, proc in self.children.items():
                code = proc.poll()
                if code is not None:
                    failed = (name, code)
                    break
            time.sleep(0.2)
        self.stop_all()
        if failed:
            name, code = failed
            how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
            print(f"kontorhaus: the {name} {how}; stopped the rest.", file=sys.stderr)
            return 128 - code if code < 0 else (code or 1)
        return 0

    def stop_all(self) -> None:
        for proc in self.children.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for proc in self.children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _run_serve(args: argparse.Namespace) -> int:
    if args.workers < 1 or args.threads < 1:
        raise CliError("--workers and --threads must be at least 1", exit_code=EXIT_USAGE)
    _check_database()
    _prepare_static()
    supervisor = _Supervisor()
    supervisor.start("web server", _gunicorn_command(args))
    if not args.no_worker:
        supervisor.start("task worker",
                         [sys.executable, "-m", "kontorhaus.cli", "worker", "--nice", str(args.worker_nice)])
    print(f"Kontorhaus is running at http://{args.host}:{args.port}/  (Ctrl-C stops it)", flush=True)
    if _demo_user_exists():
        print("Login: demo / demo", flush=True)
    return supervisor.run()


COMMANDS = {
    "serve": _run_serve,
    "worker": _run_worker,
    "migrate": _run_migrate,
    "demo": _run_demo,
    "createuser": _run_createuser,
    "token": _run_token,
    "import": _run_import,
    "dunning": _run_dunning,
    "refunds": _run_refunds,
    "export": _run_export,
    "vat-rates": _run_vat_rates,
    "quotes": _run_quotes,
    **dict.fromkeys(PASS_THROUGH, _run_pass_through),
}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PASS_THROUGH:
        # argparse would keep a leading option (`stock --help`) for itself: hand over as is.
        args = argparse.Namespace(command=argv[0], arguments=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        _setup_django()
        return COMMANDS[args.command](args)
    except CliError as exc:
        print(f"kontorhaus: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except CommandError as exc:
        print(f"kontorhaus: error: {exc}", file=sys.stderr)
        return exc.returncode or 1
    except DatabaseError as exc:
        print(f"kontorhaus: database error: {exc}\n(is the database up, and did `kontorhaus migrate` run?)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
