package io.bucketfs.gateway.control;

import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.Provider;
import io.bucketfs.gateway.state.ConnectionRecord;
import io.bucketfs.gateway.state.FieldException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the control plane asks a bucket before it trusts a connection or a mount, and {@code connections test}. */
final class Probes {

    /** Where {@code connections test --read-write} writes its probe object (then deletes it). */
    static final String PROBE_PREFIX = ".bucketfs-probe-";

    private Probes() {
    }

    /**
     * Lists one key under {@code prefix}: the credentials, the bucket and the endpoint all work, or a
     * {@link FieldException} (REJECTED) names the one at fault.
     */
    static void reachable(ObjectStore store, String prefix, ConnectionSpec spec) {
        try {
            store.list(ListRequest.flat(prefix).withMaxKeys(1));
        } catch (ObjectStoreException e) {
            throw rejected(e, spec);
        }
    }

    private static FieldException rejected(ObjectStoreException e, ConnectionSpec spec) {
        String where = spec.effectiveEndpoint() == null ? spec.provider().id() : spec.effectiveEndpoint().toString();
        boolean azure = spec.provider().family() == Provider.Family.AZURE;
        switch (e.kind()) {
            case ACCESS_DENIED:
                return new FieldException(FieldException.Kind.REJECTED, azure ? (spec.sasToken() != null
                        && spec.accountKey() == null ? "sas" : "account-key") : spec.accessKey() != null
                        ? "access-key" : "role-arn", "the bucket refused these credentials (" + oneLine(e) + ")");
            case NOT_FOUND:
                return new FieldException(FieldException.Kind.REJECTED, "bucket", "no bucket '" + spec.bucket()
                        + "' at " + where);
            case TRANSIENT:
            case THROTTLED:
                return new FieldException(FieldException.Kind.REJECTED, "endpoint", "cannot reach " + where + " ("
                        + oneLine(e) + ")");
            default:
                return new FieldException(FieldException.Kind.REJECTED, "bucket", "the bucket refused a list ("
                        + oneLine(e) + ")");
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** {@code connections test}: each check's outcome, and a summary of what the credentials allow. */
    static Map<String, Object> test(ObjectStore store, ConnectionRecord c, boolean readWrite) {
        List<Map<String, Object>> checks = new ArrayList<>();
        String firstKey = null;
        try {
            ListPage page = store.list(ListRequest.flat("").withMaxKeys(1));
            firstKey = page.objects().isEmpty() ? null : page.objects().get(0).key();
            checks.add(check("list", true, page.objects().isEmpty() ? "bucket is empty" : "sees objects"));
        } catch (ObjectStoreException e) {
            checks.add(check("list", false, ControlPlane.kindWord(e) + ": " + oneLine(e)));
        }
        String headKey = firstKey != null ? firstKey : PROBE_PREFIX + "absent";
        try {
            store.head(headKey);
            checks.add(check("head", true, "read the attributes of " + headKey));
        } catch (ObjectStoreException e) {
            boolean ok = e.kind() == ObjectStoreException.Kind.NOT_FOUND;
            checks.add(check("head", ok, ok ? "answered not-found for " + headKey
                    : ControlPlane.kindWord(e) + ": " + oneLine(e)));
        }
        if (readWrite) {
            byte[] r = new byte[8];
            new SecureRandom().nextBytes(r);
            String probe = PROBE_PREFIX + HexFormat.of().formatHex(r);
            boolean put = false;
            try {
                store.put(probe, Payload.ofBytes("bucketfs write probe\n".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII)), PutOptions.NONE);
                put = true;
                checks.add(check("put", true, "wrote " + probe));
            } catch (ObjectStoreException e) {
                checks.add(check("put", false, ControlPlane.kindWord(e) + ": " + oneLine(e)));
            }
            if (put) {
                try {
                    store.delete(probe);
                    checks.add(check("delete", true, "deleted " + probe));
                } catch (ObjectStoreException e) {
                    checks.add(check("delete", false, ControlPlane.kindWord(e) + ": " + oneLine(e)
                            + " (the probe object " + probe + " is left behind)"));
                }
            }
        }
        boolean reads = checks.get(0).get("allowed").equals(true) && checks.get(1).get("allowed").equals(true);
        boolean writes = readWrite && checks.stream().allMatch(x -> x.get("allowed").equals(true));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connection", c.name());
        out.put("bucket", c.bucket());
        out.put("checks", checks);
        out.put("allows", writes ? "read-write" : reads ? (readWrite ? "read-only (writes refused)" : "read")
                : "nothing");
        out.put("ok", readWrite ? writes : reads);
        return out;
    }

    private static Map<String, Object> check(String op, boolean allowed, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("allowed", allowed);
        m.put("detail", detail);
        return m;
    }
}
