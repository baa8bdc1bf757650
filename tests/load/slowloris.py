"""Holds N connections to prov serve that never finish their headers (one byte every few seconds), reopening each one
the server closes; prints how many the server closed. Usage: slowloris.py PORT N SECONDS"""
import socket, sys, time

port, n, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
head = f"POST /verify?name=slow.jpg HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()

def open_one():
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    s.send(head)
    return s

conns = [open_one() for _ in range(n)]
closed_by_server = 0
end = time.time() + seconds
while time.time() < end:
    time.sleep(2)
    for i, s in enumerate(conns):
        try:
            if s.recv(4096) == b"":
                raise ConnectionResetError
        except BlockingIOError:
            try:
                s.send(b"X")
                continue
            except OSError:
                pass
        except OSError:
            pass
        closed_by_server += 1
        s.close()
        conns[i] = open_one()
for s in conns:
    s.close()
print(f"slowloris: {n} connections held for {seconds:.0f} s; the server closed {closed_by_server} of them")
