#!/usr/bin/env python3
"""RSD LIBERO bridge server: serves LIBERO's benchmark suites and OffScreenRenderEnv to the
TypeScript client of @rsd/libero-bridge over protocol rsd-libero/1.

    python3 rsd_libero_server.py --stdio                         # spawned by createPythonEnv
    python3 rsd_libero_server.py --tcp 127.0.0.1:5555 --token T  # for tcp://host:port clients

Standard library only, plus ``libero`` (installed in the same Python environment). In stdio
mode the protocol owns the process's original stdin/stdout; everything LIBERO, robosuite or
MuJoCo print goes to stderr. In TCP mode the server binds 127.0.0.1 unless --allow-remote is
given, prints ``RSD_LIBERO_LISTENING host:port`` on stderr once it
listens (port 0 picks a free port), checks the shared token of every client's hello, and serves
each client in a forked child process of its own.
"""

import argparse
import hmac
import ipaddress
import os
import signal
import socket
import sys
import traceback

from rsd_libero_protocol import PROTOCOL_VERSION, ProtocolError, encode_frame, read_frame

REPLY_TYPES = {"hello": "hello", "list_suites": "suites", "reset": "observation", "step": "step_result", "close": "closed"}


def log(message):
    sys.stderr.write("rsd_libero_server: %s\n" % message)
    sys.stderr.flush()


def _libero_version():
    """LIBERO's version for the hello reply: LIBERO has no ``__version__``, so the installed
    distribution's metadata is read (``pip install -e .`` registers it as ``libero``)."""
    try:
        from importlib import metadata
    except ImportError:  # Python < 3.8
        metadata = None
    if metadata is not None:
        for name in ("libero", "LIBERO"):
            try:
                return metadata.version(name)
            except Exception:
                continue
    try:
        import libero

        version = getattr(libero, "__version__", None)
        return str(version) if version is not None else "unknown (no distribution metadata)"
    except Exception as error:  # only used for the hello reply
        return "unavailable (%s)" % error


def load_backend():
    """LiberoBackend(), or (None, reason) when LIBERO cannot be imported or configured (missing
    package, LIBERO's first-import config prompt, a broken install). The server keeps running
    and answers every hello with LIBERO_UNAVAILABLE and the reason: a setup fault the client
    reports once and stops on, instead of an error in every episode."""
    try:
        from rsd_libero_backend import LiberoBackend

        return LiberoBackend(), None
    except (Exception, SystemExit) as error:  # a library calling sys.exit() is a setup fault too
        log("cannot load LIBERO:\n%s" % traceback.format_exc())
        hint = ""
        if isinstance(error, EOFError):
            hint = (
                " (LIBERO asked for its config on first import and got no answer: run"
                " `python -c \"import libero.libero\"` once interactively, or set LIBERO_CONFIG_PATH"
                " to a folder holding LIBERO's config.yaml)"
            )
        elif isinstance(error, ImportError):
            hint = " (is LIBERO installed in this Python? RSD_LIBERO_PYTHON picks the interpreter)"
        return None, "the server cannot load LIBERO: %s: %s%s" % (type(error).__name__, error, hint)


class Session:
    """One client connection: handshake, then requests answered in order until close or EOF."""

    def __init__(self, reader, writer, backend, token, on_greeted=None, backend_error=None):
        self.reader, self.writer, self.backend, self.token = reader, writer, backend, token
        self.backend_error = backend_error
        self.on_greeted = on_greeted
        self.greeted = False

    def send(self, header, blobs=()):
        self.writer.write(encode_frame(header, blobs))
        self.writer.flush()

    def send_error(self, request_id, error_type, message, code=None):
        body = {"type": error_type, "message": message}
        if code is not None:
            body["code"] = code
        self.send({"type": "error", "id": request_id, "error": body})

    def run(self):
        """Serves until the client closes. Returns normally on EOF, close or a refused hello."""
        from rsd_libero_backend import ClientError

        while True:
            try:
                frame = read_frame(self.reader)
            except ProtocolError as error:
                log("protocol error, closing the connection: %s" % error)
                self.send_error(None, "ProtocolError", str(error), "PROTOCOL_ERROR")
                return
            if frame is None:
                return
            header, _blobs = frame
            request_id = header.get("id")
            kind = header.get("type")
            if not isinstance(request_id, int) or isinstance(request_id, bool) or kind not in REPLY_TYPES:
                self.send_error(None, "ProtocolError", "request needs an integer id and a known type, got %r" % header, "PROTOCOL_ERROR")
                return
            if not self.greeted and kind != "hello":
                self.send_error(request_id, "ProtocolError", "the first request must be hello", "PROTOCOL_ERROR")
                return
            try:
                if kind == "hello":
                    if not self.hello(request_id, header):
                        return
                elif kind == "list_suites":
                    self.send({"type": "suites", "id": request_id, "suites": self.backend.list_suites()})
                elif kind == "reset":
                    obs, blobs = self.backend.reset(
                        header.get("suite"),
                        header.get("task_id"),
                        header.get("init_state"),
                        header.get("seed"),
                        header.get("camera_height"),
                        header.get("camera_width"),
                    )
                    self.send({"type": "observation", "id": request_id, "obs": obs}, blobs)
                elif kind == "step":
                    result, (obs, blobs) = self.backend.step(header.get("action"))
                    self.send(dict(result, type="step_result", id=request_id, obs=obs), blobs)
                else:
                    self.send({"type": "closed", "id": request_id})
                    return
            except ClientError as error:
                self.send_error(request_id, type(error).__name__, str(error), error.code)
            except Exception as error:
                log("request %s (%s) failed:\n%s" % (request_id, kind, traceback.format_exc()))
                self.send_error(request_id, type(error).__name__, str(error))

    def hello(self, request_id, header):
        version = header.get("version")
        if version != PROTOCOL_VERSION:
            message = "protocol version mismatch: client speaks %r, this server speaks %r" % (version, PROTOCOL_VERSION)
            log(message)
            self.send_error(request_id, "ProtocolVersionMismatch", message, "PROTOCOL_VERSION_MISMATCH")
            return False
        if self.token is not None:
            given = header.get("token")
            if not isinstance(given, str) or not hmac.compare_digest(given.encode(), self.token.encode()):
                log("refused a client with a wrong or missing token")
                self.send_error(request_id, "AuthFailed", "wrong or missing token", "AUTH_FAILED")
                return False
        if self.backend is None:
            self.send_error(request_id, "LiberoUnavailable", self.backend_error or "the server has no LIBERO backend", "LIBERO_UNAVAILABLE")
            return False
        self.greeted = True
        if self.on_greeted is not None:
            self.on_greeted()
        self.send({"type": "hello", "id": request_id, "version": PROTOCOL_VERSION, "server": "rsd_libero_server", "libero": _libero_version()})
        return True


def serve_stdio(token):
    # Keep the real stdin/stdout for the protocol; give LIBERO /dev/null and stderr instead, so
    # that neither a print nor an input() prompt can touch the byte stream.
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    backend, backend_error = load_backend()
    Session(reader, writer, backend, token, backend_error=backend_error).run()
    if backend is not None:
        backend.close_env()


def serve_tcp(address, token, allow_remote, hello_timeout):
    host, _, port = address.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise SystemExit("--tcp wants HOST:PORT, got %r" % address)
    infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
    if not allow_remote and not all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos):
        raise SystemExit("refusing to listen on %s without --allow-remote (loopback only by default)" % host)
    backend, backend_error = load_backend()
    # Each client is served by a forked child with its own LIBERO environment, so clients run in
    # parallel, a crashing simulation takes down only its own client, and every renderer context
    # is created in the process that uses it. Children are reaped automatically.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    with socket.create_server((host, int(port)), family=infos[0][0]) as server:
        bound = server.getsockname()
        sys.stderr.write("RSD_LIBERO_LISTENING %s:%d\n" % (bound[0], bound[1]))
        sys.stderr.flush()
        while True:
            conn, peer = server.accept()
            pid = os.fork()
            if pid != 0:
                conn.close()
                continue
            server.close()
            status = 0
            try:
                log("client %s:%d connected (pid %d)" % (peer[0], peer[1], os.getpid()))
                # A peer that does not complete its hello in time is dropped (socket.timeout).
                conn.settimeout(hello_timeout)
                with conn, conn.makefile("rb") as reader, conn.makefile("wb") as writer:
                    Session(reader, writer, backend, token, lambda: conn.settimeout(None), backend_error).run()
                if backend is not None:
                    backend.close_env()
                log("client %s:%d gone" % (peer[0], peer[1]))
            except BaseException:
                log("client %s:%d: %s" % (peer[0], peer[1], traceback.format_exc()))
                status = 1
            finally:
                sys.stderr.flush()
                os._exit(status)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--stdio", action="store_true", help="speak the protocol on stdin/stdout")
    mode.add_argument("--tcp", metavar="HOST:PORT", help="listen on HOST:PORT (port 0 picks one)")
    parser.add_argument("--token", help="shared token every client must send (default: $RSD_LIBERO_TOKEN)")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --tcp address")
    parser.add_argument("--hello-timeout", type=float, default=30.0, metavar="S", help="TCP: drop a client that sends no valid hello within S seconds (default 30)")
    args = parser.parse_args(argv)
    token = args.token if args.token is not None else os.environ.get("RSD_LIBERO_TOKEN")
    if args.stdio:
        serve_stdio(token)
    else:
        serve_tcp(args.tcp, token, args.allow_remote, args.hello_timeout)


if __name__ == "__main__":
    main()
