package io.bucketfs.tests;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A suite whose outcome depends on having the machine to itself: it measures time or throughput, or runs clients
 * under deadlines. It holds {@link #LOCK}, which {@code ApplianceImageTest} holds too while it runs beside the other
 * suites (see {@code junit-platform.properties}), and runs after every suite that is not machine-bound.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ResourceLock(MachineBound.LOCK)
@Order(MachineBound.ORDER)
public @interface MachineBound {

    /** the lock of the whole machine's CPU */
    String LOCK = "bucketfs.tests.machine";

    /** after the suites without an {@code @Order} (those have {@link Order#DEFAULT}) */
    int ORDER = Integer.MAX_VALUE;
}
