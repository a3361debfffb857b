package com.proxylity.packetsource.sender.wg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A libcrypto.so.3 that misbehaves where this system's does not, put in front of the real one
 * (a C shim found first on LD_LIBRARY_PATH, forwarding every call the binding makes) in a JVM
 * of its own: the self-test at first use must catch it, so that SunJCE seals instead.
 */
class OtherLibcryptoOnImageJavaTest {
    /**
     * Re-initialising with a nonce alone (how a thread seals its second message under one key)
     * keeps the first nonce: every later message would reuse one keystream.
     */
    private static final String KEEPS_FIRST_NONCE = """
            #include <dlfcn.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            static void *real;
            static void *sym(const char *n) {
                if (!real) real = dlopen(getenv("WG_REAL_LIBCRYPTO"), RTLD_NOW | RTLD_LOCAL);
                return real ? dlsym(real, n) : NULL;
            }
            __attribute__((constructor)) static void loaded(void) {
                FILE *f = fopen(getenv("WG_SHIM_MARKER"), "w");
                if (f) fclose(f);
            }
            static unsigned char first[12];
            void *EVP_CIPHER_CTX_new(void) { return ((void *(*)(void)) sym("EVP_CIPHER_CTX_new"))(); }
            void EVP_CIPHER_CTX_free(void *c) { ((void (*)(void *)) sym("EVP_CIPHER_CTX_free"))(c); }
            const void *EVP_chacha20_poly1305(void) { return ((const void *(*)(void)) sym("EVP_chacha20_poly1305"))(); }
            int EVP_CipherInit_ex(void *c, const void *cipher, void *e, const unsigned char *key,
                                  const unsigned char *iv, int enc) {
                if (key == NULL && iv != NULL) iv = first;
                else if (iv != NULL) memcpy(first, iv, sizeof first);
                return ((int (*)(void *, const void *, void *, const unsigned char *, const unsigned char *, int))
                        sym("EVP_CipherInit_ex"))(c, cipher, e, key, iv, enc);
            }
            int EVP_EncryptUpdate(void *c, unsigned char *o, int *ol, const unsigned char *i, int il) {
                return ((int (*)(void *, unsigned char *, int *, const unsigned char *, int))
                        sym("EVP_EncryptUpdate"))(c, o, ol, i, il);
            }
            int EVP_EncryptFinal_ex(void *c, unsigned char *o, int *ol) {
                return ((int (*)(void *, unsigned char *, int *)) sym("EVP_EncryptFinal_ex"))(c, o, ol);
            }
            int EVP_CIPHER_CTX_ctrl(void *c, int t, int a, void *p) {
                return ((int (*)(void *, int, int, void *)) sym("EVP_CIPHER_CTX_ctrl"))(c, t, a, p);
            }
            """;

    @Test
    void aLibcryptoThatKeepsTheFirstNonceIsNotUsed(@TempDir Path dir) throws Exception {
        List<String> out = probeWith(KEEPS_FIRST_NONCE, dir);
        assertTrue(Files.exists(dir.resolve("loaded")), "the probe must have bound the shim: " + out);
        assertEquals("preferred=JDK", out.get(0), String.join("\n", out));
    }

    /** The real library's path, from this JVM's own mappings (it has bound libcrypto already). */
    private static String realLibcrypto() throws IOException {
        assertEquals(null, ChaChaPoly.nativeUnavailable());
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(l -> l.substring(l.indexOf('/') < 0 ? l.length() : l.indexOf('/')))
                    .filter(p -> p.endsWith("/libcrypto.so.3")).findFirst().orElseThrow();
        }
    }

    private static List<String> probeWith(String shimSource, Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("shim.c"), shimSource);
        Process cc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-Wl,-soname,libwgshim.so", "-o",
                dir.resolve("libcrypto.so.3").toString(), source.toString(), "-ldl")
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), ccOut);
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LibcryptoProbe.class.getName());
        pb.environment().put("LD_LIBRARY_PATH", dir.toString());
        pb.environment().put("WG_REAL_LIBCRYPTO", realLibcrypto());
        pb.environment().put("WG_SHIM_MARKER", dir.resolve("loaded").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not exit");
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        return lines;
    }
}
