package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The documented SMB limits: their defaults, what {@link SmbSettings#withLimits} derives and refuses. */
@Timeout(10)
class SmbSettingsTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        SmbSettings d = SmbSettings.DEFAULTS;
        assertEquals(1 << 20, d.maxIoBytes());
        assertEquals((1 << 20) + (64 << 10), d.maxFrameBytes());
        assertEquals(8, d.workerThreads());
        assertEquals(8192, d.maxCredits());
        assertEquals(16, SmbConnection.MAX_QUEUED_FRAMES);
    }

    @Test
    void limitsDeriveTheFrameAndWaterMarks() {
        SmbSettings s = SmbSettings.DEFAULTS.withSigning(SmbSettings.Signing.REQUIRED).withLimits(4 << 20, 16, 512);
        assertEquals(4 << 20, s.maxIoBytes());
        assertEquals((4 << 20) + (64 << 10), s.maxFrameBytes());
        assertEquals(16, s.workerThreads());
        assertEquals(512, s.maxCredits());
        assertEquals(SmbSettings.Signing.REQUIRED, s.signing(), "the other settings are kept");
    }

    @Test
    void outOfRangeLimitsAreRefusedNamingTheLimit() {
        SmbSettings d = SmbSettings.DEFAULTS;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withLimits(65535, 8, 8192)).getMessage()
                .contains("max I/O size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withLimits((8 << 20) + 1, 8, 8192))
                .getMessage().contains("max I/O size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withLimits(1 << 20, 0, 8192)).getMessage()
                .contains("worker threads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withLimits(1 << 20, 8, 15)).getMessage()
                .contains("max credits"));
    }
}
