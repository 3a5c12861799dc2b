"""`verbatim serve` under hostile load: health latency while eight pathological posts are
analysed and 1,100 idle or slowloris sockets are open under a 1,024-file limit, then the
time SIGTERM takes with slow clients connected. Usage:

    python3 benches/serve_load.py target/release/verbatim

Prints the figures BENCHMARKS.md quotes; fails if a health check is not answered 200 or the
server does not exit 0 within 10 s of SIGTERM.
"""
import json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/verbatim")
TOKEN = "bench-token-0123456789"
db = os.path.join(tempfile.mkdtemp(prefix="verbatim-serve-load-"), "b.db")
env = dict(os.environ, VERBATIM_TOKEN=TOKEN)
p = subprocess.Popen(["sh", "-c", f"ulimit -n 1024 && exec {BIN} serve --db {db} --addr 127.0.0.1:0"],
                     env=env, stderr=subprocess.PIPE, text=True)
line = p.stderr.readline()
addr = line.split("http://")[1].split("/")[0]
host, port = addr.split(":"); port = int(port)
print("server:", line.strip())

def request(raw, timeout=120):
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(raw)
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk: break
        data += chunk
    s.close()
    return data

def health():
    t = time.perf_counter()
    r = request(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    dt = time.perf_counter() - t
    return r.split(b" ")[1].decode() if r else "none", dt

def post(body):
    head = (f"POST /api/articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    t = time.perf_counter()
    r = request(head + body)
    return (r.split(b" ")[1].decode() if r else "none"), time.perf_counter() - t

idle = [health()[1] for _ in range(20)]
results = []
kinds = [json.dumps({"text": f"w{k} " + "word " * 200000}).encode() for k in range(4)] + \
        [json.dumps([{"text": f"s{k} {i} " + "Word said. " * 9000} for i in range(1)]).encode() for k in range(2)] + \
        [json.dumps({"text": f"q{k} " + ("\"" + "x " * 1000) * 500}).encode() for k in range(2)]
threads = [threading.Thread(target=lambda b=b: results.append(post(b))) for b in kinds]
for t in threads: t.start()
time.sleep(0.3)
held = []
for i in range(1100):
    s = socket.create_connection((host, port))
    if i % 2: s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    held.append(s)
time.sleep(1.2)
busy = [health() for _ in range(50)]
fds = len(os.listdir(f"/proc/{p.pid}/fd"))
for t in threads: t.join()
def pct(xs, q): xs = sorted(xs); return xs[min(len(xs)-1, int(q*len(xs)))]
ms = lambda x: f"{x*1000:.2f} ms"
bt = [d for _, d in busy]
print("body sizes (MB):", [round(len(b)/1e6, 2) for b in kinds])
print("idle health: median", ms(statistics.median(idle)), "max", ms(max(idle)))
print("busy health statuses:", sorted(set(s for s, _ in busy)), "median", ms(statistics.median(bt)), "p90", ms(pct(bt, .9)), "max", ms(max(bt)))
print("posts:", sorted((s, round(d, 2)) for s, d in results))
print("server open files during load:", fds, "client sockets held:", len(held))
# SIGTERM with slow clients: the held sockets plus a stuck body
stuck = socket.create_connection((host, port))
stuck.sendall(f"POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100000\r\n\r\n[".encode())
time.sleep(0.3)
t = time.perf_counter()
p.send_signal(signal.SIGTERM)
code = p.wait(timeout=60)
took = time.perf_counter() - t
assert all(s == "200" for s, _ in busy), busy
assert code == 0 and took < 10, (code, took)
print("SIGTERM -> exit", code, "in", f"{took:.2f} s", "; stderr tail:", p.stderr.read().strip().splitlines()[-1:])
shutil.rmtree(os.path.dirname(db), ignore_errors=True)
