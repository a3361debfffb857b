# Runs wireguard-go for one test peer and tears the peer down when its parent (the JVM) goes away:
# the JVM holds our stdin open, so EOF on stdin means "close() was called" or "the JVM died".
# That keeps a crashed or killed test run from leaving interfaces, namespaces or processes behind.
import os, signal, subprocess, sys, time

ifname, ns, logpath = sys.argv[1], sys.argv[2], sys.argv[3]
env = dict(os.environ, LOG_LEVEL="verbose")
with open(logpath, "ab") as log:
    wg = subprocess.Popen(["wireguard-go", "-f", ifname], stdin=subprocess.DEVNULL,
                          stdout=log, stderr=log, env=env)
print("PID %d" % wg.pid, flush=True)

def quiet(*argv):
    return subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

try:
    sys.stdin.buffer.read()
finally:
    wg.terminate()
    try:
        wg.wait(5)
    except subprocess.TimeoutExpired:
        wg.kill()
        wg.wait()
    # The tun device disappears with the process, asynchronously; wait for it (up to ~1 s)
    # before removing the namespace.
    for _ in range(20):
        if quiet("ip", "-n", ns, "link", "show", ifname).returncode != 0:
            break
        time.sleep(0.05)
    # Receivers and senders we started inside the namespace.
    pids = quiet("ip", "netns", "pids", ns).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    quiet("ip", "netns", "del", ns)
    quiet("ip", "link", "del", ifname)  # only exists if it never left the root namespace
    print("DONE", flush=True)
