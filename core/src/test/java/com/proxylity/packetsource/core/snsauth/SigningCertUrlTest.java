package com.proxylity.packetsource.core.snsauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SigningCertUrlTest {
    @ParameterizedTest
    @CsvSource({
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem, us-east-1",
        "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem, us-west-2",
        "https://sns.ap-southeast-5.amazonaws.com/SimpleNotificationService-a.pem, ap-southeast-5",
        "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-a.pem, us-gov-west-1",
        "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-a.pem, cn-north-1",
    })
    void snsHostsOfAnyRegionAreAccepted(String url, String region) throws Exception {
        assertEquals(region, SigningCertUrl.region(SigningCertUrl.check(url)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-a.pem",
        "https://evil.com/SimpleNotificationService-a.pem",
        "https://sns.amazonaws.com/SimpleNotificationService-a.pem",
        "https://sqs.us-east-1.amazonaws.com/SimpleNotificationService-a.pem",
        "https://xsns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com@evil.com/SimpleNotificationService-a.pem",
        "https://evil.com@sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.crt",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem?x=.pem",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem#.pem",
        "https://sns.us-east-1.amazonaws.com/a/../SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com/%2e%2e/a.pem",
        "https://sns.us-east-1.amazonaws.com\\@evil.com/a.pem",
        "https://SNS.US-EAST-1.AMAZONAWS.COM/SimpleNotificationService-a.pem",
        "https://sns.cn-north-1.amazonaws.com/SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-a.pem",
        "https://sns.not_a_region.amazonaws.com/SimpleNotificationService-a.pem",
        "https://sns.evil.amazonaws.com/SimpleNotificationService-a.pem",
        "https://sns.us-east-1.amazonaws.com/",
        "https://sns.us-east-1.amazonaws.com/.pem",
        "https://sns.us-east-1.amazonaws.com./SimpleNotificationService-a.pem",
        "https:///SimpleNotificationService-a.pem",
        " https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem",
        "",
    })
    void anythingElseIsRefused(String url) {
        assertThrows(BadSignatureException.class, () -> SigningCertUrl.check(url));
    }

    @org.junit.jupiter.api.Test
    void absentOrOverlongIsRefused() {
        assertThrows(BadSignatureException.class, () -> SigningCertUrl.check(null));
        assertThrows(BadSignatureException.class, () -> SigningCertUrl.check(
                "https://sns.us-east-1.amazonaws.com/" + "a".repeat(300) + ".pem"));
    }
}
