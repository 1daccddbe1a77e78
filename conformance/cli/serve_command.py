"""``cf-conformance serve``: the embedded reference API in the foreground, until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from conformance.exit_codes import ExitCode
from conformance.reference import (
    DEFAULT_ENV_NAMES,
    FAULTS,
    LOOPBACK_HOSTS,
    ReferenceServer,
    env_values,
    write_env_file,
    write_target_file,
)
from conformance.reference.worker import DEFAULT_APPLY_DELAY

__all__ = ["register", "run_serve"]


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the embedded reference API on 127.0.0.1",
        description=(
            "Run the embedded reference API in the foreground until Ctrl-C. Credentials are "
            "generated at each start; --write-env is the only place their values go."
        ),
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="loopback address: 127.0.0.1, localhost or ::1"
    )
    serve.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    serve.add_argument(
        "--write-target", type=Path, metavar="FILE", help="write a target file for this server"
    )
    serve.add_argument(
        "--write-env",
        type=Path,
        metavar="FILE",
        help="write the credentials as NAME=value lines (mode 0600)",
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a fault (repeatable; see --list-faults)",
    )
    serve.add_argument(
        "--max-items", type=int, default=100, metavar="N", help="batch cap (default: 100)"
    )
    serve.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        metavar="N",
        help="answer N ms after each request came in, as a distant server would (default: 0)",
    )
    serve.add_argument(
        "--apply-delay-ms",
        type=int,
        default=round(DEFAULT_APPLY_DELAY * 1000),
        metavar="N",
        help=(
            "apply each accepted update N ms after its answer, as an asynchronous worker does "
            f"(default: {round(DEFAULT_APPLY_DELAY * 1000)})"
        ),
    )
    serve.add_argument("--list-faults", action="store_true", help="list the faults and exit")
    serve.set_defaults(handler=run_serve)


def _list_faults() -> int:
    width = max(len(name) for name in FAULTS)
    for fault in FAULTS.values():
        print(f"{fault.name:<{width}}  {fault.clause:<5} {fault.description}")
    return ExitCode.OK


@contextlib.contextmanager
def _stop_requested() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM; installed before the banner, so none is missed."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_serve(args: argparse.Namespace) -> int:
    if args.list_faults:
        return _list_faults()
    if args.host not in LOOPBACK_HOSTS:
        allowed = ", ".join(LOOPBACK_HOSTS)
        print(
            f"serve: --host {args.host!r} refused: use a loopback address ({allowed})",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    if not 0 <= args.port <= 65535:
        print(f"serve: --port {args.port} is not a port number (0-65535)", file=sys.stderr)
        return ExitCode.USAGE
    if args.max_items < 1:
        print(f"serve: --max-items {args.max_items} must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    if args.latency_ms < 0:
        print(f"serve: --latency-ms {args.latency_ms} must be at least 0", file=sys.stderr)
        return ExitCode.USAGE
    if args.apply_delay_ms < 0:
        print(f"serve: --apply-delay-ms {args.apply_delay_ms} must be at least 0", file=sys.stderr)
        return ExitCode.USAGE
    with _stop_requested() as stop:
        try:
            server = ReferenceServer(
                host=args.host,
                port=args.port,
                faults=args.fault,
                max_items=args.max_items,
                latency_ms=args.latency_ms,
                apply_delay=args.apply_delay_ms / 1000,
            ).start()
        except ValueError as exc:  # an unknown fault name: the message lists the valid ones
            print(f"serve: --fault: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        except OSError as exc:
            where = f"{args.host}:{args.port}"
            print(f"serve: cannot listen on {where}: {exc.strerror or exc}", file=sys.stderr)
            return ExitCode.USAGE
        try:
            _announce(server, args)
        except OSError as exc:
            print(f"serve: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
            return ExitCode.USAGE
        else:
            while not stop.wait(0.5):
                pass
        finally:
            server.stop()
    print("reference API stopped", flush=True)
    return ExitCode.OK


def _announce(server: ReferenceServer, args: argparse.Namespace) -> None:
    """Where the server listens and what it runs with; names of secrets, never values."""
    print(f"reference API listening on {server.base_url}")
    print(f"faults: {', '.join(server.faults) if server.faults else 'none (conforming)'}")
    if server.latency_ms:
        print(f"latency: every answer leaves {server.latency_ms} ms after its request came in")
    if server.apply_delay != DEFAULT_APPLY_DELAY:
        print(f"updates: applied {server.apply_delay * 1000:g} ms after their answer")
    if args.write_target:
        print(f"target file: {write_target_file(args.write_target, server)}")
    if args.write_env:
        names = ", ".join(env_values(server, DEFAULT_ENV_NAMES))
        print(f"env file: {write_env_file(args.write_env, server)} ({names})")
    else:
        print("credentials: generated, not shown (pass --write-env FILE to use them)")
    print("press Ctrl-C to stop", flush=True)
