package com.proxylity.packetsource.core.wireguard.crypto;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The few libcrypto (OpenSSL 3) calls {@link OpenSslAeadKey} makes, bound through the JDK's
 * foreign function API (final in Java 22). The build targets Java 17, where that API does not
 * exist, so it is reached by reflection once, here; every handle takes and returns only
 * primitives (pointers as 64-bit integers) so that callers invoke them exactly, with no FFM type
 * in their code. Pointers come from {@link #address(ByteBuffer)} of direct buffers the caller
 * holds for the length of the call, and their bounds are the caller's to check: nothing here
 * can.
 *
 * <p>{@link #BINDING} is null when the runtime is older than Java 22, libcrypto.so.3 is absent,
 * or a symbol is missing; {@link #UNAVAILABLE} then says why.
 */
final class OpenSsl {
    /** EVP_CTRL_AEAD_GET_TAG (openssl/evp.h). */
    static final int CTRL_AEAD_GET_TAG = 0x10;

    /** The bound calls. Each returns what the C function returns. */
    record Binding(
            MethodHandle ctxNew,      // EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void)             ()long
            MethodHandle ctxFree,     // void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *)          (long)void
            MethodHandle chachaPoly,  // const EVP_CIPHER *EVP_chacha20_poly1305(void)       ()long
            MethodHandle cipherInit,  // int EVP_CipherInit_ex(ctx, cipher, engine, key, iv, enc)  (long,long,long,long,long,int)int
            MethodHandle update,      // int EVP_EncryptUpdate(ctx, out, int *outl, in, int inl)   (long,long,long,long,int)int
            MethodHandle finish,      // int EVP_EncryptFinal_ex(ctx, out, int *outl)              (long,long,long)int
            MethodHandle ctrl,        // int EVP_CIPHER_CTX_ctrl(ctx, int type, int arg, void *ptr) (long,int,int,long)int
            MethodHandle bufferAddress) { // the native address of a direct buffer at its position: (ByteBuffer)long
    }

    static final Binding BINDING;
    static final String UNAVAILABLE;

    static {
        Binding b = null;
        String why = null;
        try {
            b = bind();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Reflection wraps what the FFM call threw (no such library, native access denied):
            // that cause is what an operator needs to read.
            Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            why = cause.toString();
        }
        BINDING = b;
        UNAVAILABLE = b == null ? why : null;
    }

    private OpenSsl() {
    }

    /** The address of {@code direct}'s byte at its position. */
    static long address(ByteBuffer direct) {
        try {
            return (long) BINDING.bufferAddress().invokeExact(direct);
        } catch (Throwable t) {
            throw new IllegalStateException("no address for a direct buffer", t);
        }
    }

    private static Binding bind() throws ReflectiveOperationException {
        if (Runtime.version().feature() < 22) {
            throw new UnsupportedOperationException("the foreign function API needs Java 22 or later, this is "
                    + Runtime.version().feature());
        }
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");

        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object global = arenaType.getMethod("global").invoke(null);
        Object lookup = lookupType.getMethod("libraryLookup", String.class, arenaType)
                .invoke(null, "libcrypto.so.3", global);
        Method find = lookupType.getMethod("find", String.class);
        Method descriptorOf = descriptorType.getMethod("of", layoutType, layoutType.arrayType());
        Method descriptorOfVoid = descriptorType.getMethod("ofVoid", layoutType.arrayType());
        Method downcall = linkerType.getMethod("downcallHandle", segmentType, descriptorType, optionType.arrayType());
        Object longLayout = valueLayoutType.getField("JAVA_LONG").get(null);
        Object intLayout = valueLayoutType.getField("JAVA_INT").get(null);
        // Critical: no thread-state transition around the call. Each is short and never calls
        // back into Java; none is passed heap memory.
        Object options = Array.newInstance(optionType, 1);
        Array.set(options, 0, optionType.getMethod("critical", boolean.class).invoke(null, false));
        Object noOptions = Array.newInstance(optionType, 0);

        class Linked {
            MethodHandle handle(String symbol, boolean critical, Object returns, Object... args)
                    throws ReflectiveOperationException {
                Optional<?> address = (Optional<?>) find.invoke(lookup, symbol);
                if (address.isEmpty()) throw new UnsupportedOperationException("libcrypto.so.3 has no " + symbol);
                Object layouts = Array.newInstance(layoutType, args.length);
                for (int i = 0; i < args.length; i++) Array.set(layouts, i, args[i]);
                Object descriptor = returns == null ? descriptorOfVoid.invoke(null, layouts)
                        : descriptorOf.invoke(null, returns, layouts);
                return (MethodHandle) downcall.invoke(linker, address.get(), descriptor, critical ? options : noOptions);
            }
        }
        Linked l = new Linked();
        Object j = longLayout;
        Object i = intLayout;
        MethodHandles.Lookup pub = MethodHandles.publicLookup();
        MethodHandle ofBuffer = pub.findStatic(segmentType, "ofBuffer", MethodType.methodType(segmentType, Buffer.class));
        MethodHandle address = pub.findVirtual(segmentType, "address", MethodType.methodType(long.class));
        MethodHandle bufferAddress = MethodHandles.filterReturnValue(ofBuffer, address)
                .asType(MethodType.methodType(long.class, ByteBuffer.class));
        return new Binding(
                l.handle("EVP_CIPHER_CTX_new", false, j),
                l.handle("EVP_CIPHER_CTX_free", false, null, j),
                l.handle("EVP_chacha20_poly1305", false, j),
                l.handle("EVP_CipherInit_ex", true, i, j, j, j, j, j, i),
                l.handle("EVP_EncryptUpdate", true, i, j, j, j, j, i),
                l.handle("EVP_EncryptFinal_ex", true, i, j, j, j),
                l.handle("EVP_CIPHER_CTX_ctrl", true, i, j, i, i, j),
                bufferAddress);
    }
}
