# Sends one UDP datagram from inside a network namespace: argv = src-addr src-port dst-addr dst-port hex.
import socket, sys

src, sport, dst, dport, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), bytes.fromhex(sys.argv[5])
family = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((src, sport))
s.sendto(payload, (dst, dport))
print(s.getsockname()[1], flush=True)
