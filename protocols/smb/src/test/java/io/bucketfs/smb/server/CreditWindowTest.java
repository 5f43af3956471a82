package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** [MS-SMB2] 3.3.1.1 the sequence window: grants up to the limit, holes, bounds. */
@Timeout(10)
class CreditWindowTest {
    @Test
    void grantsWhatIsAskedUpToTheLimit() {
        CreditWindow w = new CreditWindow(SmbSettings.DEFAULT_MAX_CREDITS);
        assertTrue(w.consume(0, 1));
        assertEquals(1, w.grant(1));
        assertTrue(w.consume(1, 1));
        assertEquals(8192, w.grant(65535));
        assertEquals(8192, w.outstanding());
        assertTrue(w.consume(2, 4));
        assertEquals(4, w.grant(65535), "back to the limit, no more");
        assertEquals(0, w.grant(65535));
    }

    @Test
    void aSkippedIdStaysUsableWhileLaterOnesAreUsed() {
        CreditWindow w = new CreditWindow(8);
        assertTrue(w.consume(0, 1));
        assertEquals(8, w.grant(8));
        // skip id 1; use the others, each answer granting one back
        for (long id = 2; id < 20; id++) {
            assertTrue(w.consume(id, 1), "id " + id);
            assertEquals(1, w.grant(1));
        }
        assertEquals(8, w.outstanding());
        assertTrue(w.consume(1, 1), "the skipped id");
        assertFalse(w.consume(1, 1), "not twice");
        assertEquals(1, w.grant(8));
    }

    @Test
    void theSpanAroundAHoleIsBounded() {
        CreditWindow w = new CreditWindow(4);
        assertTrue(w.consume(0, 1));
        w.grant(4);
        long next = 2;
        while (w.outstanding() > 1) { // the client uses every id but the hole at 1, asking for more each time
            assertTrue(w.consume(next++, 1));
            w.grant(1);
        }
        assertEquals(CreditWindow.SPAN_FACTOR * 4 + 1, next, "grants stopped at the span bound");
        assertEquals(0, w.grant(1));
        assertEquals(1, w.outstanding(), "the hole is still the client's to use");
        assertTrue(w.consume(1, 1));
        assertTrue(w.grant(4) > 0);
    }

    @Test
    void aChargeOfZeroIsRefused() {
        CreditWindow w = new CreditWindow(8);
        assertFalse(w.consume(0, 0));
        assertTrue(w.consume(0, 1));
    }
}
