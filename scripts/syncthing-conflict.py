#!/usr/bin/env python3
"""Two real Syncthing instances on 127.0.0.1 share one lockstep data directory, make a real
conflict, and lockstep merges it.

What it does, offline (no discovery, relays or NAT; only loopback):
 1. "laptop" tracks an account (`lockstep check totp-2fa`); Syncthing carries the log to
    "desktop", which rebuilds its state from the log alone (the README's .stignore keeps the
    per-machine files out of sync).
 2. Both instances pause the other device; each machine makes a change of its own (laptop:
    `check passkeys`, desktop: `check lock-switch`); then they resume. Syncthing sees one file
    changed on both sides and keeps the losing side as history.sync-conflict-DATE-TIME-DEVICE.jsonl.
 3. `lockstep status` on each machine merges the conflict copy, sets it aside in conflicts/, and
    both machines then show both changes, each once.

Usage: scripts/syncthing-conflict.py [LOCKSTEP_BINARY]   (default: target/release/lockstep, then
target/debug/lockstep). Needs `syncthing` (Debian package `syncthing`). Exit 0 when every check
holds; prints what it saw. `tests/syncthing.rs` runs it when syncthing is installed.
"""

import json
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

STIGNORE = """lock
due-index.json
state.json
state.json.bak
machine.json
notified.json
ics-path
ics-sequence.json
reminders-offer
.lockstep.tmp.*
conflicts
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


class Node:
    def __init__(self, root, name, syncthing):
        self.name = name
        self.home = os.path.join(root, f"st-{name}")
        self.data = os.path.join(root, name)
        os.makedirs(self.data, mode=0o700)
        os.makedirs(os.path.join(self.data, ".stfolder"))
        with open(os.path.join(self.data, ".stignore"), "w") as f:
            f.write(STIGNORE)
        out = subprocess.run(
            [syncthing, "generate", f"--home={self.home}", "--no-default-folder",
             "--skip-port-probing"],
            capture_output=True, text=True, check=True)
        line = [l for l in (out.stdout + out.stderr).splitlines() if "Device ID:" in l][0]
        self.id = line.split("Device ID:")[1].strip()
        self.gui = free_port()
        self.listen = free_port()
        self.key = f"lockstep-test-{name}"
        self.proc = None
        self.syncthing = syncthing

    def write_config(self, other):
        folder_devices = "".join(
            f'<device id="{d}" introducedBy=""></device>' for d in (self.id, other.id))
        xml = f"""<configuration version="36">
    <folder id="lockstep" label="lockstep" path="{self.data}" type="sendreceive"
            rescanIntervalS="3600" fsWatcherEnabled="false" ignorePerms="false">
        <filesystemType>basic</filesystemType>
        {folder_devices}
        <minDiskFree unit="%">0</minDiskFree>
        <maxConflicts>10</maxConflicts>
        <markerName>.stfolder</markerName>
    </folder>
    <device id="{self.id}" name="{self.name}" compression="metadata" introducer="false">
        <address>dynamic</address>
    </device>
    <device id="{other.id}" name="{other.name}" compression="metadata" introducer="false">
        <address>tcp://127.0.0.1:{other.listen}</address>
    </device>
    <gui enabled="true" tls="false">
        <address>127.0.0.1:{self.gui}</address>
        <apikey>{self.key}</apikey>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{self.listen}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <crashReportingEnabled>false</crashReportingEnabled>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
    </options>
</configuration>
"""
        with open(os.path.join(self.home, "config.xml"), "w") as f:
            f.write(xml)

    def start(self):
        env = dict(os.environ, STNOUPGRADE="1", STNORESTART="1")
        log = open(os.path.join(self.home, "log.txt"), "w")
        self.proc = subprocess.Popen(
            [self.syncthing, "serve", f"--home={self.home}", "--no-browser",
             "--no-restart"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def api(self, method, path, body=None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.gui}{path}", method=method,
            headers={"X-API-Key": self.key},
            data=None if body is None else json.dumps(body).encode())
        with urllib.request.urlopen(req, timeout=5) as r:
            text = r.read()
            return json.loads(text) if text.strip() else None

    def wait_up(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                self.api("GET", "/rest/system/ping")
                return
            except Exception:
                time.sleep(0.2)
        fail(f"syncthing {self.name} did not start (see {self.home}/log.txt)")

    def connected(self, other):
        c = self.api("GET", "/rest/system/connections")["connections"]
        return c.get(other.id, {}).get("connected", False)

    def scan(self):
        self.api("POST", "/rest/db/scan?folder=lockstep")

    def idle_and_in_sync(self):
        st = self.api("GET", "/rest/db/status?folder=lockstep")
        return st["state"] == "idle" and st["needFiles"] == 0 and st["needDeletes"] == 0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def wait(what, cond, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if cond():
                return
        except Exception:
            pass
        time.sleep(0.3)
    fail(f"timed out waiting for {what}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    binary = sys.argv[1] if len(sys.argv) > 1 else None
    if binary is None:
        for b in ("target/release/lockstep", "target/debug/lockstep"):
            if os.path.exists(os.path.join(repo, b)):
                binary = os.path.join(repo, b)
                break
    if binary is None:
        fail("no lockstep binary (run `cargo build --release` first, or pass its path)")
    syncthing = shutil.which("syncthing")
    if syncthing is None:
        fail("syncthing is not installed (Debian: apt-get install syncthing)")
    root = tempfile.mkdtemp(prefix="lockstep-syncthing-")
    laptop, desktop = Node(root, "laptop", syncthing), Node(root, "desktop", syncthing)

    def lockstep(node, *args):
        env = dict(os.environ, LOCKSTEP_MACHINE=node.name)
        env.pop("LOCKSTEP_DATA_DIR", None)
        r = subprocess.run([binary, "--data-dir", node.data, *args],
                           capture_output=True, text=True, env=env)
        if r.returncode != 0:
            fail(f"lockstep {' '.join(args)} on {node.name}: {r.stderr}")
        return r.stdout + r.stderr

    def status(node):
        out = lockstep(node, "status", "--json")
        j = json.loads(out[: out.rindex("}") + 1])
        return {s["id"]: s["status"] for sec in j["sections"] for s in sec["steps"]}

    def log_of(node):
        with open(os.path.join(node.data, "history.jsonl")) as f:
            return f.read()

    try:
        laptop.write_config(desktop)
        desktop.write_config(laptop)
        lockstep(laptop, "check", "totp-2fa")
        for n in (laptop, desktop):
            n.start()
        for n in (laptop, desktop):
            n.wait_up()
        wait("the two instances to connect", lambda: laptop.connected(desktop) and desktop.connected(laptop))
        print(f"connected: laptop {laptop.id[:7]} <-> desktop {desktop.id[:7]} on 127.0.0.1")
        laptop.scan()
        wait("the log to reach the desktop",
             lambda: os.path.exists(os.path.join(desktop.data, "history.jsonl"))
             and log_of(desktop) == log_of(laptop))
        if status(desktop).get("totp-2fa") != "done":
            fail("the desktop did not rebuild its state from the synced log")
        print("the desktop rebuilt its state from the synced log alone")

        # Both machines change the log while they cannot see each other.
        for a, b in ((laptop, desktop), (desktop, laptop)):
            a.api("POST", f"/rest/system/pause?device={b.id}")
        wait("both to disconnect", lambda: not laptop.connected(desktop) and not desktop.connected(laptop))
        lockstep(laptop, "check", "passkeys")
        time.sleep(1.1)  # different modification times, as two real machines have
        lockstep(desktop, "check", "lock-switch")
        for n in (laptop, desktop):
            n.scan()
        for a, b in ((laptop, desktop), (desktop, laptop)):
            a.api("POST", f"/rest/system/resume?device={b.id}")
        wait("them to reconnect", lambda: laptop.connected(desktop) and desktop.connected(laptop))

        def conflict_in(node):
            return [f for f in os.listdir(node.data) if ".sync-conflict-" in f]

        wait("Syncthing to make a conflict copy on both machines",
             lambda: conflict_in(laptop) and conflict_in(desktop)
             and laptop.idle_and_in_sync() and desktop.idle_and_in_sync(), seconds=120)
        print(f"Syncthing made: {conflict_in(laptop)[0]}")

        for n in (laptop, desktop):
            told = lockstep(n, "status")
            # "from desktop" (the other machine, by name), or "made here ..." when the copy
            # Syncthing kept aside holds this machine's own change.
            other = "desktop" if n is laptop else "laptop"
            said = [l for l in told.splitlines()
                    if re.search(rf"note: \d+ changes? (from {other}|made here)", l)]
            if not said:
                fail(f"{n.name} did not say what came in:\n{told}")
            print(f"{n.name}: {said[0]}")
            s = status(n)
            for step in ("totp-2fa", "passkeys", "lock-switch"):
                if s.get(step) != "done":
                    fail(f"{n.name}: {step} is {s.get(step)} after the merge")
            if conflict_in(n):
                fail(f"{n.name}: the conflict copy was not set aside")
            if not os.listdir(os.path.join(n.data, "conflicts")):
                fail(f"{n.name}: nothing in conflicts/")
            j = json.loads(lockstep(n, "history", "--json"))
            ids = [e["id"] for e in j]
            if len(ids) != len(set(ids)):
                fail(f"{n.name}: an event is in the history twice")
            done = [e["what"].get("step") for e in j if e["what"]["event"] == "step_done"]
            if sorted(done) != sorted(["totp-2fa", "passkeys", "lock-switch"]):
                fail(f"{n.name}: step_done events {done}")
        # Later, everything converges: the merged logs travel and agree.
        for n in (laptop, desktop):
            n.scan()
        wait("the merged logs to agree",
             lambda: sorted(log_of(laptop).splitlines()) == sorted(log_of(desktop).splitlines())
             or (laptop.idle_and_in_sync() and desktop.idle_and_in_sync()
                 and status(laptop) == status(desktop)), seconds=60)
        if status(laptop) != status(desktop):
            fail("the two machines disagree after syncing the merge")
        print("ok: both machines hold both changes, each once; the copy is in conflicts/")
    finally:
        for n in (laptop, desktop):
            n.stop()
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"kept {root}")


if __name__ == "__main__":
    main()
