"""The two gunicorn servers the harness starts (the app and the raw floor), and their workers' memory.

Each server runs in its own process group on a free port on 127.0.0.1 and is stopped on exit,
whatever happens (SIGTERM to the master, then SIGKILL to the group). Worker pids are the master's
children; their memory is read from /proc (VmRSS, and VmHWM after resetting it through clear_refs).
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


class ServerError(Exception):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def proc_status(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])  # kB
    except OSError:
        pass
    return values


def reset_peak(pid):
    """Reset the process's peak RSS (VmHWM) to its current RSS; False where the kernel refuses."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


class Server:
    """A gunicorn master and its workers, in their own process group; stopped on exit, whatever happens."""

    def __init__(self, name, target, env, *, workers, threads, timeout, ready_path, workdir):
        self.name, self.target, self.env = name, target, env
        self.workers, self.threads, self.timeout = workers, threads, timeout
        self.ready_path = ready_path
        self.port = None
        self.process = None
        self.log_path = Path(workdir) / f"{name}.log"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def command(self):
        return [
            sys.executable,
            "-m",
            "gunicorn",
            self.target,
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            str(int(self.timeout) + 60),
            "--graceful-timeout",
            "5",
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
            "--no-control-socket",
            "--chdir",
            str(ROOT),
        ]

    def start(self):
        self.port = free_port()
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"The {self.name} server exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
                conn.request("GET", self.ready_path, headers={"Accept": "application/json"})
                status = conn.getresponse().status
                conn.close()
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    print(f"{self.name} server: http://{HOST}:{self.port}/ (pid {self.process.pid})", flush=True)
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise ServerError(f"The {self.name} server did not answer within 90 s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self):
        if self.process is None:
            return []
        master = self.process.pid
        try:
            with open(f"/proc/{master}/task/{master}/children", encoding="ascii") as children:
                return [int(pid) for pid in children.read().split()]
        except OSError:
            pids = []
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                            fields = stat.read().rsplit(")", 1)[1].split()
                        if int(fields[1]) == master:
                            pids.append(int(entry))
                    except (OSError, IndexError, ValueError):
                        continue
            return pids

    def stop(self):
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own group: start_new_session
            process.wait(timeout=10)
        # Workers left behind by a killed master are in the same group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
