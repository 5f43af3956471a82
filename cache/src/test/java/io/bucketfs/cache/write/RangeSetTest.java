package io.bucketfs.cache.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RangeSetTest {

    @Test
    @Timeout(10)
    void mergesSplitsAndAnswersLikeABitmap() {
        Random rnd = new Random(1);
        for (int round = 0; round < 200; round++) {
            RangeSet set = new RangeSet();
            boolean[] bits = new boolean[200];
            for (int op = 0; op < 20; op++) {
                int a = rnd.nextInt(200);
                int b = a + rnd.nextInt(200 - a + 1);
                if (rnd.nextInt(5) == 0) {
                    set.truncate(a);
                    for (int i = a; i < 200; i++) {
                        bits[i] = false;
                    }
                } else {
                    set.add(a, b);
                    for (int i = a; i < b; i++) {
                        bits[i] = true;
                    }
                }
                int x = rnd.nextInt(200);
                int y = x + rnd.nextInt(200 - x + 1);
                long covered = 0;
                for (int i = x; i < y; i++) {
                    covered += bits[i] ? 1 : 0;
                }
                assertEquals(y - x - covered, set.gapLength(x, y));
                assertEquals(covered, set.overlap(x, y).stream().mapToLong(r -> r[1] - r[0]).sum());
                assertEquals(bits[x], set.rangeEndAt(x) >= 0);
            }
            long total = 0;
            for (boolean bit : bits) {
                total += bit ? 1 : 0;
            }
            assertEquals(total, set.total());
        }
    }

    @Test
    @Timeout(10)
    void adjacentRangesMerge() {
        RangeSet set = new RangeSet();
        set.add(0, 10);
        set.add(10, 20);
        assertEquals(1, set.toList().size());
        assertTrue(set.covers(0, 20));
        assertFalse(set.covers(0, 21));
        assertEquals(List.of(), set.gaps(5, 15));
    }
}
