#!/usr/bin/env python3
"""RSD LIBERO bridge server: serves LIBERO's benchmark suites and OffScreenRenderEnv to the
TypeScript client of @rsd/libero-bridge over protocol rsd-libero/1 (and 1.1: features).

    python3 rsd_libero_server.py --stdio                         # spawned by createPythonEnv
    python3 rsd_libero_server.py --tcp 127.0.0.1:5555 --token T  # for tcp://host:port clients
    python3 rsd_libero_server.py --tcp 127.0.0.1:5555 --features openvla_features.py \
        --features-config '{"checkpoint": "..."}'                # a VLA's features in every observation

With ``--features <module.py>`` (see rsd_libero_features.py for the module's contract) a client
that says ``rsd-libero/1.1`` and ``features: true`` in its hello receives the module's float32
[F] output as blob ``features`` (and ``features_ms``, the time spent computing it) with every
observation, and may send ``features_batch`` requests (demo replay).

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

from rsd_libero_features import FeatureProvider, FeaturesError, parse_config, proprio_of
from rsd_libero_protocol import (
    PROTOCOL_VERSION,
    PROTOCOL_VERSION_FEATURES,
    SUPPORTED_VERSIONS,
    ProtocolError,
    encode_frame,
    read_frame,
)

REPLY_TYPES = {
    "hello": "hello",
    "list_suites": "suites",
    "reset": "observation",
    "step": "step_result",
    "features_batch": "features",
    "close": "closed",
}


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

    def __init__(self, reader, writer, backend, token, on_greeted=None, backend_error=None, features=None):
        self.reader, self.writer, self.backend, self.token = reader, writer, backend, token
        self.backend_error = backend_error
        self.on_greeted = on_greeted
        self.greeted = False
        # features: (FeatureProvider or None, error text or None) from --features
        self.provider, self.features_error = features if features is not None else (None, None)
        self.features_on = False
        self.version = PROTOCOL_VERSION

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
            header, request_blobs = frame
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
                    if self.backend is None:
                        raise ClientError("LIBERO_UNAVAILABLE", self.backend_error or "the server has no LIBERO backend")
                    obs, blobs = self.backend.reset(
                        header.get("suite"),
                        header.get("task_id"),
                        header.get("init_state"),
                        header.get("seed"),
                        header.get("camera_height"),
                        header.get("camera_width"),
                    )
                    extra, blobs = self.with_features(obs, blobs)
                    self.send(dict(extra, type="observation", id=request_id, obs=obs), blobs)
                elif kind == "step":
                    if self.backend is None:
                        raise ClientError("LIBERO_UNAVAILABLE", self.backend_error or "the server has no LIBERO backend")
                    result, (obs, blobs) = self.backend.step(header.get("action"))
                    # a 1.1 client says features: false for steps whose observation it will not use
                    extra, blobs = ({}, blobs) if header.get("features") is False else self.with_features(obs, blobs)
                    self.send(dict(result, type="step_result", id=request_id, obs=obs, **extra), blobs)
                elif kind == "features_batch":
                    self.features_batch(request_id, header, request_blobs)
                else:
                    self.send({"type": "closed", "id": request_id})
                    return
            except ClientError as error:
                self.send_error(request_id, type(error).__name__, str(error), error.code)
            except FeaturesError as error:
                log("request %s (%s): features failed: %s" % (request_id, kind, error))
                self.send_error(request_id, "FeaturesError", str(error), "FEATURES_FAILED")
            except Exception as error:
                log("request %s (%s) failed:\n%s" % (request_id, kind, traceback.format_exc()))
                self.send_error(request_id, type(error).__name__, str(error))

    def with_features(self, obs, blobs):
        """(extra header fields, blobs) of an observation: with the module's features when on."""
        if not self.features_on:
            return {}, blobs
        by_name = {b[0]: b for b in blobs}
        agent = by_name.get("agentview_rgb")
        if agent is None:
            raise FeaturesError("the observation has no agentview_rgb image to compute features from")
        wrist = by_name.get("eye_in_hand_rgb")
        episode = self.backend.episode or {}
        instruction = episode.get("instruction", "")
        data, count, ms = self.provider.compute(
            agent[3],
            agent[2][0],
            agent[2][1],
            None if wrist is None else (wrist[3], wrist[2][0], wrist[2][1]),
            proprio_of(obs),
            instruction,
        )
        return {"features_ms": ms}, list(blobs) + [("features", "float32", [count], data)]

    def features_batch(self, request_id, header, blobs):
        """Features of N observations sent by the client (demo replay): blobs agentview_rgb uint8
        [N, H, W, 3], optional eye_in_hand_rgb uint8 [N, h, w, 3], proprio float32 [N, 9];
        header ``instruction`` (one str for all, or a list of N). Reply: blob features [N, F]."""
        from rsd_libero_backend import ClientError

        if not self.features_on:
            raise ClientError("FEATURES_UNAVAILABLE", "features_batch needs a hello with version %s and features: true" % PROTOCOL_VERSION_FEATURES)
        agent = blobs.get("agentview_rgb")
        proprio = blobs.get("proprio")
        if agent is None or agent[0] != "uint8" or len(agent[1]) != 4 or agent[1][3] != 3:
            raise ClientError("PROTOCOL_ERROR", "features_batch needs blob agentview_rgb uint8 [N, H, W, 3]")
        n, h, w = agent[1][0], agent[1][1], agent[1][2]
        if proprio is None or proprio[0] != "float32" or proprio[1] != [n, 9]:
            raise ClientError("PROTOCOL_ERROR", "features_batch needs blob proprio float32 [%d, 9]" % n)
        wrist = blobs.get("eye_in_hand_rgb")
        if wrist is not None and (wrist[0] != "uint8" or len(wrist[1]) != 4 or wrist[1][0] != n or wrist[1][3] != 3):
            raise ClientError("PROTOCOL_ERROR", "blob eye_in_hand_rgb must be uint8 [%d, h, w, 3]" % n)
        instruction = header.get("instruction")
        instructions = instruction if isinstance(instruction, list) else [instruction] * n
        if len(instructions) != n or not all(isinstance(i, str) for i in instructions):
            raise ClientError("PROTOCOL_ERROR", "features_batch needs instruction: a string or a list of %d strings" % n)
        import struct

        values = struct.unpack("<%df" % (n * 9), proprio[2])
        out = []
        total_ms = 0.0
        size = h * w * 3
        for i in range(n):
            wrist_i = None
            if wrist is not None:
                ws = wrist[1][1] * wrist[1][2] * 3
                wrist_i = (wrist[2][i * ws : (i + 1) * ws], wrist[1][1], wrist[1][2])
            data, count, ms = self.provider.compute(agent[2][i * size : (i + 1) * size], h, w, wrist_i, values[i * 9 : (i + 1) * 9], instructions[i])
            out.append(data)
            total_ms += ms
        count = self.provider.F or 0
        self.send({"type": "features", "id": request_id, "features_ms": total_ms}, [("features", "float32", [n, count], b"".join(out))])

    def hello(self, request_id, header):
        version = header.get("version")
        if version not in SUPPORTED_VERSIONS:
            message = "protocol version mismatch: client speaks %r, this server speaks %s" % (version, " and ".join(repr(v) for v in SUPPORTED_VERSIONS))
            log(message)
            self.send_error(request_id, "ProtocolVersionMismatch", message, "PROTOCOL_VERSION_MISMATCH")
            return False
        want_features = version == PROTOCOL_VERSION_FEATURES and header.get("features") is True
        # a 1.1 client that only replays demos through the module (env: false) needs no LIBERO
        need_env = not (version == PROTOCOL_VERSION_FEATURES and header.get("env") is False)
        if self.token is not None:
            given = header.get("token")
            if not isinstance(given, str) or not hmac.compare_digest(given.encode(), self.token.encode()):
                log("refused a client with a wrong or missing token")
                self.send_error(request_id, "AuthFailed", "wrong or missing token", "AUTH_FAILED")
                return False
        if self.backend is None and need_env:
            self.send_error(request_id, "LiberoUnavailable", self.backend_error or "the server has no LIBERO backend", "LIBERO_UNAVAILABLE")
            return False
        if want_features:
            reason = None
            if self.provider is None:
                reason = self.features_error or "this server was started without --features <module.py>"
            else:
                try:
                    self.provider.ensure_setup()
                except FeaturesError as error:
                    reason = str(error)
            if reason is not None:
                log("refused a client that asks for features: %s" % reason)
                self.send_error(request_id, "FeaturesUnavailable", reason, "FEATURES_UNAVAILABLE")
                return False
        self.features_on = want_features
        self.version = version
        self.greeted = True
        if self.on_greeted is not None:
            self.on_greeted()
        reply = {"type": "hello", "id": request_id, "version": version, "server": "rsd_libero_server", "libero": _libero_version()}
        if want_features:
            reply["features"] = {"module": self.provider.name}
        self.send(reply)
        return True


def load_features(path, config_text):
    """(FeatureProvider or None, error text or None) for --features / --features-config. A module
    that cannot be loaded does not stop the server: every hello asking for features is refused
    with the reason (FEATURES_UNAVAILABLE), a setup fault the client reports once."""
    if path is None:
        if config_text is not None:
            raise SystemExit("--features-config needs --features <module.py>")
        return None, None
    try:
        provider = FeatureProvider(path, parse_config(config_text))
        log("features: %s loaded (setup runs when the first client asks for features)" % provider.path)
        return provider, None
    except FeaturesError as error:
        log("cannot load the features module: %s" % error)
        return None, str(error)


def serve_stdio(token, features=None):
    # Keep the real stdin/stdout for the protocol; give LIBERO /dev/null and stderr instead, so
    # that neither a print nor an input() prompt can touch the byte stream.
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    backend, backend_error = load_backend()
    Session(reader, writer, backend, token, backend_error=backend_error, features=features).run()
    if backend is not None:
        backend.close_env()


def serve_tcp(address, token, allow_remote, hello_timeout, features=None):
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
                    Session(reader, writer, backend, token, lambda: conn.settimeout(None), backend_error, features).run()
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
    parser.add_argument("--features", metavar="MODULE.py", help="a feature module (features(agentview, wrist, proprio, instruction) -> float32 [F]; optional setup(config)) run on every observation of clients that ask for features")
    parser.add_argument("--features-config", metavar="JSON", help="config handed to the module's setup(): a JSON file or inline JSON")
    args = parser.parse_args(argv)
    token = args.token if args.token is not None else os.environ.get("RSD_LIBERO_TOKEN")
    features = load_features(args.features, args.features_config)
    if args.stdio:
        serve_stdio(token, features)
    else:
        serve_tcp(args.tcp, token, args.allow_remote, args.hello_timeout, features)


if __name__ == "__main__":
    main()
