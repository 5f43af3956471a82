package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SizesTest {

    @Test
    void decimalAndBinaryUnits() {
        assertEquals(500_000_000_000L, Sizes.parse("500GB"));
        assertEquals(2L << 40, Sizes.parse("2TiB"));
        assertEquals(512L << 20, Sizes.parse("512M"));
        assertEquals(512L << 20, Sizes.parse("512mib"));
        assertEquals(1_048_576L, Sizes.parse("1048576"));
        assertEquals(1536L << 20, Sizes.parse("1.5GiB"));
        assertEquals(10L << 30, Sizes.parse(" 10 GiB "));
        for (String bad : new String[] {"lots", "", "-1GB", "5XB", "GB"}) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
        }
        assertEquals("10.0 GiB", Sizes.format(10L << 30));
        assertEquals("512 B", Sizes.format(512));
    }
}
