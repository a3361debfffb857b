package com.proxylity.packetsource.core.snsauth;

/** The envelope's {@code SignatureVersion}: which digest SNS signed the string to sign with. */
public enum SignatureVersion {
    V1("1", "SHA1withRSA"),
    V2("2", "SHA256withRSA");

    private final String text;
    private final String algorithm;

    SignatureVersion(String text, String algorithm) {
        this.text = text;
        this.algorithm = algorithm;
    }

    /** As the envelope writes it. */
    public String text() {
        return text;
    }

    /** The JCA name of the signature algorithm. */
    public String algorithm() {
        return algorithm;
    }

    public static SignatureVersion of(String text) throws BadSignatureException {
        if (text == null) throw new BadSignatureException("unsigned: no SignatureVersion");
        for (SignatureVersion v : values()) {
            if (v.text.equals(text)) return v;
        }
        throw new BadSignatureException("SignatureVersion is not 1 or 2");
    }
}
