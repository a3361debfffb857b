# A UDP socket inside a network namespace. Prints "READY <port>", then one line per datagram:
# "<source address> <source port> <payload hex>". Exits when stdin closes (its JVM went away).
import os, socket, sys, threading

addr, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind((addr, port))
threading.Thread(target=lambda: (sys.stdin.buffer.read(), os._exit(0)), daemon=True).start()
print("READY %d" % s.getsockname()[1], flush=True)
while True:
    data, src = s.recvfrom(65535)
    print("%s %d %s" % (src[0], src[1], data.hex()), flush=True)
