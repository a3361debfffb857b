package com.proxylity.packetsource.sender.wg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A libcrypto.so.3 that misbehaves where this system's does not, put in front of the real one
 * (a C shim found first on LD_LIBRARY_PATH, forwarding every call the binding makes) in a JVM
 * of its own, {@link LibcryptoProbe}.
 */
class OtherLibcryptoOnImageJavaTest {
    /**
     * KEEP_FIRST_NONCE: re-initialising with a nonce alone (how a thread seals its second
     * message under one key) keeps the first nonce, so every later message would reuse one
     * keystream. FAIL_UPDATE_OF: encrypting that many bytes fails before touching them.
     */
    private static final String SHIM = """
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
            #ifdef KEEP_FIRST_NONCE
                if (key == NULL && iv != NULL) iv = first;
                else if (iv != NULL) memcpy(first, iv, sizeof first);
            #endif
                return ((int (*)(void *, const void *, void *, const unsigned char *, const unsigned char *, int))
                        sym("EVP_CipherInit_ex"))(c, cipher, e, key, iv, enc);
            }
            int EVP_EncryptUpdate(void *c, unsigned char *o, int *ol, const unsigned char *i, int il) {
            #ifdef FAIL_UPDATE_OF
                if (il == FAIL_UPDATE_OF) return 0;
            #endif
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
        List<String> out = probe(dir, List.of("-DKEEP_FIRST_NONCE"));
        assertEquals("preferred=JDK", out.get(0), String.join("\n", out));
    }

    @Test
    void aSealLibcryptoFailsLeavesNoPlaintextAndTheNextSealIsRight(@TempDir Path dir) throws Exception {
        List<String> out = probe(dir, List.of("-DFAIL_UPDATE_OF=" + LibcryptoProbe.FAILING_LENGTH),
                "seal-after-failure");
        assertEquals(List.of("preferred=OPENSSL", "nativeUnavailable=null", "before=true", "failed=yes",
                "outPosition=0", "outZero=true", "after=true"), out);
    }

    @Test
    void aLibcryptoThatCannotBeLoadedIsNamedAsTheReason(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("libcrypto.so.3"), "not a shared object");
        List<String> out = run(dir);
        assertEquals("preferred=JDK", out.get(0), String.join("\n", out));
        // the operator reads this at start (wireguard-sealing): it must say what went wrong
        assertTrue(out.get(1).contains("libcrypto.so.3"), out.get(1));
    }

    /** The real library's path, from this JVM's own mappings (it has bound libcrypto already). */
    private static String realLibcrypto() throws IOException {
        assertEquals(null, ChaChaPoly.nativeUnavailable());
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(l -> l.endsWith("/libcrypto.so.3"))
                    .map(l -> l.substring(l.indexOf('/'))).findFirst().orElseThrow();
        }
    }

    private static List<String> probe(Path dir, List<String> defines, String... args) throws Exception {
        Path source = Files.writeString(dir.resolve("shim.c"), SHIM);
        List<String> cc = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-Wl,-soname,libwgshim.so"));
        cc.addAll(defines);
        cc.addAll(List.of("-o", dir.resolve("libcrypto.so.3").toString(), source.toString(), "-ldl"));
        Process gcc = new ProcessBuilder(cc).redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), gccOut);
        List<String> lines = run(dir, args);
        assertTrue(Files.exists(dir.resolve("loaded")), "the probe must have bound the shim: " + lines);
        return lines;
    }

    /** Runs the probe with {@code dir} searched first for libcrypto.so.3. */
    private static List<String> run(Path dir, String... args) throws Exception {
        List<String> java = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LibcryptoProbe.class.getName()));
        java.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(java).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", dir.toString());
        pb.environment().put("WG_REAL_LIBCRYPTO", realLibcrypto());
        pb.environment().put("WG_SHIM_MARKER", dir.resolve("loaded").toString());
        Process p = pb.start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not exit");
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        return lines;
    }
}
