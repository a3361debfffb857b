# Independent WireGuard handshake transcript (hashlib + cryptography), for a Java KAT.
import hashlib, hmac, struct
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives import serialization as S

def key(fill): return bytes((fill+i)&0xff for i in range(32))
def HASH(*p): return hashlib.blake2s(b"".join(p)).digest()
def MAC(k,m): return hashlib.blake2s(m,key=k,digest_size=16).digest()
def HM(k,m): return hmac.new(k,m,hashlib.blake2s).digest()
def KDF(n,k,m):
    prk=HM(k,m); out=[]; prev=b""
    for i in range(n):
        prev=HM(prk,prev+bytes([i+1])); out.append(prev)
    return out
def pub(priv): return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(S.Encoding.Raw,S.PublicFormat.Raw)
def DH(priv,pubk): return X25519PrivateKey.from_private_bytes(priv).exchange(X25519PublicKey.from_public_bytes(pubk))
def AEAD(k,c,pt,ad): return ChaCha20Poly1305(k).encrypt(b"\0"*4+struct.pack("<Q",c),pt,ad)

Si=key(100); Sr=key(1); Ei=key(50); Er=key(60); psk=key(7)
Spub_i=pub(Si); Spub_r=pub(Sr)
ts=struct.pack(">Q",0x400000000000000a+1800000000)+b"\0"*4
C=HASH(b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"); H=HASH(C+b"WireGuard v1 zx2c4 Jason@zx2c4.com"); H=HASH(H+Spub_r)
Epub_i=pub(Ei); C=KDF(1,C,Epub_i)[0]; H=HASH(H+Epub_i)
C,k=KDF(2,C,DH(Ei,Spub_r)); st=AEAD(k,0,Spub_i,H); H=HASH(H+st)
C,k=KDF(2,C,DH(Si,Spub_r)); tsx=AEAD(k,0,ts,H); H=HASH(H+tsx)
init=bytes([1,0,0,0])+struct.pack("<I",0x11223344)+Epub_i+st+tsx
init+=MAC(HASH(b"mac1----"+Spub_r),init)+b"\0"*16
Epub_r=pub(Er); C=KDF(1,C,Epub_r)[0]; H=HASH(H+Epub_r)
C=KDF(1,C,DH(Er,Epub_i))[0]; C=KDF(1,C,DH(Er,Spub_i))[0]
C,t,k=KDF(3,C,psk); H=HASH(H+t); e=AEAD(k,0,b"",H); H=HASH(H+e)
resp=bytes([2,0,0,0])+struct.pack("<I",0x55667788)+struct.pack("<I",0x11223344)+Epub_r+e
resp+=MAC(HASH(b"mac1----"+Spub_i),resp)+b"\0"*16
Ti_send,Ti_recv=KDF(2,C,b"")
print("INIT", init.hex()); print("RESP", resp.hex()); print("TSEND_I", Ti_send.hex()); print("TRECV_I", Ti_recv.hex())
