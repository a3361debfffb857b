package com.proxylity.packetsource.core.wireguard;

/**
 * Core's concurrency tests again where libcrypto seals (the sender's second run, on the image's
 * Java; the default run leaves out every *OnImageJavaTest): many threads sealing on one keypair
 * must still get distinct counters the peer accepts.
 */
class WireGuardConcurrencyOnImageJavaTest extends WireGuardConcurrencyTest {
}
