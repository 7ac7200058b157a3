"""Whether a TCP port can be listened on, checked before any server starts, so that a port
already in use is one line naming the option to change (not a server's traceback)."""

from __future__ import annotations

import errno
import socket

from adapter.cli.failures import BadInput, Unavailable

__all__ = ["ensure_free"]


def ensure_free(host: str, port: int, option: str) -> None:
    """Raise :class:`Unavailable` naming ``option`` when ``host:port`` cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise BadInput(f"--host {host}: not an address of this machine ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the servers themselves do: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Unavailable(
                    f"{option} {port}: port {port} on {host} is already in use (another "
                    f"adapter or program); stop it or choose another with {option}"
                ) from None
            if exc.errno == errno.EACCES:
                raise Unavailable(
                    f"{option} {port}: not allowed to listen on port {port} (ports below 1024 "
                    f"need privileges); choose another with {option}"
                ) from None
            raise
